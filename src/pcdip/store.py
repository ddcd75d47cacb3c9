"""Finding, reading and validating a store. No printing: problems are raised as PcdipError."""

from __future__ import annotations

import gc
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StoreError, ValidationError

# Re-exported: where a store is, for the callers that import it from here.
from .locations import ENV_VAR as ENV_VAR
from .locations import _packaged_store as _packaged_store
from .locations import bundled_store as bundled_store
from .locations import locate as locate
from .locations import read_bytes as read_bytes

if TYPE_CHECKING:  # the models (and their pydantic schemas) load only when a store is validated
    from .models import Event, Store, Theme

_CHUNK = 1000  # events validated at a time
_EVENT_HEADER = re.compile(rb"[ \t]*\[\[[ \t]*events[ \t]*\]\]")
_EVENT_HEADER_AFTER_NEWLINE = re.compile(rb"\n[ \t]*\[\[[ \t]*events[ \t]*\]\]")


def header_starts(data: bytes) -> list[int]:
    """Where each line that opens with an `[[events]]` header starts, by a scan of the bytes (the
    parsed document decides; this is the quick count that says whether a store can be split into,
    or appended to as, `[[events]]` tables). A pattern anchored on the newline is searched much
    faster than a multi-line `^`."""
    starts = [0] if _EVENT_HEADER.match(data) else []
    starts += [m.start() + 1 for m in _EVENT_HEADER_AFTER_NEWLINE.finditer(data)]
    return starts


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


BOM = b"\xef\xbb\xbf"
ENV_PARSER = "PCDIP_TOML"  # "tomllib" to parse with the standard library only


def decode(data: bytes, path: Path) -> str:
    """The store's text: UTF-8, a leading byte-order mark dropped (editors on Windows write one)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StoreError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the store as UTF-8") from None


def _fast_parser() -> Any:
    """toml-rs (a compiled TOML 1.0 parser, several times faster than tomllib) when installed."""
    if os.environ.get(ENV_PARSER) == "tomllib":
        return None
    try:
        import toml_rs
    except ImportError:
        return None
    return toml_rs


def toml_loads(text: str, path: Path) -> dict[str, Any]:
    """Parse TOML text: with toml-rs where installed, else tomllib; a syntax error is always
    reported by tomllib (file, line and column), so the message does not depend on the parser."""
    fast = _fast_parser()
    try:
        if fast is not None:
            try:
                return fast.loads(text, toml_version="1.0.0")  # type: ignore[no-any-return]
            except (ValueError, TypeError):
                pass  # let tomllib give (or refute) the error, with its position
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else str(path)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        raise StoreError(f"{where}: TOML syntax error: {msg}") from None
    except RecursionError:
        raise StoreError(f"{path}: a value is nested too deeply (arrays or tables inside one another); a store needs at most a few levels") from None


def parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    return toml_loads(decode(data, path), path)


def event_lines(data: bytes) -> list[int]:
    """Line number of each `[[events]]` header, in order, read from the parsed document: a header
    written `[[ "events" ]]` counts, and `[[events]]` inside a multi-line string does not."""
    text = data.decode("utf-8-sig", "replace")
    fast = _fast_parser()
    if fast is not None:
        try:
            meta = fast.load_with_metadata(text, toml_version="1.0.0").meta
            items = meta["nodes"]["events"]["value"]
            return [item["value_line"] if isinstance(item["value_line"], int) else item["value_line"][0] for item in items]
        except (KeyError, TypeError, ValueError, IndexError, RecursionError):
            pass
    return scan_event_lines(text)


def scan_event_lines(text: str) -> list[int]:
    """`event_lines` without toml-rs: a scan that knows TOML's strings and comments."""
    return [line for kind, line, _ in _toml_marks(text) if kind == "events"]


def toml_comments(text: str) -> list[str]:
    """The comments of a TOML text (from `#` to the end of its line), in order; a `#` inside a
    string is not one."""
    return [value for kind, _, value in _toml_marks(text) if kind == "comment"]


