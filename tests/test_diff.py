"""`pcdip diff` and pcdip.diff: what changed between two stores, as data, Markdown, and a view."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

import pcdip.cli.diff  # registers the command  # noqa: F401
from pcdip.cache import open_engine
from pcdip.cli.diff import diff_view
from pcdip.diff import Diff, FieldChange, diff_files, diff_stores, same
from pcdip.store import load_store

from .conftest import DATA, ROOT, invoke

MINI = (DATA / "mini.toml").read_text("utf-8")

# Each edit: (old text, new text), applied once to the mini store.
EDITS = [
    ('title = "Test store"', 'title = "Test store, second edition"'),
    ('label = "Police training"', 'label = "Training of police"'),  # relabelled
    (
        '[[themes]]\nid = "repatriation"\nlabel = "Repatriation"\ndescription = "Returns of nationals."\n',
        '[[themes]]\nid = "equipment"\nlabel = "Equipment"\ndescription = "Gifts of equipment."\n',
    ),  # one theme out, one in
    ('title = "Fiji and China sign a police cooperation memorandum"', 'title = "Fiji and China sign a policing memorandum"'),
    ('date = "2016-05"\nend = "2019"', 'date = "2016-05-02"\nend = "2019"'),
    ('url = "https://example.org/italy-2022"', 'url = "https://example.org/italy-2022-b"'),
    ('name = "officers_trained"\nvalue = 30\n', 'name = "officers_trained"\nvalue = 30.0\n'),  # same number, another type
]
REMOVED = "2025-02-20-myanmar-repatriation"
NEW_EVENT = """
[[events]]
id = "2025-06-samoa-equipment"
date = "2025-06"
title = "China gives Samoa's police *new* [radios](x) <b>now</b>"
summary = "Radios."
countries = ["WS"]
themes = ["equipment"]

