"""TimelineJS: the JSON that Knight Lab's TimelineJS3 reads (timeline.knightlab.com/docs/json-format.html).

- `start_date` and `end_date` are date objects holding `year`, `month` and `day` as numbers, only to
  the precision the date has (a `2022-12` event has no day); `display_date` keeps the EDTF text
  readable ("2023 (approximate)", "201X").
- `text.headline` is the title, `text.text` the summary, the note and the sources as links.
  TimelineJS inserts both as HTML, so everything from the store is escaped with html.escape, URLs
  included; `autolink` is off, since the links are already there.
- `group` is the label of the event's first theme, which TimelineJS also inserts as HTML (the
  group headings), so it is escaped too; `unique_id` is the event id.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from ..dates import PartialDate
from ..fields import reposted_mark
from .jsonfmt import dumps

if TYPE_CHECKING:
    from ..models import Event, Store


def date_object(value: PartialDate) -> dict[str, Any]:
    """{year[, month[, day]]} to the date's precision; unspecified digits (201X, 2004-XX) stop it there."""
    year, _, rest = value.text.rstrip("?~%").partition("-")
    out: dict[str, Any] = {"year": value.lower.year}
    if "X" not in year:
        month, _, day = rest.partition("-")
        if month and "X" not in month:
            out["month"] = value.lower.month
            if day and "X" not in day:
                out["day"] = value.lower.day
    out["display_date"] = value.describe()
    return out


def _text(event: Event) -> str:
    parts = [f"<p>{escape(event.summary)}</p>"]
    if event.note:
        parts.append(f"<p><em>Note:</em> {escape(event.note)}</p>")
    links = [
        f'<li><a href="{escape(s.url)}" target="_blank" rel="noopener noreferrer">{escape(s.publisher)}: {escape(s.title)}</a>{reposted_mark(s.reposted)}</li>'
        for s in event.sources
    ]
    parts.append("<p>Sources:</p><ul>" + "".join(links) + "</ul>")
    return "".join(parts)


def slide(event: Event, store: Store) -> dict[str, Any]:
    theme = store.theme(event.themes[0])
    out: dict[str, Any] = {"start_date": date_object(event.date)}
    if event.end is not None:
        out["end_date"] = date_object(event.end)
    out["text"] = {"headline": escape(event.title), "text": _text(event)}
    out["group"] = escape(theme.label if theme else event.themes[0])  # TimelineJS inserts it as HTML too
    out["unique_id"] = event.id
    out["autolink"] = False
    return out


def write_timelinejs(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    title = {"text": {"headline": escape(store.title or "pcdip timeline"), "text": escape(store.description or "")}}
    return dumps({"title": title, "events": [slide(e, store) for e in events]}, indent=2) + "\n"