def _toml_marks(text: str) -> Iterator[tuple[str, int, str]]:
    """("events", line, "") for each `[[events]]` header and ("comment", line, text) for each
    comment of a TOML text, in order: a scan that skips strings, basic, literal and multi-line."""
    i, n, line, line_start = 0, len(text), 1, True
    while i < n:
        c = text[i]
        if c == "\n":
            line, line_start, i = line + 1, True, i + 1
            continue
        if c in " \t\r":
            i += 1
            continue
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            yield "comment", line, text[i:j].rstrip("\r")
            i = j
            continue
        if line_start and text.startswith("[[", i):
            j = text.find("]]", i)
            if j > 0 and text[i + 2 : j].strip() in ("events", '"events"', "'events'"):
                yield "events", line, ""
            line_start = False
            i = i + 2 if j < 0 else j + 2
            continue
        line_start = False
        for quote in ('"""', "'''"):
            if text.startswith(quote, i):
                j = i + 3
                while True:
                    j = text.find(quote, j)
                    if j < 0:
                        return  # unterminated: the parser reports it
                    if quote == "'''" or _unescaped(text, j):
                        break
                    j += 1
                while text.startswith(quote[0], j + 3):  # up to two quotes may close the content
                    j += 1
                line += text.count("\n", i, j + 3)
                i = j + 3
                break
        else:
            if c in "\"'":
                j = i + 1
                while j < n and text[j] != c and text[j] != "\n":
                    j += 2 if c == '"' and text[j] == "\\" else 1
                i = j + 1
            else:
                i += 1


