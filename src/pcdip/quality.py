"""Quality checks of docs/DATA.md: allowed by the schema, but to be fixed before a release.

`pcdip validate` mentions how many there are; `pcdip validate --strict` lists them as failures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from .fields import QUALIFIER_WORDS
from .models import Event, Figure, Store, Theme
from .query import fold

MAX_TITLE = 100
MAX_SUMMARY = 600
MAX_SENTENCES = 3
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)\s+(?=[A-Z0-9“\"'‘(])")


def sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text.strip())) + 1


# Words that name a kind of body, not a body. An actor named only by such words ("Ministry of
# Public Security") must appear whole in its event; one with another word of four letters or
# more ("Guardia Civil", "Wang Xiaohong") may appear by that word alone (a surname, "Guardia").
GENERIC_ACTOR_WORDS = frozenset(
    """ministry ministries police policia public security department national office general state china chinese
    minister government affairs force forces service services republic people peoples bureau province provincial
    city municipal international federal central commission interior internal justice foreign embassy court
    armed agency authorities authority council committee secretariat united nations home immigration
    administration union""".split()
)
_WORDS = re.compile(r"[^\W_]+")


def names_actor(actor: str, text: str) -> bool:
    """Whether `text` names `actor`: the whole name, or one of its words of four letters or more
    that is not a kind of body, as a whole word; compared as --actor compares (`query.fold`)."""
    folded = fold(text)
    return _named(actor, folded, set(_WORDS.findall(folded)))


def _named(actor: str, folded: str, words: set[str]) -> bool:
    """names_actor() on a text already folded and split into words (one text, many actors)."""
    name = fold(actor)
    return name in folded or any(len(w) >= 4 and w not in GENERIC_ACTOR_WORDS and w in words for w in _WORDS.findall(name))


def _text(event: Event) -> str:
    """What a reader of any export sees of an event: its title, summary and note."""
    return " ".join((event.title, event.summary, event.note or ""))


def unnamed_actors(event: Event) -> list[str]:
    """The event's actors that its title, summary and note do not name."""
    folded = fold(_text(event))
    words = set(_WORDS.findall(folded))
    return [a for a in event.actors if not _named(a, folded, words)]


# --- themes borne by the text -------------------------------------------------------------------


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for a theme's cues: each a word stem, folded, matched at the start of a word."""
    stems = sorted({fold(c.strip()) for c in cues if c.strip()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, stems)) + ")") if stems else None


def cue_patterns(themes: Iterable[Theme]) -> dict[str, re.Pattern[str]]:
    """theme id -> the pattern of its cues, for the themes that declare any."""
    return {t.id: p for t in themes if (p := _cue_pattern(t.cues)) is not None}


def uncued_themes(event: Event, patterns: Mapping[str, re.Pattern[str]]) -> list[str]:
    """The event's themes that declare cues of which its title, summary and note hold none."""
    folded = fold(_text(event))
    return [t for t in event.themes if t in patterns and not patterns[t].search(folded)]


# --- figures stated in the text -----------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    **{
        w: i
        for i, w in enumerate(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
        )
    },
    **{w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)},
    **{w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)},
    "dozen": 12,
    "hundred": 100,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "m": 1e6, "bn": 1e9}
_WORD_ALTERNATIVES = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![\w.])(?:[A-Z]{{0,3}}\$|[€£¥]|[A-Z]{{1,3}} ?)?(?:(?P<digits>[-−]?\d[\d,]*(?:\.(?P<dec>\d+))?)"
    rf"|(?i:(?P<word>(?:{_WORD_ALTERNATIVES})(?:-(?:{_WORD_ALTERNATIVES}))?)(?: (?P<hundred>hundred))?)(?!\w))"
    rf"(?P<half> and a half)?(?:[ -]?(?P<scale>thousand|million|billion|m|bn)\b)?"
)


class Stated(NamedTuple):
    """A number a text states: its value, how far the exact number may be from it (a rounded
    "US$2.6 million" states anything within 50,000 of 2.6 million, "3 million" anything within
    half a million of 3 million) and where it starts."""

    value: float
    slack: float
    at: int


def stated_numbers(text: str) -> list[Stated]:
    """The numbers an English text states, as the record writes them: "1,345", "-12", "US$2.6
    million", "K200 million", "twenty-five", "two hundred", "a dozen", "three and a half", "first"."""
    found = []
    for m in _NUMBER.finditer(text):
        if m["digits"]:
            value, step = float(m["digits"].replace(",", "").replace("−", "-")), 10.0 ** -len(m["dec"] or "")
        else:
            value, step = float(sum(_NUMBER_WORDS[p] for p in m["word"].lower().split("-"))), 1.0
            if m["hundred"]:
                value *= 100
        value += 0.5 if m["half"] else 0
        scale = _SCALES[m["scale"].lower()] if m["scale"] else 1.0
        # a decimal, or any amount in millions, is rounded: it states whatever rounds to it
        found.append(Stated(value * scale, step * scale / 2 if step < 1 or scale > 1 else 0.0, m.start()))
    return found


