"""Every export format, parsed back the way its consumers read it."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcdip import exporters
from pcdip.exporters.csvfmt import from_cell, guard, join_list, split_list, unguard
from pcdip.exporters.markdown import escape
from pcdip.models import EVENT_FIELDS, Event, Store, Theme
from pcdip.query import select
from pcdip.store import load_store, validate_raw

from .strategies import THEMES, event_lists, tricky


@pytest.fixture
def mini(store: Path) -> Store:
    return load_store(store)


def _themes() -> list[Theme]:
    return [Theme(id=t, label=t.title(), description=f"about {t}", pushback=t == "scrutiny") for t in THEMES]


def _store(events: list[Event]) -> Store:
    return Store(schema_version=1, title="T", themes=_themes(), events=events)


@pytest.mark.parametrize("name", list(exporters.FORMATS))
def test_every_format_writes_every_event(name: str, mini: Store) -> None:
    fmt = exporters.FORMATS[name]
    if fmt.folder:  # a folder of files (datapackage): validated and read back in test_datapackage.py
        files = fmt.files(select(mini.events), mini)
        assert fmt.requires_file and all(f"\r\n{event.id},".encode() in files["events.csv"] for event in mini.events)
        return
    text = fmt.write(select(mini.events), mini)
    if isinstance(text, bytes):  # a binary format (sqlite), read back in test_exports_tools.py
        assert text and fmt.requires_file
        return
    assert isinstance(text, str) and text.endswith("\n")
    for event in mini.events:
        if name in ("json", "ndjson", "csv", "tsv", "toml", "md", "ics", "timelinejs", "html"):  # geojson leaves out events with neither country nor place
            assert event.id in text


@pytest.mark.parametrize("name", list(exporters.FORMATS))
def test_every_format_is_deterministic(name: str, mini: Store) -> None:
    fmt = exporters.FORMATS[name]
    if fmt.folder:
        assert fmt.files(mini.events, mini) == fmt.files(list(mini.events), mini)
        return
    assert fmt.write(mini.events, mini) == fmt.write(list(mini.events), mini)


def test_registry_lookup_and_aliases() -> None:
    assert exporters.get("markdown").name == "md"
    assert exporters.get("JSON").name == "json"
    assert exporters.get("jsonl").name == "ndjson"
    with pytest.raises(Exception, match=f"unknown format 'xml'; choose one of: {', '.join(exporters.FORMATS)}"):
        exporters.get("xml")


def test_json_is_a_bare_array_of_event_objects(mini: Store) -> None:
    data = json.loads(exporters.get("json").write(mini.events, mini))
    assert isinstance(data, list) and len(data) == 7
    assert all(list(obj) == list(EVENT_FIELDS) for obj in data)
    italy = next(d for d in data if d["id"] == "2022-12-italy-ends-patrols")
    assert italy["sources"][0] == {
        "title": "Italy stops patrols",
        "publisher": "Example Wire",
        "url": "https://example.org/italy-2022",
        "published": "2022-12-19",
        "undated": False,
        "reposted": False,
        "archive_url": "https://web.archive.org/web/2022/https://example.org/italy-2022",
        "accessed": "2026-11-28",
    }
    assert italy["related"] == ["2016-05-italy-patrols"] and italy["end"] is None


def test_ndjson_one_object_a_line(mini: Store) -> None:
    lines = exporters.get("ndjson").write(mini.events, mini).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [e.id for e in mini.events]


def test_fields_pick_and_order(mini: Store) -> None:
    fields = exporters.parse_fields("title,id", exporters.get("json"))
    data = json.loads(exporters.get("json").write(mini.events[:1], mini, fields))
    assert data == [{"title": "Fiji and China sign a police cooperation memorandum", "id": "2011-04-fiji-mou"}]
    rows = list(csv.reader(io.StringIO(exporters.get("csv").write(mini.events[:1], mini, ("id", "date")))))
    assert rows == [["id", "date"], ["2011-04-fiji-mou", "2011-04"]]
    with pytest.raises(Exception, match="unknown field 'colour'; valid fields: id,date,end,title"):
        exporters.parse_fields("id,colour", exporters.get("csv"))
    with pytest.raises(Exception, match="--fields works with"):
        exporters.parse_fields("id", exporters.get("md"))


def test_csv_layout(mini: Store) -> None:
    text = exporters.get("csv").write(mini.events, mini)
    assert "\r\n" in text  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(EVENT_FIELDS)
    burma = next(r for r in rows if r["id"] == "2025-02-20-myanmar-repatriation")
    assert burma["countries"] == "MM;TH"
    assert burma["actors"] == "Ministry of Public Security;Liu Zhongyi"
    assert json.loads(burma["figures"]) == [{"name": "repatriated", "value": 200, "qualifier": None, "unit": None}]
    assert [s["publisher"] for s in json.loads(burma["sources"])] == ["Example Daily", "Example Nation"]
    assert burma["end"] == "" and burma["note"] == ""


def test_tsv_is_tab_separated(mini: Store) -> None:
    rows = list(csv.reader(io.StringIO(exporters.get("tsv").write(mini.events, mini)), dialect="excel-tab"))
    assert rows[0] == list(EVENT_FIELDS) and len(rows) == 8


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=1+2", "'=1+2"),
        ("+61", "'+61"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1", "''=1"),
        ("''+1", "'''+1"),
        ("safe", "safe"),
        ("'quoted", "'quoted"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_guard(cell: str, guarded: str) -> None:
    assert guard(cell) == guarded
    assert unguard(guarded) == cell


@given(st.text())
def test_formula_guard_round_trips(cell: str) -> None:
    assert unguard(guard(cell)) == cell
    assert not guard(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.lists(st.text()))
def test_list_cells_round_trip(items: list[str]) -> None:
    if items == [""]:
        return  # one empty item and no items share the empty cell; the models forbid blank items
    assert split_list(join_list(items)) == items


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(event_lists())
def test_csv_and_tsv_round_trip(events: list[Event]) -> None:
    store = _store(events)
    for name, dialect in (("csv", "excel"), ("tsv", "excel-tab")):
        text = exporters.get(name).write(events, store)
        rows = list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))
        back = [Event.model_validate({k: from_cell(k, v) for k, v in row.items()}) for row in rows]
        assert [e.to_dict() for e in back] == [e.to_dict() for e in events]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(event_lists())
def test_json_ndjson_toml_round_trip(events: list[Event]) -> None:
    store = _store(events)
    want = [e.to_dict() for e in events]
    assert json.loads(exporters.get("json").write(events, store)) == want
    assert [json.loads(line) for line in exporters.get("ndjson").write(events, store).splitlines()] == want
    raw = tomllib.loads(exporters.get("toml").write(events, store))
    back, problems = validate_raw(raw, Path("export.toml"))
    assert problems == [] and back is not None
    assert [e.to_dict() for e in back.events] == want
    assert [t.model_dump() for t in back.themes] == [t.model_dump() for t in store.themes]


@given(tricky)
def test_markdown_escapes_everything(text: str) -> None:
    out = escape(text)
    assert "\n" not in out and "<" not in out.replace("\\<", "")
    assert "[" not in out.replace("\\[", "") and "*" not in out.replace("\\*", "")


def test_markdown_timeline(mini: Store) -> None:
    md = exporters.get("md").write(select(mini.events), mini)
    assert md.startswith("# Test store\n\n## 2011\n\n- **2011\\-04**: Fiji and China sign a police cooperation memorandum\n")
    assert "[Example Wire: Italy stops patrols](https://example.org/italy-2022)" in md
    assert "## 2025" in md and "Myanmar \\(Burma\\), Thailand" in md


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=12), min_size=1, max_size=5), st.sampled_from([",", "\t"]))
def test_csv_rows_are_what_the_csv_module_writes(cells: list[str], delimiter: str) -> None:
    import csv as _csv

    from pcdip.exporters.csvfmt import row_text

    out = io.StringIO(newline="")
    _csv.writer(out, dialect=_csv.excel if delimiter == "," else _csv.excel_tab).writerow(cells)
    assert row_text(cells, delimiter) == out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
def test_markdown_escape_matches_its_definition(text: str) -> None:
    """escape(): control runs become one space, invisible characters are named, then every
    Markdown special character gets a backslash (the definition, written the slow way)."""
    import re as _re

    from pcdip.exporters.markdown import _SPECIAL, escape, link_target
    from pcdip.text import INVISIBLE

    slow = _re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", text)
    slow = _re.sub(f"[{INVISIBLE}]", lambda m: f"U+{ord(m.group()):04X}", slow).strip()
    slow = "".join("\\" + ch if ch in _SPECIAL else ch for ch in slow)
    assert escape(text) == slow
    assert link_target(text) == "".join(f"%{ord(ch):02X}" if ch in " ()<>\\\"'`" or ord(ch) < 0x20 else ch for ch in text)


@given(
    st.dictionaries(
        st.text(max_size=5),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
            max_leaves=8,
        ),
        max_size=4,
    ),
    st.lists(st.dictionaries(st.text(max_size=4), st.text(), max_size=3), max_size=4),
)
def test_dumps_with_rows_is_the_same_json_value(value: dict, rows: list) -> None:  # type: ignore[type-arg]
    """`country --format json` writes its events one a line; the value is what an indented dump gives."""
    from pcdip.exporters.jsonfmt import dumps, dumps_with_rows

    document = {**value, "events": rows}
    text = dumps_with_rows(document, "events")
    assert json.loads(text) == json.loads(dumps(document, indent=2)) == document


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
    max_leaves=12,
)


@given(JSON_VALUES)
def test_compact_json_is_the_value_on_one_line(value: object) -> None:
    """Every compact JSON text pcdip writes (an event of an export, a row of the index) reads back
    as the value, on one line even for the characters line-based tools take for line breaks."""
    from pcdip.exporters.jsonfmt import dumps

    text = dumps(value)
    assert json.loads(text) == value
    assert len(text.splitlines()) <= 1 and "\n" not in text
