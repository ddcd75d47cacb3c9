"""Reading events back from the files `pcdip export` writes: JSON, NDJSON, CSV, TSV and TOML.

Each reader returns (where, raw event dict) pairs; `parse_events` validates them all and reports
every problem at once, located by line (NDJSON, CSV rows, TOML tables) or position (JSON).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import StoreError, UsageError, ValidationError
from .fields import EVENT_FIELDS
from .models import Event

Raw = list[tuple[str, Any]]

READABLE = ("json", "ndjson", "csv", "tsv", "toml")
_BY_EXTENSION = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv", ".tsv": "tsv", ".toml": "toml"}


def detect_format(name: str, explicit: str | None) -> str:
    if explicit:
        fmt = {"jsonl": "ndjson"}.get(explicit.lower(), explicit.lower())
        if fmt not in READABLE:
            raise UsageError(f"cannot import format {explicit!r}; choose one of: {', '.join(READABLE)}")
        return fmt
    guessed = _BY_EXTENSION.get(Path(name).suffix.lower())
    if guessed is None:
        raise UsageError(f"{name}: cannot tell the format from the file name; add --format ({', '.join(READABLE)})")
    return guessed


def _json(text: str, name: str) -> Raw:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise StoreError(f"{name}: a value is nested too deeply (arrays or objects inside one another); an event needs a few levels") from None
    if not isinstance(data, list):
        raise StoreError(f"{name}: expected a JSON array of event objects, as `pcdip export --format json` writes")
    return [(f"{name}: item {i + 1}", item) for i, item in enumerate(data)]


def _ndjson(text: str, name: str) -> Raw:
    out: Raw = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            out.append((f"{name}:{number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise StoreError(f"{name}:{number}:{exc.colno}: not valid JSON: {exc.msg}") from None
        except RecursionError:
            raise StoreError(f"{name}:{number}: a value is nested too deeply (arrays or objects inside one another)") from None
    return out


def _table(text: str, name: str, dialect: type[csv.Dialect]) -> Raw:
    from .exporters.csvfmt import from_cell

    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = next(reader)
    except StopIteration:
        return []
    unknown = [h for h in header if h not in EVENT_FIELDS]
    if unknown:
        raise StoreError(f"{name}:1: unknown column {', '.join(map(repr, unknown))}; columns are the export fields: {','.join(EVENT_FIELDS)}")
    out: Raw = []
    try:
        for row in reader:
            where = f"{name}:{reader.line_num}"
            if len(row) != len(header):
                raise StoreError(f"{where}: {len(row)} cells where the header has {len(header)}")
            record: dict[str, Any] = {}
            for field, cell in zip(header, row, strict=True):
                try:
                    value = from_cell(field, cell)
                except json.JSONDecodeError as exc:
                    raise StoreError(f"{where}: column {field}: not valid JSON: {exc.msg}") from None
                if value is not None:
                    record[field] = value
            out.append((where, record))
    except csv.Error as exc:
        raise StoreError(f"{name}:{reader.line_num}: not valid CSV: {exc}") from None
    return out


def _toml(text: str, name: str) -> Raw:
    from .store import event_lines, parse_toml

    data = parse_toml(text.encode("utf-8"), Path(name))  # file:line:column on a syntax error
    events = data.get("events", [])
    if not isinstance(events, list):
        raise StoreError(f"{name}: `events` must be an array of [[events]] tables")
    lines = event_lines(text.encode("utf-8"))
    return [(f"{name}:{lines[i]}" if i < len(lines) else f"{name}: event {i + 1}", e) for i, e in enumerate(events)]


READERS: dict[str, Callable[[str, str], Raw]] = {
    "json": _json,
    "ndjson": _ndjson,
    "csv": lambda text, name: _table(text, name, csv.excel),
    "tsv": lambda text, name: _table(text, name, csv.excel_tab),
    "toml": _toml,
}


def parse_events(text: str, fmt: str, name: str) -> list[Event]:
    """Validate every event of an import; ValidationError lists every invalid one."""
    from pydantic import ValidationError as PydanticError

    from .store import error_location, error_message

    events: list[Event] = []
    problems: list[str] = []
    for where, raw in READERS[fmt](text, name):
        label = raw.get("id") if isinstance(raw, dict) else None
        who = f"event {label!r}: " if isinstance(label, str) else ""
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected an event object, found {type(raw).__name__}")
            continue
        try:
            events.append(Event.model_validate(raw))
        except PydanticError as exc:
            problems += [f"{where}: {who}{error_location(err['loc'])}: {error_message(err)}" for err in exc.errors()]
    if problems:
        raise ValidationError(f"{name}: nothing was imported: {len(problems)} problem{'s' if len(problems) != 1 else ''}:", details=problems)
    return events
