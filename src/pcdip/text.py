"""Text from a store is data: control characters are made visible before it reaches a terminal.

Kept apart from render.py so that error messages need not import Rich.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Event

# C0 and C1 controls (but tab and newline), DEL, and the bidirectional overrides that can make
# text read differently from what it holds.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Make control characters visible: ESC becomes the four characters \\x1b."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def country_names(codes: Sequence[str]) -> str:
    from . import countries

    return ", ".join(countries.name(c) for c in codes) or "—"


def span(event: Event) -> str:
    return event.date.text + (f"–{event.end.text}" if event.end else "")


def timeline_plain(events: Sequence[Event]) -> str:
    """One line an event, grouped under year lines: for grep, cut and less (no Rich needed)."""
    from .query import by_year

    lines: list[str] = []
    for year, group in by_year(events):
        lines.append(str(year))
        for e in group:
            lines.append(clean(f"  {span(e):<12} {e.title}  [{country_names(e.countries)}; {', '.join(e.themes)}]"))
    if not events:
        lines.append("No events match.")
    return "\n".join(lines) + "\n"
