"""Pydantic models of a pcdip store: Store, Theme, Event, Figure, Source. No I/O, no printing.

Per-event rules live on the models; rules across events (unique ids, declared themes, `related`
ids that exist) live in `check_store`, which returns every problem rather than stopping at the first.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt, WithJsonSchema, field_validator, model_validator

from . import countries as _countries
from .dates import PartialDate, Spanned
from .errors import NotFoundError
from .fields import EVENT_FIELDS, FIGURE_FIELDS, PLACE_FIELDS, SOURCE_FIELDS, describe_figure

SCHEMA_VERSION = 1

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

__all__ = ["EVENT_FIELDS", "FIGURE_FIELDS", "PLACE_FIELDS", "SOURCE_FIELDS", "Event", "Figure", "Place", "Provenance", "Source", "Store", "Theme", "check_url"]

# Limits generous enough for any real record, small enough that no field can swamp a view.
MAX_LINE = 300  # one-line text: an id, title, actor, publisher, label
MAX_TEXT = 20_000  # a summary, note or description
MAX_URL = 2_000

# C0 and C1 control characters and DEL. One-line fields allow none of them (piped output is one
# event a line); multi-line fields allow a newline and a tab.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _line(value: str) -> str:
    problem = _line_problem(value) if type(value) is str else _line_problem.__wrapped__(value)
    if problem:
        raise ValueError(problem)
    return value


@functools.lru_cache(maxsize=65536)
def _line_problem(value: str) -> str | None:
    """What is wrong with a one-line value, or None. Cached: publishers, actors and countries'
    names repeat across a store, and a large one checks about ten one-line values an event."""
    if not value.strip():
        return "must not be empty"
    m = _CONTROL.search(value)
    if m:
        return f"holds the control character U+{ord(m.group()):04X}; a one-line field takes no line breaks, tabs or control characters"
    if len(value) > MAX_LINE:
        return f"is {len(value):,} characters long; at most {MAX_LINE} are allowed"
    return None


def _text(value: str) -> str:
    _nonblank(value)
    return _paragraphs(value)


def _paragraphs(value: str) -> str:
    m = _CONTROL_MULTILINE.search(value)
    if m:
        raise ValueError(f"holds the control character U+{ord(m.group()):04X}; only line breaks and tabs are allowed")
    if len(value) > MAX_TEXT:
        raise ValueError(f"is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed")
    return value


def _slug(value: str) -> str:
    if len(value) > MAX_LINE:
        raise ValueError(f"is {len(value):,} characters long; at most {MAX_LINE} are allowed")
    if not SLUG.fullmatch(value):
        raise ValueError(f'{value!r} is not a slug: use lowercase letters, digits and single hyphens, e.g. "2022-12-italy-ends-joint-patrols"')
    return value


def _http_url(value: str) -> str:
    return check_url(value)


# The common case, checked without a parser: an http(s) scheme, a plain host name, then a path,
# query or fragment of characters that need no checking. Anything else goes through urlsplit.
_PLAIN_URL = re.compile(
    r"(?i:https?)://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?:[/?#][^\x00-\x20\x7f-\x9f\"'<>`\\@]*)?"
)


def check_url(value: str) -> str:
    """An http(s) URL as a parser reads it: scheme http or https (any case), a host, no user
    information, no whitespace, quotes or control characters. Raises ValueError saying which."""

    if len(value) <= MAX_URL and _PLAIN_URL.fullmatch(value):
        return value
    return check_url_parsed(value)


def check_url_parsed(value: str) -> str:
    """check_url without the fast path (the tests hold the two against each other)."""
    from urllib.parse import urlsplit

    if len(value) > MAX_URL:
        raise ValueError(f"is {len(value):,} characters long; at most {MAX_URL:,} are allowed")
    bad = re.search(r"[\x00-\x20\x7f-\x9f\"'<>`\\]", value)
    if bad:
        raise ValueError(f"{value!r} is not a usable URL: it holds {bad.group()!r}; percent-encode it (a space is %20)")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"{value!r} is not an http(s) URL")
    if "@" in parts.netloc:
        raise ValueError(f"{value!r} holds user information before '@'; give the site's own address")
    if not parts.hostname or parts.hostname.startswith(".") or ".." in parts.hostname:
        raise ValueError(f"{value!r} has no valid host name")
    return value


# The JSON Schema says what the validators check, so that an editor flags what `pcdip validate` would.
_LINE_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_LINE, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*\\S[^\\u0000-\\u001f\\u007f-\\u009f]*$"}
_TEXT_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$"}
_URL_SCHEMA = {
    "type": "string",
    "maxLength": MAX_URL,
    "pattern": "^[hH][tT][tT][pP][sS]?://[^@/?#\\s\"'<>`\\\\]+([/?#][^\\s\"'<>`\\\\\\u0000-\\u001f\\u007f-\\u009f]*)?$",
}
Text = Annotated[str, AfterValidator(_text), WithJsonSchema(_TEXT_SCHEMA)]
Line = Annotated[str, AfterValidator(_line), WithJsonSchema(_LINE_SCHEMA)]
Slug = Annotated[str, AfterValidator(_slug)]
Url = Annotated[str, AfterValidator(_http_url), WithJsonSchema(_URL_SCHEMA)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Theme(_Model):
    """One entry of a store's controlled theme vocabulary."""

    id: Slug
    label: Line
    description: Text
    pushback: bool = Field(default=False, description="events of this theme are pushback or scrutiny, called out in country profiles")
    cues: list[Line] = Field(
        default_factory=list,
        description="word stems that bear the theme ('train', 'course'); validate --strict warns about an event of the theme whose text holds none",
    )

    def to_dict(self, *, exclude_defaults: bool = False) -> dict[str, Any]:
        return self.model_dump(exclude_defaults=exclude_defaults)


