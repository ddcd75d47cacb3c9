"""Every command through Typer's CliRunner: output, filters, formats, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcdip import __version__
from pcdip.cli import app
from pcdip.exporters import FORMATS

from .conftest import invoke

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_timeline_plain_when_piped() -> None:
    r = invoke("timeline")
    assert r.code == 0 and r.err == ""
    assert r.out == (
        "2011\n"
        "  2011-04      Fiji and China sign a police cooperation memorandum  [Fiji; agreement]  2011-04-fiji-mou\n"
        "2016\n"
        "  2016-05–2019 Italian and Chinese police patrol together in Rome and Milan  [Italy; joint-patrol]  2016-05-italy-patrols\n"
        "2022\n"
        "  2022-04-21   A global security statement  [—; agreement]  2022-04-global-statement\n"
        "  2022-12-19   Italy ends joint patrols with China  [Italy; joint-patrol, scrutiny]  2022-12-italy-ends-patrols\n"
        "2023\n"
        "  2023~        Chinese police train Solomon Islands officers  [Solomon Islands; training]  2023-solomons-training\n"
        "2024\n"
        "  2024-03-20   Fiji keeps its policing memorandum but ends embedded officers  [Fiji; agreement, scrutiny]  2024-03-fiji-keeps-mou\n"
        "2025\n"
        "  2025-02-20   China repatriates 200 nationals from Myanmar via Thailand  [Myanmar (Burma), Thailand; repatriation]  2025-02-20-myanmar-repatriation\n"
    )


def _ids(*args: str) -> list[str]:
    r = invoke(*args, "--format", "json")
    assert r.code == 0, r.err
    return [e["id"] for e in json.loads(r.out)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--from", "2023-06"), ["2023-solomons-training", "2024-03-fiji-keeps-mou", "2025-02-20-myanmar-repatriation"]),
        (("--from", "2022", "--to", "2023-06"), ["2022-04-global-statement", "2022-12-italy-ends-patrols", "2023-solomons-training"]),
        (("-c", "fiji"), ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]),
        (("-c", "Solomons", "-c", "FJI"), ["2011-04-fiji-mou", "2023-solomons-training", "2024-03-fiji-keeps-mou"]),
        (("-t", "scrutiny"), ["2022-12-italy-ends-patrols", "2024-03-fiji-keeps-mou"]),
        (("--region", "South-eastern Asia"), ["2025-02-20-myanmar-repatriation"]),
        (("--region", "southern europe"), ["2016-05-italy-patrols", "2022-12-italy-ends-patrols"]),
        (("--actor", "liu"), ["2025-02-20-myanmar-repatriation"]),
        (("--actor", "liu", "-a", "piantedosi"), ["2022-12-italy-ends-patrols", "2025-02-20-myanmar-repatriation"]),  # any of them
        (("-s", "patrol"), ["2016-05-italy-patrols", "2022-12-italy-ends-patrols"]),
        (("-n", "1", "--reverse"), ["2025-02-20-myanmar-repatriation"]),
        (("--from", "2030"), []),
    ],
)
def test_timeline_filters(args: tuple[str, ...], expected: list[str]) -> None:
    assert _ids("timeline", *args) == expected


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv", "md"])
def test_timeline_formats(fmt: str) -> None:
    r = invoke("timeline", "-c", "Italy", "--format", fmt)
    assert r.code == 0 and "2022-12-italy-ends-patrols" in r.out


def test_timeline_csv_parses() -> None:
    r = invoke("timeline", "--format", "csv", "--fields", "id,countries")
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0] == ["id", "countries"] and ["2025-02-20-myanmar-repatriation", "MM;TH"] in rows


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (("theme", "pushback"), ["2022-12-italy-ends-patrols", "2024-03-fiji-keeps-mou"]),
        (("theme", "Joint patrols"), ["2016-05-italy-patrols", "2022-12-italy-ends-patrols"]),
        (("theme", "joint", "patrols"), ["2016-05-italy-patrols", "2022-12-italy-ends-patrols"]),
        (("timeline", "-t", "JOINT_PATROL", "-t", "pushback", "--from", "2022"), ["2022-12-italy-ends-patrols", "2024-03-fiji-keeps-mou"]),
        (("export", "-t", "Police training", "--fields", "id"), ["2023-solomons-training"]),
    ],
)
def test_themes_by_name(args: tuple[str, ...], ids: list[str]) -> None:
    r = invoke(*args, *(() if "--fields" in args else ("--format", "json")))
    assert r.code == 0, r.err
    assert [e["id"] for e in json.loads(r.out)] == ids


@pytest.mark.usefixtures("bundled")
def test_an_ambiguous_theme_word_is_an_error_naming_the_candidates() -> None:
    r = invoke("theme", "police")
    assert (r.code, r.out) == (1, "")
    assert r.err == "pcdip: error: theme 'police' could be any of training, liaison-officers, overseas-stations; give one of those ids\n"


def test_empty_result_is_success() -> None:
    r = invoke("timeline", "--from", "2030")
    assert (r.code, r.out, r.err) == (0, "No events match.\n", "")
    assert invoke("export", "--from", "2030").out == "[]\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("timeline", "-c", "Fjii"), 1, "pcdip: error: unknown country 'Fjii': did you mean Fiji or Finland?\n"),
        (
            ("timeline", "-t", "trainig"),
            1,
            "pcdip: error: unknown theme 'trainig' (did you mean 'training'?); valid themes: training, joint-patrol, agreement, repatriation, scrutiny\n",
        ),
        (("timeline", "--region", "Atlantis"), 1, None),
        (("timeline", "--from", "2023-13"), 2, None),
        (("timeline", "--from", "2024", "--to", "2023"), 2, "pcdip: error: --to 2023 is before --from 2024\n"),
        (("timeline", "--format", "xml"), 2, f"pcdip: error: unknown format 'xml'; choose one of: {', '.join(FORMATS)}\n"),
        (("timeline", "--format", "toml"), 2, None),
        (("timeline", "--fields", "id"), 2, "pcdip: error: --fields works with json, ndjson, csv, tsv, not table\n"),
        (("export", "--fields", "id,nope"), 2, None),
        (("export", "--format", "xml"), 2, None),
        (("timeline", "--limit", "-1"), 2, None),
        (("timeline", "--bogus"), 2, None),
        (("country", "Narnia"), 1, None),
        (("country", "Congo"), 1, None),
        (("country", "Fiji", "--format", "csv"), 2, None),
        (("show", "2022-12-italy-end-patrols"), 1, "pcdip: error: no event has the id '2022-12-italy-end-patrols'; did you mean 2022-12-italy-ends-patrols?\n"),
        (("theme", "nope"), 1, None),
        (
            ("timeline", "--store", "/nonexistent/events.toml"),
            1,
            "pcdip: error: /nonexistent/events.toml: no such store; pass --store PATH or set PCDIP_STORE\n",
        ),
    ],
)
def test_errors_are_one_message_and_an_exit_code(args: tuple[str, ...], code: int, message: str | None) -> None:
    r = invoke(*args)
    assert r.code == code, (r.out, r.err)
    assert r.out == ""
    assert "Traceback" not in r.err and r.err
    if message is not None:
        assert r.err == message


def test_invalid_store_lists_every_problem() -> None:
    broken = str(Path(__file__).parent / "data" / "broken-events.toml")
    r = invoke("timeline", "--store", broken)
    assert r.code == 1
    lines = r.err.splitlines()
    assert lines[0] == f"pcdip: error: {broken}: the store is not valid (8 problems):"
    assert len(lines) == 9 and all(line.startswith(f"  {broken}:") for line in lines[1:])


def test_country_profile_table() -> None:
    r = invoke("country", "Fiji")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[:4] == ["Fiji  FJ / FJI", "Oceania › Melanesia", "", "2 events, from 2011-04 to 2024-03-20"]
    assert "Pushback and scrutiny" in r.out and "Fiji keeps its policing memorandum" in r.out
    assert "\x1b" not in r.out


def test_country_profile_json_uses_export_event_objects() -> None:
    r = invoke("country", "FJ", "--format", "json")
    profile = json.loads(r.out)
    exported = json.loads(invoke("export", "-c", "FJ").out)
    assert profile["events"] == exported
    assert profile["country"]["name"] == "Fiji" and profile["counts"]["events"] == 2
    assert profile["pushback"] == ["2024-03-fiji-keeps-mou"]


def test_country_without_events_is_a_profile() -> None:
    r = invoke("country", "Niger")
    assert r.code == 0
    assert r.out.splitlines() == ["Niger  NE / NER", "Africa › Western Africa", "", "The record holds no events for Niger."]


def test_theme_command_any_and_all() -> None:
    assert _ids("theme", "joint-patrol", "agreement") == [
        "2011-04-fiji-mou",
        "2016-05-italy-patrols",
        "2022-04-global-statement",
        "2022-12-italy-ends-patrols",
        "2024-03-fiji-keeps-mou",
    ]
    assert _ids("theme", "joint-patrol", "scrutiny", "--all") == ["2022-12-italy-ends-patrols"]
    assert _ids("theme", "agreement", "--from", "2020", "-c", "Fiji") == ["2024-03-fiji-keeps-mou"]


def test_themes_and_countries_lists() -> None:
    themes = json.loads(invoke("themes", "--format", "json").out)
    assert [(t["id"], t["events"]) for t in themes] == [("training", 1), ("joint-patrol", 2), ("agreement", 3), ("repatriation", 1), ("scrutiny", 2)]
    assert themes[-1]["pushback"] is True
    countries = json.loads(invoke("countries", "--format", "json").out)
    assert [(c["code"], c["events"]) for c in countries] == [("FJ", 2), ("IT", 2), ("MM", 1), ("SB", 1), ("TH", 1)]
    assert countries[0] == {"code": "FJ", "alpha3": "FJI", "name": "Fiji", "region": "Oceania", "subregion": "Melanesia", "events": 2}
    table = invoke("themes").out
    assert "joint-patrol" in table and "Training of foreign police." in table


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("-t", "pushback"), [("FJ", 1), ("IT", 1)]),
        (("--region", "Oceania", "--from", "2020"), [("FJ", 1), ("SB", 1)]),
        (("--region", "South-eastern Asia"), [("MM", 1), ("TH", 1)]),
        (("--to", "2015"), [("FJ", 1)]),
        (("--from", "2030"), []),
    ],
)
def test_countries_counts_only_the_events_the_filters_select(args: tuple[str, ...], expected: list[tuple[str, int]]) -> None:
    r = invoke("countries", *args, "--format", "json")
    assert r.code == 0, r.err
    assert [(c["code"], c["events"]) for c in json.loads(r.out)] == expected
    table = invoke("countries", *args)
    assert table.code == 0 and (table.out == "No events match.\n") == (not expected)
    assert [line.split()[0] for line in table.out.splitlines()[2:]] == [code for code, _ in expected]


def test_show_full_event() -> None:
    r = invoke("show", "2022-12-italy-ends-patrols")
    assert r.code == 0
    for text in (
        "Italy ends joint patrols with China",
        "2022-12-19",
        "Italy (IT)",
        "Matteo Piantedosi",
        "follows",
        "2016-05–2019  Italian and Chinese police patrol together",
        "[1] Example Wire: Italy stops patrols (2022-12-19)",
        "https://example.org/italy-2022",
        "archived: https://web.archive.org/web/2022/https://example.org/italy-2022",
    ):
        assert text in r.out, text
    back = invoke("show", "2016-05-italy-patrols").out
    assert "followed by" in back and "Italy ends joint patrols with China" in back
    data = json.loads(invoke("show", "2023-solomons-training", "--format", "json").out)
    assert data["date"] == "2023~" and data["note"].startswith("The year is approximate")
    assert "date       2023 (approximate)" in invoke("show", "2023-solomons-training").out


def test_export_to_file(tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    r = invoke("export", "--format", "csv", "-o", str(out), "-t", "scrutiny")
    assert (r.code, r.out, r.err) == (0, "", f"wrote 2 events to {out}\n")
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [row["id"] for row in rows] == ["2022-12-italy-ends-patrols", "2024-03-fiji-keeps-mou"]


def test_export_toml_is_a_store(tmp_path: Path) -> None:
    out = tmp_path / "copy.toml"
    invoke("export", "--format", "toml", "-o", str(out))
    assert invoke("export", "--store", str(out)).out == invoke("export").out
    assert invoke("validate", "--store", str(out)).code == 0


def test_validate() -> None:
    r = invoke("validate")
    assert r.code == 0 and r.err.endswith(": valid: 7 events, 5 themes; 13 quality warnings (see --strict)\n")
    broken = invoke("validate", "--store", str(Path(__file__).parent / "data" / "broken-events.toml"))
    assert broken.code == 1 and broken.err.count("\n") == 9


def test_version() -> None:
    r = invoke("--version")
    assert (r.code, r.out) == (0, f"pcdip {__version__}\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    r = invoke(command, "--help")
    assert r.code == 0 and "Example" in r.out


@pytest.mark.parametrize("command", ["import", "show", "cite", "diff"])
def test_help_prose_wraps_to_the_terminal(command: str) -> None:
    """A docstring's own line breaks are not kept: on a wide terminal each paragraph of the
    description is one line, not the ragged lines of the source file."""
    import typer.main

    from pcdip.cli import app as the_app

    doc = typer.main.get_command(the_app).commands[command].callback.__doc__  # type: ignore[attr-defined,union-attr]
    paragraphs = [" ".join(line.strip() for line in p.splitlines()) for p in doc.strip().split("\n\n")]
    out = invoke(command, "--help", env={"COLUMNS": "1000"}).out
    lines = {line.strip() for line in out.splitlines()}
    assert any("\n" in p.strip() for p in doc.strip().split("\n\n"))  # the docstring does break its prose
    assert all(p in lines for p in paragraphs), out


def test_store_text_is_never_markup(tmp_path: Path, store: Path) -> None:
    evil = tmp_path / "evil.toml"
    text = store.read_text("utf-8").replace(
        'title = "Italy ends joint patrols with China"',
        'title = "[bold]Bold?[/] [link=https://evil.example]click[/link] Invoice \\u202egnp.exe zero\\u200bwidth"',
    )
    evil.write_text(text, "utf-8")
    for args in (("timeline",), ("show", "2022-12-italy-ends-patrols"), ("country", "Italy"), ("timeline", "--format", "md")):
        r = invoke(*args, "--store", str(evil), env={"COLUMNS": "400"})
        assert r.code == 0, r.err
        assert "\u202e" not in r.out and "\u200b" not in r.out
        if args[-1] != "md":
            assert "[bold]Bold?[/] [link=https://evil.example]click[/link] Invoice \\u202egnp.exe zero\\u200bwidth" in r.out


@pytest.mark.parametrize("field", ["title", "summary"])
def test_control_characters_in_a_store_are_refused(tmp_path: Path, store: Path, field: str) -> None:
    evil = tmp_path / "evil.toml"
    old = {"title": 'title = "Italy ends joint patrols with China"', "summary": 'summary = "Italy'}[field]
    new = {"title": 'title = "red \\u001b[31m"', "summary": 'summary = "\\u009b2J Italy'}[field]
    text = store.read_text("utf-8")
    assert old in text
    evil.write_text(text.replace(old, new, 1), "utf-8")
    r = invoke("timeline", "--store", str(evil))
    assert r.code == 1 and r.out == ""
    assert f"{field}: holds the control character" in r.err


def test_terminal_views_escape_store_text(tmp_path: Path, store: Path) -> None:
    """On a colour terminal Rich writes its own escape codes, but none that came from the data."""
    from rich.console import Console

    from pcdip import countries
    from pcdip.engine import Profile
    from pcdip.records import Header, Record
    from pcdip.render import event_view, profile_view, timeline_table
    from pcdip.store import load_store

    # Validation refuses control characters; the views still neutralise any that reach them
    # (a record built by hand, bypassing validation).
    s = load_store(store)
    header = Header(s.header())
    raw = s.event("2022-12-italy-ends-patrols").to_dict()  # type: ignore[union-attr]
    event = Record({**raw, "title": "[red]x[/red] \x1b]8;;https://x\x07link \u202eevil"})
    for width in (80, 200):
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=width)
        profile = Profile(countries.get("IT"), [event], [("scrutiny", 1)], [event])
        for view in (timeline_table([event], header, console), event_view(event, header), profile_view(profile, header, console)):
            console.print(view)
        out = buffer.getvalue()
        assert "\x1b[" in out  # Rich's own styling is there
        assert "\x1b]8;;https://x" not in out and "\u202e" not in out and "\x07" not in out
        assert "[red]x[/red] \\x1b]8;;https://x\\x07link \\u202eevil" in out


def test_stats_json() -> None:
    r = invoke("stats", "--format", "json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["events"] == 7 and data["first"] == "2011-04" and data["last"] == "2025-02-20"
    assert list(data["by_year"]) == [str(y) for y in range(2011, 2026)] and data["by_year"]["2012"] == 0
    assert data["by_year"]["2022"] == 2 and sum(data["by_year"].values()) == 7
    assert data["by_theme"] == {"agreement": 3, "joint-patrol": 2, "scrutiny": 2, "training": 1, "repatriation": 1}
    assert data["by_region"] == {"Oceania": 3, "Europe": 2, "Asia": 1, "(global or China)": 1}
    assert data["top_countries"][0] == {"code": "FJ", "name": "Fiji", "events": 2}
    filtered = json.loads(invoke("stats", "--format", "json", "-c", "Italy").out)
    assert filtered["events"] == 2 and filtered["by_theme"] == {"joint-patrol": 2, "scrutiny": 1}


def test_stats_table_has_bars() -> None:
    r = invoke("stats")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0] == "7 events, 2011-04 to 2025-02-20"
    assert any(line.startswith("2022 2 █") for line in lines)
    assert any(line.startswith("2012 0") and "█" not in line for line in lines)
    assert invoke("stats", "--from", "2030").out == "No events match.\n"


@pytest.mark.parametrize(
    ("words", "expected"),
    [("pcdip country Solo", "Solomon Islands"), ("pcdip timeline -t trai", "training"), ("pcdip timeline --region Melan", "Melanesia")],
)
def test_shell_completion_of_countries_themes_and_regions(words: str, expected: str) -> None:
    env = {"_PCDIP_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [], env=env, prog_name="pcdip")
    assert expected.replace(" ", "\\ ") in result.stdout.splitlines()  # as bash must insert it


@pytest.mark.parametrize("width", [80, 200])
def test_views_fit_the_terminal_width(width: int, bundled: Path) -> None:
    from rich.console import Console

    from pcdip.cache import open_engine
    from pcdip.render import profile_view, stats_view, timeline_table

    eng = open_engine(bundled)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(timeline_table(list(eng.select()), eng.header, console))
    console.print(profile_view(eng.profile("FJ"), eng.header, console))
    console.print(stats_view(eng.stats(), eng.header, console))
    lines = buffer.getvalue().splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    # Long titles wrap rather than being cut: the longest Fiji title's words are all there.
    text = " ".join(buffer.getvalue().split())
    longest = max((e.title for e in eng.select() if "FJ" in e.countries), key=len)
    assert len(longest) > 70 and longest in text


def test_show_never_breaks_a_url(tmp_path: Path, store: Path) -> None:
    long_url = "https://example.org/" + "a-very-long-path-segment/" * 8 + "end"
    path = tmp_path / "long.toml"
    path.write_text(store.read_text("utf-8").replace('url = "https://example.org/italy-2022"', f'url = "{long_url}"'), "utf-8")
    r = invoke("show", "2022-12-italy-ends-patrols", "--store", str(path), env={"COLUMNS": "60"})
    assert r.code == 0
    assert f"    {long_url}" in r.out.splitlines()


# --- usage errors, help, and the Typer internals they rely on --------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (("timeline", "--bogus"), "pcdip: error: No such option: --bogus (see 'pcdip timeline --help')\n"),
        (("timeline", "--reverse", "true"), "pcdip: error: Got unexpected extra argument(s) (true) (see 'pcdip timeline --help')\n"),
        (("nosuch",), "pcdip: error: No such command 'nosuch'. (see 'pcdip --help')\n"),
        (("timeline", "-c"), "pcdip: error: Option '-c' requires an argument. (see 'pcdip --help')\n"),
    ],
)
def test_usage_errors_are_one_plain_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    r = invoke(*args)
    assert (r.code, r.out, r.err) == (2, "", message)


@pytest.mark.parametrize("command", [*COMMANDS, "cache"])
def test_help_shows_no_type_placeholders(command: str) -> None:
    r = invoke(command, "--help")
    assert r.code == 0
    assert not re.search(r"<(bool|str|int|path|list\[[a-z]+\])>", r.out), r.out


def test_typer_internals_pcdip_relies_on() -> None:
    """pcdip.cli._compat names what it uses of Typer beyond its documented API: fail here, loudly,
    if a Typer upgrade moves any of it (then update _compat and the pin in pyproject.toml)."""
    import typer
    import typer.main
    from typer.core import TyperOption

    from pcdip.cli import _compat
    from pcdip.cli import app as the_app

    assert _compat.Option is TyperOption and _compat.Abort is typer.Abort and _compat.TyperException is typer.TyperException
    group = typer.main.get_command(the_app)
    options = [p for p in group.commands["timeline"].params if isinstance(p, TyperOption)]  # type: ignore[attr-defined]
    assert options
    for option in options:
        for name in ("opts", "is_flag", "count", "metavar", "type_descriptor"):
            assert hasattr(option, name), name
    assert any(_compat.takes_int(o) for o in options)  # --limit
    assert all(hasattr(c, "name") and hasattr(c, "callback") for c in the_app.registered_commands)  # app_for's shortcut
    r = invoke("timeline", "--bogus")  # a usage error: a TyperException with exit_code, ctx and format_message()
    assert r.code == 2 and "No such option" in r.err
    # shell completion: classes registered by shell name, each formatting one item per line
    from typer._click.shell_completion import CompletionItem, get_completion_class
    from typer._completion_classes import BashComplete, PowerShellComplete

    _compat.quote_completions(lambda v: f"<{v}>", lambda v: f"[{v}]")
    bash, powershell = get_completion_class("bash"), get_completion_class("pwsh")
    assert bash is not None and issubclass(bash, BashComplete) and powershell is not None and issubclass(powershell, PowerShellComplete)
    assert bash(group, {}, "pcdip", "_PCDIP_COMPLETE").format_completion(CompletionItem("a b")) == "<a b>"
    assert powershell(group, {}, "pcdip", "_PCDIP_COMPLETE").format_completion(CompletionItem("a b")).startswith("[a b]")


def _parameters() -> list[tuple[object, object]]:
    """(command, parameter) for every option and argument of every command, help included, as
    `pcdip` prepares them before parsing."""
    import typer
    import typer.main

    from pcdip.cli import _compat, _prepare

    group = typer.main.get_command(app)
    _prepare(group)
    found: list[tuple[object, object]] = []

    def walk(command: object) -> None:
        params = list(getattr(command, "params", []))
        params.append(command.get_help_option(typer.Context(command, help_option_names=["-h", "--help"])))  # type: ignore[attr-defined]
        found.extend((command, p) for p in params if isinstance(p, (_compat.Option, _compat.Argument)))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(group)
    return found


PARAMETERS = _parameters()
CLI_VALUES = st.one_of(
    st.none(),
    st.text(st.characters(codec=None), max_size=12),  # lone surrogates too, as a Latin-1 terminal gives them
    st.from_regex(r"\A[ +-]?[0-9٣_]{0,25} ?\Z"),
    st.sampled_from(["", "-", ".", "/", "/dev/null", "/nonexistent/x", "1.0", "1e3", "true", "0", "yes"]),
    st.integers(),
    st.booleans(),
)


def _outcome(coerce, value, param, ctx):  # type: ignore[no-untyped-def]
    try:
        result = coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the two coercions must fail alike
        return ("error", type(exc).__name__, str(exc))
    return ("value", type(result).__name__, result)


@pytest.mark.parametrize(("command", "param"), PARAMETERS, ids=[f"{c.name}:{p.name}" for c, p in PARAMETERS])  # type: ignore[attr-defined]
@settings(max_examples=30)
@given(data=st.data())
def test_plain_coercion_answers_as_typers_own(command: Any, param: Any, data: st.DataObject) -> None:
    """pcdip coerces plain values without building Typer's Pydantic adapters (start-up time): for
    every parameter of every command and any value, the answer (or the error) is Typer's own."""
    import typer
    from typer._coercion import build_runtime_param

    multiple = param.multiple or param.nargs == -1
    value = data.draw(st.lists(CLI_VALUES.filter(lambda v: v is not None), max_size=3).map(tuple) if multiple else CLI_VALUES)
    ctx = typer.Context(command)
    ours = param.get_runtime_param()
    assert getattr(ours, "plain", False)
    assert _outcome(ours.coerce, value, param, ctx) == _outcome(build_runtime_param(param.type_descriptor).coerce, value, param, ctx)