def _unescaped(text: str, j: int) -> bool:
    k = j - 1
    while k >= 0 and text[k] == "\\":
        k -= 1
    return (j - 1 - k) % 2 == 0


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
    raw: dict[str, Any],
    path: Path,
    data: bytes = b"",
    batches: Iterator[list[Any]] | None = None,
    *,
    sink: Callable[[list[Event]], None] | None = None,
    owned: bool = False,
) -> tuple[Store | None, list[Problem]]:
    """Validate a parsed store; return the Store (if valid) and every problem found.

    The events are `raw["events"]`, or, when the store was parsed in pieces, the lists `batches`
    yields in file order. With `sink`, each batch of validated events is handed to it (in file
    order) instead of being kept: the Store returned then holds no events, and the caller must
    discard what it built if problems are returned. With `owned`, `raw["events"]` may be emptied
    as it is validated (it belongs to the caller's parse, not to a library user), which keeps
    the peak memory down.
    """
    from pydantic import TypeAdapter
    from pydantic import ValidationError as PydanticError

    from .models import SCHEMA_VERSION, Event, Store, Theme, check_events

    problems: list[Problem] = []
    lines: list[int] | None = None  # found only when a problem needs locating

    version = raw.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        got = "missing" if version is None else repr(version)
        problems.append(Problem(path, None, None, "schema_version", f"{got}; this pcdip reads schema_version = {SCHEMA_VERSION}"))
    from pydantic import TypeAdapter as _Adapter

    from .models import Line as _Line
    from .models import Text as _Text

    for key, kind in (("title", _Line), ("description", _Text)):
        if raw.get(key) is not None:
            try:
                _Adapter(kind).validate_python(raw[key], strict=True)
            except PydanticError as exc:
                problems += [Problem(path, None, None, key, error_message(err)) for err in exc.errors()]
    unknown = sorted(set(raw) - {"schema_version", "title", "description", "themes", "events"})
    for key in unknown:
        problems.append(Problem(path, None, None, key, "is not a top-level key of a store (schema_version, title, description, themes, events)"))

    themes: list[Theme] = []
    declared_broken: set[str] = set()
    raw_themes = raw.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        problems.append(Problem(path, None, None, "themes", "the store declares no themes; add [[themes]] tables with id, label and description"))
    else:
        # Each theme on its own: the valid ones stay declared, and so does the id of a broken one,
        # so that its events are not also reported as using an undeclared theme.
        for i, raw_theme in enumerate(raw_themes):
            try:
                themes.append(Theme.model_validate(raw_theme))
            except PydanticError as exc:
                for err in exc.errors():
                    problems.append(Problem(path, None, None, "themes" + error_location((i, *err["loc"])), error_message(err)))
                if isinstance(raw_theme, dict) and isinstance(raw_theme.get("id"), str):
                    declared_broken.add(raw_theme["id"])
        seen: set[str] = set()
        for t in themes:
            if t.id in seen:
                problems.append(Problem(path, None, None, "themes", f"theme {t.id!r} is declared twice"))
            seen.add(t.id)

    raw_events = raw.get("events", [])
    if not isinstance(raw_events, list):
        problems.append(Problem(path, None, None, "events", "must be an array of [[events]] tables"))
        raw_events = []
    if not owned:
        raw_events = list(raw_events)  # never empty a caller's list

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
            raw_events[begin : begin + _CHUNK] = [None] * len(chunk)  # a copy unless `owned`
            yield chunk

    raw_ids: list[str] = []  # the id (or "#n") of every raw event, for messages

    def id_of(i: int) -> str | None:
        return raw_ids[i]

    events: list[Event] = []
    # What the checks across events need (id, themes, related) of each valid event, when the
    # events themselves go to `sink`.
    summaries: list[_Summary] = []
    positions: list[int] = []  # index in the store of each validated event
    adapter = TypeAdapter(list[Event])
    start = 0
    with _gc_paused():
        for chunk in batches if batches is not None else in_chunks():
            raw_ids += [item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else f"#{start + j + 1}" for j, item in enumerate(chunk)]
            valid: list[Event]
            try:
                valid = adapter.validate_python(chunk)
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
                valid = []
                for j, item in enumerate(chunk):
                    if j not in bad:
                        valid.append(Event.model_validate(item))
                        positions.append(start + j)
            if sink is None:
                events += valid
            else:
                summaries += [_Summary(e.id, e.themes, e.related) for e in valid]
                if not problems:
                    sink(valid)
            start += len(chunk)
            del chunk, valid

    checked: list[Any] = events if sink is None else summaries
    invalid_ids = set(raw_ids) - {e.id for e in checked}
    for j, event_id, name, message in check_events(checked, themes, present_ids=invalid_ids, broken_themes=declared_broken):
        problems.append(Problem(path, line_of(positions[j]), event_id, name, message))

    if problems:
        problems.sort(key=lambda p: p.line or 0)  # stable: file order, then the order found
        return None, problems
    return Store.model_construct(schema_version=SCHEMA_VERSION, title=raw.get("title"), description=raw.get("description"), themes=themes, events=events), []


@dataclass(frozen=True, slots=True)
class _Summary:
    id: str
    themes: list[str]
    related: list[str]


def load_store(path: str | os.PathLike[str] | None = None) -> Store:
    """Read, parse and validate a store; raise StoreError or ValidationError (listing every problem)."""
    where = locate(path)
    return parse_store(read_bytes(where), where)


