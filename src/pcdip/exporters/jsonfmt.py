"""JSON: a bare array of event objects; NDJSON: one object per line.

Non-ASCII text is written as UTF-8, except the characters that line-based tools take for line
breaks (U+0085, U+2028, U+2029), which are escaped so that one NDJSON record stays one line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..models import Event, Store
from . import pick

_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text as pcdip writes it everywhere (exports, `country --format json`, `show --format json`)."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_LINE_BREAKS)


def write_json(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    return dumps([pick(e.to_dict(), fields) for e in events], indent=2) + "\n"


def write_ndjson(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    return "".join(dumps(pick(e.to_dict(), fields)) + "\n" for e in events)
