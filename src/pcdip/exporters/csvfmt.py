"""CSV (RFC 4180) and TSV: a header row of EVENT_FIELDS, one row per event.

- lists (countries, themes, actors, related) are joined with ";"; a ";" or "\\" inside an item is
  escaped with a backslash, so that `split_list` gives the items back exactly;
- nested fields (place, figures, sources) are JSON text in their cell;
- a cell a spreadsheet would run as a formula (first character after any leading single quotes is
  =, +, -, @, tab or CR) gets one more leading "'" (OWASP's advice); `unguard` reverses it exactly.
"""

from __future__ import annotations

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


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def to_cell(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return guard(join_list(value))
    if field in JSON_FIELDS:
        return guard(_COMPACT.encode(value))
    return guard(str(value))


def row_text(cells: Sequence[str], delimiter: str) -> str:
    """One CSV record as the csv module's excel (or excel-tab) dialect writes it: a cell holding
    the delimiter, a quote or a line break is quoted, quotes doubled; CRLF after the record.
    (Several times faster than csv.writer for long cells; the tests hold the two together.)"""
    out = []
    for cell in cells:
        if delimiter in cell or '"' in cell or "\n" in cell or "\r" in cell:
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    if len(out) == 1 and out[0] == "":
        out[0] = '""'  # a record of one empty cell is written as "" so that it is not a blank line
    return delimiter.join(out) + "\r\n"


def from_cell(field: str, cell: str) -> Any:
    """The inverse of to_cell, for `pcdip import`."""
    cell = unguard(cell)
    if field in LIST_FIELDS:
        return split_list(cell)
    if field in JSON_FIELDS:
        return json.loads(cell) if cell else (None if field in ("place", "provenance") else [])
    return cell if cell != "" else None


def _write(events: Iterable[Any], fields: Sequence[str] | None, delimiter: str) -> Iterator[str]:
    if fields is None:
        return _framed(((0, _row(e, delimiter)) for e in events), delimiter)
    columns = list(fields)
    return _framed(((0, row_text([to_cell(f, r[f]) for f in columns], delimiter)) for r in (e.to_dict() for e in events)), delimiter, columns)


def _row(event: Any, delimiter: str) -> str:
    record = event.to_dict()
    return row_text([to_cell(f, record[f]) for f in EVENT_FIELDS], delimiter)


def _framed(rows: Iterable[tuple[int, str]], delimiter: str, columns: Sequence[str] = EVENT_FIELDS) -> Iterator[str]:
    """The header row, then the rows, in chunks of 256."""
    yield row_text(list(columns), delimiter)
    batch: list[str] = []
    for _, text in rows:
        batch.append(text)
        if len(batch) == 256:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def row_csv(event: Any, header: Any) -> str:
    """One event's CSV record (all fields): what `write_csv` writes for it."""
    return _row(event, ",")


def row_tsv(event: Any, header: Any) -> str:
    return _row(event, "\t")


def framed_csv(rows: Iterable[tuple[int, str]], header: Any) -> Iterator[str]:
    """A CSV export from the (year, record) rows of `row_csv`."""
    return _framed(rows, ",")


def framed_tsv(rows: Iterable[tuple[int, str]], header: Any) -> Iterator[str]:
    return _framed(rows, "\t")


def write_csv(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    return _write(events, fields, ",")


def write_tsv(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    return _write(events, fields, "\t")