class Figure(_Model):
    """A number a source gives, with its name; a lower bound or approximation says so in `qualifier`."""

    name: Line
    value: StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]
    qualifier: Literal["at-least", "more-than", "approximately", "up-to"] | None = None
    unit: Line | None = None

    def describe(self) -> str:
        return describe_figure(self.value, self.qualifier, self.unit)


class Place(_Model):
    """Where an event happened, when the sources say: a named point (WGS 84)."""

    name: Line
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class Source(_Model):
    """Where an event is reported. Pages vanish: an archive URL and access date keep it checkable."""

    title: Line
    publisher: Line
    url: Url
    published: PartialDate | None = None
    undated: bool = Field(default=False, description="the page shows no publication date (so none is recorded, and --strict asks for none)")
    reposted: bool = Field(
        default=False,
        description="the URL is a copy of the publisher's report on another site (a mirror, repost, forum post or excerpt), "
        "cited because the publisher's own page was not found; `publisher` names the original publisher where it is known",
    )
    archive_url: Url | None = None
    accessed: PartialDate | None = None

    @model_validator(mode="after")
    def _dated_or_not(self) -> Source:
        if self.undated and self.published is not None:
            raise ValueError("has both `published` and `undated = true`; keep the date, or remove it and keep `undated`")
        return self


RELEASE = re.compile(r"[0-9]+\.[0-9]+(?:\.[0-9]+)?")


def _release(value: str) -> str:
    if not RELEASE.fullmatch(value):
        raise ValueError(f'{value!r} is not a dataset release such as "0.2.0"')
    return value


Release = Annotated[str, AfterValidator(_release)]


class Provenance(_Model):
    """How an event entered the record, and the last release whose check it passed: data, not prose."""

    added: Release = Field(description='the dataset release that first recorded the event, e.g. "0.1.4"')
    basis: Literal["fact-sheet", "source-reading"] = Field(
        description="fact-sheet: encoded from the 0.1 seed fact sheet; source-reading: researched in the cited pages"
    )
    checked: Release | None = Field(default=None, description="the last release whose sweep re-read every claim against the cited sources")
    audited: Release | None = Field(
        default=None,
        description="the last release in which an independent checker (not who recorded or swept the event) re-read it against its sources",
    )
    revised: Release | None = Field(
        default=None,
        description="the last release that changed what the event says or cites after its last check or audit, when a later release did",
    )


