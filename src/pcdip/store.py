"""Finding, reading and validating a store. No printing: problems are raised as PcdipError."""

from __future__ import annotations

import gc
import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StoreError, ValidationError

if TYPE_CHECKING:  # the models (and their pydantic schemas) load only when a store is validated
    from .models import Event, Store, Theme

ENV_VAR = "PCDIP_STORE"
_CHUNK = 2000  # events validated at a time
_EVENT_HEADER = re.compile(rb"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)


def _packaged_store() -> Path:
    return Path(__file__).resolve().parent / "data" / "events.toml"


def bundled_store() -> Path:
    """The store shipped with pcdip: inside the installed package, or data/ of a source checkout."""
    packaged = _packaged_store()
    if packaged.is_file():
        return packaged
    return packaged.parent.parent.parent.parent / "data" / "events.toml"


def locate(path: str | os.PathLike[str] | None = None) -> Path:
    """The store to use: an explicit path, else $PCDIP_STORE, else the bundled store."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return bundled_store()


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Validating many small objects with the cyclic GC on is ~8x slower (docs/PERFORMANCE.md).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        hint = f"pass --store PATH or set {ENV_VAR}" if path != bundled_store() else "reinstall pcdip"
        raise StoreError(f"{path}: no such store; {hint}") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a store file; point --store at an events.toml") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store: {exc.strerror or exc}") from None


def parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StoreError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the store as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else str(path)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        raise StoreError(f"{where}: TOML syntax error: {msg}") from None


def event_lines(data: bytes) -> list[int]:
    """Line number of each `[[events]]` header, in order: event i starts at line event_lines[i]."""
    lines: list[int] = []
    line, last = 1, 0
    for m in _EVENT_HEADER.finditer(data):
        line += data.count(b"\n", last, m.start())
        last = m.start()
        lines.append(line)
    return lines


def error_location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(event)"


def error_message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a field of the schema (misspelt?)"
    msg = str(error["msg"])
    return msg.removeprefix("Value error, ")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a store, located as precisely as the TOML allows."""

    path: Path
    line: int | None
    event_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        who = f"event {self.event_id!r}: " if self.event_id else ""
        return f"{where}: {who}{self.field}: {self.message}"


def validate_raw(
    raw: dict[str, Any], path: Path, data: bytes = b"", batches: Iterator[list[Any]] | None = None
) -> tuple[Store | None, list[Problem]]:
    """Validate a parsed store; return the Store (if valid) and every problem found.

    The events are `raw["events"]`, or, when the store was parsed in pieces, the lists `batches`
    yields in file order.
    """
    from pydantic import TypeAdapter
    from pydantic import ValidationError as PydanticError

    from .models import SCHEMA_VERSION, Event, Store, Theme, check_events

    problems: list[Problem] = []
    lines: list[int] | None = None  # found only when a problem needs locating

    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        got = "missing" if version is None else repr(version)
        problems.append(Problem(path, None, None, "schema_version", f"{got}; this pcdip reads schema_version = {SCHEMA_VERSION}"))
    unknown = sorted(set(raw) - {"schema_version", "title", "description", "themes", "events"})
    for key in unknown:
        problems.append(Problem(path, None, None, key, "is not a top-level key of a store (schema_version, title, description, themes, events)"))

    themes: list[Theme] = []
    raw_themes = raw.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        problems.append(Problem(path, None, None, "themes", "the store declares no themes; add [[themes]] tables with id, label and description"))
    else:
        try:
            themes = TypeAdapter(list[Theme]).validate_python(raw_themes)
        except PydanticError as exc:
            for err in exc.errors():
                problems.append(Problem(path, None, None, "themes" + error_location(err["loc"]), error_message(err)))
        seen: set[str] = set()
        for t in themes:
            if t.id in seen:
                problems.append(Problem(path, None, None, "themes", f"theme {t.id!r} is declared twice"))
            seen.add(t.id)

    raw_events = raw.get("events", [])
    if not isinstance(raw_events, list):
        problems.append(Problem(path, None, None, "events", "must be an array of [[events]] tables"))
        raw_events = []

    def line_of(i: int) -> int | None:
        nonlocal lines
        if lines is None:
            lines = event_lines(data) if data else []
        return lines[i] if i < len(lines) else None

    def in_chunks() -> Iterator[list[Any]]:
        # Each chunk is freed once validated: the peak memory is then about the larger of the raw
        # and the validated forms, not their sum.
        for begin in range(0, len(raw_events), _CHUNK):
            chunk = raw_events[begin : begin + _CHUNK]
            raw_events[begin : begin + _CHUNK] = [None] * len(chunk)
            yield chunk

    raw_ids: list[str] = []  # the id (or "#n") of every raw event, for messages

    def id_of(i: int) -> str | None:
        return raw_ids[i]

    events: list[Event] = []
    positions: list[int] = []  # index in the store of each validated event
    adapter = TypeAdapter(list[Event])
    start = 0
    with _gc_paused():
        for chunk in batches if batches is not None else in_chunks():
            raw_ids += [
                item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else f"#{start + j + 1}"
                for j, item in enumerate(chunk)
            ]
            try:
                events += adapter.validate_python(chunk)
                positions += range(start, start + len(chunk))
            except PydanticError as exc:
                bad: set[int] = set()
                for err in exc.errors():
                    loc = err["loc"]
                    j = loc[0] if loc and isinstance(loc[0], int) else None
                    if j is None:
                        problems.append(Problem(path, None, None, "events", error_message(err)))
                        continue
                    bad.add(j)
                    problems.append(Problem(path, line_of(start + j), id_of(start + j), error_location(loc[1:]), error_message(err)))
                # Keep checking the valid ones across events, so that every problem is reported at once.
                for j, item in enumerate(chunk):
                    if j not in bad:
                        events.append(Event.model_validate(item))
                        positions.append(start + j)
            start += len(chunk)
            del chunk

    invalid_ids = set(raw_ids) - {e.id for e in events}
    for j, event_id, field, message in check_events(events, themes, present_ids=invalid_ids):
        problems.append(Problem(path, line_of(positions[j]), event_id, field, message))

    if problems:
        problems.sort(key=lambda p: p.line or 0)  # stable: file order, then the order found
        return None, problems
    return Store.model_construct(schema_version=SCHEMA_VERSION, title=raw.get("title"), description=raw.get("description"), themes=themes, events=events), []


def load_store(path: str | os.PathLike[str] | None = None) -> Store:
    """Read, parse and validate a store; raise StoreError or ValidationError (listing every problem)."""
    where = locate(path)
    return parse_store(read_bytes(where), where)


def parse_store(data: bytes, where: Path, *, freeze: bool = False) -> Store:
    """Parse and validate a store's bytes, with the cyclic garbage collector paused throughout.

    The parsed tables and the models are many small objects: collecting them while they are built
    costs more than the parsing, so collection waits. With `freeze` (the command line, whose
    process ends soon) the survivors are then moved out of later collections; a library caller's
    process is left as it was. A large store is parsed a few thousand
    `[[events]]` tables at a time (see _pieces), so that its raw tables never all exist at once.
    """
    with _gc_paused():
        pieces = _pieces(data, where)
        store: Store | None = None
        if pieces is not None:
            header, batches = pieces
            try:
                store, problems = validate_raw(header, where, data, batches)
            except _Unsplittable:
                store = None
                pieces = None
        if pieces is None:
            store, problems = validate_raw(parse_toml(data, where), where, data)
        if store is not None and freeze:
            gc.freeze()
    if store is None:
        raise invalid(where, problems)
    return store


class _Unsplittable(Exception):
    """The store cannot be parsed in pieces: parse it whole (which also locates any error exactly)."""


def _pieces(data: bytes, where: Path) -> tuple[dict[str, Any], Iterator[list[Any]]] | None:
    """The header and the events of a large store, parsed `_CHUNK` tables at a time.

    Safe because every piece must parse on its own and hold exactly the tables counted: a
    `[[events]]` line inside a multi-line string leaves the piece before it with an unterminated
    string (a parse error), and a header written another way leaves a piece with fewer tables than
    counted; either raises _Unsplittable, and the store is parsed whole instead.
    """
    starts = [m.start() for m in _EVENT_HEADER.finditer(data)]
    if len(starts) <= 2 * _CHUNK:
        return None
    try:
        header = tomllib.loads(data[: starts[0]].decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if "events" in header:
        return None

    def batches() -> Iterator[list[Any]]:
        for k in range(0, len(starts), _CHUNK):
            end = starts[k + _CHUNK] if k + _CHUNK < len(starts) else len(data)
            try:
                piece = tomllib.loads(data[starts[k] : end].decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError):
                raise _Unsplittable from None
            events = piece.get("events")
            if set(piece) != {"events"} or not isinstance(events, list) or len(events) != min(_CHUNK, len(starts) - k):
                raise _Unsplittable
            yield events

    return header, batches()


def invalid(where: Path, problems: list[Problem]) -> ValidationError:
    count = len(problems)
    return ValidationError(f"{where}: the store is not valid ({count} problem{'s' if count != 1 else ''}):", details=[str(p) for p in problems])


# --- writing --------------------------------------------------------------------------------
#
# A curator's file is never rewritten: new events are serialised with tomli-w and appended after
# the existing bytes, which stay exactly as they were (comments and layout included). Every write
# holds a lock, parses and validates the result before it replaces the store, and replaces it
# atomically, so a crash leaves either the old store or the new one.

LOCK_TIMEOUT = 60.0


def lock_path(path: Path) -> Path:
    # A lock file beside the store, not the store itself: os.replace gives the store a new inode.
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the store's write lock (serialises concurrent `pcdip add` / `pcdip import`)."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(lock_path(path), timeout=LOCK_TIMEOUT):
            yield
    except Timeout:
        raise StoreError(f"{path}: another pcdip is writing this store (lock {lock_path(path)} held for {LOCK_TIMEOUT:.0f} s); try again") from None
    except PermissionError as exc:
        raise StoreError(f"{path}: cannot lock the store for writing: {exc.strerror or exc}") from None


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file in the store's folder, fsync it, and rename it over `path`."""
    import tempfile

    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on every platform
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def render_events(events: list[Event]) -> bytes:
    """New events as TOML `[[events]]` tables, written by tomli-w."""
    import tomli_w

    from .exporters.tomlfmt import event_table

    return tomli_w.dumps({"events": [event_table(e) for e in events]}).encode("utf-8")


def append_events(path: str | os.PathLike[str] | None, events: list[Event]) -> Store:
    """Append events to a store, all or nothing; return the new store.

    Refuses (ValidationError listing every problem, store untouched) when the store is invalid,
    when an id is already used, when a theme is undeclared or a `related` id unknown.
    """
    from .models import check_events

    where = locate(path)
    if where.resolve() == _packaged_store():
        raise StoreError(f"{where} is the store installed with pcdip and is replaced on upgrade; "
                         "create your own with `pcdip init PATH` and pass --store PATH (or set PCDIP_STORE)")
    with locked(where):
        data = read_bytes(where)
        current, problems = validate_raw(parse_toml(data, where), where, data)
        if current is None:
            raise ValidationError(f"{where}: the store is not valid, so nothing was written; fix it first ({len(problems)} problems):",
                                  details=[str(p) for p in problems])
        batch = check_events(events, current.themes, known_ids={e.id for e in current.events})
        if batch:
            raise ValidationError(
                f"{where}: nothing was written: {len(batch)} problem{'s' if len(batch) != 1 else ''} in the new events:",
                details=[f"event {event_id!r}: {field}: {message}" for _, event_id, field, message in batch],
            )
        if not events:
            return current
        separator = b"" if not data or data.endswith(b"\n\n") else (b"\n" if data.endswith(b"\n") else b"\n\n")
        new_data = data + separator + render_events(events)
        # Read the result back before it may replace the store.
        written, problems = validate_raw(parse_toml(new_data, where), where, new_data)
        expected = [e.to_dict() for e in [*current.events, *events]]
        if written is None or [e.to_dict() for e in written.events] != expected:
            details = [str(p) for p in problems] or ["the appended events did not read back as written"]
            raise StoreError(f"{where}: the store would not read back correctly after the write, so nothing was written", details=details)
        atomic_write(where, new_data)
        return written


def init_store(path: Path, template: Store) -> None:
    """Create a new store with the template's theme vocabulary; never overwrite a file."""
    import tomli_w

    from .models import SCHEMA_VERSION

    header = (
        "# A pcdip event store. Format: the README's \"The store format\"; check with `pcdip validate`.\n"
        "# Add events with `pcdip add` or `pcdip import`, or by hand as [[events]] tables below.\n"
    )
    document = {"schema_version": SCHEMA_VERSION, "themes": [t.model_dump(exclude_defaults=True) for t in template.themes]}
    data = (header + "\n" + tomli_w.dumps(document)).encode("utf-8")
    if not path.parent.is_dir():
        raise StoreError(f"{path.parent}: no such folder; create it first")
    with locked(path):
        if path.exists():
            raise StoreError(f"{path}: already exists; pcdip init never overwrites a file (choose another path or remove it)")
        atomic_write(path, data)
