"""Reading and validating stores: every problem reported, located, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcdip.errors import StoreError, ValidationError
from pcdip.store import bundled_store, load_store, locate

from .conftest import DATA
from .strategies import event_lists


def test_loads_the_mini_store(store: Path) -> None:
    s = load_store(store)
    assert [e.id for e in s.events][:2] == ["2011-04-fiji-mou", "2016-05-italy-patrols"]
    assert s.pushback_themes == {"scrutiny"}
    italy = s.event("2016-05-italy-patrols")
    assert italy is not None and italy.end is not None and italy.end.text == "2019"
    solomons = s.event("2023-solomons-training")
    assert solomons is not None
    assert [(f.name, f.value, f.qualifier) for f in solomons.figures] == [("officers_trained", 30, None), ("further_planned", 800, "more-than")]
    assert solomons.figures[1].describe() == "more than 800"


def test_locate_prefers_explicit_then_env_then_bundled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert locate(tmp_path / "x.toml") == tmp_path / "x.toml"
    monkeypatch.setenv("PCDIP_STORE", str(tmp_path / "env.toml"))
    assert locate() == tmp_path / "env.toml"
    monkeypatch.delenv("PCDIP_STORE")
    assert locate() == bundled_store()
    assert bundled_store().is_file()


def test_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no such store; pass --store PATH or set PCDIP_STORE"):
        load_store(tmp_path / "absent.toml")


def test_folder_instead_of_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        load_store(tmp_path)


def test_syntax_error_gives_file_line_and_column() -> None:
    with pytest.raises(StoreError, match=r"broken-syntax\.toml:10:12: TOML syntax error: "):
        load_store(DATA / "broken-syntax.toml")


def test_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'schema_version = 1\ntitle = "caf\xe9"\n')
    with pytest.raises(StoreError, match=r"latin1\.toml:2: not UTF-8"):
        load_store(bad)


def test_every_problem_is_reported_with_line_and_event() -> None:
    with pytest.raises(ValidationError) as info:
        load_store(DATA / "broken-events.toml")
    path = DATA / "broken-events.toml"
    assert info.value.message == f"{path}: the store is not valid (8 problems):"
    assert info.value.details == [
        f"{path}:8: event '2023-good': related: no event has the id 'no-such-event'",
        f"{path}:22: event '2023-bad-date': date: '2023-13' is not a valid date: month 13 does not exist; "
        'write "2023", "2022-12" or "2025-02-20", optionally ending in ~ (approximate), ? (uncertain) or % (both)',
        f"{path}:22: event '2023-bad-date': countries: 'Fiji' is not an ISO 3166-1 alpha-2 country code (did you mean 'FJ'?)",
        f"{path}:22: event '2023-bad-date': sources[0].url: 'ftp://example.org/b' is not an http(s) URL",
        f"{path}:35: event '2023-good': id: duplicate id; every event needs its own",
        f"{path}:35: event '2023-good': themes: 'patrols' is not declared in the store's [[themes]]; declared: training",
        f"{path}:47: event '2023-no-sources': sources: is required but missing",
        f"{path}:47: event '2023-no-sources': colour: is not a field of the schema (misspelt?)",
    ]


def _store_with(tmp_path: Path, text: str) -> Path:
    header = (DATA / "mini.toml").read_text("utf-8")
    path = tmp_path / "s.toml"
    path.write_text(header + "\n" + text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("event", "fragment"),
    [
        ('id = "Bad Id"', "'Bad Id' is not a slug"),
        ('id = "x"\ndate = "2023"\nend = "2022"', "end 2022 is before date 2023"),
        ('id = "x"\nrelated = ["x"]', "cannot be related to itself"),
        ('id = "x"\ncountries = ["FJ", "FJ"]', "lists a country twice"),
        ('id = "x"\ntitle = "  "', "title: must not be empty"),
        ('id = "x"\nthemes = []', "themes: List should have at least 1 item"),
        ('id = "x"\ncountries = ["fj"]', "did you mean 'FJ'"),
    ],
)
def test_event_rules(tmp_path: Path, event: str, fragment: str) -> None:
    base = {"id": '"x"', "date": '"2023"', "title": '"T"', "summary": '"S"', "themes": '["training"]'}
    lines = dict(line.split(" = ", 1) for line in event.splitlines())
    body = "\n".join(f"{k} = {v}" for k, v in {**base, **lines}.items())
    path = _store_with(tmp_path, f'[[events]]\n{body}\n[[events.sources]]\ntitle = "t"\npublisher = "p"\nurl = "https://e.org"\n')
    with pytest.raises(ValidationError) as info:
        load_store(path)
    assert any(fragment in d for d in info.value.details), info.value.details


def test_figures_must_be_numbers(tmp_path: Path) -> None:
    path = _store_with(
        tmp_path,
        '[[events]]\nid = "x"\ndate = "2023"\ntitle = "T"\nsummary = "S"\nthemes = ["training"]\n'
        '[[events.figures]]\nname = "officers"\nvalue = "800+"\n'
        '[[events.sources]]\ntitle = "t"\npublisher = "p"\nurl = "https://e.org"\n',
    )
    with pytest.raises(ValidationError) as info:
        load_store(path)
    assert any("figures[0].value" in d for d in info.value.details)


def test_schema_version_and_themes_are_required(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("schema_version = 2\nsurprise = 1\n", "utf-8")
    with pytest.raises(ValidationError) as info:
        load_store(path)
    assert info.value.details == [
        f"{path}: schema_version: 2; this pcdip reads schema_version = 1",
        f"{path}: surprise: is not a top-level key of a store (schema_version, title, description, themes, events)",
        f"{path}: themes: the store declares no themes; add [[themes]] tables with id, label and description",
    ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('description = "Policing agreements."\n', 'description = "Policing agreements."\ncues = [""]\n', "themes[2].cues[0]: must not be empty"),
        (
            'description = "Policing agreements."\n',
            'description = "Policing agreements."\ncues = "memorandum"\n',
            "themes[2].cues: Input should be a valid list",
        ),
        ('label = "Police training"', 'label = ""', "themes[0].label: must not be empty"),
    ],
)
def test_a_broken_theme_is_reported_once_and_the_others_stay_declared(tmp_path: Path, old: str, new: str, problem: str) -> None:
    """One bad theme is one problem: its events, and every other theme's, are not also reported as undeclared."""
    path = tmp_path / "events.toml"
    text = (DATA / "mini.toml").read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(ValidationError) as info:
        load_store(path)
    assert info.value.details == [f"{path}: {problem}"]


