"""An on-disk index of a store, so that repeated queries need not parse and validate it again.

Correct by construction:
- the cache is keyed on the store's *bytes* (a BLAKE2b digest of the whole file, with pcdip's
  version and the cache format), so any change, an older copy of the same size included, misses;
- it lives in the user's cache folder ($PCDIP_CACHE_DIR, else $XDG_CACHE_HOME/pcdip, else
  ~/.cache/pcdip), one SQLite file per store path, replaced atomically when rebuilt;
- anything unexpected (a truncated or corrupt file, another version's layout) is treated as a
  miss and rebuilt, never trusted;
- it is built only from a store that validated, and the write path (add, import) never reads it.

What it holds: each event's exported JSON object (the text `export --format ndjson` writes) in
timeline order, plus index tables by country, theme and date and the folded text the --actor and
--search filters look in. A query selects rows in SQL and only the rows it returns are decoded.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    from .models import Store
    from .query import Filters

CACHE_FORMAT = 1
ENV_DIR = "PCDIP_CACHE_DIR"
ENV_OFF = "PCDIP_NO_CACHE"


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "") not in ("1", "true", "yes")


def cache_dir() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pcdip"


def cache_file(store: Path) -> Path:
    name = hashlib.sha256(str(store.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir() / f"{name}.sqlite3"


def digest(data: bytes) -> str:
    """The cache key: the store's bytes, pcdip's version and the cache layout."""
    h = hashlib.blake2b(data, digest_size=20)
    h.update(f"\0pcdip {__version__} cache {CACHE_FORMAT}".encode())
    return h.hexdigest()


class Index:
    """A valid cache of one store: its header, and its events to select from."""

    def __init__(self, conn: sqlite3.Connection, header: dict[str, Any]) -> None:
        self.conn = conn
        self.header = header

    def rows(self, filters: Filters) -> list[str]:
        """The JSON text of every matching event, in timeline order (reversed and cut as asked)."""
        where: list[str] = []
        args: list[Any] = []
        if filters.start is not None:
            where.append("end_day >= ?")
            args.append(filters.start.lower.toordinal())
        if filters.end is not None:
            where.append("start_day <= ?")
            args.append(filters.end.upper.toordinal())
        codes: Sequence[str] = filters.countries
        if codes:
            where.append(f"pos IN (SELECT pos FROM event_countries WHERE code IN ({','.join('?' * len(codes))}))")
            args += list(codes)
        if filters.region is not None:
            from .countries import codes_in_region

            region_codes = codes_in_region(filters.region)
            where.append(f"pos IN (SELECT pos FROM event_countries WHERE code IN ({','.join('?' * len(region_codes)) or 'NULL'}))")
            args += region_codes
        if filters.themes:
            marks = ",".join("?" * len(filters.themes))
            if filters.all_themes:
                where.append(f"pos IN (SELECT pos FROM event_themes WHERE theme IN ({marks}) GROUP BY pos HAVING COUNT(DISTINCT theme) = ?)")
                args += [*filters.themes, len(set(filters.themes))]
            else:
                where.append(f"pos IN (SELECT pos FROM event_themes WHERE theme IN ({marks}))")
                args += list(filters.themes)
        if filters.actor is not None:
            where.append("instr(actors, ?) > 0")
            args.append(filters.actor.casefold())
        if filters.search is not None:
            where.append("instr(haystack, ?) > 0")
            args.append(filters.search.casefold())
        sql = "SELECT json FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY pos DESC" if filters.reverse else " ORDER BY pos"
        if filters.limit is not None:
            sql += " LIMIT ?"
            args.append(filters.limit)
        return [row[0] for row in self.conn.execute(sql, args)]



def open_index(store: Path, key: str) -> Index | None:
    """The cache of `store` if it was built from exactly these bytes; None otherwise (missing, stale, corrupt)."""
    path = cache_file(store)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = dict(conn.execute("SELECT key, value FROM meta"))
            if found.get("digest") != key or found.get("format") != str(CACHE_FORMAT):
                conn.close()
                return None
            header = json.loads(found["header"])
            if not isinstance(header, dict) or not isinstance(header.get("themes"), list):
                conn.close()
                return None
            # A truncated file can pass the meta read; a full count touches every page of the index.
            (count,) = conn.execute("SELECT COUNT(*) FROM events").fetchone()
            if count != int(found.get("events", -1)):
                conn.close()
                return None
        except BaseException:
            conn.close()
            raise
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    return Index(conn, header)


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, start_day INTEGER NOT NULL, end_day INTEGER NOT NULL,
                     actors TEXT NOT NULL, haystack TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE event_countries (pos INTEGER NOT NULL, code TEXT NOT NULL);
CREATE TABLE event_themes (pos INTEGER NOT NULL, theme TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX event_countries_code ON event_countries (code, pos);
CREATE INDEX event_themes_theme ON event_themes (theme, pos);
CREATE INDEX events_start ON events (start_day);
CREATE INDEX events_end ON events (end_day);
"""


@contextmanager
def building() -> Iterator[None]:
    """Mark a background build in progress (`.building-<pid>` in the cache folder), for tools that
    must wait for it, such as the benchmark's cold runs."""
    marker = cache_dir() / f".building-{os.getpid()}"
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
    try:
        yield
    finally:
        try:
            marker.unlink()
        except OSError:
            pass


def build_index(store_path: Path, key: str, store: Store) -> None:
    """Write the cache of a validated store (atomically; failures only mean no cache)."""
    from .exporters.jsonfmt import dumps
    from .query import select

    target = cache_file(store_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".build-", suffix=".sqlite3", dir=target.parent)
        os.close(fd)
    except OSError:
        return
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            events = select(store.events)  # timeline order: pos is the sort position
            conn.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (pos, e.id, e.start_day.toordinal(), e.end_day.toordinal(),
                     "\n".join(e.actors).casefold(), "\n".join([e.title, e.summary, *e.actors]).casefold(), dumps(e.to_dict()))
                    for pos, e in enumerate(events)
                ),
            )
            conn.executemany("INSERT INTO event_countries VALUES (?, ?)", ((pos, c) for pos, e in enumerate(events) for c in e.countries))
            conn.executemany("INSERT INTO event_themes VALUES (?, ?)", ((pos, t) for pos, e in enumerate(events) for t in e.themes))
            conn.executescript(_INDEXES)
            header = store.header()
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("digest", key), ("format", str(CACHE_FORMAT)), ("events", str(len(events))), ("header", json.dumps(header)),
                ("store", str(store_path.resolve())),
            ])
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error):
        try:
            os.unlink(tmp)
        except OSError:
            pass
