"""The query engine: every read of a store is answered here, from one SQLite index.

One implementation of filtering, ordering, limits, lookup by id and the aggregates behind
`themes`, `countries`, `stats` and the country profile. The index is built from a validated store
(`build`), kept on disk between runs by `cache.py` when it can be, and otherwise held in memory
and queried the same way: the answer never depends on where the index lives.

Rows come out in timeline order (the start of the span, then its end, then the id), as the
exported JSON text each event was validated into, and are checked against a CRC-32 written
beside them: a damaged row is never decoded into an answer (see `Engine._damaged`).

No Typer, no Rich, no printing.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NotFoundError
from .query import Filters, actor_key, encodable, search_key
from .records import Header, Record

if TYPE_CHECKING:
    from .countries import Country
    from .models import Event

FORMAT = 5  # the layout below; part of the cache key
SQL_MAX_INT = 2**63 - 1
SEP = "\x1f"  # between the items of a text column; validated text holds no control characters

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
    pos INTEGER PRIMARY KEY,      -- the event's place in the store file
    id TEXT NOT NULL UNIQUE,
    start_day INTEGER NOT NULL,   -- proleptic Gregorian ordinals of the span's first and last day
    end_day INTEGER NOT NULL,
    year INTEGER NOT NULL,        -- the year the span starts in
    actors TEXT NOT NULL,         -- actor_key(): folded, word starts marked, SEP between actors
    haystack TEXT NOT NULL        -- search_key(): folded title, summary and actors, SEP between them
);
CREATE TABLE docs (
    pos INTEGER PRIMARY KEY,
    json TEXT NOT NULL,           -- the exported event object, as `export --format ndjson` writes it
    crc INTEGER NOT NULL          -- CRC-32 of json's UTF-8 bytes
);
CREATE TABLE timeline (ord INTEGER PRIMARY KEY, pos INTEGER NOT NULL);  -- start, end, id order
CREATE TABLE event_countries (code TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (code, pos)) WITHOUT ROWID;
CREATE TABLE event_themes (theme TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (theme, pos)) WITHOUT ROWID;
CREATE TABLE event_related (target TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (target, pos)) WITHOUT ROWID;
-- the regions of each event's countries other than China, once each ('—' for a country without one)
CREATE TABLE event_regions (region TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (region, pos)) WITHOUT ROWID;
"""
INDEXES = """
CREATE UNIQUE INDEX timeline_pos ON timeline (pos);
CREATE INDEX events_start ON events (start_day);
CREATE INDEX events_end ON events (end_day);
CREATE INDEX event_countries_pos ON event_countries (pos);
CREATE INDEX event_themes_pos ON event_themes (pos);
CREATE INDEX events_year ON events (year);
"""
TABLES = ("meta", "events", "docs", "timeline", "event_countries", "event_themes", "event_related", "event_regions")
PRAGMAS = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;"