[[events.sources]]
title = "Radios"
publisher = "Example Post"
url = "https://example.org/samoa"
"""


def _edited() -> str:
    text = MINI
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    start = text.index(f'[[events]]\nid = "{REMOVED}"')
    end = text.index("[[events]]", start + 1)
    return text[:start] + text[end:] + NEW_EVENT


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    old.write_text(MINI, "utf-8")
    new.write_text(_edited(), "utf-8")
    return old, new


# --- the library ------------------------------------------------------------------------------


def test_added_removed_and_changed_events_field_by_field(pair: tuple[Path, Path]) -> None:
    d = diff_files(*pair)
    assert [e["id"] for e in d.added] == ["2025-06-samoa-equipment"]
    assert [e["id"] for e in d.removed] == [REMOVED]
    assert d.removed[0]["figures"] == [{"name": "repatriated", "value": 200, "qualifier": None, "unit": None}]  # the whole old object
    assert [(c.id, c.fields) for c in d.changed] == [
        ("2011-04-fiji-mou", ["title"]),
        ("2016-05-italy-patrols", ["date"]),
        ("2022-12-italy-ends-patrols", ["sources"]),
        ("2023-solomons-training", ["figures"]),
    ]
    fiji, italy, _, solomons = d.changed
    assert fiji.changes == (FieldChange("title", "Fiji and China sign a police cooperation memorandum", "Fiji and China sign a policing memorandum"),)
    assert (fiji.title, italy.date) == ("Fiji and China sign a policing memorandum", "2016-05-02")
    assert italy.changes == (FieldChange("date", "2016-05", "2016-05-02"),)
    sources = d.changed[2].changes[0]
    gone, came = sources.items()
    assert [s["url"] for s in gone] == ["https://example.org/italy-2022"] and [s["url"] for s in came] == ["https://example.org/italy-2022-b"]
    figures = solomons.changes[0]
    assert (figures.old[0]["value"], figures.new[0]["value"]) == (30, 30.0)
    assert type(figures.old[0]["value"]) is int and type(figures.new[0]["value"]) is float
    assert (d.old_events, d.new_events, d.unchanged) == (7, 7, 2)


def test_themes_and_header(pair: tuple[Path, Path]) -> None:
    d = diff_files(*pair)
    assert [t["id"] for t in d.themes_added] == ["equipment"]
    assert d.themes_removed == (
        {"id": "repatriation", "label": "Repatriation", "description": "Returns of nationals.", "pushback": False, "cues": ["repatriat", "return"]},
    )
    assert [(t.id, t.changes) for t in d.themes_changed] == [("training", (FieldChange("label", "Police training", "Training of police"),))]
    assert d.themes_changed[0].relabelled == FieldChange("label", "Police training", "Training of police")
    assert d.header == (FieldChange("title", "Test store", "Test store, second edition"),)
    assert d.summary() == "7 events before, 7 after: 1 added, 1 removed, 4 changed, 2 unchanged; themes: 1 added, 1 removed, 1 changed."
    assert not d.empty


def test_engines_and_validated_stores_give_the_same_diff(pair: tuple[Path, Path]) -> None:
    from_engines = diff_stores(open_engine(pair[0]), open_engine(pair[1]))
    from_models = diff_stores(load_store(pair[0]), load_store(pair[1]))
    assert from_engines.to_dict() == from_models.to_dict()
    assert from_engines.to_dict()["events"]["changed"][0]["changes"] == [
        {"field": "title", "old": "Fiji and China sign a police cooperation memorandum", "new": "Fiji and China sign a policing memorandum"}
    ]


def test_the_same_store_has_no_differences(store: Path) -> None:
    d = diff_files(store, store)
    assert d.empty and d == Diff(old_events=7, new_events=7, old_name=str(store), new_name=str(store))
    assert d.summary() == "7 events before, 7 after: 0 added, 0 removed, 0 changed, 7 unchanged."
    assert d.to_markdown().endswith("\n\nNo differences.\n")
    assert d.to_dict()["counts"] == {
        "old_events": 7,
        "new_events": 7,
        "added": 0,
        "removed": 0,
        "changed": 0,
        "unchanged": 7,
        "themes_added": 0,
        "themes_removed": 0,
        "themes_changed": 0,
    }


def test_values_are_compared_with_their_types() -> None:
    assert same([{"value": 1}], [{"value": 1}]) and same(None, None)
    assert not same(30, 30.0) and not same(True, 1) and not same([1, 2], [2, 1]) and not same(None, [])


def test_reordered_list_items_are_a_change_with_nothing_added_or_removed() -> None:
    change = FieldChange("countries", ["FJ", "IT"], ["IT", "FJ"])
    assert change.items() == ([], [])
    assert FieldChange("countries", ["FJ"], ["FJ", "IT"]).items() == ([], ["IT"])


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_changelog_is_escaped_and_complete(pair: tuple[Path, Path]) -> None:
    md = diff_files(*pair).to_markdown()
    assert md.startswith(f"# Changes from {pair[0]} to {pair[1]}".replace(".", "\\.").replace("-", "\\-").replace("_", "\\_"))
    for heading in ("## Store", "## Themes", "## Added events (1)", "## Removed events (1)", "## Changed events (4)"):
        assert f"\n{heading}\n" in md
    assert "- Relabelled `training`: Police training → Training of police" in md
    assert "- Added `equipment`: Equipment" in md and "- Removed `repatriation`: Repatriation" in md
    assert "- **2016\\-05\\-02** Italian and Chinese police patrol together in Rome and Milan `2016-05-italy-patrols`: date" in md
    assert "  - `date`: 2016\\-05 → 2016\\-05\\-02" in md
    assert "  - removed from `sources`: [Example Wire: Italy stops patrols, 2022\\-12\\-19](https://example.org/italy-2022)" in md
    html = MarkdownIt().render(md)
    # Data is text: the new event's title shows its stars, brackets and tag, none of them applied.
    assert "<b>now</b>" not in html and "<em>new</em>" not in html and 'href="x"' not in html
    assert "China gives Samoa's police *new* [radios](x) &lt;b&gt;now&lt;/b&gt;" in html
    assert '<a href="https://example.org/italy-2022-b">Example Wire: Italy stops patrols, 2022-12-19</a>' in html
    assert html.count("<h2>") == 5


# --- the command ------------------------------------------------------------------------------


def test_cli_plain_table_when_piped(pair: tuple[Path, Path]) -> None:
    old, new = pair
    r = invoke("diff", str(old), str(new))
    assert (r.code, r.err) == (0, "")
    assert (
        r.out
        == f"""{old} → {new}
7 events before, 7 after: 1 added, 1 removed, 4 changed, 2 unchanged; themes: 1 added, 1 removed, 1 changed.
store
      title - Test store
      title + Test store, second edition
themes
  + equipment  Equipment
  - repatriation  Repatriation
  ~ training label: Police training → Training of police
added
  + 2025-06      China gives Samoa's police *new* [radios](x) <b>now</b>  2025-06-samoa-equipment
removed
  - 2025-02-20   China repatriates 200 nationals from Myanmar via Thailand  2025-02-20-myanmar-repatriation
