"""JSON: a bare array of event objects; NDJSON: one object per line."""

from __future__ import annotations

import json
from typing import Sequence

from ..models import Event, Store
from . import pick


def write_json(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    return json.dumps([pick(e.to_dict(), fields) for e in events], ensure_ascii=False, indent=2) + "\n"


def write_ndjson(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    return "".join(json.dumps(pick(e.to_dict(), fields), ensure_ascii=False) + "\n" for e in events)
