"""Markdown: a timeline grouped by year, each event with its countries, themes, summary and sources.

Everything from the store is escaped (CommonMark backslash escapes, line breaks folded to spaces),
so a title holding `*`, `[link](x)` or `<script>` shows as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import countries
from ..query import by_year

if TYPE_CHECKING:
    from ..models import Event, Store

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&\"'=^$])")


def escape(text: str) -> str:
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", text)  # line breaks and control characters
    return _SPECIAL.sub(r"\\\1", text.strip())


def link_target(url: str) -> str:
    # Characters that would end or break a link destination are percent-encoded.
    return "".join(f"%{ord(ch):02X}" if ch in " ()<>\\\"'`" or ord(ch) < 0x20 else ch for ch in url)


def event_lines(event: Event, store: Store) -> list[str]:
    span = event.date.text + (f" – {event.end.text}" if event.end else "")
    lines = [f"- **{escape(span)}**: {escape(event.title)}"]
    meta = []
    if event.countries:
        meta.append(", ".join(escape(countries.name(c)) for c in event.countries))
    meta.append(", ".join(escape(t) for t in event.themes))
    lines.append(f"  {' · '.join(meta)}  ")
    lines.append(f"  {escape(event.summary)}")
    if event.note:
        lines.append(f"  *Note:* {escape(event.note)}")
    sources = "; ".join(f"[{escape(s.publisher)}: {escape(s.title)}]({link_target(s.url)})" for s in event.sources)
    lines.append(f"  Sources: {sources} `{event.id}`")
    return lines


def write_md(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    out = [f"# {escape(store.title or 'pcdip timeline')}", ""]
    if not events:
        out += ["No events match.", ""]
    for year, group in by_year(events):
        out += [f"## {year}", ""]
        for event in group:
            out += event_lines(event, store)
            out.append("")
    return "\n".join(out)
