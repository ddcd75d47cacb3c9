"""JSON: a bare array of event objects, one object a line; NDJSON: one object per line.

The array has one event on each line (`[`, then `  {...},` lines, then `]`): valid JSON that
diffs cleanly line by line, written by the C encoder (an indented dump is many times slower).

Non-ASCII text is written as UTF-8, except the characters that line-based tools take for line
breaks (U+0085, U+2028, U+2029), which are escaped so that one NDJSON record stays one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from . import pick

_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text as pcdip writes it everywhere (exports, `country --format json`, `show --format json`).

    Compact JSON (every event of an export, and every event the index holds) is written by
    pydantic-core's serializer, three times as fast as the standard library's C encoder on events:
    no spaces after `,` and `:`, floats in their shortest form (`0.00001`). Indented JSON is the
    standard library's."""
    if indent is None:
        from pydantic_core import to_json

        text = to_json(value).decode("utf-8")
    else:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    if "\u2028" in text or "\u2029" in text or "\u0085" in text:
        text = text.translate(_LINE_BREAKS)
    return text


def dumps_with_rows(value: dict[str, Any], rows: str, texts: Sequence[str] | None = None) -> str:
    """`dumps(value, indent=2)`, except that the list under the key `rows` has one compact object
    a line, as `export --format json` writes events: the same JSON value, written compactly (an
    indented dump is written by Python's own encoder, and a country's thousands of events took
    most of `country --format json`). `texts`, when given, are the rows' JSON texts already written."""
    parts = []
    for key, item in value.items():
        if key == rows and isinstance(item, list):
            encoded = texts if texts is not None else [dumps(x) for x in item]
            text = ("[\n    " + ",\n    ".join(encoded) + "\n  ]") if item else "[]"
        else:
            text = dumps(item, indent=2).replace("\n", "\n  ")
        parts.append(f"  {dumps(key, indent=2)}: {text}")  # (a key is one line either way; no serializer to load)
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


def array(items: Iterable[str]) -> Iterator[str]:
    """A JSON array from the JSON text of its items, one item a line, in chunks."""
    first = True
    for item in items:
        yield ("[\n  " if first else ",\n  ") + item
        first = False
    yield "[]\n" if first else "\n]\n"


def lines(items: Iterable[str]) -> Iterator[str]:
    for item in items:
        yield item + "\n"


def write_json(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    return array(dumps(pick(e.to_dict(), fields)) for e in events)


def write_ndjson(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    return lines(dumps(pick(e.to_dict(), fields)) for e in events)
