"""What a query asks (Filters), how text filters match, and theme names; the engine (engine.py) answers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from .dates import PartialDate
from .errors import NotFoundError

if TYPE_CHECKING:  # models are imported by whoever built the events; a query does not need them
    from .engine import Engine, Profile
    from .models import Event, Store
    from .records import Record


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


# --- text filters ---------------------------------------------------------------------------
#
# The engine stores each event's actors and searchable text in these forms and looks for the
# needle with SQL's instr(); the functions are the whole definition of what --actor and --search
# match, and the tests hold them against a naive reference.

_SEP = "\x1f"  # between items; no validated one-line text holds a control character
_WORD = "\x1e"  # marks the start of a word in actor_key() forms
# What no validated text can hold, so a needle holding it matches nothing: C0 and C1 controls but
# the tab and newline that summaries may hold. (A lone surrogate is caught by encoding.)
_IMPOSSIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# A word starts at a letter or digit (str.isalnum, which is what [^\W_] matches) that follows
# anything else, or the start of the text.
_WORD_START = re.compile(r"(?<![^\W_])(?=[^\W_])")


# Accents (the Combining Diacritical Marks, U+0300-U+036F, that Latin, Greek and Cyrillic letters
# decompose into) are dropped, every dash is a hyphen and every apostrophe a straight one, so that
# "bozinovic" finds "Božinović" and "Lancang-Mekong" finds "Lancang–Mekong". The text stays
# decomposed (NFKD), so a needle found in a text is still found once both are folded. The HTML
# export's word search drops accents and folds dashes and apostrophes the same way
# (exporters/html.py, `fold`).
_ACCENTS = re.compile("[\u0300-\u036f]")
_PUNCT = str.maketrans({**dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"), **dict.fromkeys("\u2018\u2019\u02bc\uff07", "'")})


def fold(text: str) -> str:
    """Text as --actor and --search compare it: no case, no accents, one kind of dash and apostrophe."""
    if text.isascii():  # most text, and ASCII has nothing to fold but case
        return text.lower()
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text)).translate(_PUNCT).casefold()


def mark_words(text: str) -> str:
    """Folded text with _WORD before the first character of every word."""
    return _WORD_START.sub(_WORD, fold(text))


def actor_key(actors: Sequence[str]) -> str:
    return _SEP.join(mark_words(a) for a in actors)


def search_key(texts: Sequence[str]) -> str:
    return _SEP.join(fold(t) for t in texts)


def encodable(text: str) -> bool:
    """Whether text can be stored at all (a lone surrogate, from a mis-decoded argument, cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _possible(needle: str) -> bool:
    return encodable(needle) and not _IMPOSSIBLE.search(needle)


@dataclass(frozen=True)
class Filters:
    """What a user asked for. Countries are ISO codes and `region` a UN M49 name, already resolved.

    - `start`/`end`: an event matches when its span (each date standing for every day it may
      mean) overlaps the range;
    - `countries`, `themes`: any of them (every theme with `all_themes`); `region`: any country in it;
    - `actor`: texts, any of which begins a word of an actor's name, in any case and with or
      without accents ("xi" finds "Xi Jinping", not "Lai Changxing"; "bozinovic" finds
      "Božinović"); one text may be given as a plain string; `search`: text anywhere in the
      title, summary or an actor's name, compared the same way (`fold`);
    - `limit`: at most this many (None: all); `reverse`: latest first.
    """

    start: PartialDate | None = None
    end: PartialDate | None = None
    countries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    all_themes: bool = False
    region: str | None = None
    actor: tuple[str, ...] | None = None
    search: str | None = None
    limit: int | None = None
    reverse: bool = False

    def __post_init__(self) -> None:
        if self.limit is not None and (isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 0):
            raise ValueError(f"limit must be a whole number of at least 0, not {self.limit!r}")
        object.__setattr__(self, "countries", tuple(self.countries))
        object.__setattr__(self, "themes", tuple(self.themes))
        if isinstance(self.actor, str):  # one actor, as the library has always taken it
            object.__setattr__(self, "actor", (self.actor,))
        elif self.actor is not None:
            object.__setattr__(self, "actor", tuple(dict.fromkeys(self.actor)) or None)

    def actor_needles(self) -> list[str] | None:
        """The --actor texts in actor_key() form, those that some event could hold (an empty list:
        no event can match); None when not asked."""
        if self.actor is None:
            return None
        return [mark_words(text) for text in self.actor if _possible(text)]

    def search_needle(self) -> str | bool | None:
        if self.search is None:
            return None
        return fold(self.search) if _possible(self.search) else False


def select(events: Iterable[Event], filters: Filters = Filters()) -> list[Record]:
    """Events matching the filters, in timeline order (latest first with `reverse`), cut to `limit`.

    The library's entry point to the query engine: the events are indexed in memory and asked
    exactly as the command line asks a store's index.
    """
    from .engine import memory_engine

    events = list(events)
    header = {
        "schema_version": 1,
        "title": None,
        "description": None,
        "themes": [{"id": t, "label": t, "description": t} for t in sorted({t for e in events for t in e.themes})],
    }
    return list(memory_engine(events, header).select(filters))


def by_year(events: Sequence[Any]) -> list[tuple[int, list[Any]]]:
    """Group consecutive events by the year their span starts in (keeps the given order)."""
    return [(year, list(group)) for year, group in groupby(events, key=lambda e: e.date.year)]


def engine_of(store: Store) -> Engine:
    """The query engine over a validated Store held in memory (what the command line asks of a file)."""
    from .engine import memory_engine

    return memory_engine(store.events, store.header())


def profile(store: Store, code: str, filters: Filters = Filters()) -> Profile:
    """A country's profile in a validated Store: its events (other filters applied), theme counts and pushback."""
    return engine_of(store).profile(code, filters)


def related_of(store: Store, event: Any) -> tuple[list[Record], list[Record]]:
    """(events this one names in `related`, events that name this one)."""
    return engine_of(store).related(event)


def stats(store: Store, filters: Filters = Filters(), top: int = 10) -> dict[str, Any]:
    """Counts per year, theme, region and country of the events the filters select."""
    return engine_of(store).stats(filters, top=top)
