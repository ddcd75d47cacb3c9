"""Quality checks of docs/DATA.md: allowed by the schema, but to be fixed before a release.

`pcdip validate` mentions how many there are; `pcdip validate --strict` lists them as failures.
"""

from __future__ import annotations

import re

from .models import Store

MAX_TITLE = 100
MAX_SUMMARY = 600
MAX_SENTENCES = 3
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)\s+(?=[A-Z0-9“\"'‘(])")


def sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text.strip())) + 1


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
        if len(e.summary) > MAX_SUMMARY:
            out.append(f"event {e.id!r}: summary: {len(e.summary)} characters; keep it under {MAX_SUMMARY}")
        elif sentences(e.summary) > MAX_SENTENCES:
            out.append(f"event {e.id!r}: summary: {sentences(e.summary)} sentences; keep it to {MAX_SENTENCES}")
        if len(e.title) > MAX_TITLE:
            out.append(f"event {e.id!r}: title: {len(e.title)} characters; keep it under {MAX_TITLE}")
    return out
