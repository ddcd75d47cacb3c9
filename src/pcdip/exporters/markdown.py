"""Markdown: a timeline grouped by year, each event with its countries, themes, summary and sources.

Everything from the store is escaped (CommonMark backslash escapes, line breaks folded to spaces),
so a title holding `*`, `[link](x)` or `<script>` shows as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .. import countries
from ..fields import reposted_mark
from ..text import INVISIBLE

_SPECIAL = "\\`*_{}[]()<>#+-.!|~&\"'=^$"
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_SPLIT = re.compile("([" + re.escape(_SPECIAL) + "])")
_LINK = str.maketrans({ch: f"%{ord(ch):02X}" for ch in " ()<>\\\"'`" + "".join(map(chr, range(0x20)))})


def escape(text: str) -> str:
    if _CONTROLS.search(text):
        text = _CONTROLS.sub(" ", text)  # line breaks and control characters
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub(lambda m: f"U+{ord(m.group()):04X}", text)  # shown, never applied
    parts = _SPLIT.split(text.strip())  # text, special, text, special, ... (faster than translate)
    parts[1::2] = ["\\" + ch for ch in parts[1::2]]
    return "".join(parts)


def link_target(url: str) -> str:
    # Characters that would end or break a link destination are percent-encoded.
    return url.translate(_LINK)


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
    sources = "; ".join(f"[{escape(s.publisher)}: {escape(s.title)}]({link_target(s.url)}){reposted_mark(s.reposted)}" for s in event.sources)
    lines.append(f"  Sources: {sources} `{event.id}`")
    return lines


def row_md(event: Any, header: Any) -> str:
    """One event's entry: what `write_md` writes for it under its year."""
    return "\n".join(event_lines(event, header)) + "\n\n"


def framed_md(rows: Iterable[tuple[int, str]], header: Any) -> Iterator[str]:
    """A Markdown timeline from the (year, entry) rows of `row_md`, in order: a heading for each year."""
    yield f"# {escape(header.title or 'pcdip timeline')}\n\n"
    year = None
    for event_year, text in rows:
        if event_year != year:
            year = event_year
            yield f"## {year}\n\n"
        yield text
    if year is None:
        yield "No events match.\n"


def write_md(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> Iterator[str]:
    return framed_md(((event.date.year, row_md(event, header)) for event in events), header)