def test_an_event_of_a_theme_with_no_valid_id_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.toml"
    path.write_text((DATA / "mini.toml").read_text("utf-8").replace('id = "training"', "id = 5", 1), "utf-8")
    with pytest.raises(ValidationError) as info:
        load_store(path)
    assert info.value.details[0] == f"{path}: themes[0].id: Input should be a valid string"
    assert len(info.value.details) == 2 and "'training' is not declared in the store's [[themes]]; declared: agreement, joint-patrol" in info.value.details[1]


# --- large stores are parsed in pieces ---------------------------------------------------------


def _big_store(tmp_path: Path, n: int = 4500, note: str | None = None, bad_at: int | None = None) -> Path:
    import tomli_w

    from pcdip.exporters.tomlfmt import event_table

    mini = load_store(DATA / "mini.toml")
    base = [e for e in mini.events if not e.related]
    events = []
    for i in range(n):
        table = event_table(base[i % len(base)])
        table["id"] = f"e{i}"
        if note is not None and i == n // 2:
            table["note"] = note
        if bad_at is not None and i == bad_at:
            table["date"] = "2023-13"
        events.append(table)
    path = tmp_path / "big.toml"
    header = {"schema_version": 1, "themes": [t.model_dump() for t in mini.themes]}
    path.write_text(tomli_w.dumps(header) + "\n" + tomli_w.dumps({"events": events}, multiline_strings=True), "utf-8")
    return path


def test_large_store_in_pieces_equals_whole(tmp_path: Path) -> None:
    import tomllib

    from pcdip.store import _pieces, validate_raw

    path = _big_store(tmp_path)
    data = path.read_bytes()
    assert _pieces(data, path) is not None  # this store is parsed in pieces
    whole, problems = validate_raw(tomllib.loads(data.decode()), path, data)
    assert problems == [] and whole is not None
    assert [e.to_dict() for e in load_store(path).events] == [e.to_dict() for e in whole.events]


def test_events_header_inside_a_string_falls_back_to_a_whole_parse(tmp_path: Path) -> None:
    note = "A note that quotes a store:\n[[events]]\nid = 'not-an-event'\nand goes on."
    path = _big_store(tmp_path, note=note)
    assert "\n[[events]]\nid = 'not-an-event'" in path.read_text("utf-8")
    store = load_store(path)
    assert len(store.events) == 4500 and store.events[2250].note == note