def parse_store(
    data: bytes, where: Path, *, freeze: bool = False, sink: Callable[[list[Event]], None] | None = None, reset: Callable[[], None] | None = None
) -> Store:
    """Parse and validate a store's bytes, with the cyclic garbage collector paused throughout.

    The parsed tables and the models are many small objects: collecting them while they are built
    costs more than the parsing, so collection waits. With `freeze` (the command line, whose
    process ends soon) the survivors are then moved out of later collections; a library caller's
    process is left as it was. A large store is parsed a few thousand
    `[[events]]` tables at a time (see _pieces), so that its raw tables never all exist at once.

    With `sink`, validated events go to it batch by batch and are not kept (see validate_raw);
    `reset` is called if the batches given so far must be forgotten (a store that turned out not
    to split into pieces is parsed again whole).
    """
    with _gc_paused():
        pieces = _pieces(data, where)
        store: Store | None = None
        if pieces is not None:
            header, batches = pieces
            try:
                store, problems = validate_raw(header, where, data, batches, sink=sink, owned=True)
            except _Unsplittable:
                store = None
                pieces = None
                if reset is not None:
                    reset()
        if pieces is None:
            store, problems = validate_raw(parse_toml(data, where), where, data, sink=sink, owned=True)
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
    starts = header_starts(data)
    if len(starts) <= 2 * _CHUNK:
        return None
    try:
        header = toml_loads(data[: starts[0]].decode("utf-8-sig"), where)
    except (UnicodeDecodeError, StoreError):
        return None
    if "events" in header:
        return None

    def batches() -> Iterator[list[Any]]:
        for k in range(0, len(starts), _CHUNK):
            end = starts[k + _CHUNK] if k + _CHUNK < len(starts) else len(data)
            try:
                piece = toml_loads(data[starts[k] : end].decode("utf-8"), where)
            except (UnicodeDecodeError, StoreError):
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


def atomic_write(path: Path, data: bytes | list[bytes]) -> None:
    """Write `data` to a temporary file in the store's folder, fsync it, and rename it over `path`
    (outputs.replace_file). A writer killed before the rename leaves `.NAME.PID.RANDOM.tmp`
    behind, and the next writer (holding the lock) removes it. OS errors (no space, a file-size
    limit, no rights, a read-only file system) become a StoreError: nothing was changed. `data`
    may be a list of pieces, written in order (a large store and what is appended to it are
    never joined in memory)."""
    from .outputs import replace_file

    replace_file(path, data if isinstance(data, list) else [data], StoreError, f"{path}: cannot write the store")


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files of earlier writers of this store that never finished (a killed
    `pcdip add`). Called with the store's lock held, so no other writer can be using one."""
    prefix, mine = f".{path.name}.", f".{path.name}.{os.getpid()}."
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(prefix) and entry.name.endswith(".tmp") and not entry.name.startswith(mine) and entry.name != f".{path.name}.lock":
            _unlink_quietly(entry.path)


def render_events(events: list[Event]) -> bytes:
    """New events as TOML `[[events]]` tables, written by tomli-w."""
    import tomli_w

    from .exporters.tomlfmt import event_table

    return tomli_w.dumps({"events": [event_table(e) for e in events]}).encode("utf-8")


def write_target(path: Path) -> Path:
    """The file a write to `path` must replace: a symbolic link is followed (once, to its final
    target), so the store it names gets the events and the link stays a link."""
    try:
        return path.resolve(strict=True) if path.is_symlink() else path
    except (OSError, RuntimeError):
        raise StoreError(f"{path}: is a link that leads nowhere (or in a loop); point --store at the store itself") from None


DUPLICATE_CHOICES = ("error", "skip", "replace")


