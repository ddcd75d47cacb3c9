"""SQLite: a normalised database that Datasette, sqlite-utils and DuckDB open as they are.

Tables (lists keep their order in a `position` column, from 0):

    events(id PK, date, end, start_day, end_day, precision, title, summary, note, place_name, latitude, longitude)
    sources(event_id, position, title, publisher, url, published, undated, reposted, archive_url, accessed)
    figures(event_id, position, name, value, qualifier, unit)
    actors(event_id, position, name)
    related(event_id, related_id)          related_id may name an event outside a filtered export
    event_countries(event_id, country, position)
    event_themes(event_id, theme, position)
    countries(code PK, alpha3, name, region, subregion)    the countries the events name
    themes(id PK, label, description, pushback)            the store's whole vocabulary
    theme_cues(theme, position, cue)       the word stems that bear each theme (`validate --strict`)
    events_fts(id UNINDEXED, title, summary)  FTS5 over events.title and events.summary

`date` and `end` are the EDTF text; `start_day` and `end_day` the first and last ISO day the span can
mean, for sorting and range queries. Foreign keys are declared (SQLite checks them only when asked).
The full-text table is declared as sqlite-utils does (`content=[events]`), which is what Datasette
looks for to offer a search box. Words are stemmed (the porter tokenizer: `station` finds
"stations") and accents folded. Its `id` column (read from events, not indexed) saves a join:

    SELECT id FROM events_fts WHERE events_fts MATCH 'patrol'
    SELECT e.* FROM events_fts JOIN events e ON e.rowid = events_fts.rowid WHERE events_fts MATCH 'patrol' ORDER BY rank

The database is built in a temporary file (SQLite needs one to write a database file) that is read
back and deleted. It holds no time stamps, and the same statements on the same SQLite library give
the same pages, so the same events give the same bytes.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import countries

if TYPE_CHECKING:
    from ..models import Event, Store

SCHEMA = """
CREATE TABLE themes (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    description TEXT NOT NULL,
    pushback INTEGER NOT NULL
);
CREATE TABLE theme_cues (
    theme TEXT NOT NULL REFERENCES themes(id),
    position INTEGER NOT NULL,
    cue TEXT NOT NULL,
    PRIMARY KEY (theme, position)
);
CREATE TABLE countries (
    code TEXT PRIMARY KEY,
    alpha3 TEXT NOT NULL,
    name TEXT NOT NULL,
    region TEXT,
    subregion TEXT
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    "end" TEXT,
    start_day TEXT NOT NULL,
    end_day TEXT NOT NULL,
    precision TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    note TEXT,
    place_name TEXT,
    latitude REAL,
    longitude REAL
);
CREATE TABLE sources (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url TEXT NOT NULL,
    published TEXT,
    undated INTEGER NOT NULL,
    reposted INTEGER NOT NULL,
    archive_url TEXT,
    accessed TEXT,
    PRIMARY KEY (event_id, position)
);
CREATE TABLE figures (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    value NUMERIC NOT NULL,
    qualifier TEXT,
    unit TEXT,
    PRIMARY KEY (event_id, position)
);
CREATE TABLE actors (
    event_id TEXT NOT NULL REFERENCES events(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (event_id, position)
);
CREATE TABLE related (
    event_id TEXT NOT NULL REFERENCES events(id),
    related_id TEXT NOT NULL,
    PRIMARY KEY (event_id, related_id)
);
CREATE TABLE event_countries (
    event_id TEXT NOT NULL REFERENCES events(id),
    country TEXT NOT NULL REFERENCES countries(code),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, country)
);
CREATE TABLE event_themes (
    event_id TEXT NOT NULL REFERENCES events(id),
    theme TEXT NOT NULL REFERENCES themes(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, theme)
);
CREATE INDEX event_countries_country ON event_countries(country);
CREATE INDEX event_themes_theme ON event_themes(theme);
CREATE INDEX events_start_day ON events(start_day);
CREATE VIRTUAL TABLE events_fts USING fts5(id UNINDEXED, title, summary, content=[events], tokenize='porter unicode61');
"""


def _number(value: float) -> float:
    # SQLite integers are 64-bit: a larger figure is stored as a real rather than failing.
    return value if isinstance(value, float) or -(2**63) <= value < 2**63 else float(value)


def build(conn: sqlite3.Connection, events: Sequence[Event], store: Store) -> None:
    """Create the tables in an empty database and fill them."""
    for statement in SCHEMA.split(";\n"):  # not executescript(), which would commit the caller's transaction
        if statement.strip():
            conn.execute(statement)
    conn.executemany("INSERT INTO themes VALUES (?, ?, ?, ?)", [(t.id, t.label, t.description, int(t.pushback)) for t in store.themes])
    conn.executemany("INSERT INTO theme_cues VALUES (?, ?, ?)", [(t.id, i, cue) for t in store.themes for i, cue in enumerate(t.cues)])
    codes = sorted({c for e in events for c in e.countries})
    rows = []
    for code in codes:
        c = countries.get(code)
        rows.append((c.code, c.alpha3, c.name, c.region, c.subregion))
    conn.executemany("INSERT INTO countries VALUES (?, ?, ?, ?, ?)", rows)
    for e in events:
        place = e.place
        conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.id,
                e.date.text,
                e.end.text if e.end else None,
                e.start_day.isoformat(),
                e.end_day.isoformat(),
                e.date.precision,
                e.title,
                e.summary,
                e.note,
                place.name if place else None,
                place.latitude if place else None,
                place.longitude if place else None,
            ),
        )
        conn.executemany(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    i,
                    s.title,
                    s.publisher,
                    s.url,
                    s.published.text if s.published else None,
                    int(s.undated),
                    int(s.reposted),
                    s.archive_url,
                    s.accessed.text if s.accessed else None,
                )
                for i, s in enumerate(e.sources)
            ],
        )
        conn.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?)", [(e.id, i, f.name, _number(f.value), f.qualifier, f.unit) for i, f in enumerate(e.figures)]
        )
        conn.executemany("INSERT INTO actors VALUES (?, ?, ?)", [(e.id, i, name) for i, name in enumerate(e.actors)])
        conn.executemany("INSERT INTO related VALUES (?, ?)", [(e.id, other) for other in e.related])
        conn.executemany("INSERT INTO event_countries VALUES (?, ?, ?)", [(e.id, c, i) for i, c in enumerate(e.countries)])
        conn.executemany("INSERT INTO event_themes VALUES (?, ?, ?)", [(e.id, t, i) for i, t in enumerate(e.themes)])
    conn.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")


def write_sqlite(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> bytes:
    with tempfile.TemporaryDirectory(prefix="pcdip-") as tmp:
        path = Path(tmp) / "export.sqlite"
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = OFF")  # a throwaway file: no journal to create and delete
            conn.execute("BEGIN")
            build(conn, events, store)
            conn.execute("COMMIT")
        finally:
            conn.close()
        return path.read_bytes()