def test_error_in_a_late_piece_has_the_right_line(tmp_path: Path) -> None:
    path = _big_store(tmp_path, bad_at=4400)
    with pytest.raises(ValidationError) as info:
        load_store(path)
    (detail,) = info.value.details
    line = int(detail.split(":")[1])
    lines = path.read_text("utf-8").splitlines()
    assert lines[line - 1].strip() == "[[events]]" and lines[line] == 'id = "e4400"'
    assert "event 'e4400': date: '2023-13' is not a valid date" in detail


# --- parsers and checks written twice: each pair held against the other ----------------------


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("hHtTpPsS:/.-_aZ09@?#%&=~ \"'<>\\é\x00\x7f")), max_size=30).map(lambda s: "https://" + s))
def test_fast_url_check_accepts_only_what_the_parser_accepts(url: str) -> None:
    from pcdip.models import _PLAIN_URL, check_url_parsed

    if _PLAIN_URL.fullmatch(url):
        assert check_url_parsed(url) == url


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_lists(max_size=3), st.sampled_from(["", "\ufeff"]), st.booleans())
def test_toml_rs_and_tomllib_read_a_store_alike(events: list, bom: str, quoted: bool) -> None:  # type: ignore[type-arg]
    import tomllib

    import tomli_w

    from pcdip.exporters.tomlfmt import event_table
    from pcdip.store import event_lines, parse_toml, scan_event_lines

    text = tomli_w.dumps({"schema_version": 1, "events": [event_table(e) for e in events]})
    if quoted:
        text = text.replace("[[events]]", '[[ "events" ]]')
    text += 'zz_quoted = """\n[[events]]\n"""\n' if events else ""
    data = (bom + text).encode("utf-8")
    assert parse_toml(data, Path("s.toml")) == tomllib.loads(text)
    assert event_lines(data) == scan_event_lines(text)
    assert len(event_lines(data)) == len(events)


@pytest.mark.parametrize("parser", ["toml-rs", "tomllib"])
def test_deep_nesting_is_a_clear_error(tmp_path: Path, store: Path, parser: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pcdip.errors import PcdipError
    from pcdip.store import load_store

    if parser == "tomllib":
        monkeypatch.setenv("PCDIP_TOML", "tomllib")
    path = tmp_path / "deep.toml"
    path.write_text(store.read_text("utf-8").replace('title = "Test store"', "title = " + "[" * 5000 + "]" * 5000), "utf-8")
    with pytest.raises(PcdipError) as info:
        load_store(path)
    assert "nested too deeply" in info.value.message or any("title" in d for d in info.value.details)


def test_validate_raw_leaves_its_argument_alone(store: Path) -> None:
    import tomllib

    from pcdip.store import validate_raw

    raw = tomllib.loads(store.read_text("utf-8"))
    before = [dict(e) for e in raw["events"]]
    validated, problems = validate_raw(raw, store)
    assert validated is not None and problems == []
    assert raw["events"] == before


@pytest.mark.parametrize(
    "header, message",
    [
        ("schema_version = true", "schema_version: True"),
        ("schema_version = 1\ntitle = 5", "title:"),
        ('schema_version = 1\ndescription = ["a"]', "description:"),
    ],
)
def test_header_fields_are_checked(tmp_path: Path, store: Path, header: str, message: str) -> None:
    from pcdip.errors import ValidationError
    from pcdip.store import load_store

    text = store.read_text("utf-8").replace("schema_version = 1", header, 1).replace('title = "Test store"\n', "", 1)
    path = tmp_path / "h.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ValidationError) as info:
        load_store(path)
    assert any(message in d for d in info.value.details), info.value.details


def test_a_byte_order_mark_is_accepted(tmp_path: Path, store: Path) -> None:
    from pcdip.store import load_store

    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + store.read_bytes())
    assert len(load_store(path).events) == 7


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "a\\nb", "control character"),
        ("title", "x" * 301, "at most 300"),
        ("summary", "x" * 20001, "at most 20,000"),
        ("url", "https://reuters.com@evil.example/", "user information"),
        ("url", "https://example.org/a b", "percent-encode"),
        ("url", 'https://example.org/"x"', "percent-encode"),
        ("url", "ftp://example.org/", "not an http(s) URL"),
    ],
)
def test_field_limits(tmp_path: Path, store: Path, field: str, value: str, message: str) -> None:
    from pcdip.errors import ValidationError
    from pcdip.store import load_store

    old = {"title": 'title = "Italy ends joint patrols with China"', "summary": 'summary = "Italy', "url": 'url = "https://example.org/italy-2022"'}[field]
    new = {"title": f'title = "{value}"', "summary": f'summary = "{value}', "url": f"url = '{value}'"}[field]
    text = store.read_text("utf-8")
    assert old in text
    path = tmp_path / "f.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(ValidationError) as info:
        load_store(path)
    assert any(message in d for d in info.value.details), info.value.details


