"""Hypothesis strategies for events: odd Unicode, partial dates, every optional field."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from pcdip.models import Event

THEMES = ["training", "joint-patrol", "agreement", "repatriation", "scrutiny"]
CODES = ["FJ", "SB", "PG", "IT", "MM", "TH", "LA", "KG", "US", "CN", "NE", "NG"]

# Any text a curator might write, control characters and markup-looking brackets included, but
# no surrogates (not encodable) and no NUL (TOML forbids it unescaped; tomli-w escapes it anyway).
text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
# One-line fields (titles, actors, publishers) hold no control characters; summaries and notes may
# hold line breaks and tabs.
line_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(lambda s: s.strip() != "")
para_text = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t"), min_size=1, max_size=40).filter(lambda s: s.strip() != "")
ODD = [
    "=1+2",
    "+33",
    "-x",
    "@SUM(A1)",
    "'=quoted",
    "a;b\\c",
    "[bold]x[/]",
    "<script>alert(1)</script>",
    "Ünïcödé 中文 ☃",
    "Invoice \u202egnp.exe",
    "zero\u200bwidth",
]
tricky = st.one_of(line_text, st.sampled_from(ODD))
tricky_para = st.one_of(para_text, st.sampled_from([*ODD, "\ttab", "two\nlines"]))
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(1990, 2030))
    kind = draw(st.sampled_from(["year", "month", "day"]))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    q = draw(st.sampled_from(["", "", "~", "?", "%"]))
    return {"year": f"{year}", "month": f"{year}-{month:02d}", "day": f"{year}-{month:02d}-{day:02d}"}[kind] + q


url = st.builds(lambda path: "https://example.org/" + path, st.text("abcxyz0123-_/?=&%", max_size=20))

source = st.fixed_dictionaries(
    {"title": tricky, "publisher": tricky, "url": url},
    optional={"published": partial_dates(), "reposted": st.booleans(), "archive_url": url, "accessed": partial_dates()},
)
figure = st.fixed_dictionaries(
    {"name": tricky, "value": st.one_of(st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False, width=64))},
    optional={"qualifier": st.sampled_from(["at-least", "more-than", "approximately", "up-to"]), "unit": tricky},
)


release = st.builds(lambda a, b, c: f"{a}.{b}.{c}", st.integers(0, 12), st.integers(0, 12), st.integers(0, 12))
provenance = st.fixed_dictionaries(
    {"added": release, "basis": st.sampled_from(["fact-sheet", "source-reading"])}, optional={"checked": release, "audited": release, "revised": release}
)


@st.composite
def event_dicts(draw: st.DrawFn, event_id: str | None = None) -> dict[str, Any]:
    start = draw(partial_dates())
    out: dict[str, Any] = {
        "id": event_id or draw(slug),
        "date": start,
        "title": draw(tricky),
        "summary": draw(tricky_para),
        "countries": draw(st.lists(st.sampled_from(CODES), unique=True, max_size=3)),
        "themes": draw(st.lists(st.sampled_from(THEMES), unique=True, min_size=1, max_size=3)),
        "actors": draw(st.lists(tricky, max_size=3)),
        "figures": draw(st.lists(figure, max_size=2)),
        "sources": draw(st.lists(source, min_size=1, max_size=2)),
    }
    if draw(st.booleans()):
        out["note"] = draw(tricky_para)
    if draw(st.booleans()):
        out["place"] = {"name": draw(tricky), "latitude": draw(st.floats(-90, 90)), "longitude": draw(st.floats(-180, 180))}
    if draw(st.booleans()):
        y = int(start[:4])
        out["end"] = str(draw(st.integers(y + 1, y + 5)))
    if draw(st.booleans()):
        out["provenance"] = draw(provenance)
    return out


@st.composite
def event_lists(draw: st.DrawFn, max_size: int = 4) -> list[Event]:
    ids = draw(st.lists(slug, unique=True, min_size=0, max_size=max_size))
    events = [Event.model_validate(draw(event_dicts(i))) for i in ids]
    return events