# The words that say each qualifier in prose, just before the number ("more than 1,000 computers
# and 10,000 SIM cards" qualifies both, so they may come a little earlier). `fields.QUALIFIER_WORDS`
# is the one wording pcdip itself writes; these are every wording a curator may. "Nearly 100" and
# "almost 100" say the count comes close to 100 without reaching it: a ceiling, so `up-to` only.
QUALIFIER_PHRASES: dict[str, str] = {
    "more-than": r"more than|over|exceed\w*|upwards of|in excess of|above",
    "at-least": r"at least|no fewer than|no less than|a minimum of",
    "approximately": r"about|around|some|roughly|approximately|an estimated|close to",
    "up-to": r"up to|as many as|nearly|almost|could reach|no more than|at most",
}
_LOOKBACK = 40
_QUALIFIED = {q: re.compile(rf"\b(?:{words})\b") for q, words in QUALIFIER_PHRASES.items()}
# Any qualifier's words just before a number, but "over": it also ends "handed over" and "over
# 18 months", so an exact figure may follow it.
_ANY_QUALIFIER_WORDS = sorted({w for words in QUALIFIER_PHRASES.values() for w in words.split("|")} - {"over"})
_ANY_QUALIFIER = re.compile(rf"\b(?:{'|'.join(_ANY_QUALIFIER_WORDS)})(?: an?)?\W*$")


def unstated_figure(figure: Figure, text: str, numbers: list[Stated] | None = None) -> str | None:
    """What is wrong with how `text` states `figure`, or None when it states the number (as
    rounded as the text gives it) with the figure's qualifier: an exact figure somewhere without
    "about" or "more than" before it, a qualified one with words for its qualifier."""
    if numbers is None:
        numbers = stated_numbers(text)
    before = [text[max(0, n.at - _LOOKBACK) : n.at].lower() for n in numbers if abs(n.value - figure.value) <= n.slack * (1 + 1e-9)]
    if not before:
        return "is not stated in the title, summary or note; give it there as the source does"
    if figure.qualifier:
        if not any(_QUALIFIED[figure.qualifier].search(b) for b in before):
            return f"is {figure.qualifier}, but the text never says so where it gives the number; give the source's words (e.g. {QUALIFIER_WORDS[figure.qualifier]!r})"
    elif all(_ANY_QUALIFIER.search(b) for b in before):
        return "is exact, but the text gives the number only with a qualifier ('about', 'more than'…); give the figure that qualifier too, or the exact number"
    return None


def unstated_figures(event: Event) -> list[tuple[int, Figure, str]]:
    """The event's figures that its title, summary and note do not state as recorded:
    (index, figure, what is wrong)."""
    text = _text(event)
    numbers = stated_numbers(text)
    out = []
    for i, f in enumerate(event.figures):
        problem = unstated_figure(f, text, numbers)
        if problem:
            out.append((i, f, problem))
    return out


def quality_problems(store: Store) -> list[str]:
    """Every quality issue, as `event <id>: <field>: <what>`."""
    out: list[str] = []
    cues = cue_patterns(store.themes)
    themes = {t.id: t for t in store.themes}
    for e in store.events:
        for i, s in enumerate(e.sources):
            if s.published is None and not s.undated:
                out.append(
                    f"event {e.id!r}: sources[{i}].published: missing; give the publication date, at the precision known, "
                    "or `undated = true` when the page shows none"
                )
        if not e.actors:
            out.append(f"event {e.id!r}: actors: none named; add the people or bodies the sources name")
        for actor in unnamed_actors(e):
            out.append(f"event {e.id!r}: actors: {actor!r} is not named in the title, summary or note; say there what they did, or remove them")
        for theme in uncued_themes(e, cues):
            out.append(
                f"event {e.id!r}: themes: {theme!r} rests on none of its cues ({', '.join(themes[theme].cues)}) in the title, "
                "summary or note; say there what bears it, or remove the theme"
            )
        for i, figure, problem in unstated_figures(e):
            out.append(f"event {e.id!r}: figures[{i}] ({figure.name} = {figure.describe()}): {problem}")
        if len(e.summary) > MAX_SUMMARY:
            out.append(f"event {e.id!r}: summary: {len(e.summary)} characters; keep it under {MAX_SUMMARY}")
        elif sentences(e.summary) > MAX_SENTENCES:
            out.append(f"event {e.id!r}: summary: {sentences(e.summary)} sentences; keep it to {MAX_SENTENCES}")
        if len(e.title) > MAX_TITLE:
            out.append(f"event {e.id!r}: title: {len(e.title)} characters; keep it under {MAX_TITLE}")
    return out
