"""Text from a store is data: control characters are made visible before it reaches a terminal.

Kept apart from render.py so that error messages need not import Rich.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dates import Spanned

# C0 and C1 controls (but tab and newline), DEL, the bidirectional overrides and marks that can
# make text read differently from what it holds, and invisible zero-width characters (the joiners
# U+200C and U+200D stay: scripts such as Persian and the Indic ones need them).
INVISIBLE = "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{INVISIBLE}]")


def clean(text: str) -> str:
    """Make control characters visible: ESC becomes the four characters \\x1b."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def country_names(codes: Sequence[str]) -> str:
    from . import countries

    return ", ".join(countries.name(c) for c in codes) or "—"


def span(event: Spanned) -> str:
    return event.date.text + (f"–{event.end.text}" if event.end else "")


def timeline_plain(events: Iterable[Any]) -> Iterator[str]:
    """One line an event (its id last), under a line for each year: for grep, cut and less (no
    Rich needed). Written as the events come."""
    year = None
    for e in events:
        if e.date.year != year:
            year = e.date.year
            yield f"{year}\n"
        yield clean(f"  {span(e):<12} {e.title}  [{country_names(e.countries)}; {', '.join(e.themes)}]  {e.id}") + "\n"
    if year is None:
        yield "No events match.\n"