@dataclass(frozen=True)
class AppendResult:
    """What an append did: the ids added, skipped as duplicates, replaced, and found unchanged
    (a duplicate identical to the stored event, with on_duplicate="replace")."""

    added: list[str]
    skipped: list[str]
    dropped_links: int = 0
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def append_events(path: str | os.PathLike[str] | None, events: list[Event], *, on_duplicate: str = "error", outside_links: str = "error") -> AppendResult:
    """Add events to a store, all or nothing.

    Only what is new is checked against the store's index (which exists only for a valid store):
    ids unique, themes declared, `related` ids resolvable. An event whose id the store already
    has is, by `on_duplicate`: "error", a problem that rejects the batch; "skip", left out (and
    reported); "replace", written over the stored one in place (its `[[events]]` table, where it
    stands; the comments inside it are kept just above), unless it is identical (reported as
    unchanged). New events are written with tomli-w after the store's own bytes, which stay as
    they were; every written table must parse on its own to exactly its event before the store is
    replaced (atomically, under the store's lock). With outside_links="drop", `related` links to
    events in neither the store nor the batch are left out and counted (a filtered export's).
    Refuses (ValidationError listing every problem, store untouched) an invalid store or batch,
    and the store installed with pcdip.
    """
    from .engine import dumps
    from .models import check_events

    if on_duplicate not in DUPLICATE_CHOICES:
        raise ValueError(f"on_duplicate must be one of {', '.join(DUPLICATE_CHOICES)}, not {on_duplicate!r}")
    where = locate(path)
    target = write_target(where)
    if target.resolve() == _packaged_store():
        raise StoreError(
            f"{where} is the store installed with pcdip and is replaced on upgrade; "
            "create your own with `pcdip init PATH` and pass --store PATH (or set PCDIP_STORE)"
        )
    if not target.exists() and not target.is_symlink() and target.parent.is_dir():
        raise StoreError(f"{where}: no such store; create it first with `pcdip init {where}` (or pass another --store)")
    from .cache import after_append, hashes_kept, open_engine_on

    with locked(target), hashes_kept():
        remove_stale_temporaries(target)
        data = read_bytes(target)
        try:
            engine = open_engine_on(target, data)
        except ValidationError as exc:
            raise ValidationError(
                f"{where}: the store is not valid, so nothing was written; fix it first ({len(exc.details)} problems):", details=exc.details
            ) from None
        existing = engine.existing_ids([e.id for e in events])
        known = existing | engine.existing_ids(sorted({r for e in events for r in e.related}))
        lost: dict[int, int] = {}  # links left out of each event (by its place in the batch)
        if outside_links == "drop":  # links to events neither in the store nor in the batch (a filtered export's)
            present = known | {e.id for e in events}
            kept = _drop_links(events, present)
            events = [e for e, _ in kept]
            lost = {i: n for i, (_, n) in enumerate(kept) if n}
        skipped: list[str] = []
        unchanged: list[str] = []
        replacing: list[Event] = []
        written: list[int] = []  # places in the batch of the events written (added or replacing)
        new: list[Event] = []
        stored: dict[str, Any] = {}
        for i, e in enumerate(events):
            if e.id not in existing or on_duplicate == "error":
                new.append(e)
                written.append(i)
            elif on_duplicate == "skip":
                skipped.append(e.id)
            else:  # replace: unless it is what the store holds already (links left out as above)
                if e.id not in stored:
                    record = engine.get(e.id)
                    stored[e.id] = record.to_dict() if record is not None else None
                if json.loads(dumps(e.to_dict())) == stored[e.id]:
                    unchanged.append(e.id)
                else:
                    replacing.append(e)
                    written.append(i)
        dropped = sum(lost.get(i, 0) for i in written)
        from .models import Theme

        themes = [Theme.model_validate(t.to_dict()) for t in engine.header.themes]
        ids_replaced = {e.id for e in replacing}
        batch = check_events(new + replacing, themes, known_ids=known - ids_replaced)
        if batch:
            raise ValidationError(
                f"{where}: nothing was written: {len(batch)} problem{'s' if len(batch) != 1 else ''} in the new events:",
                details=[f"event {event_id!r}: {name}: {message}" for _, event_id, name, message in batch],
            )
        result = AppendResult([e.id for e in new], skipped, dropped, [e.id for e in replacing], unchanged)
        if not new and not replacing:
            return result
        count = len(engine)
        if replacing:
            data = _replace_in_place(target, data, engine, replacing)
        pieces = [data]
        if new:
            separator = b"" if not data or data.endswith(b"\n\n") else (b"\n" if data.endswith(b"\n") else b"\n\n")
            appended = render_events(new)
            _check_written(target, appended, new)
            _check_header_count(target, data, appended, new, count)
            pieces += [separator, appended]
        atomic_write(target, pieces)
        if new and not replacing:  # the index, extended, answers for the new bytes (else rebuilt on the next query)
            after_append(target, engine, pieces, new)
        return result


def _drop_links(events: list[Event], present: set[str]) -> list[tuple[Event, int]]:
    """Each event without its `related` links to ids not in `present`, and how many it lost."""
    out = []
    for e in events:
        kept = [r for r in e.related if r in present]
        out.append((e if len(kept) == len(e.related) else e.model_copy(update={"related": kept}), len(e.related) - len(kept)))
    return out


