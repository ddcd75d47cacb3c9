"""Where the query engine's index lives between runs: one SQLite file per store in the user's cache.

A cache may make an answer faster, never different:
- an index is used only for the exact store it was built from: its BLAKE2b digest (with the
  digest of the pcdip code that built it and the index layout) is checked against the store's
  bytes; the bytes are hashed again unless the store's stat (device, inode, size, modification
  and change times) is what it was when last hashed, and that hash was taken more than two
  seconds after the last modification (git's "racy clean" rule);
- an index file whose size, inode or modification time differs from what its builder recorded is
  not opened, and a damaged row or page found while answering makes the engine rebuild from the
  store and answer again (engine.py), never an error and never a wrong answer;
- indexes are written to a temporary file, fsynced, renamed into place, with one builder per store
  (a lock); what a killed builder leaves is removed by a later run;
- indexes of stores that no longer exist are removed, and the folder is kept under a size cap
  (PCDIP_CACHE_MAX_MB, default 1024), least recently used first;
- beside an index, `<name>.rows` keeps the rows exporters rendered from it (RowCache), keyed by
  the index's digest and checked row by row, so a second CSV or Markdown export reads them.

The folder: $PCDIP_CACHE_DIR, else $XDG_CACHE_HOME/pcdip, else ~/.cache/pcdip.
PCDIP_NO_CACHE=1 keeps the index in memory only. No Typer, no Rich, no printing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import FORMAT, Builder, DamagedIndexError, Engine, check_meta
from .engine import RowCache as EngineRowCache
from .locations import locate, read_bytes
from .records import Header

if TYPE_CHECKING:
    pass

ENV_DIR = "PCDIP_CACHE_DIR"
ENV_OFF = "PCDIP_NO_CACHE"
ENV_MAX = "PCDIP_CACHE_MAX_MB"
ENV_SYNC = "PCDIP_CACHE_SYNC"
DEFAULT_MAX_MB = 1024
RACY_NS = 2_000_000_000  # a store modified this close to its last hash is hashed again
SWEEP_EVERY_S = 60
SYNC_BELOW = 8 * 1024 * 1024  # indexes smaller than this are written before the command exits


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "").lower() not in ("1", "true", "yes")


def cache_dir() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pcdip"


def max_bytes() -> int:
    try:
        return int(float(os.environ.get(ENV_MAX, DEFAULT_MAX_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


_CODE: str | None = None


def code_digest() -> str:
    """A digest of the installed pcdip's own code: a changed pcdip never reads an older one's index."""
    global _CODE
    if _CODE is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
            try:
                h.update(path.read_bytes())
            except OSError:
                pass
            h.update(b"\0")
        _CODE = h.hexdigest()[:32]
    return _CODE


_HASHED: list[tuple[bytes, Any]] = []  # the bytes hashed last and their hash: a write extends it
_KEEP = False  # whether to keep them: in a command's run (`finish` lets go) or a write, not in a library user's session


def keep_hashes() -> None:
    """Keep the last store hashed, and its hash, until `finish` (a command's run): `add` reads the
    store before its lock and again under it, and the key of what it writes continues that hash."""
    global _KEEP
    _KEEP = True


@contextmanager
def hashes_kept() -> Iterator[None]:
    """Keep them for the length of a write (`store.append_events` called from Python)."""
    global _KEEP
    before, _KEEP = _KEEP, True
    try:
        yield
    finally:
        _KEEP = before
        if not before:
            _HASHED.clear()


def _hash(data: bytes) -> Any:
    """SHA-256 of the bytes (with the CPU's SHA instructions, three times as fast as BLAKE2 here):
    taken from the kept hash when they equal the bytes hashed last, and kept when asked to."""
    if _HASHED and (_HASHED[0][0] is data or _HASHED[0][0] == data):
        return _HASHED[0][1].copy()
    h = hashlib.sha256(data)
    if _KEEP:
        _HASHED[:] = [(data, h.copy())]
    return h


def digest(data: bytes) -> str:
    """The key of an index: the store's bytes, the code that builds indexes, and their layout.
    Bytes equal to those hashed last (a store read again under its lock) are not hashed again."""
    return _finish_digest(_hash(data))


def digest_of(pieces: list[bytes]) -> str:
    """`digest(b"".join(pieces))` without joining them, continuing from the hash of the first
    piece (the store read under its lock, then appended to)."""
    h = _hash(pieces[0])
    for piece in pieces[1:]:
        h.update(piece)
    return _finish_digest(h)


def _finish_digest(h: Any) -> str:
    h.update(f"\0pcdip code {code_digest()} index {FORMAT}".encode())
    return str(h.hexdigest()[:40])


def _name(store: Path) -> str:
    return hashlib.sha256(str(store).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def paths(store: Path) -> tuple[Path, Path, Path]:
    """(index, stamp, lock) of a store, by its resolved path."""
    folder = cache_dir()
    name = _name(store)
    return folder / f"{name}.sqlite3", folder / f"{name}.json", folder / f".{name}.lock"


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _file_key(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _uri(path: Path) -> str:
    # Path.as_uri percent-encodes '?', '#', '%' and spaces, so any folder name is read as a path.
    return path.resolve().as_uri() + "?mode=ro"


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(value, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


# --- reading ----------------------------------------------------------------------------------


def _open_cached(store: Path, st: os.stat_result, data: bytes | None, *, hash_always: bool = False) -> tuple[sqlite3.Connection, Header] | None:
    """The store's index if it is exactly the store's (its bytes `data` when given), else None."""
    index, stamp_path, _ = paths(store)
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        if stamp.get("store") != str(store) or stamp.get("code") != code_digest() or stamp.get("format") != FORMAT:
            return None
        if _file_key(index.stat()) != stamp.get("index"):
            return None  # changed since it was written: damaged, or another's
        fresh = not hash_always and _stat_key(st) == stamp.get("store_stat") and stamp.get("hashed_ns", 0) - st.st_mtime_ns > RACY_NS
        if not fresh:
            if data is None:
                data = read_bytes(store)
            if digest(data) != stamp.get("digest"):
                return None
            _restamp(stamp_path, stamp, st)
        conn = sqlite3.connect(_uri(index), uri=True, check_same_thread=False)
    except (OSError, ValueError, TypeError, AttributeError, sqlite3.Error):
        return None
    try:
        meta = check_meta(conn)
        if meta.get("digest") != stamp.get("digest") or meta.get("code") != code_digest() or meta.get("format") != str(FORMAT):
            conn.close()
            return None
        header = Header(json.loads(meta["header"]))
    except (DamagedIndexError, ValueError, KeyError, TypeError):
        conn.close()
        return None
    _touch(stamp_path)
    return conn, header


def _restamp(stamp_path: Path, stamp: dict[str, Any], st: os.stat_result) -> None:
    """Record that the store, with this stat, hashed to the stamp's digest now."""
    try:
        _write_json(stamp_path, {**stamp, "store_stat": _stat_key(st), "hashed_ns": time.time_ns()})
    except OSError:
        pass


def _touch(stamp_path: Path) -> None:
    # The stamp's modification time is the index's last use, for the size cap; refreshed once a minute at most.
    try:
        if time.time() - stamp_path.stat().st_mtime > 60:
            os.utime(stamp_path)
    except OSError:
        pass


def _build(data: bytes, store: Path, st: os.stat_result | None) -> tuple[sqlite3.Connection, Header]:
    """Validate the store's bytes and index them as they are validated, a batch at a time: into a
    temporary file in the cache folder when the cache is on and writable (queued for `finish` to
    save, stamped with `st`, the store's stat when `data` was read), else in memory."""
    key = digest(data)
    conn, header, tmp = _index_somewhere(data, store, key)
    if tmp is not None and st is not None:
        _PENDING[(store, key)] = (tmp, st, conn, header)
    return conn, header


def _index_somewhere(data: bytes, store: Path, key: str) -> tuple[sqlite3.Connection, Header, Path | None]:
    """The index of the store: in a temporary file in the cache folder (returned too), or in memory."""
    tmp: Path | None = None
    conn: sqlite3.Connection | None = None
    if enabled():
        index = paths(store)[0]
        try:
            index.parent.mkdir(parents=True, exist_ok=True)
            tmp = index.parent / f".build-{os.getpid()}-{index.name}"
            tmp.unlink(missing_ok=True)
            conn = sqlite3.connect(tmp, check_same_thread=False)
        except (OSError, sqlite3.Error):
            tmp, conn = None, None
    if conn is not None:
        try:
            return conn, _index_into(conn, data, store, key), tmp
        except (sqlite3.Error, OSError):  # no room (or no rights) in the cache folder: index in memory
            conn.close()
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        except BaseException:
            conn.close()
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    return conn, _index_into(conn, data, store, key), None


def _index_into(conn: sqlite3.Connection, data: bytes, store: Path, key: str) -> Header:
    from .store import parse_store

    builder = Builder(conn)
    validated = parse_store(data, store, freeze=True, sink=builder.add, reset=builder.reset)
    header = validated.header()
    builder.finish(header, {"digest": key, "code": code_digest(), "store": str(store)})
    return Header(header)


def open_engine(path: str | os.PathLike[str] | None = None) -> Engine:
    """The engine over a store: its cached index when that is exactly the store's, else a fresh
    index built in memory from the validated store (and saved for next time).

    StoreError or ValidationError, as `load_store` raises them, when the store is unreadable or invalid.
    """
    store = locate(path)
    try:
        store = store.resolve()
    except OSError:
        pass
    data = None
    use_cache = enabled()
    if use_cache:
        try:
            st = os.stat(store)
        except OSError:
            data = read_bytes(store)  # raises the right StoreError
            st = os.stat(store)
        if st.st_size > 0:
            found = _open_cached(store, st, None)
            if found is not None:
                conn, header = found
                _sweep_sometimes()
                return _with_rows(Engine(conn, header, rebuild=lambda: _rebuild(store), store_path=store), store)
    if data is None:
        data = read_bytes(store)
    conn, header = _build(data, store, os.stat(store) if use_cache else None)
    engine = Engine(conn, header, store_path=store)
    return _with_rows(engine, store) if use_cache else engine


def _with_rows(engine: Engine, store: Path) -> Engine:
    """The engine, given the store's row cache (keyed by its index's digest)."""
    try:
        found = engine.conn.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
    except sqlite3.Error:
        found = None
    if found is not None:
        engine.row_cache = _row_cache_for(store, str(found[0]))
    return engine


def open_engine_on(store: Path, data: bytes) -> Engine:
    """The engine over exactly these bytes of a store (the write path: the store is locked and
    read once). The cached index is used when its digest is these bytes'; else they are validated
    and indexed."""
    try:
        store = store.resolve()
    except OSError:
        pass
    if enabled():
        found = _open_cached_bytes(store, data)
        if found is not None:
            engine = Engine(found[0], found[1], store_path=store)
            engine.index_file = paths(store)[0]
            return engine
        built = _PENDING.get((store, digest(data)))
        if built is not None:  # this run built the index of these bytes already (`add` read the store before its lock)
            return Engine(built[2], built[3], store_path=store)
    conn, header = _build(data, store, os.stat(store))
    return Engine(conn, header, store_path=store)


def after_append(store: Path, engine: Engine, pieces: list[bytes], events: list[Any]) -> bool:
    """Once events were appended to a store (its new bytes are `pieces`; `engine` answered for the
    bytes before, `pieces[0]`), extend its index with them, so that the next query does not
    rebuild it: the index file itself (under the cache's lock for the store, in one transaction,
    then stamped for the new bytes), or the index this run built and has not saved yet. False
    when neither was possible (the cache off, busy or unwritable): the next query rebuilds it."""
    from .engine import append_to_index

    if not enabled():
        return False
    try:
        store = store.resolve()
        old = str(engine.conn.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()[0])
        st = os.stat(store)
    except (OSError, sqlite3.Error, TypeError):
        return False
    key = digest_of(pieces)
    pending = _PENDING.get((store, old))
    if pending is not None:  # built by this run: extend it before it is saved
        try:
            append_to_index(engine.conn, events, {"digest": key})
        except sqlite3.Error:
            return False
        del _PENDING[(store, old)]
        _PENDING[(store, key)] = (pending[0], st, pending[2], pending[3])
        return True
    if engine.index_file is None:
        return False
    return _extend_saved(store, engine.index_file, old, key, events, st)


def _extend_saved(store: Path, index: Path, old: str, key: str, events: list[Any], st: os.stat_result) -> bool:
    from filelock import FileLock, Timeout

    from .engine import append_to_index

    _, stamp_path, lock = paths(store)
    try:
        with FileLock(lock, timeout=0):
            stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
            if stamp.get("digest") != old or _file_key(index.stat()) != stamp.get("index"):
                return False  # replaced since this run opened it
            conn = sqlite3.connect(index, timeout=1.0)
            try:
                conn.execute("PRAGMA synchronous = FULL")
                append_to_index(conn, events, {"digest": key})
            finally:
                conn.close()
            _write_json(stamp_path, {**stamp, "digest": key, "store_stat": _stat_key(st), "hashed_ns": time.time_ns(), "index": _file_key(index.stat())})
    except (Timeout, OSError, ValueError, sqlite3.Error):
        try:  # the index may hold the new rows while the stamp vouches for the old: never read it
            if json.loads(stamp_path.read_text(encoding="utf-8")).get("index") != _file_key(index.stat()):
                stamp_path.unlink()
        except (OSError, ValueError):
            pass
        return False
    if not rows_path(store).exists():
        return True
    try:  # the kept rows of the events before stay valid: they now belong to the new key
        rows = sqlite3.connect(rows_path(store), timeout=1.0)
        try:
            with rows:
                rows.execute("UPDATE meta SET value = ? WHERE key = 'index' AND value = ?", (key, old))
        finally:
            rows.close()
    except sqlite3.Error:
        pass
    return True


def _open_cached_bytes(store: Path, data: bytes) -> tuple[sqlite3.Connection, Header] | None:
    try:
        st = os.stat(store)
    except OSError:
        return None
    return _open_cached(store, st, data, hash_always=True)


def _rebuild(store: Path) -> sqlite3.Connection:
    """A fresh index of the store, for an engine whose cached index turned out damaged."""
    data = read_bytes(store)
    conn, _ = _build(data, store, os.stat(store))
    return conn


# --- rendered rows ------------------------------------------------------------------------------

ROWS_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (kind TEXT NOT NULL, pos INTEGER NOT NULL, text TEXT NOT NULL, crc INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS rows_key ON rows (kind, pos);
"""


def rows_path(store: Path) -> Path:
    """The file beside a store's index that keeps rows rendered by the exporters (`<name>.rows`)."""
    return paths(store)[0].with_suffix(".rows")


class RowCache(EngineRowCache):
    """Rows the exporters rendered from an index (CSV, TSV and Markdown rows of whole events), kept
    in a SQLite file beside it, so that the next export of the same store by the same code reads
    them instead of rendering again.

    The file records the key of the index it was filled from (the store's bytes and the code's
    digest); any other key empties it first. Each row has a CRC-32: a row that fails it is not
    given (the engine renders it again and puts it back). Any error of the file turns the cache
    off for the run and removes the file; the export goes on, rendering every row.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self.pending = 0
        try:
            conn = sqlite3.connect(path, check_same_thread=False, timeout=1.0)
            conn.executescript("PRAGMA synchronous = OFF; PRAGMA journal_mode = DELETE;" + ROWS_SCHEMA)
            found = conn.execute("SELECT value FROM meta WHERE key = 'index'").fetchone()
            if found is None or found[0] != key:
                with conn:
                    conn.execute("DELETE FROM rows")
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('index', ?)", (key,))
            self.conn = conn
        except (sqlite3.Error, OSError):
            self._off()

    def _off(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
        self.conn = None
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass

    def get(self, kind: str, positions: list[int]) -> dict[int, str]:
        if self.conn is None:
            return {}
        marks = ",".join("?" * len(positions))
        try:
            found = self.conn.execute(f"SELECT pos, text, crc FROM rows WHERE kind = ? AND pos IN ({marks})", [kind, *positions]).fetchall()
        except sqlite3.Error:
            self._off()
            return {}
        return {pos: text for pos, text, crc in found if isinstance(text, str) and zlib.crc32(text.encode("utf-8", "surrogatepass")) == crc}

    def put(self, kind: str, rows: dict[int, str]) -> None:
        if self.conn is None:
            return
        try:
            self.conn.executemany(
                "INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)",
                ((kind, pos, text, zlib.crc32(text.encode("utf-8", "surrogatepass"))) for pos, text in rows.items()),
            )
            self.pending += len(rows)
            if self.pending >= 20_000:  # let other readers in now and then
                self.commit()
        except sqlite3.OperationalError:  # busy (another export is filling it) or no room: render without keeping
            self._rollback()
        except sqlite3.Error:
            self._off()

    def _rollback(self) -> None:
        try:
            if self.conn is not None:
                self.conn.rollback()
                self.conn.close()
        except sqlite3.Error:
            pass
        self.conn = None

    def commit(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.commit()
            self.pending = 0
        except sqlite3.OperationalError:
            self._rollback()
        except sqlite3.Error:
            self._off()


def _row_cache_for(store: Path, key: str) -> Callable[[], RowCache | None]:
    """A factory that opens the store's row cache once, on first use (most commands never need it)."""
    opened: list[RowCache | None] = []

    def get() -> RowCache | None:
        if not opened:
            opened.append(RowCache(rows_path(store), key) if enabled() else None)
        return opened[0]

    return get


# --- writing ----------------------------------------------------------------------------------

# The indexes this run built and has not saved: (store, key) -> (temporary file, the store's stat
# when read, the open connection, its header).
_PENDING: dict[tuple[Path, str], tuple[Path, os.stat_result, sqlite3.Connection, Header]] = {}


def finish() -> None:
    """Save the indexes this run built (temporary files in the cache folder), once the command
    has answered: fsync, rename into place, stamp.

    Small ones are saved here; a large one by a detached child process (where the platform can
    fork), so that nobody waits for its fsync. PCDIP_CACHE_SYNC=1 saves every one here (tests do).
    """
    global _KEEP
    pending = [(store, key, tmp, st) for (store, key), (tmp, st, _, _) in _PENDING.items()]
    _PENDING.clear()
    _HASHED.clear()
    _KEEP = False
    if not pending:
        return
    small = os.environ.get(ENV_SYNC) == "1" or not hasattr(os, "fork")
    if not small:
        small = all(_size_of(tmp) < SYNC_BELOW for _, _, tmp, _ in pending)
    if small:
        for item in pending:
            save(*item)
        sweep()
        return
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    pid = os.fork()
    if pid != 0:
        return
    try:  # the child: let go of the terminal and of any pipe, so nobody waits for it
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        for item in pending:
            save(*item)
        sweep()
    finally:
        os._exit(0)


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def save(store: Path, key: str, tmp: Path, st: os.stat_result) -> bool:
    """Put a built index in place: fsync the temporary file, rename it, then write its stamp.
    One writer per store at a time (a second one gives way, and its file is removed). False when
    nothing was saved (no room, no rights, another writer)."""
    from filelock import FileLock, Timeout

    from .outputs import fsync_quietly

    index, stamp_path, lock = paths(store)
    try:
        with FileLock(lock, timeout=0):
            _clean_temporaries(index.parent)
            try:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                try:
                    stamp_path.unlink()  # an index is never read without the stamp that vouches for it
                except FileNotFoundError:
                    pass
                os.replace(tmp, index)
                fsync_quietly(index.parent)
                hashed = time.time_ns()
                _write_json(
                    stamp_path,
                    {
                        "store": str(store),
                        "digest": key,
                        "code": code_digest(),
                        "format": FORMAT,
                        "store_stat": _stat_key(st),
                        "hashed_ns": hashed,
                        "index": _file_key(index.stat()),
                    },
                )
            finally:
                try:
                    tmp.unlink()
                except FileNotFoundError:
                    pass
    except (Timeout, OSError):
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _clean_temporaries(folder: Path) -> None:
    """Remove what builders that are gone left behind (a killed `pcdip` leaves its temporary file)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(".build-") or (name.startswith(".") and name.endswith(".tmp"))):
            continue
        parts = name.split("-", 2) if name.startswith(".build-") else name.rsplit(".", 2)
        try:
            pid = int(parts[1])
        except (IndexError, ValueError):
            pid = -1
        if pid == os.getpid() or (pid > 0 and _alive(pid)):
            try:  # a live pid may be a reused one: a day-old temporary file is stale anyway
                if time.time() - entry.stat().st_mtime < 86400:
                    continue
            except OSError:
                continue
        try:
            os.unlink(entry.path)
        except OSError:
            pass


# --- housekeeping ------------------------------------------------------------------------------


def entries() -> list[dict[str, Any]]:
    """Every index in the cache: its store, size, and whether the store still exists."""
    folder = cache_dir()
    out = []
    try:
        stamps = sorted(folder.glob("*.json"))
    except OSError:
        return []
    for stamp_path in stamps:
        index = stamp_path.with_suffix(".sqlite3")
        try:
            stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
            store = str(stamp["store"])
        except (OSError, ValueError, KeyError, TypeError):
            store = ""
        size = _size_of(index) + _size_of(index.with_suffix(".rows"))
        try:
            used = stamp_path.stat().st_mtime
        except OSError:
            used = 0.0
        out.append(
            {"store": store, "index": str(index), "stamp": str(stamp_path), "bytes": size, "used": used, "store_exists": bool(store) and os.path.isfile(store)}
        )
    return out


def _remove(entry: dict[str, Any]) -> None:
    index = Path(entry["index"])
    for path in (entry["stamp"], index, index.with_suffix(".rows"), index.with_suffix(".rows-journal")):
        try:
            os.unlink(path)
        except OSError:
            pass


def sweep() -> None:
    """Remove indexes of stores that no longer exist, orphans and leftovers, then keep under the cap."""
    folder = cache_dir()
    _clean_temporaries(folder)
    found = entries()
    kept = []
    for entry in found:
        if not entry["store_exists"]:
            _remove(entry)
        else:
            kept.append(entry)
    stamped = {Path(e["index"]).stem for e in found}
    try:
        for orphan in [*folder.glob("*.sqlite3"), *folder.glob("*.rows")]:
            if orphan.stem not in stamped:
                orphan.unlink()
    except OSError:
        pass
    total = sum(e["bytes"] for e in kept)
    cap = max_bytes()
    for entry in sorted(kept, key=lambda e: e["used"]):  # rendered rows go first: the cheapest to make again
        if total <= cap:
            break
        rows = Path(entry["index"]).with_suffix(".rows")
        size = _size_of(rows)
        try:
            rows.unlink()
        except OSError:
            continue
        total -= size
        entry["bytes"] -= size
    for entry in sorted(kept, key=lambda e: e["used"]):
        if total <= cap:
            break
        _remove(entry)
        total -= entry["bytes"]
    try:
        (folder / ".swept").touch()
    except OSError:
        pass


def _sweep_sometimes() -> None:
    try:
        if time.time() - (cache_dir() / ".swept").stat().st_mtime < SWEEP_EVERY_S:
            return
    except OSError:
        pass
    sweep()


def info() -> dict[str, Any]:
    """What `pcdip cache` reports: where the cache is, how big, and what it holds."""
    sweep()
    found = entries()
    return {
        "folder": str(cache_dir()),
        "enabled": enabled(),
        "indexes": len(found),
        "bytes": sum(e["bytes"] for e in found),
        "max_bytes": max_bytes(),
        "stores": [{"store": e["store"], "bytes": e["bytes"]} for e in found],
    }


def clear() -> int:
    """Remove every index (and leftover) from the cache; return how many indexes were removed."""
    found = entries()
    for entry in found:
        _remove(entry)
    folder = cache_dir()
    try:
        for leftover in folder.iterdir():
            if (
                leftover.suffix in (".sqlite3", ".tmp", ".rows", ".rows-journal")
                or leftover.name.startswith((".build-", ".swept"))
                or leftover.name.endswith(".lock")
            ):
                try:
                    leftover.unlink()
                except OSError:
                    pass
    except OSError:
        pass
    return len(found)
