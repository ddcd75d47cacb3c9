"""Pure functions over events: filtering, ordering, grouping, country profiles and counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import TYPE_CHECKING, Any

from .dates import PartialDate
from .errors import NotFoundError

if TYPE_CHECKING:  # models are imported by whoever built the events; a query does not need them
    from .countries import Country
    from .models import Event, Store


def _words(text: str) -> list[str]:
    """Lower-case words, each in a rough singular (patrols -> patrol), so that 'Joint patrols',
    'joint-patrol' and 'JOINT_PATROLS' compare equal."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in re.findall(r"[^\W_]+", text.casefold())]


def resolve_theme(themes: Mapping[str, str], text: str) -> str:
    """The id of the theme a user means, from `themes` (id -> label).

    In order: the id itself; the id or label in any case, spacing, hyphenation or number
    ('Joint patrols', 'overseas_stations', 'counter-terrorism'); then the one theme whose id and
    label hold every word given ('pushback', 'police stations'). NotFoundError names the
    candidates of an ambiguous word, and the nearest themes of a typo.
    """
    if text in themes:
        return text
    key = _words(text)
    if not key:
        raise NotFoundError(f"empty theme {text!r}; valid themes: {', '.join(themes)}")
    joined = "".join(key)  # and "counter-terrorism" is counterterrorism
    exact = [i for i, label in themes.items() if joined in ("".join(_words(i)), "".join(_words(label)))]
    if len(exact) == 1:
        return exact[0]
    having = [i for i, label in themes.items() if set(key) <= {*_words(i), *_words(label)}]
    if len(having) == 1:
        return having[0]
    if having:
        raise NotFoundError(f"theme {text!r} could be any of {', '.join(having)}; give one of those ids")
    import difflib

    names = {**{i: i for i in themes}, **{label.casefold(): i for i, label in themes.items()}}
    close = list(dict.fromkeys(names[n] for n in difflib.get_close_matches(text.casefold(), names, n=2)))
    hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
    raise NotFoundError(f"unknown theme {text!r}{hint}; valid themes: {', '.join(themes)}")


def _sort_key(event: Event) -> tuple[Any, ...]:
    return event.sort_key()


@dataclass(frozen=True)
class Filters:
    """What a user asked for. Countries are ISO codes and `region` a UN M49 name, already resolved."""

    start: PartialDate | None = None
    end: PartialDate | None = None
    countries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    all_themes: bool = False
    region: str | None = None
    actor: str | None = None
    search: str | None = None
    limit: int | None = None
    reverse: bool = False

    def matches(self, event: Event) -> bool:
        # A span overlaps the asked range: a 2023 event matches --from 2023-06.
        if self.start is not None and event.end_day < self.start.lower:
            return False
        if self.end is not None and event.start_day > self.end.upper:
            return False
        if self.countries and not any(c in event.countries for c in self.countries):
            return False
        if self.themes:
            wanted = (all if self.all_themes else any)(t in event.themes for t in self.themes)
            if not wanted:
                return False
        if self.region is not None:
            from .countries import in_region

            if not any(in_region(c, self.region) for c in event.countries):
                return False
        if self.actor is not None:
            needle = self.actor.casefold()
            if not any(needle in a.casefold() for a in event.actors):
                return False
        if self.search is not None:
            needle = self.search.casefold()
            haystack = "\n".join([event.title, event.summary, *event.actors]).casefold()
            if needle not in haystack:
                return False
        return True


def select(events: Iterable[Event], filters: Filters = Filters()) -> list[Event]:
    """Events matching the filters, by start of span (latest first with `reverse`), cut to `limit`."""
    chosen = sorted((e for e in events if filters.matches(e)), key=_sort_key, reverse=filters.reverse)
    if filters.limit is not None:
        chosen = chosen[: filters.limit]
    return chosen


def by_year(events: Sequence[Event]) -> list[tuple[int, list[Event]]]:
    """Group consecutive events by the year their span starts in (keeps the given order)."""
    return [(year, list(group)) for year, group in groupby(events, key=lambda e: e.date.year)]


def theme_counts(events: Iterable[Event]) -> Counter[str]:
    return Counter(t for e in events for t in e.themes)


def country_counts(events: Iterable[Event]) -> Counter[str]:
    return Counter(c for e in events for c in e.countries)


@dataclass(frozen=True)
class Profile:
    """What the record holds for one country."""

    country: Country
    events: list[Event]
    themes: list[tuple[str, int]] = field(default_factory=list)
    pushback: list[Event] = field(default_factory=list)

    @property
    def first(self) -> Event | None:
        return self.events[0] if self.events else None

    @property
    def last(self) -> Event | None:
        return max(self.events, key=_sort_key) if self.events else None

    def to_dict(self) -> dict[str, Any]:
        first, last = self.first, self.last
        return {
            "country": self.country.to_dict(),
            "counts": {
                "events": len(self.events),
                "first": first.date.text if first else None,
                "last": last.date.text if last else None,
                "themes": dict(self.themes),
                "pushback": len(self.pushback),
            },
            "pushback": [e.id for e in self.pushback],
            "events": [e.to_dict() for e in self.events],
        }


def profile(store: Store, code: str, filters: Filters = Filters()) -> Profile:
    """A country's profile: its events (with the other filters applied), theme counts and pushback."""
    from . import countries as _countries

    country = _countries.get(code)
    events = select(store.events, replace(filters, countries=(code,)))
    counts = theme_counts(events)
    order = {t.id: i for i, t in enumerate(store.themes)}
    themes = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))
    pushback_ids = store.pushback_themes
    pushback = [e for e in events if pushback_ids.intersection(e.themes)]
    return Profile(country, events, themes, pushback)


def related_of(store: Store, event: Event) -> tuple[list[Event], list[Event]]:
    """(events this one names in `related`, events that name this one)."""
    by_id = {e.id: e for e in store.events}
    answers = [by_id[r] for r in event.related if r in by_id]
    answered_by = sorted((e for e in store.events if event.id in e.related), key=_sort_key)
    return answers, answered_by


def stats(events: Sequence[Event], store: Store, top: int = 10) -> dict[str, Any]:
    """Counts per year (every year of the range, zeros included), theme, region and country."""
    from . import countries as _countries

    years = Counter(e.date.year for e in events)
    span = range(min(years), max(years) + 1) if years else range(0)
    regions: Counter[str] = Counter()
    for e in events:
        regions.update({_countries.get(c).region or "—" for c in e.countries if c != "CN"} or {"(global or China)"})
    themes = theme_counts(events)
    order = [t.id for t in store.themes]
    return {
        "events": len(events),
        "first": events[0].date.text if events else None,
        "last": max(events, key=_sort_key).date.text if events else None,
        "by_year": {str(y): years.get(y, 0) for y in span},
        "by_theme": {t: themes[t] for t in sorted(themes, key=lambda t: (-themes[t], order.index(t) if t in order else len(order)))},
        "by_region": dict(regions.most_common()),
        "top_countries": [
            {"code": code, "name": _countries.name(code), "events": n}
            for code, n in sorted(country_counts(events).items(), key=lambda kv: (-kv[1], _countries.name(kv[0])))[:top]
        ],
    }