def _replace_in_place(where: Path, data: bytes, engine: Any, replacing: list[Event]) -> bytes:
    """The store's bytes with the `[[events]]` table of each of these events (by id) written anew
    where it stands. A table is the text from its header to its last value: the blank lines and
    comments after it belong to what follows. Before anything is changed, each old table must
    parse on its own to exactly the stored event (so the bounds are right), and each new one to
    exactly its event; the comments of an old table are kept, just above the new one."""
    from .engine import dumps
    from .models import Event

    starts = header_starts(data)
    if len(starts) != len(engine):
        offsets = [0, *(m.end() for m in re.finditer(rb"\n", data))]
        starts = [offsets[line - 1] for line in event_lines(data)]
    positions = engine.positions([e.id for e in replacing])
    edits: list[tuple[int, int, bytes]] = []
    for event in replacing:
        pos = positions[event.id]
        start = starts[pos]
        end = starts[pos + 1] if pos + 1 < len(starts) else len(data)
        old = _table_text(data[start:end])
        record = engine.get(event.id)
        try:
            back = toml_loads(old.decode("utf-8"), where)
            same = set(back) == {"events"} and len(back["events"]) == 1
            same = same and record is not None and json.loads(dumps(Event.model_validate(back["events"][0]).to_dict())) == record.to_dict()
        except Exception:
            same = False
        if not same:
            raise StoreError(
                f"{where}: event {event.id!r} is not written as one [[events]] table of its own, so it cannot be replaced "
                "in place and nothing was written; edit it by hand, or import with --on-duplicate skip"
            )
        table = render_events([event])
        _check_written(where, table, [event])
        comments = "".join(f"{c}\n" for c in toml_comments(old.decode("utf-8")))
        edits.append((start, start + len(old), comments.encode("utf-8") + table.rstrip(b"\n") + b"\n"))
    for start, stop, text in sorted(edits, reverse=True):
        data = data[:start] + text + data[stop:]
    return data


def _table_text(block: bytes) -> bytes:
    """A `[[events]]` table's text: `block` (from its header to the next) without the blank and
    comment-only lines at its end."""
    lines = block.splitlines(keepends=True)
    while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith(b"#")):
        lines.pop()
    return b"".join(lines)


def _check_written(where: Path, text: bytes, events: list[Event]) -> None:
    """Verify TOML about to be written: it parses on its own to exactly these events."""
    from pydantic import TypeAdapter

    from .models import Event

    try:
        back = toml_loads(text.decode("utf-8"), where)
        written = TypeAdapter(list[Event]).validate_python(back.get("events", []))
    except Exception as exc:
        raise StoreError(f"{where}: the new events would not read back as written, so nothing was written ({exc})") from None
    if set(back) != {"events"} or [e.to_dict() for e in written] != [e.to_dict() for e in events]:
        raise StoreError(f"{where}: the new events would not read back as written, so nothing was written")


def _check_header_count(where: Path, data: bytes, appended: bytes, new: list[Event], count: int) -> None:
    """The store declares its events as `[[events]]` tables, so that appending more of them
    extends the same array. (A store that declares them otherwise is parsed whole, appended text
    included, and validated: slower, never wrong.)"""
    if len(header_starts(data)) != count:
        whole = data + b"\n" + appended
        store, problems = validate_raw(parse_toml(whole, where), where, whole)
        if store is None or [e.id for e in store.events][-len(new) :] != [e.id for e in new]:
            raise StoreError(f"{where}: the store would not read back correctly after the write, so nothing was written", details=[str(p) for p in problems])


def init_store(path: Path, template: Store) -> None:
    """Create a new store with the template's theme vocabulary; never overwrite a file."""
    import tomli_w

    from .models import SCHEMA_VERSION

    header = (
        '# A pcdip event store. Format: the README\'s "The store format"; check with `pcdip validate`.\n'
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
