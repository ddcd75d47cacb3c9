"""init, add, import, validate --strict and schema: a curator's bytes are never lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcdip import exporters
from pcdip.models import Event, Store
from pcdip.store import bundled_store, load_store

from . import conftest
from .conftest import DATA, invoke
from .strategies import event_lists

PCDIP = conftest.PCDIP or "pcdip"


def _event_dict(event_id: str) -> dict[str, object]:
    return {
        "id": event_id,
        "date": "2026-01",
        "title": f"Event {event_id}",
        "summary": "A test event.",
        "themes": ["training"],
        "sources": [{"title": "A page", "publisher": "Example", "url": "https://example.org/a"}],
    }


NEW = {
    "id": "2026-01-new-event",
    "date": "2026-01",
    "title": "A new event",
    "summary": "Something happened.",
    "countries": ["FJ"],
    "themes": ["training"],
    "sources": [{"title": "Report", "publisher": "Example", "url": "https://example.org/new"}],
}


def write_json(tmp_path: Path, events: list[dict], name: str = "batch.json") -> Path:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(json.dumps(events), "utf-8")
    return path


# --- init -------------------------------------------------------------------------------------


def test_init_creates_a_valid_empty_store_with_the_bundled_themes(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    r = invoke("init", str(path))
    assert r.code == 0 and "created" in r.err
    store = load_store(path)
    assert store.events == []
    assert [t.model_dump() for t in store.themes] == [t.model_dump() for t in load_store(bundled_store()).themes]


def test_init_never_overwrites(store: Path) -> None:
    before = store.read_bytes()
    r = invoke("init", str(store))
    assert r.code == 1 and "already exists" in r.err
    assert store.read_bytes() == before


# --- add --------------------------------------------------------------------------------------

ADD = [
    "add",
    "--date",
    "2026-01-05",
    "--title",
    "Fiji trains its police: phase two",
    "--summary",
    "A second course.",
    "-c",
    "fiji",
    "-c",
    "Solomons",
    "-t",
    "training",
    "--actor",
    "Fiji Police Force",
    "--source-url",
    "https://example.org/x",
    "--source-title",
    "Course",
    "--source-publisher",
    "Example",
    "--source-published",
    "2026-01-06",
]


def test_add_appends_and_keeps_every_existing_byte(store: Path) -> None:
    before = store.read_bytes()
    r = invoke(*ADD)
    assert r.code == 0, r.err
    after = store.read_bytes()
    assert after.startswith(before)
    event = load_store(store).event("2026-01-05-fiji-trains-its-police-phase-two")
    assert event is not None
    assert event.countries == ["FJ", "SB"] and event.actors == ["Fiji Police Force"]
    assert event.sources[0].published is not None and event.sources[0].published.text == "2026-01-06"
    assert r.err == f"added 2026-01-05-fiji-trains-its-police-phase-two to {store}\n"


def test_add_records_an_undated_page_and_a_copy(store: Path) -> None:
    args = [a for a in ADD if a not in ("--source-published", "2026-01-06")]
    r = invoke(*args, "--source-undated", "--source-reposted")
    assert r.code == 0, r.err
    event = load_store(store).event("2026-01-05-fiji-trains-its-police-phase-two")
    assert event is not None and event.sources[0].undated and event.sources[0].reposted and event.sources[0].published is None
    assert "2026-01-05-fiji-trains-its-police-phase-two" not in invoke("validate", "--strict").err  # nothing left to ask of the page


def test_add_without_a_date_or_undated_says_nothing_of_the_page(store: Path) -> None:
    args = [a for a in ADD if a not in ("--source-published", "2026-01-06")]
    assert invoke(*args).code == 0
    event = load_store(store).event("2026-01-05-fiji-trains-its-police-phase-two")
    assert event is not None and not event.sources[0].undated and not event.sources[0].reposted
    assert "2026-01-05-fiji-trains-its-police-phase-two" in invoke("validate", "--strict").err  # --strict asks for a date or undated


def test_add_undated_and_a_date_contradict(store: Path) -> None:
    before = store.read_bytes()
    r = invoke(*ADD, "--source-undated")
    assert r.code == 2 and "contradict" in r.err and store.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"-c": "Fjii"}, 1, "unknown country 'Fjii': did you mean Fiji"),
        ({"-t": "nope"}, 2, "unknown theme 'nope'"),
        ({"--date": "2026-13"}, 2, "month 13 does not exist"),
        ({"--source-url": "ftp://x"}, 2, "is not an http(s) URL"),
    ],
)
def test_add_rejects_bad_values_and_leaves_the_store(store: Path, change: dict[str, str], code: int, message: str) -> None:
    before = store.read_bytes()
    args = list(ADD)
    for option, value in change.items():
        args[args.index(option) + 1] = value
    r = invoke(*args)
    assert r.code == code and message in r.err, r.err
    assert store.read_bytes() == before


def test_add_duplicate_id_is_refused(store: Path) -> None:
    before = store.read_bytes()
    r = invoke(*ADD, "--id", "2011-04-fiji-mou")
    assert r.code == 1 and "event '2011-04-fiji-mou': id: duplicate id" in r.err
    assert store.read_bytes() == before


def test_add_without_a_terminal_names_what_is_missing(store: Path) -> None:
    r = invoke("add", "--date", "2026")
    assert r.code == 2
    assert (
        r.err
        == "pcdip: error: missing --title, --summary, --theme, --source-url, --source-title, --source-publisher (on a terminal, pcdip add asks for what is missing)\n"
    )


def _prompted(answers: list[str]) -> Any:
    from typer.testing import CliRunner

    from pcdip.cli import app

    return CliRunner().invoke(app, ["add"], input="\n".join(answers) + "\n")


def test_add_prompts_and_asks_again_on_a_terminal(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pcdip.cli import authoring

    monkeypatch.setattr(authoring, "is_terminal", lambda: True)
    result = _prompted(
        [
            "2026-13",
            "2026-02",  # date: a bad one, asked again
            "",  # end
            "Prompted event",
            "2011-04-fiji-mou",
            "",  # id: a duplicate, asked again; then the suggested one
            "Typed at a prompt.",
            "Fjii",
            "Fiji, PNG",  # countries: a typo, asked again with a suggestion
            "trainig",
            "Police training, joint patrols",  # themes: a typo, then names
            "Someone; Another body",  # actors
            "",  # note
            "2011-04-fiji-nope",
            "2011-04-fiji-mou",  # related: an unknown id, then a real one
            "not a url",
            "https://example.org/p",
            "Prompt source",
            "Example",
            "",
            "y",  # another source
            "https://example.org/q",
            "Second source",
            "Example",
            "2026-02-03",
            "n",  # no more sources
            "y",  # confirm
        ]
    )
    assert result.exit_code == 0, result.output
    assert "month 13 does not exist" in result.output + result.stderr
    assert "duplicate id" in result.stderr and "no event has the id '2011-04-fiji-nope'" in result.stderr
    assert "did you mean Fiji" in result.stderr and "unknown theme 'trainig' (did you mean 'training'?)" in result.stderr
    event = load_store(store).event("2026-02-prompted-event")
    assert event is not None and event.countries == ["FJ", "PG"] and event.actors == ["Someone", "Another body"]
    assert event.themes == ["training", "joint-patrol"] and event.related == ["2011-04-fiji-mou"]
    assert [s.title for s in event.sources] == ["Prompt source", "Second source"]
    assert [s.undated for s in event.sources] == [True, False]  # an empty date at the prompt: the page shows none
    assert "Prompted event" in result.output  # shown before the confirmation


def test_add_declined_at_the_confirmation_writes_nothing(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pcdip.cli import authoring

    monkeypatch.setattr(authoring, "is_terminal", lambda: True)
    before = store.read_bytes()
    result = _prompted(["2026-02", "", "Declined", "", "S.", "", "training", "", "", "", "https://example.org/p", "T", "P", "", "n", "n"])
    assert result.exit_code == 1 and "nothing was written" in result.stderr
    assert store.read_bytes() == before


def test_ctrl_c_at_an_add_prompt_writes_nothing_and_exits_130(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    from pcdip.cli import authoring

    monkeypatch.setattr(authoring, "is_terminal", lambda: True)
    calls = iter(["2026-02", "", "Interrupted"])

    def prompt(*args: object, **kwargs: object) -> str:
        try:
            return next(calls)
        except StopIteration:
            raise typer.Abort() from None  # what Click raises for Ctrl-C at a prompt

    monkeypatch.setattr(typer, "prompt", prompt)
    before = store.read_bytes()
    from typer.testing import CliRunner

    from pcdip.cli import app

    result = CliRunner().invoke(app, ["add"])
    assert result.exit_code == 130 and result.stderr == "pcdip: error: interrupted; nothing was written\n"
    assert store.read_bytes() == before


@pytest.mark.parametrize(
    "title, expected",
    [
        ("中国警察", "2024-zhongguojingcha"),
        ("Полиция Китая", "2024-politsiya-kitaya"),
        ("???", "2024-event"),
        ("Fiji's police: phase two", "2024-fiji-s-police-phase-two"),
    ],
)
def test_ids_are_transliterated_never_just_the_date(title: str, expected: str) -> None:
    from pcdip.cli.authoring import slugify

    assert slugify("2024", title) == expected


def test_a_non_latin_title_gets_its_own_id(store: Path) -> None:
    args = [
        "add",
        "--date",
        "2024",
        "--summary",
        "S.",
        "-t",
        "training",
        "--source-url",
        "https://example.org/x",
        "--source-title",
        "T",
        "--source-publisher",
        "P",
    ]
    assert invoke(*args, "--title", "中国警察").code == 0
    r = invoke(*args, "--title", "Полиция Китая")
    assert r.code == 0, r.err
    ids = [e.id for e in load_store(store).events]
    assert "2024-zhongguojingcha" in ids and "2024-politsiya-kitaya" in ids


# --- import -----------------------------------------------------------------------------------


def test_import_json_appends(tmp_path: Path, store: Path) -> None:
    before = store.read_bytes()
    r = invoke("import", str(write_json(tmp_path, [NEW])))
    assert r.code == 0, r.err
    assert r.err == f"imported 1 event into {store}\n"
    assert store.read_bytes().startswith(before)
    assert load_store(store).event("2026-01-new-event") is not None


def test_comments_survive_an_import(tmp_path: Path, store: Path) -> None:
    store.write_text("# A curator's comment at the top\n" + store.read_text("utf-8") + "\n# and one at the end, with odd   spacing\n", "utf-8")
    before = store.read_bytes()
    assert invoke("import", str(write_json(tmp_path, [NEW]))).code == 0
    after = store.read_text("utf-8")
    assert after.encode("utf-8").startswith(before)
    assert "# A curator's comment at the top\n" in after and "# and one at the end, with odd   spacing\n" in after


def test_rejected_batch_reports_every_problem_and_leaves_the_file_byte_identical(tmp_path: Path, store: Path) -> None:
    before = store.read_bytes()
    batch = [
        NEW,
        {**NEW, "id": "2026-bad-date", "date": "2026-13"},
        {**NEW, "id": "2026-bad-country", "countries": ["XX"]},
    ]
    r = invoke("import", str(write_json(tmp_path, batch)))
    assert r.code == 1
    assert "nothing was imported: 2 problems" in r.err
    assert "item 2: event '2026-bad-date': date:" in r.err and "item 3: event '2026-bad-country': countries:" in r.err
    assert store.read_bytes() == before

    clash = invoke("import", str(write_json(tmp_path, [NEW, {**NEW, "id": "2011-04-fiji-mou"}, {**NEW, "id": "x-1", "themes": ["nope"]}])))
    assert clash.code == 1
    assert "event '2011-04-fiji-mou': id: duplicate id" in clash.err and "event 'x-1': themes: 'nope' is not declared" in clash.err
    assert store.read_bytes() == before


def test_import_reports_syntax_errors_with_lines(tmp_path: Path, store: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text(json.dumps(NEW) + "\n{oops\n", "utf-8")
    r = invoke("import", str(bad))
    assert r.code == 1 and r.err.startswith(f"pcdip: error: {bad}:2:2: not valid JSON")


def test_import_needs_a_format_it_can_tell(tmp_path: Path) -> None:
    assert invoke("import", "-").code == 2
    other = tmp_path / "events.xml"
    other.write_text("<x/>", "utf-8")
    r = invoke("import", str(other))
    assert r.code == 2 and "add --format" in r.err
    assert invoke("import", str(tmp_path / "absent.json")).code == 1


def test_import_from_stdin(store: Path) -> None:
    from typer.testing import CliRunner

    from pcdip.cli import app

    result = CliRunner().invoke(app, ["import", "-", "--format", "ndjson"], input=json.dumps(NEW) + "\n")
    assert result.exit_code == 0, result.stderr
    assert load_store(store).event("2026-01-new-event") is not None


def test_invalid_store_is_not_written_to(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    shutil.copy(DATA / "broken-events.toml", broken)
    before = broken.read_bytes()
    r = invoke("import", str(write_json(tmp_path, [NEW])), "--store", str(broken))
    assert r.code == 1 and "the store is not valid, so nothing was written" in r.err
    assert broken.read_bytes() == before


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv", "toml"])
def test_export_init_import_export_on_the_bundled_store(tmp_path: Path, fmt: str) -> None:
    original = invoke("export", "--format", fmt, "--store", str(bundled_store())).out
    exported = tmp_path / f"all.{fmt}"
    exported.write_text(original, "utf-8", newline="")
    target = tmp_path / "new.toml"
    assert invoke("init", str(target)).code == 0
    r = invoke("import", str(exported), "--store", str(target))
    assert r.code == 0, r.err
    again = invoke("export", "--format", fmt, "--store", str(target)).out
    if fmt == "toml":  # a new store has its own title; its themes and events are the same
        for key in ("themes", "events"):
            assert tomllib.loads(again)[key] == tomllib.loads(original)[key]
    else:
        assert again == original


def _round_trip(tmp_path: Path, events: list[Event], fmt: str) -> None:
    template = load_store(bundled_store())
    source = Store(schema_version=1, themes=template.themes, events=events)
    text = exporters.get(fmt).write(events, source)
    assert isinstance(text, str)
    folder = Path(os.environ.get("TMPDIR", "/tmp")) if tmp_path is None else tmp_path
    target = folder / f"rt-{os.getpid()}-{fmt}.toml"
    target.unlink(missing_ok=True)
    exported = folder / f"rt-{os.getpid()}.{fmt}"
    exported.write_text(text, "utf-8", newline="")
    try:
        assert invoke("init", str(target)).code == 0
        r = invoke("import", str(exported), "--store", str(target))
        assert r.code == 0, r.err
        back = load_store(target)
        assert exporters.get(fmt).write(back.events, back) == text
        assert [e.to_dict() for e in back.events] == [e.to_dict() for e in events]
    finally:
        target.unlink(missing_ok=True)
        exported.unlink(missing_ok=True)


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv", "toml"])
def test_round_trip_property(tmp_path_factory: pytest.TempPathFactory, fmt: str) -> None:
    folder = tmp_path_factory.mktemp(f"rt-{fmt}")

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(event_lists(max_size=4))
    def check(events: list[Event]) -> None:
        _round_trip(folder, events, fmt)

    check()


# --- crashes and concurrency (real processes) ---------------------------------------------------


def test_four_concurrent_importers_all_land(tmp_path: Path, store: Path) -> None:
    files = [write_json(tmp_path, [{**NEW, "id": f"2026-batch-{b}-{i}"} for i in range(25)], f"b{b}.json") for b in range(4)]
    procs = [subprocess.Popen([PCDIP, "import", str(f), "--store", str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], results
    ids = {e.id for e in load_store(store).events}
    assert all(f"2026-batch-{b}-{i}" in ids for b in range(4) for i in range(25))
    assert len(load_store(store).events) == 7 + 100


KILLER = r"""
import os, signal, sys
from pathlib import Path
import pcdip.store as s
from pcdip.models import Event

