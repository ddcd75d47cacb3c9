"""iCalendar (RFC 5545): one all-day VEVENT per event, for calendar programs.

Written with the standard library: CRLF line ends, lines folded at 75 octets (never inside a UTF-8
sequence), TEXT values escaped (backslash, `;`, `,`, line breaks as `\\n`, U+2028 and U+2029 included;
other control characters, which RFC 5545 forbids in TEXT, become spaces).

- UID is `<event id>@pcdip`, so a calendar that imports a later export updates the same events.
- DTSTART and DTEND are dates (VALUE=DATE) spanning the event's precision, DTEND exclusive: a
  `2022-12` event runs from 1 December to 31 December, a `2023` event the whole year, and an `end`
  extends the span to the last day that the end can mean.
- DTSTAMP comes from the data, never from the clock, so exports are reproducible: the latest first
  day of any of the event's sources' `accessed` or `published` dates, at 00:00:00 UTC; when no
  source has either, the first day of the event itself.
- TRANSP:TRANSPARENT: a year-long event must not make the calendar show a year as busy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .. import countries
from ..fields import reposted_mark

if TYPE_CHECKING:
    from ..models import Event, Store

PRODID = "-//pcdip//China's international policing diplomacy//EN"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # HTAB is allowed in TEXT


def escape_text(value: str) -> str:
    """A TEXT property value (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = _LINE_BREAK.sub("\\\\n", value)
    return _CONTROL.sub(" ", value)


_NOT_IN_URI = frozenset('"<>\\^`{|}')


def uri(value: str) -> str:
    """A URI value (not TEXT-escaped): characters that RFC 3986 does not allow are percent-encoded."""
    return "".join(ch if 0x21 <= ord(ch) < 0x7F and ch not in _NOT_IN_URI else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in value)


def fold(line: str) -> str:
    """Fold one content line into CRLF-separated lines of at most 75 octets, never splitting a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: back up to the start of the character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines begin with one space
    parts.append(data[start:])
    return "\r\n ".join(p.decode("utf-8") for p in parts) + "\r\n"


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def dtstamp(event: Event) -> date:
    """The day the DTSTAMP uses: see the module docstring."""
    days = [d.lower for s in event.sources for d in (s.published, s.accessed) if d is not None]
    return max(days, default=event.start_day)


def _description(event: Event, store: Store) -> str:
    span = event.date.describe() + (f" to {event.end.describe()}" if event.end else "")
    lines = [event.summary, "", f"Date: {span}"]
    if event.countries:
        lines.append("Countries: " + ", ".join(countries.name(c) for c in event.countries))
    if event.actors:
        lines.append("Actors: " + "; ".join(event.actors))
    if event.note:
        lines += ["", f"Note: {event.note}"]
    lines += ["", "Sources:"]
    for source in event.sources:
        published = f" ({source.published})" if source.published else ""
        lines.append(f"- {source.publisher}: {source.title}{published} {source.url}{reposted_mark(source.reposted)}")
    return "\n".join(lines)


def _theme_label(store: Store, theme_id: str) -> str:
    theme = store.theme(theme_id)
    return theme.label if theme else theme_id


def vevent(event: Event, store: Store) -> Iterator[str]:
    """The content lines of one event, unfolded."""
    yield "BEGIN:VEVENT"
    yield f"UID:{event.id}@pcdip"
    yield f"DTSTAMP:{_date(dtstamp(event))}T000000Z"
    yield f"DTSTART;VALUE=DATE:{_date(event.start_day)}"
    yield f"DTEND;VALUE=DATE:{_date(event.end_day + timedelta(days=1) if event.end_day < date.max else date.max)}"
    yield f"SUMMARY:{escape_text(event.title)}"
    yield f"DESCRIPTION:{escape_text(_description(event, store))}"
    if event.place is not None:
        yield f"LOCATION:{escape_text(event.place.name)}"
        yield f"GEO:{event.place.latitude:.6f};{event.place.longitude:.6f}"
    elif event.countries:
        yield "LOCATION:" + escape_text(", ".join(countries.name(c) for c in event.countries))
    yield "CATEGORIES:" + ",".join(escape_text(_theme_label(store, t)) for t in event.themes)
    yield f"URL:{uri(event.sources[0].url)}"
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def write_ics(events: Iterable[Event], store: Store, fields: Sequence[str] | None = None) -> Iterator[str]:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if store.title:
        lines.append(f"X-WR-CALNAME:{escape_text(store.title)}")  # the name Apple, Google and Outlook show
    yield "".join(fold(line) for line in lines)
    for event in events:
        yield "".join(fold(line) for line in vevent(event, store))
    yield fold("END:VCALENDAR")