class RowCache:
    """Rendered rows of an index, kept between runs (see cache.RowCache): the interface the engine uses."""

    def get(self, kind: str, positions: list[int]) -> dict[int, str]:
        raise NotImplementedError

    def put(self, kind: str, rows: dict[int, str]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError


class DamagedIndexError(Exception):
    """The index does not hold what was written (a changed byte, a malformed page, a missing table)."""


def dumps(value: Any) -> str:
    from .exporters.jsonfmt import dumps as _dumps

    return _dumps(value)


# --- building ---------------------------------------------------------------------------------


class Builder:
    """Fills an empty database with the index of validated events, given in batches in file order.

    Each batch is turned into rows and written at once, so the events need not all be held: a
    cold start validates a large store a few thousand events at a time and indexes each batch
    before the next. `finish` puts the events in timeline order and adds the indexes.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(PRAGMAS + SCHEMA)
        self.keys: list[tuple[int, int, str, int]] = []
        self.regions: dict[str, str] = {}

    def add(self, events: Iterable[Event]) -> None:
        self.keys += _insert_rows(self.conn, events, len(self.keys), self.regions)

    def reset(self) -> None:
        """Forget every event added (the store is being read again from the start)."""
        for table in TABLES:
            self.conn.execute(f"DELETE FROM {table}")
        self.keys.clear()

    def finish(self, header: dict[str, Any], meta: dict[str, str] | None = None) -> int:
        self.keys.sort()
        self.conn.executemany("INSERT INTO timeline VALUES (?, ?)", ((ord_, key[3]) for ord_, key in enumerate(self.keys)))
        self.conn.executescript(INDEXES)
        info = {"format": str(FORMAT), "events": str(len(self.keys)), "header": json.dumps(header), **(meta or {})}
        self.conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(info.items()))
        self.conn.commit()
        n = len(self.keys)
        self.keys = []
        return n


def _insert_rows(conn: sqlite3.Connection, events: Iterable[Event], pos: int, regions_of: dict[str, str]) -> list[tuple[int, int, str, int]]:
    """Write the rows of these events, numbered from `pos` in file order, to every table but the
    timeline; return their timeline keys (start day, end day, id, position)."""
    from . import countries as _countries

    def region(code: str) -> str:
        found = regions_of.get(code)
        if found is None:
            found = regions_of[code] = _countries.get(code).region or "—"
        return found

    rows, docs, countries, themes, related, regions, keys = [], [], [], [], [], [], []
    for e in events:
        text = dumps(e.to_dict())
        start, end = e.start_day.toordinal(), e.end_day.toordinal()
        rows.append((pos, e.id, start, end, e.date.year, actor_key(e.actors), search_key([e.title, e.summary, *e.actors])))
        docs.append((pos, text, zlib.crc32(text.encode("utf-8"))))
        countries += [(c, pos) for c in e.countries]
        regions += [(r, pos) for r in sorted({region(c) for c in e.countries if c != "CN"})]
        themes += [(t, pos) for t in e.themes]
        related += [(r, pos) for r in e.related]
        keys.append((start, end, e.id, pos))
        pos += 1
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO docs VALUES (?, ?, ?)", docs)
    conn.executemany("INSERT INTO event_countries VALUES (?, ?)", countries)
    conn.executemany("INSERT INTO event_themes VALUES (?, ?)", themes)
    conn.executemany("INSERT INTO event_related VALUES (?, ?)", related)
    conn.executemany("INSERT INTO event_regions VALUES (?, ?)", regions)
    return keys


SHIFT_AT_MOST = 100  # new events placed in the timeline one by one; more, and it is numbered again


def append_to_index(conn: sqlite3.Connection, events: list[Event], meta: dict[str, str], *, shift_at_most: int = SHIFT_AT_MOST) -> None:
    """Extend a built index (read-write, no transaction open) with events appended to its store,
    in one transaction: what `Builder` would have written had the store held them from the start
    (positions after the last event, each placed in timeline order), with `meta` updated. The
    tests compare the result with a fresh build, table by table."""
    with conn:
        count = int(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
        keys = _insert_rows(conn, events, count, {})
        if len(keys) > shift_at_most:
            conn.execute("DELETE FROM timeline")
            conn.execute("INSERT INTO timeline SELECT row_number() OVER (ORDER BY start_day, end_day, id) - 1, pos FROM events")
        else:
            for start, end, event_id, pos in sorted(keys):
                # Its place: the events before it in (start, end, id) order, itself excluded.
                k = int(conn.execute("SELECT COUNT(*) FROM events WHERE (start_day, end_day, id) < (?, ?, ?)", (start, end, event_id)).fetchone()[0])
                conn.execute("UPDATE timeline SET ord = -ord - 1 WHERE ord >= ?", (k,))  # out of the way, then one up
                conn.execute("UPDATE timeline SET ord = -ord WHERE ord < 0")
                conn.execute("INSERT INTO timeline VALUES (?, ?)", (k, pos))
        meta = {**meta, "events": str(count + len(keys))}
        conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items()))


def build(conn: sqlite3.Connection, events: Iterable[Event], header: dict[str, Any], meta: dict[str, str] | None = None) -> int:
    """Fill an empty database with the index of validated events; return how many."""
    builder = Builder(conn)
    builder.add(events)
    return builder.finish(header, meta)


def memory_engine(events: Iterable[Event], header: dict[str, Any]) -> Engine:
    """An engine over events held in memory (the library's `select`, and stores with no disk cache)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    build(conn, events, header)
    return Engine(conn, Header(header))


def check_meta(conn: sqlite3.Connection) -> dict[str, str]:
    """The meta table of an index, after checking every table is there; DamagedIndexError otherwise."""
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not set(TABLES) <= names:
            raise DamagedIndexError(f"missing tables: {', '.join(sorted(set(TABLES) - names))}")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        header = json.loads(meta["header"])
        Header(header)  # raises on a damaged header
    except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
        raise DamagedIndexError(str(exc)) from None
    return meta


# --- answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What the record holds for one country (with the other filters applied)."""

    country: Country
    events: list[Record]
    themes: list[tuple[str, int]] = field(default_factory=list)
    pushback: list[Record] = field(default_factory=list)

    @property
    def first(self) -> Record | None:
        return self.events[0] if self.events else None

    @property
    def last(self) -> Record | None:
        return self.events[-1] if self.events else None

    def to_dict(self) -> dict[str, Any]:
        first, last = self.first, self.last
        return profile_dict(
            self.country,
            [e.to_dict() for e in self.events],
            first.date.text if first else None,
            last.date.text if last else None,
            dict(self.themes),
            [e.id for e in self.pushback],
        )


def profile_dict(country: Country, events: list[Any], first: str | None, last: str | None, themes: dict[str, int], pushback: list[str]) -> dict[str, Any]:
    """A country profile's exported form (`country --format json`): `events` as given (objects, or
    their JSON texts for `jsonfmt.dumps_with_rows`)."""
    return {
        "country": country.to_dict(),
        "counts": {"events": len(events), "first": first, "last": last, "themes": themes, "pushback": len(pushback)},
        "pushback": pushback,
        "events": events,
    }


_NEVER = "0"  # a WHERE term no row meets
# The events in timeline order, with their filter columns (e) and exported text (d).
_ORDERED = "timeline t JOIN events e ON e.pos = t.pos JOIN docs d ON d.pos = t.pos"


def _where(filters: Filters) -> tuple[str, list[Any]]:
    """The SQL condition (over `events`) and arguments that select what `filters` ask for."""
    where: list[str] = []
    args: list[Any] = []
    if filters.start is not None:
        where.append("e.end_day >= ?")
        args.append(filters.start.lower.toordinal())
    if filters.end is not None:
        where.append("e.start_day <= ?")
        args.append(filters.end.upper.toordinal())
    if filters.countries:
        where.append(f"e.pos IN (SELECT pos FROM event_countries WHERE code IN ({','.join('?' * len(filters.countries))}))")
        args += list(filters.countries)
    if filters.region is not None:
        from .countries import codes_in_region

        codes = codes_in_region(filters.region)
        where.append(f"e.pos IN (SELECT pos FROM event_countries WHERE code IN ({','.join('?' * len(codes)) or 'NULL'}))")
        args += codes
    if filters.themes:
        marks = ",".join("?" * len(filters.themes))
        if filters.all_themes:
            where.append(f"e.pos IN (SELECT pos FROM event_themes WHERE theme IN ({marks}) GROUP BY pos HAVING COUNT(*) = ?)")
            args += [*filters.themes, len(set(filters.themes))]
        else:
            where.append(f"e.pos IN (SELECT pos FROM event_themes WHERE theme IN ({marks}))")
            args += list(filters.themes)
    actor_needles = filters.actor_needles()
    if actor_needles is not None:  # any of them
        if actor_needles:
            where.append("e.actors != '' AND (" + " OR ".join(["instr(e.actors, ?) > 0"] * len(actor_needles)) + ")")
            args += actor_needles
        else:  # text that no validated event can hold (a lone surrogate, a control character)
            where.append(_NEVER)
    needle = filters.search_needle()
    if needle is False:
        where.append(_NEVER)
    elif needle is not None:
        where.append("instr(e.haystack, ?) > 0")
        args.append(needle)
    return (" WHERE " + " AND ".join(where)) if where else "", args


class Engine:
    """Answers queries over one index. Built by `cache.open_engine` (a store file) or `memory_engine`.

    `rebuild`, when given, builds a fresh connection from the store; a damaged index is then
    replaced and the question asked again, so the caller still gets the right answer.
    """

    def __init__(
        self, conn: sqlite3.Connection, header: Header, rebuild: Callable[[], sqlite3.Connection] | None = None, store_path: Path | None = None
    ) -> None:
        self.conn = conn
        self.header = header
        self._rebuild = rebuild
        self.store_path = store_path  # the store file it answers for, when it is one
        self.index_file: Path | None = None  # the cache's index file it reads, when it does
        # Where rendered rows are kept between runs (cache.RowCache, opened on first use), if anywhere.
        self.row_cache: Callable[[], RowCache | None] | None = None

    # -- plumbing -----------------------------------------------------------------------------

    def _damaged(self) -> None:
        """Replace a damaged index by a fresh build, or raise if this engine cannot rebuild."""
        if self._rebuild is None:
            raise DamagedIndexError("the in-memory index does not read back as written")
        rebuild, self._rebuild = self._rebuild, None  # once: a second failure is not the cache's fault
        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        self.conn = rebuild()

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        while True:
            try:
                return self.conn.execute(sql, args).fetchall()
            except sqlite3.DatabaseError:
                self._damaged()

    @staticmethod
    def _decode(text: Any, crc: Any) -> dict[str, Any]:
        if not isinstance(text, str) or zlib.crc32(text.encode("utf-8", "surrogatepass")) != crc:
            raise DamagedIndexError("an event row does not match its checksum")
        try:
            value = json.loads(text)
        except ValueError:
            raise DamagedIndexError("an event row is not JSON") from None
        if not isinstance(value, dict):
            raise DamagedIndexError("an event row is not an object")
        return value

    @staticmethod
    def _checked(text: Any, crc: Any) -> str:
        """The row's text when it is what was written (its CRC matches: it is the JSON that was validated)."""
        if not isinstance(text, str) or zlib.crc32(text.encode("utf-8", "surrogatepass")) != crc:
            raise DamagedIndexError("an event row does not match its checksum")
        return text

    def _rows(self, sql: str, args: Sequence[Any], decode: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
        """(JSON text, decoded) of each row `sql` selects (columns json, crc), streamed in batches;
        without `decode`, the text alone is checked (and an empty dict stands for the decoded value).

        A damage found part way (the index's file changed under it) rebuilds the index and asks
        again, skipping the rows already given: the answer is the store's, whatever happened.
        """
        given = 0
        while True:
            try:
                cursor = self.conn.execute(sql, args)
                skipped = 0
                while True:
                    batch = cursor.fetchmany(256)
                    if not batch:
                        return
                    decoded = [(text, self._decode(text, crc)) for text, crc in batch] if decode else [(self._checked(t, c), {}) for t, c in batch]
                    for item in decoded:
                        if skipped < given:
                            skipped += 1
                            continue
                        given += 1
                        skipped += 1
                        yield item
            except (sqlite3.DatabaseError, DamagedIndexError):
                self._damaged()

    # -- selections -----------------------------------------------------------------------------

    def _select_sql(self, filters: Filters, columns: str) -> tuple[str, list[Any]]:
        """The query of `columns` (of `t`, the timeline, and `e`, the events) for the selected
        events, in timeline order, cut to the limit."""
        where, args = _where(filters)
        sql = f"SELECT {columns} FROM timeline t JOIN events e ON e.pos = t.pos{where} ORDER BY t.ord{' DESC' if filters.reverse else ''}"
        if filters.limit is not None:
            sql += " LIMIT ?"
            args.append(min(filters.limit, SQL_MAX_INT))
        return sql, args

    def texts(self, filters: Filters = Filters()) -> Iterator[str]:
        """The exported JSON text of each selected event, in order (what `export -f ndjson` writes)."""
        for text, _ in self._selection(filters, decode=False):
            yield text

    def _selection(self, filters: Filters, decode: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
        """(JSON text, decoded) of each selected event, in order. The positions are chosen first,
        ordered and cut to the limit without carrying the events' text (a sort of every matching
        event's text made `theme pushback -n 10` cost what the whole theme costs), then the
        events are read 512 at a time."""
        positions = [int(pos) for (pos,) in self._query(*self._select_sql(filters, "t.pos"))]
        for k in range(0, len(positions), 512):
            chunk = positions[k : k + 512]
            ordered = sorted(chunk)
            found = dict(zip(ordered, self._doc_rows(ordered, decode), strict=True))
            for pos in chunk:
                yield found[pos]

    def _doc_rows(self, positions: list[int], decode: bool = True) -> list[tuple[str, dict[str, Any]]]:
        """(JSON text, decoded) of the events at these positions (sorted), in that order."""
        marks = ",".join("?" * len(positions))
        while True:
            found = list(self._rows(f"SELECT json, crc FROM docs WHERE pos IN ({marks}) ORDER BY pos", positions, decode))
            if len(found) == len(positions):
                return found
            self._damaged()  # a row the index lists is missing

    def _docs(self, positions: list[int]) -> list[dict[str, Any]]:
        """The exported objects of the events at these positions (sorted), in that order."""
        return [value for _, value in self._doc_rows(positions)]

    def rendered(self, filters: Filters, kind: str, render: Callable[[Record], str]) -> Iterator[tuple[int, str]]:
        """(year, text) of each selected event, in order, where text is `render(event)`: the rows of
        a format that renders each event on its own (`kind` names the format and its options).

        Rendered rows are kept in the engine's row cache when it has one, so a second export reads
        them instead of rendering again; a row missing there, or damaged (its CRC), is rendered from
        the event and put back. The text is the same either way: the cache only saves the work.
        """
        selected = self._query(*self._select_sql(filters, "e.pos, e.year"))
        cache = self.row_cache() if self.row_cache is not None and selected else None
        for k in range(0, len(selected), 512):
            chunk = selected[k : k + 512]
            have = cache.get(kind, [pos for pos, _ in chunk]) if cache is not None else {}
            missing = sorted(pos for pos, _ in chunk if pos not in have)
            if missing:
                made = {pos: render(Record(value)) for pos, value in zip(missing, self._docs(missing), strict=True)}
                if cache is not None:
                    cache.put(kind, made)
                have.update(made)
            for pos, year in chunk:
                yield int(year), have[pos]
        if cache is not None:
            cache.commit()

    def dicts(self, filters: Filters = Filters()) -> Iterator[dict[str, Any]]:
        """The exported form (EVENT_FIELDS) of each selected event, in order."""
        for _, value in self._selection(filters):
            yield value

    def select(self, filters: Filters = Filters()) -> Iterator[Record]:
        """Each selected event as a Record, in timeline order (latest first with `reverse`), at most `limit`."""
        for _, value in self._selection(filters):
            yield Record(value)

    def count(self, filters: Filters = Filters()) -> int:
        where, args = _where(filters)
        sql = f"SELECT COUNT(*) FROM events e{where}"
        n = int(self._query(sql, args)[0][0])
        return n if filters.limit is None else min(n, filters.limit)

    # -- lookups --------------------------------------------------------------------------------

    def get(self, event_id: str) -> Record | None:
        """The event with this id, or None (a key lookup)."""
        if not encodable(event_id):
            return None
        found = list(self._rows("SELECT d.json, d.crc FROM events e JOIN docs d ON d.pos = e.pos WHERE e.id = ?", (event_id,)))
        return Record(found[0][1]) if found else None

    def existing_ids(self, candidates: Iterable[str]) -> set[str]:
        """Which of these ids an event of the store has (a key lookup each)."""
        return set(self.positions(candidates))

    def positions(self, event_ids: Iterable[str]) -> dict[str, int]:
        """Where each of these ids stands in the store file (0 for its first event), for those it has."""
        found: dict[str, int] = {}
        wanted = [c for c in dict.fromkeys(event_ids) if encodable(c)]
        for k in range(0, len(wanted), 500):
            chunk = wanted[k : k + 500]
            found.update((row[0], int(row[1])) for row in self._query(f"SELECT id, pos FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def ids(self, prefix: str = "", limit: int | None = None) -> list[str]:
        """Ids starting with `prefix`, in timeline order."""
        if not encodable(prefix):
            return []
        sql = f"SELECT e.id FROM {_ORDERED} WHERE substr(e.id, 1, ?) = ? ORDER BY t.ord"
        args: list[Any] = [len(prefix), prefix]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(min(limit, SQL_MAX_INT))
        return [row[0] for row in self._query(sql, args)]

    def related(self, event: Record) -> tuple[list[Record], list[Record]]:
        """(events this one names in `related`, in its order; events that name this one, in timeline order)."""
        answers = [r for r in (self.get(i) for i in event.related) if r is not None]
        answered_by = [
            Record(v)
            for _, v in self._rows(
                f"SELECT d.json, d.crc FROM {_ORDERED} WHERE e.pos IN (SELECT pos FROM event_related WHERE target = ?) ORDER BY t.ord", (event.id,)
            )
        ]
        return answers, answered_by

    # -- aggregates ------------------------------------------------------------------------------

    def _in_selection(self, filters: Filters) -> tuple[str, list[Any]]:
        where, args = _where(filters)
        return (f"pos IN (SELECT e.pos FROM events e{where})", args) if where else ("1", args)

    def theme_counts(self, filters: Filters = Filters()) -> dict[str, int]:
        """Events of each theme among the selected ones, most first (ties in declared order)."""
        cond, args = self._in_selection(filters)
        found = dict(self._query(f"SELECT theme, COUNT(*) FROM event_themes WHERE {cond} GROUP BY theme", args))
        order = {t.id: i for i, t in enumerate(self.header.themes)}
        return {t: found[t] for t in sorted(found, key=lambda t: (-found[t], order.get(t, len(order)), t))}

    def country_counts(self, filters: Filters = Filters()) -> dict[str, int]:
        """Events of each country among the selected ones (codes; unordered)."""
        cond, args = self._in_selection(filters)
        return dict(self._query(f"SELECT code, COUNT(*) FROM event_countries WHERE {cond} GROUP BY code", args))

    def stats(self, filters: Filters = Filters(), top: int = 10) -> dict[str, Any]:
        """Counts per year (every year of the range, zeros included), theme, region and country."""
        from dataclasses import replace

        from . import countries as _countries

        filters = replace(filters, limit=None, reverse=False)
        where, args = _where(filters)
        total = self.count(filters)
        first = last = None
        if total:
            first = next(self._rows(f"SELECT d.json, d.crc FROM {_ORDERED}{where} ORDER BY t.ord LIMIT 1", args))[1]["date"]
            last = next(self._rows(f"SELECT d.json, d.crc FROM {_ORDERED}{where} ORDER BY t.ord DESC LIMIT 1", args))[1]["date"]
        years = dict(self._query(f"SELECT e.year, COUNT(*) FROM events e{where} GROUP BY e.year", args))
        span = range(min(years), max(years) + 1) if years else range(0)
        cond, cargs = self._in_selection(filters)
        regions = dict(self._query(f"SELECT region, COUNT(*) FROM event_regions WHERE {cond} GROUP BY region", cargs))
        unplaced = self._query(
            f"SELECT COUNT(*) FROM events e{where}{' AND' if where else ' WHERE'} e.pos NOT IN (SELECT pos FROM event_countries WHERE code != 'CN')", args
        )[0][0]
        if unplaced:
            regions["(global or China)"] = unplaced
        by_country = self.country_counts(filters)
        return {
            "events": total,
            "first": first,
            "last": last,
            "by_year": {str(y): years.get(y, 0) for y in span},
            "by_theme": self.theme_counts(filters),
            "by_region": dict(sorted(regions.items(), key=lambda kv: (-kv[1], kv[0]))),
            "top_countries": [
                {"code": code, "name": _countries.name(code), "events": n}
                for code, n in sorted(by_country.items(), key=lambda kv: (-kv[1], _countries.name(kv[0])))[:top]
            ],
        }

    @staticmethod
    def _of_country(code: str, filters: Filters) -> Filters:
        from dataclasses import replace

        return replace(filters, countries=(code,), region=None, limit=None, reverse=False)

    def profile(self, code: str, filters: Filters = Filters()) -> Profile:
        """A country's profile: its events (other filters applied), theme counts and pushback."""
        from . import countries as _countries

        country = _countries.get(code)
        chosen = self._of_country(code, filters)
        events = list(self.select(chosen))
        counts = self.theme_counts(chosen)
        pushback_ids = self.header.pushback_themes
        pushback = [e for e in events if pushback_ids.intersection(e.themes)]
        return Profile(country, events, list(counts.items()), pushback)

    def profile_json(self, code: str, filters: Filters = Filters()) -> str:
        """`profile(code, filters)` as JSON, its events one compact object a line, without decoding
        them: their rows are written as the index holds them, the first and last dates read from
        two of them, and the pushback found by theme in SQL (a country of thousands of events
        decoded every one)."""
        from . import countries as _countries
        from .exporters.jsonfmt import dumps_with_rows

        chosen = self._of_country(code, filters)
        texts = list(self.texts(chosen))
        dates = [json.loads(text)["date"] for text in (texts[:1] + texts[-1:])]  # texts() checked each
        pushback: list[str] = []
        if self.header.pushback_themes:
            where, args = _where(chosen)
            themes = sorted(self.header.pushback_themes)
            sql = f"SELECT e.id FROM timeline t JOIN events e ON e.pos = t.pos{where or ' WHERE 1'}"
            sql += f" AND e.pos IN (SELECT pos FROM event_themes WHERE theme IN ({','.join('?' * len(themes))})) ORDER BY t.ord"
            pushback = [str(row[0]) for row in self._query(sql, [*args, *themes])]
        first, last = (dates[0], dates[-1]) if dates else (None, None)
        value = profile_dict(_countries.get(code), texts, first, last, self.theme_counts(chosen), pushback)
        return dumps_with_rows(value, "events", texts)

    def __len__(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM events")[0][0])


def unknown_id(engine: Engine, event_id: str) -> NotFoundError:
    """The error for an id no event has, with the nearest ids."""
    import difflib

    close = engine.ids(event_id, limit=3)
    if not close and encodable(event_id):
        close = difflib.get_close_matches(event_id, engine.ids(), n=3, cutoff=0.75)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; `pcdip timeline` shows each event's id"
    return NotFoundError(f"no event has the id {event_id!r}{hint}")


def id_matches(engine: Engine, text: str) -> list[str]:
    """[text] when an event has that id; else the ids that start with it (up to 21, in timeline order)."""
    if text in engine.existing_ids([text]):
        return [text]
    return engine.ids(text, limit=21) if text else []


def the_one(engine: Engine, text: str, candidates: Sequence[str]) -> Record:
    """The event when `text` named exactly one; NotFoundError listing up to 20 when it named several,
    or suggesting near ids when it named none."""
    if not candidates:
        raise unknown_id(engine, text)
    if len(candidates) > 1:
        shown = list(candidates[:20])
        count = str(len(candidates)) if len(candidates) <= 20 else "over 20"
        more = " (and more; narrow it down)" if len(candidates) > 20 else ""
        details = []
        for event_id in shown:
            event = engine.get(event_id)
            assert event is not None
            details.append(f"{event.date.text:<12} {event_id}  {event.title}")
        raise NotFoundError(f"{count} events match {text!r}{more}; give one id:", details=details)
    found = engine.get(candidates[0])
    assert found is not None
    return found


def event_by_id(engine: Engine, text: str) -> Record:
    """The event with this id or, failing that, the one whose id starts with it; NotFoundError otherwise."""
    return the_one(engine, text, id_matches(engine, text))
