"""Quality checks of docs/DATA.md: allowed by the schema, but to be fixed before a release.

`pcdip validate` mentions how many there are; `pcdip validate --strict` lists them as failures.
"""

from __future__ import annotations

import re

from .models import Event, Store
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


def unnamed_actors(event: Event) -> list[str]:
    """The event's actors that its title, summary and note do not name."""
    folded = fold(" ".join((event.title, event.summary, event.note or "")))
    words = set(_WORDS.findall(folded))
    return [a for a in event.actors if not _named(a, folded, words)]


def quality_problems(store: Store) -> list[str]:
    """Every quality issue, as `event <id>: <field>: <what>`."""
    out: list[str] = []
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
        if len(e.summary) > MAX_SUMMARY:
            out.append(f"event {e.id!r}: summary: {len(e.summary)} characters; keep it under {MAX_SUMMARY}")
        elif sentences(e.summary) > MAX_SENTENCES:
            out.append(f"event {e.id!r}: summary: {sentences(e.summary)} sentences; keep it to {MAX_SENTENCES}")
        if len(e.title) > MAX_TITLE:
            out.append(f"event {e.id!r}: title: {len(e.title)} characters; keep it under {MAX_TITLE}")
    return out
