"""The exports for other tools, each checked by the consumer that reads it: iCalendar (the icalendar
package), GeoJSON (structure and ranges), TimelineJS (its JSON shape), SQLite (sqlite3 queries and
full-text search) and the HTML page (headless Chromium driven by Playwright)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings

from pcdip import exporters
from pcdip._country_data import COUNTRIES
from pcdip._country_points import COUNTRY_POINTS
from pcdip.exporters import html as html_export
from pcdip.exporters.ics import fold
from pcdip.fields import EVENT_FIELDS
from pcdip.models import Event, Store, Theme
from pcdip.query import select
from pcdip.store import load_store

from .conftest import ROOT, in_ci
from .strategies import THEMES, event_lists

HOSTILE_TITLE = "<script>alert(1)</script>"


@pytest.fixture
def mini(store: Path) -> Store:
    return load_store(store)


def _store(events: list[Event]) -> Store:
    themes = [Theme(id=t, label=t.title(), description=f"about {t}", pushback=t == "scrutiny") for t in THEMES]
    return Store(schema_version=1, title="T", themes=themes, events=events)


def _with(store: Store, *extra: dict[str, Any]) -> Store:
    """The store plus events given as dicts (validated as a curator's TOML would be)."""
    return store.model_copy(update={"events": [*store.events, *(Event.model_validate(e) for e in extra)]})


ODD = {
    "id": "2020-odd-text",
    "date": "2020-02",
    "title": "Comma, semicolon; back\\slash and a line separator\u2028 — 中文 ☃ " * 3,
    "summary": "Quotes \" ' and <b>tags</b> & ampersands\nLF\ttab\u2028LS\u2029PS \u202eRLO",
    "countries": ["FJ", "SB"],
    "place": {"name": "Suva, Fiji", "latitude": -18.1416, "longitude": 178.4419},
    "themes": ["training"],
    "sources": [{"title": "Odd <source>", "publisher": "P & Q", "url": "https://example.org/a?b=1&c=%222%22%3Cx%3E;d=(e)"}],
}

HOSTILE = {
    "id": "2021-hostile",
    "date": "2021-06-01",
    "title": HOSTILE_TITLE,
    "summary": "<img src=x onerror=alert(2)> </script><script>alert(3)</script> \u2028 & more",
    "countries": ["IT"],
    "themes": ["scrutiny"],
    "actors": ["<b onmouseover=alert(4)>"],
    "note": "javascript:alert(5)",
    "sources": [
        {
            "title": "<a href='javascript:alert(6)'>x</a>",
            "publisher": '"><svg onload=alert(7)>',
            "url": "https://example.org/?q=%3C/script%3E%3Cscript%3Ealert(8)%3C/script%3E&r=javascript:alert(9)",
        }
    ],
}


# -- iCalendar --------------------------------------------------------------------------------------


def _physical_lines(text: str) -> list[str]:
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    for line in lines:
        assert "\r" not in line and "\n" not in line, repr(line)
        assert len(line.encode("utf-8")) <= 75, line
    return lines


def _expected_text(value: str) -> str:
    """What a TEXT value should read as after a round trip: line breaks as \\n, other controls as spaces."""
    value = re.sub("\r\n|[\r\n\x85\u2028\u2029]", "\n", value)
    return "".join(" " if (ord(ch) < 0x20 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F else ch for ch in value)


def _calendar(text: str) -> list[Any]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def test_ics_parses_back_with_icalendar(mini: Store) -> None:
    text = exporters.get("ics").write(select(mini.events), mini)
    assert isinstance(text, str)
    lines = _physical_lines(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//pcdip//China's international policing diplomacy//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    vevents = {str(v["UID"]): v for v in _calendar(text)}
    assert list(vevents) == [f"{e.id}@pcdip" for e in select(mini.events)]

    def span(event_id: str) -> tuple[date, date]:
        v = vevents[f"{event_id}@pcdip"]
        return v["DTSTART"].dt, v["DTEND"].dt

    assert span("2011-04-fiji-mou") == (date(2011, 4, 1), date(2011, 5, 1))  # a month event spans its month
    assert span("2023-solomons-training") == (date(2023, 1, 1), date(2024, 1, 1))  # "2023~": the year
    assert span("2016-05-italy-patrols") == (date(2016, 5, 1), date(2020, 1, 1))  # end "2019": to its last day
    assert span("2022-12-italy-ends-patrols") == (date(2022, 12, 19), date(2022, 12, 20))  # a day, DTEND exclusive
    assert all(not isinstance(v["DTSTART"].dt, datetime) for v in vevents.values())  # all-day (VALUE=DATE)

    # DTSTAMP from the data: the latest source date, else the event's first day.
    utc = UTC
    assert vevents["2022-12-italy-ends-patrols@pcdip"]["DTSTAMP"].dt == datetime(2026, 11, 28, tzinfo=utc)  # accessed
    assert vevents["2011-04-fiji-mou@pcdip"]["DTSTAMP"].dt == datetime(2011, 4, 12, tzinfo=utc)  # published
    assert vevents["2023-solomons-training@pcdip"]["DTSTAMP"].dt == datetime(2023, 1, 1, tzinfo=utc)  # no source date

    italy = vevents["2022-12-italy-ends-patrols@pcdip"]
    assert str(italy["SUMMARY"]) == "Italy ends joint patrols with China"
    assert [str(c) for c in italy["CATEGORIES"].cats] == ["Joint patrols", "Scrutiny and pushback"]
    assert str(italy["URL"]) == "https://example.org/italy-2022"
    assert str(italy["LOCATION"]) == "Italy"
    description = str(italy["DESCRIPTION"])
    assert description.startswith("Italy's interior minister says the joint patrols will not resume.\n\nDate: 2022-12-19\n")
    assert "- Example Wire: Italy stops patrols (2022-12-19) https://example.org/italy-2022" in description


def test_ics_escapes_and_folds_odd_text(mini: Store) -> None:
    store = _with(mini, ODD)
    odd = store.events[-1]
    text = exporters.get("ics").write([odd], store)
    assert isinstance(text, str)
    lines = _physical_lines(text)
    assert any(line.startswith(" ") for line in lines)  # the long title was folded
    assert "SUMMARY:Comma\\, semicolon\\; back\\\\slash and a line separator" in text.replace("\r\n ", "")
    (vevent,) = _calendar(text)
    assert str(vevent["SUMMARY"]) == _expected_text(odd.title)
    assert str(vevent["DESCRIPTION"]).startswith(_expected_text(odd.summary) + "\n\nDate: 2020-02\nCountries: Fiji, Solomon Islands\n")
    assert str(vevent["LOCATION"]) == "Suva, Fiji"
    assert vevent["GEO"].latitude == pytest.approx(-18.1416) and vevent["GEO"].longitude == pytest.approx(178.4419)
    assert str(vevent["URL"]) == "https://example.org/a?b=1&c=%222%22%3Cx%3E;d=(e)"


@pytest.mark.parametrize("text", ["a" * 200, "é" * 100, "中" * 60, "☃a" * 50, "a" + "😀" * 40, "x" * 75, "x" * 76])
def test_fold_never_splits_a_character(text: str) -> None:
    folded = fold("SUMMARY:" + text)
    parts = folded[:-2].split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == "SUMMARY:" + text
    assert all(p.startswith(" ") for p in parts[1:])


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(event_lists())
def test_ics_round_trips_any_text(events: list[Event]) -> None:
    store = _store(events)
    text = exporters.get("ics").write(events, store)
    assert isinstance(text, str)
    _physical_lines(text)
    vevents = _calendar(text)
    assert [str(v["UID"]) for v in vevents] == [f"{e.id}@pcdip" for e in events]
    for v, e in zip(vevents, events, strict=True):
        assert str(v["SUMMARY"]) == _expected_text(e.title)
        assert str(v["DESCRIPTION"]).startswith(_expected_text(e.summary))
        assert v["DTSTART"].dt == e.start_day
        assert (v["DTEND"].dt - e.end_day).days == 1
        assert [str(c) for c in v["CATEGORIES"].cats] == [_expected_text(t.title()) for t in e.themes]


# -- GeoJSON ----------------------------------------------------------------------------------------


def _features(text: str | bytes) -> list[dict[str, Any]]:
    assert isinstance(text, str)
    data = json.loads(text)
    assert data["type"] == "FeatureCollection" and isinstance(data["features"], list)
    for feature in data["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["id"], str)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert round(lon, 6) == lon and round(lat, 6) == lat
        assert list(feature["properties"]) == [*EVENT_FIELDS, "country", "country_name", "located_at"]
    return data["features"]  # type: ignore[no-any-return]


def test_geojson_one_feature_per_event_and_country(mini: Store) -> None:
    store = _with(mini, ODD, {**HOSTILE, "id": "2021-placed-nowhere", "countries": [], "place": {"name": "Sea", "latitude": 1.5, "longitude": -170.25}})
    features = _features(exporters.get("geojson").write(select(store.events), store))
    ids = [f["id"] for f in features]
    assert ids == [
        "2011-04-fiji-mou/FJ",
        "2016-05-italy-patrols/IT",
        "2020-odd-text/FJ",
        "2020-odd-text/SB",
        "2021-placed-nowhere",
        "2022-12-italy-ends-patrols/IT",
        "2023-solomons-training/SB",
        "2024-03-fiji-keeps-mou/FJ",
        "2025-02-20-myanmar-repatriation/MM",
        "2025-02-20-myanmar-repatriation/TH",
    ]  # the global statement has neither country nor place: no feature
    by_id = {f["id"]: f for f in features}
    fiji = by_id["2011-04-fiji-mou/FJ"]
    assert fiji["geometry"]["coordinates"] == list(COUNTRY_POINTS["FJ"])
    assert fiji["properties"]["country"] == "FJ" and fiji["properties"]["country_name"] == "Fiji"
    assert fiji["properties"]["located_at"] == "country"
    assert {k: fiji["properties"][k] for k in EVENT_FIELDS} == store.event("2011-04-fiji-mou").to_dict()  # type: ignore[union-attr]
    # An event's own place wins, for each of its countries.
    assert by_id["2020-odd-text/SB"]["geometry"]["coordinates"] == [178.4419, -18.1416]
    assert by_id["2020-odd-text/SB"]["properties"]["located_at"] == "place"
    nowhere = by_id["2021-placed-nowhere"]
    assert nowhere["geometry"]["coordinates"] == [-170.25, 1.5] and nowhere["properties"]["country"] is None
    assert by_id["2025-02-20-myanmar-repatriation/TH"]["properties"]["country_name"] == "Thailand"


def test_geojson_of_nothing_is_an_empty_collection(mini: Store) -> None:
    assert _features(exporters.get("geojson").write([], mini)) == []


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(event_lists())
def test_geojson_structure_for_any_events(events: list[Event]) -> None:
    features = _features(exporters.get("geojson").write(events, _store(events)))
    assert len(features) == sum(len(e.countries) or (1 if e.place else 0) for e in events)


def test_country_points_cover_every_country_within_range() -> None:
    assert set(COUNTRY_POINTS) == set(COUNTRIES)
    for lon, lat in COUNTRY_POINTS.values():
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    lon, lat = COUNTRY_POINTS["FJ"]  # Fiji straddles the antimeridian: 176.8°E to 178.2°W, 12°S to 21°S
    assert (176.5 <= lon <= 180 or -180 <= lon <= -178) and -21.5 <= lat <= -12
    lon, lat = COUNTRY_POINTS["KI"]  # Kiribati's point is Tarawa, not distant Kiritimati
    assert 172.5 <= lon <= 173.5 and 1 <= lat <= 2
    lon, lat = COUNTRY_POINTS["IT"]
    assert 6.6 <= lon <= 18.6 and 36.6 <= lat <= 47.1


def test_generated_points_are_up_to_date() -> None:
    """Regenerate the country points from the pinned world-countries package, and compare."""
    package = ROOT / ".cldr" / "world-countries-5.1.0"
    command = [sys.executable, str(ROOT / "scripts" / "gen_country_points.py"), "--check"]
    if (package / "countries.json").is_file():
        command += ["--package", str(package)]
    elif shutil.which("npm") is None:  # the script fetches the package with npm
        if in_ci():
            pytest.fail("npm is needed to fetch world-countries for this check; .ci/run installs it")
        pytest.skip("npm not available to fetch world-countries")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


# -- TimelineJS -------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse_html(fragment: str) -> _Links:
    parser = _Links()
    parser.feed(fragment)
    parser.close()
    return parser


def test_timelinejs_json(mini: Store) -> None:
    store = _with(mini, HOSTILE)
    text = exporters.get("timelinejs").write(select(store.events), store)
    assert isinstance(text, str)
    data = json.loads(text)
    assert data["title"]["text"]["headline"] == "Test store"
    slides = {s["unique_id"]: s for s in data["events"]}
    assert list(slides) == [e.id for e in select(store.events)]
    assert slides["2011-04-fiji-mou"]["start_date"] == {"year": 2011, "month": 4, "display_date": "2011-04"}
    assert slides["2022-12-italy-ends-patrols"]["start_date"] == {"year": 2022, "month": 12, "day": 19, "display_date": "2022-12-19"}
    assert slides["2023-solomons-training"]["start_date"] == {"year": 2023, "display_date": "2023 (approximate)"}
    assert slides["2016-05-italy-patrols"]["end_date"] == {"year": 2019, "display_date": "2019"}
    assert "end_date" not in slides["2011-04-fiji-mou"]
    assert slides["2022-12-italy-ends-patrols"]["group"] == "Joint patrols"
    assert slides["2025-02-20-myanmar-repatriation"]["group"] == "Repatriation"

    myanmar = _parse_html(slides["2025-02-20-myanmar-repatriation"]["text"]["text"])
    assert myanmar.hrefs == ["https://example.org/myanmar", "https://example.org/myanmar-2"]
    assert "Example Daily: 200 repatriated" in myanmar.text

    hostile = slides["2021-hostile"]
    assert hostile["text"]["headline"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    parsed = _parse_html(hostile["text"]["headline"] + hostile["text"]["text"])
    assert set(parsed.tags) <= {"p", "em", "ul", "li", "a"}  # no markup from the data
    assert parsed.hrefs == [HOSTILE["sources"][0]["url"]]  # type: ignore[index]
    assert HOSTILE_TITLE in "".join(parsed.text)


def test_timelinejs_escapes_the_group_label(mini: Store) -> None:
    """TimelineJS inserts the group (the first theme's label) as HTML, like the headline and text."""
    themes = [t.model_copy(update={"label": "<img src=x onerror=alert(1)> & Co"}) if t.id == "agreement" else t for t in mini.themes]
    store = mini.model_copy(update={"themes": themes})
    data = json.loads(exporters.get("timelinejs").write(select(store.events), store))
    groups = {s["unique_id"]: s["group"] for s in data["events"]}
    assert groups["2011-04-fiji-mou"] == "&lt;img src=x onerror=alert(1)&gt; &amp; Co"
    parsed = _parse_html(groups["2011-04-fiji-mou"])
    assert parsed.tags == [] and "".join(parsed.text) == "<img src=x onerror=alert(1)> & Co"
    assert groups["2022-12-italy-ends-patrols"] == "Joint patrols"


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("201X", {"year": 2010, "display_date": "201X"}),
        ("2004-XX", {"year": 2004, "display_date": "2004-XX"}),
        ("1985-04-XX", {"year": 1985, "month": 4, "display_date": "1985-04-XX"}),
        ("2023-05-02%", {"year": 2023, "month": 5, "day": 2, "display_date": "2023-05-02 (approximate and uncertain)"}),
    ],
)
def test_timelinejs_dates_stop_at_their_precision(value: str, want: dict[str, Any]) -> None:
    from pcdip.dates import parse_date
    from pcdip.exporters.timelinejs import date_object

    assert date_object(parse_date(value)) == want


# -- SQLite -----------------------------------------------------------------------------------------


@pytest.fixture
def db(mini: Store, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    data = exporters.get("sqlite").write(select(mini.events), mini)
    assert isinstance(data, bytes)
    path = tmp_path / "export.sqlite"
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def test_sqlite_is_a_database_with_the_documented_tables(db: sqlite3.Connection) -> None:
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'events_fts_%'")}
    assert tables == {"events", "sources", "figures", "actors", "related", "event_countries", "event_themes", "countries", "themes", "theme_cues", "events_fts"}
    columns = [row[1] for row in db.execute("PRAGMA table_info(events)")]
    assert columns == ["id", "date", "end", "start_day", "end_day", "precision", "title", "summary", "note", "place_name", "latitude", "longitude"]
    indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    assert indexes == {"event_countries_country", "event_themes_theme", "events_start_day"}
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_queries(db: sqlite3.Connection, mini: Store) -> None:
    count = {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("events", "sources", "figures", "actors", "related", "event_countries", "event_themes", "countries", "themes")
    }
    assert count == {"events": 7, "sources": 8, "figures": 3, "actors": 5, "related": 2, "event_countries": 7, "event_themes": 9, "countries": 5, "themes": 5}
    italy = db.execute(
        "SELECT e.id FROM events e JOIN event_countries ec ON ec.event_id = e.id JOIN countries c ON c.code = ec.country "
        "WHERE c.name = 'Italy' ORDER BY e.start_day"
    ).fetchall()
    assert italy == [("2016-05-italy-patrols",), ("2022-12-italy-ends-patrols",)]
    assert db.execute("SELECT code, alpha3, name, region, subregion FROM countries WHERE code = 'FJ'").fetchone() == (
        "FJ",
        "FJI",
        "Fiji",
        "Oceania",
        "Melanesia",
    )
    per_theme = dict(db.execute("SELECT t.label, count(*) FROM event_themes et JOIN themes t ON t.id = et.theme GROUP BY t.label").fetchall())
    assert per_theme["Scrutiny and pushback"] == 2 and per_theme["Agreements"] == 3
    cues = {t.id: [c for (c,) in db.execute("SELECT cue FROM theme_cues WHERE theme = ? ORDER BY position", [t.id])] for t in mini.themes}
    assert cues == {t.id: t.cues for t in mini.themes}
    assert db.execute("SELECT id FROM themes WHERE pushback = 1").fetchall() == [("scrutiny",)]
    row = db.execute("SELECT date, \"end\", start_day, end_day, precision FROM events WHERE id = '2016-05-italy-patrols'").fetchone()
    assert row == ("2016-05", "2019", "2016-05-01", "2019-12-31", "month")
    assert db.execute("SELECT name, value, qualifier FROM figures WHERE event_id = '2023-solomons-training' ORDER BY position").fetchall() == [
        ("officers_trained", 30, None),
        ("further_planned", 800, "more-than"),
    ]
    assert db.execute("SELECT publisher FROM sources WHERE event_id = '2025-02-20-myanmar-repatriation' ORDER BY position").fetchall() == [
        ("Example Daily",),
        ("Example Nation",),
    ]
    assert db.execute("SELECT related_id FROM related WHERE event_id = '2022-12-italy-ends-patrols'").fetchall() == [("2016-05-italy-patrols",)]


def test_sqlite_full_text_search(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT id FROM events_fts WHERE events_fts MATCH 'memorandum' ORDER BY id").fetchall() == [
        ("2011-04-fiji-mou",),
        ("2024-03-fiji-keeps-mou",),
    ]
    assert db.execute("SELECT id FROM events_fts WHERE events_fts MATCH 'scam'").fetchall() == [("2025-02-20-myanmar-repatriation",)]  # in a summary only
    assert db.execute("SELECT id FROM events_fts WHERE events_fts MATCH 'title:scam'").fetchall() == []
    # Stemmed: "patrol" finds "patrols" and "patrol".
    assert db.execute("SELECT id FROM events_fts WHERE events_fts MATCH 'patrol' ORDER BY id").fetchall() == [
        ("2016-05-italy-patrols",),
        ("2022-12-italy-ends-patrols",),
    ]
    joined = db.execute("SELECT e.title FROM events_fts JOIN events e ON e.rowid = events_fts.rowid WHERE events_fts MATCH 'public AND order'").fetchall()
    assert joined == [("Chinese police train Solomon Islands officers",)]
    # Datasette offers a search box for a table whose FTS table says content="t" or content=[t].
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'events_fts'").fetchone()[0]
    assert re.search(r"VIRTUAL TABLE.*USING FTS.*content=\[events\]", sql, re.IGNORECASE)


def test_sqlite_is_byte_for_byte_deterministic(mini: Store) -> None:
    fmt = exporters.get("sqlite")
    first, second = fmt.write(select(mini.events), mini), fmt.write(list(select(mini.events)), mini)
    assert isinstance(first, bytes) and first.startswith(b"SQLite format 3\x00")
    assert first == second


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(event_lists())
def test_sqlite_holds_any_events(events: list[Event]) -> None:
    data = exporters.get("sqlite").write(events, _store(events))
    assert isinstance(data, bytes)
    conn = sqlite3.connect(":memory:")
    conn.deserialize(data)
    try:
        rows = conn.execute("SELECT id, title, summary, note FROM events ORDER BY rowid").fetchall()
        assert rows == [(e.id, e.title, e.summary, e.note) for e in events]
        assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == sum(len(e.sources) for e in events)
        assert conn.execute("SELECT count(*) FROM event_countries").fetchone()[0] == sum(len(e.countries) for e in events)
        assert conn.execute("SELECT count(*) FROM figures").fetchone()[0] == sum(len(e.figures) for e in events)
    finally:
        conn.close()


# -- HTML: static checks ----------------------------------------------------------------------------

_BLOB = re.compile(r'<script type="application/json" id="pcdip_data">(.*?)</script>', re.DOTALL)


def _blob(page: str) -> str:
    match = _BLOB.search(page)
    assert match is not None
    return match.group(1)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(event_lists())
def test_html_data_cannot_escape_its_script_element(events: list[Event]) -> None:
    page = exporters.get("html").write(events, _store(events))
    assert isinstance(page, str) and page.endswith("</html>\n")
    blob = _blob(page)
    for ch in "<>&\u2028\u2029\u202e\u200b\u2066\ufeff":
        assert ch not in blob
    data = json.loads(blob)
    in_order = sorted(events, key=lambda e: (e.start_day, e.end_day, e.id))  # the page holds them oldest first
    assert [(r["id"], r["title"], r["summary"]) for r in data["events"]] == [(e.id, e.title, e.summary) for e in in_order]
    outside = page.replace(blob, "")
    assert len(re.findall(r"<script", outside, re.IGNORECASE)) == 2 and len(re.findall(r"</script", outside, re.IGNORECASE)) == 2


def test_html_is_self_contained_with_a_strict_policy(mini: Store) -> None:
    store = _with(mini, HOSTILE).model_copy(update={"title": "A <b>bold</b> & title", "description": "<i>desc</i>"})
    page = exporters.get("html").write(select(store.events), store)
    assert isinstance(page, str)
    outside = page.replace(_blob(page), "")
    assert not re.search(r"\b(src|href)\s*=\s*(?![\"']?#)|<link|@import|\burl\(|<iframe|<img", outside, re.IGNORECASE)  # links within the page only
    assert "<title>A &lt;b&gt;bold&lt;/b&gt; &amp; title</title>" in page and "<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; title</h1>" in page
    assert '<p class="desc">&lt;i&gt;desc&lt;/i&gt;</p>' in page
    assert "innerHTML" not in html_export.SCRIPT and "insertAdjacentHTML" not in html_export.SCRIPT and "document.write" not in html_export.SCRIPT
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    script_hash = "sha256-" + base64.b64encode(hashlib.sha256(html_export.SCRIPT.encode()).digest()).decode()
    assert f"script-src &#x27;{script_hash}&#x27;" in policy.group(1) and "default-src &#x27;none&#x27;" in policy.group(1)


# -- HTML: in a browser -----------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail("/usr/bin/chromium is needed for the HTML export's browser tests; .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            raise
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


class Page:
    """A loaded page, with what it asked for and what it tried to show."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("article.event", state="attached")

    def shown(self) -> list[str]:
        return list(self.page.eval_on_selector_all("article.event:not([hidden])", "els => els.map(e => e.id)"))

    def markers(self) -> int:
        return int(self.page.locator("#time_axis a.marker").count())


@pytest.fixture
def hostile_page(browser: Any, mini: Store, tmp_path: Path) -> Iterator[tuple[Page, Store]]:
    store = _with(mini, HOSTILE, ODD)
    path = tmp_path / "timeline.html"
    text = exporters.get("html").write(select(store.events), store)
    assert isinstance(text, str)
    path.write_text(text, encoding="utf-8")
    page = Page(browser, path)
    yield page, store
    page.page.close()


def test_html_shows_every_event_and_runs_no_script_from_the_data(hostile_page: tuple[Page, Store]) -> None:
    page, store = hostile_page
    ids = [e.id for e in select(store.events)]
    assert page.shown() == ids and page.markers() == len(ids)
    assert page.page.locator("#event_count").text_content() == f"Showing {len(ids)} of {len(ids)} events"
    card = page.page.locator("article.event[id='2021-hostile']")
    assert card.locator("h3").text_content() == HOSTILE_TITLE  # shown as text
    assert card.locator("script, img, b, iframe").count() == 0
    assert card.locator("svg").count() == card.locator("svg.glyph").count() == 1  # the theme chip's glyph, made by the page
    assert card.locator(".sources a").get_attribute("href") == HOSTILE["sources"][0]["url"]  # type: ignore[index]
    assert page.page.locator("#time_axis a.marker[href='#2021-hostile']").get_attribute("title") == f"2021-06-01 · {HOSTILE_TITLE}"
    page.page.locator("#time_axis a.marker[href='#2021-hostile']").click()
    page.page.mouse.move(5, 5)
    page.page.wait_for_timeout(100)
    assert page.dialogs == [] and page.errors == []
    assert page.requests and all(url.startswith("file://") for url in page.requests), page.requests
    odd = page.page.locator("article.event[id='2020-odd-text'] .summary").text_content()
    assert odd is not None and odd.endswith("PS U+202ERLO") and "\u202e" not in odd  # the override is shown, not obeyed


def test_html_theme_country_and_search_filters(hostile_page: tuple[Page, Store]) -> None:
    page, store = hostile_page
    events = select(store.events)

    page.page.locator("#theme_legend button[data-theme='joint-patrol']").click()  # the legend is the theme filter
    want = [e.id for e in events if "joint-patrol" in e.themes]
    assert page.shown() == want and page.markers() == len(want) == 2
    page.page.locator("#theme_legend button[data-theme='scrutiny']").click()  # several themes at once: any of them
    assert page.shown() == [e.id for e in events if {"joint-patrol", "scrutiny"} & set(e.themes)]
    assert page.page.locator("#theme_legend button[aria-pressed='true']").count() == 2

    page.page.click("#f_reset")
    page.page.click("#countries_pick > summary")
    page.page.check("input[name='country'][value='FJ']")
    assert page.shown() == [e.id for e in events if "FJ" in e.countries]

    page.page.click("#f_reset")
    page.page.fill("#f_search", "MEMORANDUM")
    assert page.shown() == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    page.page.fill("#f_search", "solomon islands")  # a country name, from a summary or the countries line
    assert page.shown() == ["2020-odd-text", "2023-solomons-training"]
    page.page.fill("#f_search", "no such words anywhere")
    assert page.shown() == [] and page.page.locator("#no_match").is_visible() and page.markers() == 0
    assert page.page.locator("h2.year:not([hidden])").count() == 0
    page.page.fill("#f_search", "")
    assert len(page.shown()) == len(events)
    assert page.dialogs == [] and page.errors == []