def test_a_query_from_the_index_does_not_import_pydantic(bundled: Path, tmp_path: Path) -> None:
    """Start-up: a query answered from the index needs neither the models nor Typer's adapters."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PCDIP_CACHE_DIR": str(tmp_path / "cache"), "PCDIP_STORE": str(bundled)}
    env.pop("PCDIP_NO_CACHE", None)
    code = "import sys; from pcdip.cli import main\ntry:\n main()\nexcept SystemExit: pass\nprint('pydantic' in sys.modules, file=sys.stderr)"
    args = ["timeline", "--format", "json", "-c", "Fiji", "-n", "5", "--store", str(bundled)]
    first = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    again = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    assert first.stdout == again.stdout and json.loads(again.stdout)
    assert again.stderr.strip() == "False"


# --- export -o: never over the store, whole or not at all -------------------------------------


def test_export_refuses_to_overwrite_the_store_it_reads(store: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    link = tmp_path / "link.toml"
    link.symlink_to(store)
    for target in (store, link):
        r = invoke("export", "--store", str(store), "-f", "json", "-o", str(target))
        assert r.code == 1 and "would replace the store" in r.err, r.err
    r = invoke("export", "--store", str(link), "-f", "toml", "-c", "Italy", "-o", str(store))
    assert r.code == 1
    assert store.read_bytes() == before


def test_export_refuses_the_installed_store(tmp_path: Path) -> None:
    from pcdip.errors import OutputError
    from pcdip.outputs import check_target
    from pcdip.store import _packaged_store

    with pytest.raises(OutputError, match="installed with pcdip"):
        check_target(_packaged_store(), None)


def test_export_dash_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = invoke("export", "-f", "ndjson", "-o", "-")
    assert r.code == 0 and len(r.out.splitlines()) == 7
    assert not (tmp_path / "-").exists()


def test_a_failed_export_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "events.csv"
    target.write_text("the old export\n")

    def broken(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        yield "id,date\r\n"
        raise OSError(28, "No space left on device")

    from pcdip.exporters import csvfmt

    monkeypatch.setattr(csvfmt, "framed_csv", broken)  # what the command line writes a CSV with
    r = invoke("export", "-f", "csv", "-o", str(target))
    assert r.code == 1 and "no space left on the device" in r.err and "nothing was changed" in r.err
    assert target.read_text() == "the old export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1))
def test_completions_are_quoted_so_the_shell_reads_them_back_whole(value: str) -> None:
    import shlex

    from pcdip.cli import bash_quoted, powershell_quoted

    assert shlex.split(bash_quoted(value)) == [value]
    quoted = powershell_quoted(value)
    assert quoted == value or (quoted.startswith("'") and quoted.endswith("'") and quoted[1:-1].replace("''", "'") == value)


@pytest.mark.parametrize("columns", ["80", "120"])
def test_themes_table_never_breaks_a_label_inside_a_word(bundled: Path, columns: str) -> None:
    """At a terminal's usual widths every word of every label is printed whole, on one line."""
    from pcdip.cache import open_engine

    lines = invoke("themes", env={"COLUMNS": columns}).out.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    start = lines[0].index("label")  # the label column's text, line by line
    end = lines[0].index("description")
    printed_words = {word for line in lines[2:] for word in line[start:end].split()}
    for theme in open_engine(bundled).header.themes:
        assert set(theme.label.split()) <= printed_words, theme.label