changed
  ~ 2011-04      Fiji and China sign a policing memorandum  2011-04-fiji-mou
      title - Fiji and China sign a police cooperation memorandum
      title + Fiji and China sign a policing memorandum
  ~ 2016-05-02   Italian and Chinese police patrol together in Rome and Milan  2016-05-italy-patrols
      date - 2016-05
      date + 2016-05-02
  ~ 2022-12-19   Italy ends joint patrols with China  2022-12-italy-ends-patrols
      sources - Example Wire: Italy stops patrols, 2022-12-19 <https://example.org/italy-2022>
      sources + Example Wire: Italy stops patrols, 2022-12-19 <https://example.org/italy-2022-b>
  ~ 2023~        Chinese police train Solomon Islands officers  2023-solomons-training
      figures - officers_trained: 30
      figures + officers_trained: 30.0
"""
    )


def test_cli_json_parses_back_to_the_library_diff(pair: tuple[Path, Path]) -> None:
    old, new = pair
    r = invoke("diff", str(old), str(new), "--format", "json")
    assert (r.code, r.err) == (0, "")
    data = json.loads(r.out)
    assert data == diff_files(old, new).to_dict()
    assert data["counts"]["added"] == 1 and data["events"]["added"][0]["countries"] == ["WS"]
    assert data["events"]["changed"][3]["changes"][0]["new"][0]["value"] == 30.0
    assert data["themes"]["changed"] == [{"id": "training", "changes": [{"field": "label", "old": "Police training", "new": "Training of police"}]}]


def test_cli_markdown_and_no_differences(pair: tuple[Path, Path], store: Path) -> None:
    old, new = pair
    r = invoke("diff", str(old), str(new), "-f", "md")
    assert (r.code, r.err, r.out) == (0, "", diff_files(old, new).to_markdown())
    same_store = invoke("diff", str(store), str(store))
    assert (same_store.code, same_store.out.splitlines()[1:]) == (
        0,
        ["7 events before, 7 after: 0 added, 0 removed, 0 changed, 7 unchanged.", "No differences."],
    )


def test_cli_errors(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = pair
    missing = invoke("diff", str(old), str(tmp_path / "nope.toml"))
    assert (missing.code, missing.out) == (1, "")
    assert missing.err == f"pcdip: error: {tmp_path / 'nope.toml'}: no such file (give a store file, or REV:PATH for one in git's history)\n"
    broken = invoke("diff", str(DATA / "broken-events.toml"), str(old))
    assert broken.code == 1 and broken.err.startswith("pcdip: error: ") and broken.out == ""
    bad = invoke("diff", str(old), str(old), "--format", "csv")
    assert (bad.code, bad.err) == (2, "pcdip: error: --format csv: choose one of table, json, md\n")
    assert invoke("diff", str(old)).code == 2  # NEW is required


def test_cli_help_has_an_example() -> None:
    r = invoke("diff", "--help")
    text = " ".join(r.out.split())
    assert r.code == 0 and "Example: pcdip diff" in text and "Exit 0 whether or not the stores differ" in text and "REV:PATH" in text


def test_rich_view_shows_store_text_as_data(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = pair
    odd = tmp_path / "odd.toml"
    odd.write_text(
        new.read_text("utf-8").replace('title = "Fiji and China sign a policing memorandum"', 'title = "[bold red]Fiji[/bold red] signs \u202egnp.exe"'),
        "utf-8",
    )
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=True, color_system="truecolor", highlight=False, markup=False)
    console.print(diff_view(diff_files(old, odd)))
    shown = buffer.getvalue()
    assert "\x1b[" in shown  # styled on a terminal
    plain = Console(file=io.StringIO(), width=100, no_color=True)
    with plain.capture() as capture:
        plain.print(diff_view(diff_files(old, odd)))
    text = capture.get()
    assert "[bold red]Fiji[/bold red] signs \\u202egnp.exe" in text  # markup printed, the bidi override made visible
    assert "\u202e" not in text and "\u202e" not in shown
    for section in ("Store", "Themes", "Added (1)", "Removed (1)", "Changed (4)"):
        assert section in text
    assert "+ 2016-05-02" in text and "- 2016-05" in text


# --- a real case: the bundled store against release 0.1.4 --------------------------------------

OLD_RELEASE = "52533d8"  # Dataset 0.1.4: 187 events, before [events.provenance] existed


@pytest.fixture
def release_014(tmp_path: Path) -> Path:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and the repository's history")
    shown = subprocess.run([git, "-C", str(ROOT), "show", f"{OLD_RELEASE}:data/events.toml"], capture_output=True)
    if shown.returncode != 0:
        pytest.skip(f"commit {OLD_RELEASE} is not available: {shown.stderr.decode(errors='replace').strip()}")
    path = tmp_path / "events-0.1.4.toml"
    path.write_bytes(shown.stdout)
    return path


def _raw_events(path: Path) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in tomllib.loads(path.read_text("utf-8"))["events"]}


def test_bundled_store_against_release_0_1_4(release_014: Path, bundled: Path) -> None:
    d = diff_files(release_014, bundled)
    old_raw, new_raw = _raw_events(release_014), _raw_events(bundled)
    assert (d.old_events, d.new_events) == (len(old_raw), len(new_raw)) and len(old_raw) == 187
    new_order = list(open_engine(bundled).ids())
    assert [e["id"] for e in d.added] == [i for i in new_order if i not in old_raw]
    assert {e["id"] for e in d.removed} == set(old_raw) - set(new_raw)
    changed = {c.id: c for c in d.changed}
    assert set(changed) | {i for i in old_raw if i in new_raw and i not in changed} == set(old_raw) & set(new_raw)
    for event_id in set(old_raw) & set(new_raw):
        fields = changed[event_id].fields if event_id in changed else []
        before, after = old_raw[event_id], new_raw[event_id]
        assert "provenance" not in before  # 0.1.4 had no provenance: every event that has one now changed
        assert ("provenance" in fields) == ("provenance" in after)
        for key in ("title", "summary", "date", "note"):  # plain strings in the TOML: compared here without pcdip
            assert (key in fields) == (before.get(key) != after.get(key)), (event_id, key)
    notes = [c for c in d.changed if "note" in c.fields]
    assert notes, "the 0.2.0 sweep rewrote notes"
    note = next(ch for ch in notes[0].changes if ch.field == "note")
    assert (note.old, note.new) == (old_raw[notes[0].id].get("note"), new_raw[notes[0].id].get("note"))
    old_themes = {t["id"] for t in tomllib.loads(release_014.read_text(encoding="utf-8"))["themes"]}
    assert [t["id"] for t in d.themes_added] == [t.id for t in open_engine(bundled).header.themes if t.id not in old_themes] == ["meetings"]
    assert d.themes_removed == ()
    # 0.2.14 gave every theme its cues, and widened three descriptions; nothing else of a theme changed
    header = {t.id: t for t in open_engine(bundled).header.themes}
    assert {t.id for t in d.themes_changed} == old_themes
    for change in d.themes_changed:
        assert {c.field for c in change.changes} <= {"description", "cues"}
        assert [(c.old, c.new) for c in change.changes if c.field == "cues"] == [([], header[change.id].cues)]


def test_cli_against_release_0_1_4(release_014: Path, bundled: Path) -> None:
    r = invoke("diff", str(release_014), str(bundled), "--format", "json")
    assert r.code == 0
    data = json.loads(r.out)
    counts = data["counts"]
    assert counts["old_events"] == 187 and counts["added"] + counts["changed"] + counts["unchanged"] == counts["new_events"]
    assert len(data["events"]["added"]) == counts["added"] and len(data["events"]["changed"]) == counts["changed"]
    md = invoke("diff", str(release_014), str(bundled), "-f", "md")
    assert md.code == 0 and f"\n## Added events ({counts['added']})\n" in md.out and f"\n## Changed events ({counts['changed']})\n" in md.out
    table = invoke("diff", str(release_014), str(bundled))
    assert table.code == 0
    themes_added = len(data["themes"]["added"])  # listed with "+" too, under "themes"
    assert [t["id"] for t in data["themes"]["added"]] == ["meetings"]  # the vocabulary of 0.2.10
    assert sum(line.startswith("  + ") for line in table.out.splitlines()) == counts["added"] + themes_added
    theme_changes = sum(len(t["changes"]) for t in data["themes"]["changed"])  # a "~" line per changed field of a theme
    assert sum(line.startswith("  ~ ") for line in table.out.splitlines()) == counts["changed"] + theme_changes


def test_a_side_can_be_a_git_revision(pair: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`REV:PATH` reads the store as git holds it, so a release can be compared without checking it out."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("needs git")
    old, new = pair
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    monkeypatch.chdir(repo)
    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def run(*args: str) -> None:
        subprocess.run([git, *args], check=True, capture_output=True)

    run("init", "-q")
    shutil.copy(old, repo / "events.toml")
    run("add", "events.toml")
    run("commit", "-qm", "old")
    shutil.copy(new, repo / "events.toml")
    from_git = invoke("diff", "HEAD:events.toml", "events.toml", "--format", "json")
    from_files = invoke("diff", str(old), str(new), "--format", "json")
    assert from_git.code == 0, from_git.err
    assert json.loads(from_git.out)["events"] == json.loads(from_files.out)["events"]
    assert json.loads(from_git.out)["counts"]["changed"] > 0
    bad = invoke("diff", "nosuchrev:events.toml", "events.toml")
    assert bad.code == 1 and bad.err.startswith("pcdip: error: nosuchrev:events.toml: no such file, and git cannot read it") and "Traceback" not in bad.err