def die(*args, **kwargs):  # the temporary file is written and fsynced; the process dies before the rename
    tmp = [p for p in Path(sys.argv[1]).parent.iterdir() if p.name.endswith(".tmp")]
    assert tmp and tmp[0].stat().st_size > 0
    os.kill(os.getpid(), signal.SIGKILL)

s.os.replace = die
event = Event.model_validate({"id": "2026-killed", "date": "2026", "title": "t", "summary": "s", "themes": ["training"],
                              "sources": [{"title": "t", "publisher": "p", "url": "https://example.org"}]})
s.append_events(sys.argv[1], [event])
"""


def test_writer_killed_before_the_rename_leaves_the_old_store(tmp_path: Path, store: Path) -> None:
    before = store.read_bytes()
    proc = subprocess.run([sys.executable, "-c", KILLER, str(store)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9, proc.stderr
    assert store.read_bytes() == before
    assert load_store(store).event("2026-killed") is None
    # The lock died with the process: the next writer goes ahead.
    assert invoke("import", str(write_json(tmp_path, [NEW]))).code == 0


def test_write_is_validated_before_it_replaces_the_store(tmp_path: Path) -> None:
    odd = tmp_path / "inline.toml"
    odd.write_text((DATA / "mini.toml").read_text("utf-8").split("[[events]]")[0] + "events = []\n", "utf-8")
    before = odd.read_bytes()
    r = invoke("import", str(write_json(tmp_path, [NEW])), "--store", str(odd))
    assert r.code == 1 and "nothing was written" in r.err
    assert odd.read_bytes() == before


# --- validate --strict and schema ---------------------------------------------------------------


def test_validate_strict_lists_quality_problems(store: Path) -> None:
    r = invoke("validate", "--strict")
    assert r.code == 1
    assert "valid, but 13 quality problems (--strict):" in r.err
    assert f"{store}: event '2016-05-italy-patrols': sources[0].published: missing" in r.err
    assert f"{store}: event '2016-05-italy-patrols': actors: none named" in r.err
    # an actor the event's text never names: the reader cannot see why it is listed
    assert f"{store}: event '2022-12-italy-ends-patrols': actors: 'Matteo Piantedosi' is not named in the title, summary or note" in r.err
    # a figure the event's text never gives: a reader of an export cannot see where it comes from
    assert f"{store}: event '2023-solomons-training': figures[1] (further_planned = more than 800): is not stated in the title, summary or note" in r.err
    assert "figures[0]" not in r.err  # "30 officers" is in its summary


def test_schema_validates_stores() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    r = invoke("schema")
    assert r.code == 0
    schema = json.loads(r.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    raw = tomllib.loads(bundled_store().read_text("utf-8"))
    assert list(validator.iter_errors(raw)) == []
    raw["events"][0]["colour"] = "blue"
    raw["events"][1]["date"] = "20-1"
    del raw["events"][2]["sources"]
    messages = sorted(e.message for e in validator.iter_errors(raw))
    assert len(messages) == 3, messages


def test_the_installed_store_is_never_written(tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pcdip.store

    monkeypatch.setattr(pcdip.store, "_packaged_store", lambda: store.resolve())
    before = store.read_bytes()
    r = invoke("import", str(write_json(tmp_path, [NEW])))
    assert r.code == 1 and "is the store installed with pcdip" in r.err and "pcdip init" in r.err
    assert store.read_bytes() == before


# --- safe writes ------------------------------------------------------------------------------


def test_a_symlinked_store_gets_the_event_and_stays_a_link(tmp_path: Path, store: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(store)
    before = store.read_bytes()
    r = invoke("import", str(DATA / "mini.toml"), "--store", str(link), "--on-duplicate", "skip")
    assert r.code == 0, r.err
    assert link.is_symlink() and link.resolve() == store.resolve()
    assert store.read_bytes() == before  # every event was a duplicate: nothing to add
    new = tmp_path / "new.ndjson"
    new.write_text(json.dumps(_event_dict("2026-01-linked")) + "\n", "utf-8")
    r = invoke("import", str(new), "--store", str(link))
    assert r.code == 0, r.err
    assert link.is_symlink()
    assert store.read_bytes().startswith(before) and b"2026-01-linked" in store.read_bytes()
    assert not (tmp_path / ".link.toml.lock").exists()


def test_on_duplicate_skip_imports_the_rest(tmp_path: Path, store: Path) -> None:
    export = invoke("export", "-f", "ndjson").out
    extra = json.dumps(_event_dict("2026-01-extra"))
    path = tmp_path / "update.ndjson"
    path.write_text(export + extra + "\n", "utf-8")
    assert invoke("import", str(path)).code == 1  # default: any duplicate rejects the batch
    r = invoke("import", str(path), "--on-duplicate", "skip")
    assert r.code == 0 and "imported 1 event" in r.err and "skipped 7 already in the store" in r.err
    assert [json.loads(line)["id"] for line in invoke("export", "-f", "ndjson").out.splitlines()].count("2026-01-extra") == 1


def _ndjson_ids(text: str) -> list[str]:
    return [json.loads(line)["id"] for line in text.splitlines()]


def test_on_duplicate_replace_writes_each_changed_event_where_it_stands(tmp_path: Path, store: Path) -> None:
    before = store.read_text("utf-8")
    order = [e.id for e in load_store(store).events]
    exported = [json.loads(line) for line in invoke("export", "-f", "ndjson").out.splitlines()]
    changed = exported[2]
    changed["title"] = "A corrected title"
    changed["countries"] = ["FJ", "TO"]
    path = tmp_path / "update.ndjson"
    path.write_text("".join(json.dumps(e) + "\n" for e in exported) + json.dumps(_event_dict("2026-01-extra")) + "\n", "utf-8")
    r = invoke("import", str(path), "--on-duplicate", "replace")
    assert r.code == 0, r.err
    assert r.err.startswith("imported 1 event into ") and "; replaced 1; 6 unchanged" in r.err
    after = load_store(store)
    assert [e.id for e in after.events] == [*order, "2026-01-extra"]  # the changed one stays where it stood
    got = next(e for e in after.events if e.id == changed["id"])
    assert got.title == "A corrected title" and got.countries == ["FJ", "TO"]
    # everything outside the replaced table is byte for byte as it was
    first = before.index("[[events]]")
    assert store.read_text("utf-8")[:first] == before[:first]
    untouched = [e for e in load_store(store).events if e.id != changed["id"] and e.id != "2026-01-extra"]
    assert [e.to_dict() for e in untouched] == [e.to_dict() for e in load_store(DATA / "mini.toml").events if e.id != changed["id"]]
    assert invoke("validate").code == 0


def test_on_duplicate_replace_keeps_the_comments_of_the_replaced_table(tmp_path: Path, store: Path) -> None:
    text = store.read_text("utf-8")
    target = load_store(store).events[1].id
    head = text.index(f'id = "{target}"')
    text = text[:head] + "# curator: check the date against the court record\n" + text[head:]
    text = text.replace(f'id = "{target}"', f'id = "{target}"  # renamed once, see issue 4', 1)
    store.write_text(text, "utf-8")
    event = next(e for e in load_store(store).events if e.id == target).to_dict()
    event["summary"] = "A corrected summary."
    path = write_json(tmp_path, [event])
    r = invoke("import", str(path), "--on-duplicate", "replace")
    assert r.code == 0 and "replaced 1" in r.err, r.err
    after = store.read_text("utf-8")
    assert "# curator: check the date against the court record" in after and "# renamed once, see issue 4" in after
    assert after.count("# A tiny store for the tests") == 1
    assert next(e for e in load_store(store).events if e.id == target).summary == "A corrected summary."


def test_on_duplicate_replace_is_all_or_nothing(tmp_path: Path, store: Path) -> None:
    before = store.read_bytes()
    events = [json.loads(line) for line in invoke("export", "-f", "ndjson").out.splitlines()]
    events[0]["title"] = "Changed"
    events[1]["themes"] = ["no-such-theme"]
    r = invoke("import", str(write_json(tmp_path, events)), "--on-duplicate", "replace")
    assert r.code == 1 and "no-such-theme" in r.err
    assert store.read_bytes() == before


def test_on_duplicate_replace_refuses_an_event_not_written_as_its_own_table(tmp_path: Path, store: Path) -> None:
    """A store may declare its events as an inline array; they cannot be replaced one by one."""
    import tomli_w

    def toml_value(v: Any) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(toml_value(x) for x in v) + "]"
        return json.dumps(v) if isinstance(v, str) else str(v).lower()

    inline = tmp_path / "inline.toml"
    document = tomllib.loads(store.read_text("utf-8"))
    rest = tomli_w.dumps({k: v for k, v in document.items() if k != "events"})
    inline.write_text(f"events = {toml_value(document['events'])}\n" + rest, "utf-8")
    assert invoke("validate", "--store", str(inline)).code == 0
    before = inline.read_bytes()
    event = document["events"][0] | {"title": "Changed"}
    r = invoke("import", str(write_json(tmp_path, [event])), "--on-duplicate", "replace", "--store", str(inline))
    assert r.code == 1 and "cannot be replaced in place" in r.err and "Traceback" not in r.err
    assert inline.read_bytes() == before


def test_on_duplicate_replace_of_identical_events_writes_nothing(tmp_path: Path, store: Path) -> None:
    before = store.read_bytes()
    path = tmp_path / "same.ndjson"
    path.write_text(invoke("export", "-f", "ndjson").out, "utf-8")
    r = invoke("import", str(path), "--on-duplicate", "replace")
    assert r.code == 0 and "imported 0 events" in r.err and "7 unchanged" in r.err and "replaced" not in r.err
    assert store.read_bytes() == before


def test_reimporting_a_filtered_export_with_replace_finds_it_unchanged(tmp_path: Path, bundled: Path) -> None:
    """The links a filtered export names outside itself are left out on import, and left out the
    same way before the comparison: importing the same file again changes nothing."""
    mine = tmp_path / "mine.toml"
    assert invoke("init", str(mine)).code == 0
    export = tmp_path / "fiji.ndjson"
    export.write_text(invoke("export", "-f", "ndjson", "-c", "Fiji").out, "utf-8")
    first = invoke("import", str(export), "--store", str(mine))
    assert first.code == 0 and "left out" in first.err, first.err
    before = mine.read_bytes()
    again = invoke("import", str(export), "--store", str(mine), "--on-duplicate", "replace")
    n = len(export.read_text("utf-8").splitlines())
    assert again.code == 0 and f"imported 0 events into {mine}; {n} unchanged" == again.err.strip(), again.err
    assert mine.read_bytes() == before


def test_an_unknown_on_duplicate_is_a_usage_error(store: Path) -> None:
    r = invoke("import", str(DATA / "mini.toml"), "--on-duplicate", "merge")
    assert r.code == 2 and "choose error, skip or replace" in r.err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=event_lists(max_size=5), data=st.data())
def test_replace_in_place_round_trips(tmp_path: Path, events: list[Event], data: st.DataObject) -> None:
    """Whatever events a store holds and whichever of them a batch changes, the store afterwards
    reads back as the old events with the changed ones substituted, in the old order, with every
    comment of the old file still there."""
    import tempfile

    from pcdip.store import append_events, init_store

    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "events.toml"
    init_store(path, load_store(DATA / "mini.toml"))
    if events:
        append_events(path, events)
    text = path.read_text("utf-8")
    # a curator's comments: before, inside and after each table
    lines = text.splitlines()
    commented = []
    for k, line in enumerate(lines):
        if line == "[[events]]":
            commented.append(f"# before table {k}")
        commented.append(line)
        if line.startswith("id = "):
            commented.append(f"# inside table {k}")
    commented.append("# the end")
    path.write_text("\n".join(commented) + "\n", "utf-8")
    comments = [line for line in commented if line.startswith("# ")]
    chosen = data.draw(st.lists(st.sampled_from(events), unique_by=lambda e: e.id) if events else st.just([]))
    changed = {e.id: e.model_copy(update={"title": f"{e.title} (revised)"[:300]}) for e in chosen}
    result = append_events(path, list(changed.values()), on_duplicate="replace")
    assert sorted(result.replaced) == sorted(changed) and result.added == []
    after = load_store(path)
    assert [e.to_dict() for e in after.events] == [changed.get(e.id, e).to_dict() for e in events]
    kept = [line for line in path.read_text("utf-8").splitlines() if line.startswith("# ")]
    assert sorted(kept) == sorted(comments)


def test_a_killed_writers_temporary_file_is_removed_by_the_next(tmp_path: Path, store: Path) -> None:
    stale = store.parent / f".{store.name}.999999.abc.tmp"
    stale.write_text("half a store")
    path = tmp_path / "one.ndjson"
    path.write_text(json.dumps(_event_dict("2026-01-after-kill")) + "\n", "utf-8")
    assert invoke("import", str(path)).code == 0
    assert not stale.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
def test_a_file_size_limit_is_a_clean_error_and_changes_nothing(tmp_path: Path, store: Path) -> None:
    path = tmp_path / "one.ndjson"
    path.write_text(json.dumps(_event_dict("2026-01-too-big")) + "\n", "utf-8")
    before = store.read_bytes()
    limit = len(before) + 10
    code = f"import resource, subprocess, sys; resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); sys.exit(subprocess.run(sys.argv[1:]).returncode)"
    proc = subprocess.run([sys.executable, "-c", code, PCDIP, "import", str(path), "--store", str(store)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("pcdip: error:") and "size limit" in proc.stderr and "nothing was changed" in proc.stderr
    assert "unexpected" not in proc.stderr
    assert store.read_bytes() == before
    assert [p.name for p in store.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_filtered_exports_can_be_used_as_they_stand(tmp_path: Path, bundled: Path) -> None:
    """The README's recipes: a filtered toml export is a valid store, and a filtered export imports
    into an empty store, links to events outside the selection left out and counted."""
    fiji = tmp_path / "fiji.toml"
    r = invoke("export", "-f", "toml", "-c", "Fiji", "-o", str(fiji))
    assert r.code == 0, r.err
    assert invoke("timeline", "--store", str(fiji)).code == 0
    training = tmp_path / "training.toml"
    assert invoke("init", str(training)).code == 0
    ndjson = invoke("export", "-f", "ndjson", "-t", "training").out
    source = tmp_path / "training.ndjson"
    source.write_text(ndjson, "utf-8")
    r = invoke("import", str(source), "--store", str(training))
    assert r.code == 0, r.err
    assert "left out" in r.err and "related link" in r.err
    assert len(invoke("export", "-f", "ndjson", "--store", str(training)).out.splitlines()) == len(ndjson.splitlines())


@pytest.mark.parametrize("name, text", [("deep.json", "[" * 5000 + "]" * 5000), ("deep.ndjson", '{"a":' * 3000 + "1" + "}" * 3000)])
def test_deeply_nested_imports_are_a_clear_error(tmp_path: Path, store: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text + "\n", "utf-8")
    before = store.read_bytes()
    r = invoke("import", str(path))
    assert r.code == 1 and "nested too deeply" in r.err and "unexpected" not in r.err
    assert store.read_bytes() == before
