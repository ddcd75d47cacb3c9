"""TOML: a complete store (schema_version, the store's themes, the events) that pcdip reads back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import tomli_w

from ..models import SCHEMA_VERSION

if TYPE_CHECKING:
    pass


def _strip_empty(record: dict[str, Any]) -> dict[str, Any]:
    # TOML has no null: absent optional fields are left out, and read back as their defaults.
    out: dict[str, Any] = {}
    for key, value in record.items():
        if value is None or value == [] or (key in ("undated", "reposted") and value is False):
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = [_strip_empty(v) for v in value]
        elif isinstance(value, dict):
            value = _strip_empty(value)
        out[key] = value
    return out


def event_table(event: Any) -> dict[str, Any]:
    return _strip_empty(event.to_dict())


def write_toml(events: Iterable[Any], store: Any, fields: Sequence[str] | None = None) -> str:
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    if store.title:
        document["title"] = store.title
    if store.description:
        document["description"] = store.description
    document["themes"] = [t.to_dict(exclude_defaults=True) for t in store.themes]
    events = list(events)
    # A store must be valid on its own: links to events outside the selection are left out (the
    # same rule as `pcdip import`, which drops links to events neither in the store nor the batch).
    ids = {e.id for e in events}
    tables = []
    for e in events:
        table = event_table(e)
        if "related" in table:
            kept = [r for r in table["related"] if r in ids]
            if kept:
                table["related"] = kept
            else:
                del table["related"]
        tables.append(table)
    document["events"] = tables
    return tomli_w.dumps(document)