def test_uppercase_scheme_is_a_url() -> None:
    from pcdip.models import check_url

    assert check_url("HTTPS://EXAMPLE.ORG") == "HTTPS://EXAMPLE.ORG"


def test_nan_and_infinity_are_refused() -> None:
    from pydantic import ValidationError as PydanticError

    from pcdip.models import Figure

    for value in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(PydanticError):
            Figure(name="n", value=value)


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "a\nb"),
        ("title", "x" * 301),
        ("summary", "x\x1b"),
        ("actors", ["a\tb"]),
        ("url", "https://reuters.com@evil.example/"),
        ("url", 'https://example.org/"x"'),
        ("url", "HTTPS://EXAMPLE.ORG"),
        ("title", "fine"),
    ],
)
def test_validate_and_the_json_schema_agree(field: str, value: object) -> None:
    import copy

    import jsonschema
    from pydantic import ValidationError as PydanticError

    from pcdip.models import Event, store_json_schema

    event = {
        "id": "e",
        "date": "2023",
        "title": "T",
        "summary": "S",
        "themes": ["a"],
        "sources": [{"title": "t", "publisher": "p", "url": "https://example.org/x"}],
    }
    changed = copy.deepcopy(event)
    if field == "url":
        changed["sources"][0]["url"] = value  # type: ignore[index]
    else:
        changed[field] = value
    try:
        Event.model_validate(changed)
        model_ok = True
    except PydanticError:
        model_ok = False
    store = {"schema_version": 1, "themes": [{"id": "a", "label": "A", "description": "d"}], "events": [changed]}
    schema_ok = not list(jsonschema.Draft202012Validator(store_json_schema()).iter_errors(store))
    assert model_ok == schema_ok


@given(
    st.lists(
        st.sampled_from(["[[events]]", "  [[ events ]]", "\t[[events]]x", "x [[events]]", "[[events.sources]]", "\n", "\r\n", "id = 1", "'''", "[[events]]\n"]),
        max_size=30,
    )
)
def test_header_starts_is_the_multiline_pattern(parts: list[str]) -> None:
    """The quick scan finds exactly the line starts a multi-line `^` pattern finds (it is only faster)."""
    import re

    from pcdip.store import header_starts

    data = "".join(parts).encode()
    reference = [m.start() for m in re.finditer(rb"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", data, re.MULTILINE)]
    assert header_starts(data) == reference


_QUALIFIERS = st.sampled_from([None, "at-least", "more-than", "approximately", "up-to"])
_VALUES = st.integers(min_value=0, max_value=10**15) | st.floats(min_value=0, max_value=1e18, allow_nan=False, allow_infinity=False)


@given(value=_VALUES, qualifier=_QUALIFIERS, unit=st.sampled_from([None, "CAD", "hours"]))
def test_a_figure_reads_back_as_the_number_stored(value: int | float, qualifier: str | None, unit: str | None) -> None:
    """What `show`, HTML cards and diffs print is the stored number, digit for digit: never 3.26278e+06 for 3,262,780.55.

    The model (pydantic) and the record (the query engine's read path) describe a figure through the one
    function, and must agree.
    """
    from pcdip.models import Figure
    from pcdip.records import FigureRecord

    stored = {"name": "claimed_losses", "value": value, "qualifier": qualifier, "unit": unit}
    text = Figure.model_validate(stored).describe()
    assert text == FigureRecord(stored).describe()
    words = text.split()
    if unit:
        assert words.pop() == unit
    number = words.pop()
    assert "e" not in number.lower()
    assert type(value)(number.replace(",", "")) == value
    assert " ".join(words) == {None: "", "at-least": "at least", "more-than": "more than", "approximately": "about", "up-to": "up to"}[qualifier]
