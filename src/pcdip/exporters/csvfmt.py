"""CSV (RFC 4180) and TSV: a header row of EVENT_FIELDS, one row per event.

- lists (countries, themes, actors, related) are joined with ";"; a ";" or "\\" inside an item is
  escaped with a backslash, so that `split_list` gives the items back exactly;
- nested fields (place, figures, sources) are JSON text in their cell;
- a cell a spreadsheet would run as a formula (first character after any leading single quotes is
  =, +, -, @, tab or CR) gets one more leading "'" (OWASP's advice); `unguard` reverses it exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..fields import EVENT_FIELDS

LIST_FIELDS = ("countries", "themes", "actors", "related")
JSON_FIELDS = ("place", "figures", "sources", "provenance")
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def guard(cell: str) -> str:
    return "'" + cell if _FORMULA.match(cell) else cell


def unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell[1:]) else cell


def join_list(items: Sequence[str]) -> str:
    return ";".join(item.replace("\\", "\\\\").replace(";", "\\;") for item in items)


def split_list(cell: str) -> list[str]:
    if cell == "":
        return []
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, "\\"))
        elif ch == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return items


def to_cell(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return guard(join_list(value))
    if field in JSON_FIELDS:
        return guard(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return guard(str(value))


def from_cell(field: str, cell: str) -> Any:
    """The inverse of to_cell, for `pcdip import`."""
    cell = unguard(cell)
    if field in LIST_FIELDS:
        return split_list(cell)
    if field in JSON_FIELDS:
        return json.loads(cell) if cell else (None if field in ("place", "provenance") else [])
    return cell if cell != "" else None


def _write(events: Iterable[Any], fields: Sequence[str] | None, dialect: type[csv.Dialect]) -> Iterator[str]:
    columns = list(fields or EVENT_FIELDS)
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect=dialect)
    writer.writerow(columns)
    for n, event in enumerate(events, 1):
        record = event.to_dict()
        writer.writerow([to_cell(f, record[f]) for f in columns])
        if n % 256 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def write_csv(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    return _write(events, fields, csv.excel)


def write_tsv(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    return _write(events, fields, csv.excel_tab)
