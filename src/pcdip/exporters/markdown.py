"""Markdown: a timeline grouped by year, each event with its countries, themes, summary and sources.

Everything from the store is escaped (CommonMark backslash escapes, line breaks folded to spaces),
so a title holding `*`, `[link](x)` or `<script>` shows as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import countries

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&\"'=^$])")


def escape(text: str) -> str:
    from ..text import INVISIBLE

    text = re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", text)  # line breaks and control characters
    text = re.sub(f"[{INVISIBLE}]", lambda m: f"U+{ord(m.group()):04X}", text)  # shown, never applied
    return _SPECIAL.sub(r"\\\1", text.strip())


def link_target(url: str) -> str:
    # Characters that would end or break a link destination are percent-encoded.
    return "".join(f"%{ord(ch):02X}" if ch in " ()<>\\\"'`" or ord(ch) < 0x20 else ch for ch in url)


def event_lines(event: Any, header: Any) -> list[str]:
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


def write_md(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    yield f"# {escape(header.title or 'pcdip timeline')}\n\n"
    year = None
    for event in events:
        if event.date.year != year:
            year = event.date.year
            yield f"## {year}\n\n"
        yield "\n".join(event_lines(event, header)) + "\n\n"
    if year is None:
        yield "No events match.\n"