class Event(_Model, Spanned):
    """One dated, sourced event of the record."""

    id: Slug
    date: PartialDate
    end: PartialDate | None = None
    title: Line
    summary: Text
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes of the counterpart countries")
    place: Place | None = None
    themes: list[str] = Field(min_length=1)
    actors: list[Line] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    note: Annotated[str, AfterValidator(_paragraphs)] | None = None
    related: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    provenance: Provenance | None = Field(default=None, description="how the event entered the record and how it was checked")

    @field_validator("countries")
    @classmethod
    def _known_countries(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _countries.is_known_code(code):
                hint = ""
                try:
                    hint = f" (did you mean {_countries.resolve(code).code!r}?)"
                except NotFoundError:
                    pass
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code{hint}")
        if len(set(value)) != len(value):
            raise ValueError("lists a country twice")
        return value

    @field_validator("themes", "related")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists an item twice")
        return value

    @model_validator(mode="after")
    def _span(self) -> Event:
        if self.end is not None and self.end.upper < self.date.lower:
            raise ValueError(f"end {self.end} is before date {self.date}")
        if self.id in self.related:
            raise ValueError("an event cannot be related to itself")
        return self

    def to_dict(self) -> dict[str, Any]:
        """The exported form: every field present, in EVENT_FIELDS order, dates as EDTF strings."""
        return {
            "id": self.id,
            "date": self.date.text,
            "end": self.end.text if self.end else None,
            "title": self.title,
            "summary": self.summary,
            "countries": list(self.countries),
            "place": {"name": self.place.name, "latitude": self.place.latitude, "longitude": self.place.longitude} if self.place else None,
            "themes": list(self.themes),
            "actors": list(self.actors),
            "figures": [{"name": f.name, "value": f.value, "qualifier": f.qualifier, "unit": f.unit} for f in self.figures],
            "note": self.note,
            "related": list(self.related),
            "sources": [
                {
                    "title": s.title,
                    "publisher": s.publisher,
                    "url": s.url,
                    "published": s.published.text if s.published else None,
                    "undated": s.undated,
                    "reposted": s.reposted,
                    "archive_url": s.archive_url,
                    "accessed": s.accessed.text if s.accessed else None,
                }
                for s in self.sources
            ],
            "provenance": {"added": p.added, "basis": p.basis, "checked": p.checked, "audited": p.audited, "revised": p.revised}
            if (p := self.provenance)
            else None,
        }


class Store(_Model):
    """A validated store: its themes and events (in file order)."""

    schema_version: int
    title: Line | None = None
    description: Text | None = None
    themes: list[Theme]
    events: list[Event] = Field(default_factory=list)

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    def header(self) -> dict[str, Any]:
        """Everything but the events, as plain data (what the query index keeps beside them)."""
        return {"schema_version": self.schema_version, "title": self.title, "description": self.description, "themes": [t.model_dump() for t in self.themes]}

    @property
    def pushback_themes(self) -> frozenset[str]:
        return frozenset(t.id for t in self.themes if t.pushback)


def check_events(
    events: list[Event],
    themes: list[Theme],
    *,
    known_ids: set[str] | None = None,
    present_ids: set[str] | None = None,
    broken_themes: set[str] | None = None,
) -> list[tuple[int, str, str, str]]:
    """Rules across events: duplicate ids, undeclared themes, dangling `related`.

    Returns (index in `events`, event id, field, problem) for each, in order. `known_ids` are the
    ids already in a store that `events` would join (an import): a clash with one is a duplicate too.
    `present_ids` are ids of events that exist but failed validation (reported already): a
    `related` link to one of them is not reported again as dangling. `broken_themes` are ids of
    themes declared but invalid (reported already): an event of one of them is not reported again.
    """
    problems: list[tuple[int, str, str, str]] = []
    declared = {t.id for t in themes}
    known = known_ids or set()
    ids = {e.id for e in events} | known | (present_ids or set())
    seen: set[str] = set()
    for i, event in enumerate(events):
        if event.id in seen or event.id in known:
            problems.append((i, event.id, "id", "duplicate id; every event needs its own"))
        seen.add(event.id)
        for theme in event.themes:
            if theme not in declared and theme not in (broken_themes or ()):
                problems.append((i, event.id, "themes", f"{theme!r} is not declared in the store's [[themes]]; declared: {', '.join(sorted(declared))}"))
        for other in event.related:
            if other not in ids:
                problems.append((i, event.id, "related", f"no event has the id {other!r}"))
    return problems


def store_json_schema() -> dict[str, Any]:
    """The JSON Schema of a store file (draft 2020-12), generated from the models."""
    schema = Store.model_json_schema(mode="validation")
    schema.update(
        title="pcdip event store",
        description="A TOML store of dated, sourced events; see the pcdip README, 'The store format'.",
    )
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
