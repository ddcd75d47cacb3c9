"""Citations of events, as entries of a dataset, and of the sources each event cites.

Formats: plain text in APA (7th edition) or Chicago (17th, bibliography) style, BibTeX (classic
fields that BibTeX reads, plus the biblatex ones: `date`, `urldate`, `eventdate`, `version`),
CSL-JSON (for Zotero, pandoc and every CSL processor) and RIS (EndNote, Zotero, Mendeley).

What is cited:

- an event, as an entry of the dataset: its title and id, the dataset's title and release, the
  dataset's author and URL when they are known, and the date the dataset was accessed;
- each source of the event, as the store records it: title, publisher, URL, publication date,
  and the date it was accessed only when the store records one (the reader citing it did not
  access it; the curator did).

Rules that keep citations honest:

- **Release.** `store_release` is the highest release among the events' `provenance.added`,
  `provenance.checked` and `provenance.audited` (compared as numbers: 0.10.0 is after 0.9.0); give it every event of the
  store, not only the cited ones, because the release is the store's, not the event's. A store
  with no provenance has no known release, and its citations carry none unless one is given.
- **Dates** keep their EDTF precision: a month is cited as a month (CSL `[[2023, 10]]`, BibTeX
  `year` and `month`, RIS `2023/10//`), a day is never invented, `~` reads "ca.", `?` keeps its
  question mark, and a year with unspecified digits (`201X`) is a range (CSL `[[2010], [2019]]`,
  "2010s" in text). The dataset has no publication date in the store, so text styles say "n.d.".
- **Nothing invented.** No URL or author is made up: the bundled record's URL and author are
  the project's (`PROJECT_URL`, `PROJECT_AUTHOR`); another store gets them only when given.
- **Keys** are stable and unique: `pcdip:<event id>` for an event and `pcdip:<event id>:s<n>`
  for its n-th source (1-based, in the store's order). A colon never occurs in an event id, so
  no event's key can equal a source's.

No Typer, no Rich, no I/O: every function returns text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from .dates import PartialDate, parse_date
from .fields import REPOSTED_LABEL, reposted_mark

if TYPE_CHECKING:
    from .records import Header, Record

__all__ = [
    "FORMATS",
    "PROJECT_AUTHOR",
    "PROJECT_URL",
    "STYLES",
    "Dataset",
    "Item",
    "bibtex_escape",
    "cite",
    "csl_items",
    "dataset_for",
    "is_release",
    "items",
    "store_release",
    "to_bibtex",
    "to_csl_json",
    "to_ris",
    "to_text",
]

# The project's documented URL ([project.urls] Documentation in pyproject.toml) and its authors,
# as CITATION.cff names them: used for the bundled record only.
PROJECT_URL = "https://github.com/pcdip/pcdip#readme"
PROJECT_AUTHOR = "pcdip developers"
FALLBACK_TITLE = "pcdip event store"

FORMATS = ("text", "bibtex", "csl-json", "ris")
STYLES = ("apa", "chicago")

_RELEASE = re.compile(r"[0-9]+\.[0-9]+(?:\.[0-9]+)?")  # models.RELEASE, without importing pydantic
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


# --- the dataset and the items cited -------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The dataset the events are entries of.

    `author` is an organisation or group (cited as one name, never split into given and family
    names); `release` the dataset release; `url` where the dataset is found. None means unknown,
    and the citation then leaves the element out. `accessed` is when the reader accessed it.
    """

    title: str
    accessed: PartialDate
    release: str | None = None
    url: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Item:
    """One work to cite, in terms every format can write: an event (an entry of the dataset) or a source."""

    key: str
    kind: Literal["event", "source"]
    event_id: str
    title: str
    url: str | None
    accessed: PartialDate | None
    # events
    dataset: Dataset | None = None
    event_date: PartialDate | None = None
    event_end: PartialDate | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    # sources
    number: int | None = None
    publisher: str | None = None
    issued: PartialDate | None = None
    reposted: bool = False


def _release_key(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:  # 0.2 and 0.2.0 are the same release
        parts.pop()
    return tuple(parts)


def is_release(text: str) -> bool:
    """Whether text is a dataset release as provenance writes one: 0.2 or 0.2.0."""
    return _RELEASE.fullmatch(text) is not None


def store_release(events: Iterable[Record]) -> str | None:
    """The highest release named by the events' provenance (`added`, `checked`, `audited` or `revised`), or None.

    Give it every event of the store: a release is the store's, whichever events are cited.
    """
    best: str | None = None
    for event in events:
        prov = event.provenance
        if prov is None:
            continue
        for text in (prov.added, prov.checked, prov.audited, prov.revised):
            if text and is_release(text) and (best is None or _release_key(text) > _release_key(best)):
                best = text
    return best


def _as_partial(value: PartialDate | date | str | None) -> PartialDate:
    if value is None:
        value = date.today()
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        return parse_date(value.isoformat())
    return parse_date(value)


def dataset_for(
    header: Header, *, release: str | None = None, accessed: PartialDate | date | str | None = None, url: str | None = None, author: str | None = None
) -> Dataset:
    """The Dataset a store's header describes: its title (or "pcdip event store" when it has none).

    `accessed` defaults to today; pass it for reproducible output.
    """
    return Dataset(
        title=_one_line(header.title or "") or FALLBACK_TITLE, accessed=_as_partial(accessed), release=release, url=url, author=_one_line(author or "") or None
    )


def _one_line(text: str) -> str:
    """Text on one line: line breaks and runs of white space become one space."""
    return " ".join(text.split())


def items(events: Iterable[Record], dataset: Dataset, header: Header | None = None, *, sources: bool = True) -> list[Item]:
    """The items to cite, in order: each event, followed by its sources (unless `sources` is False).

    Text is put on one line (a title holding a line separator would break RIS and the text
    styles' layout). An event given twice is cited once. `header`, when given, turns the events' themes into
    keywords (their labels).
    """
    labels = header.theme_labels if header is not None else {}
    out: list[Item] = []
    seen: set[str] = set()
    for event in events:
        if event.id in seen:
            continue
        seen.add(event.id)
        out.append(
            Item(
                key=f"pcdip:{event.id}",
                kind="event",
                event_id=event.id,
                title=_one_line(event.title),
                url=dataset.url,
                accessed=dataset.accessed,
                dataset=dataset,
                event_date=event.date,
                event_end=event.end,
                abstract=_one_line(event.summary),
                keywords=tuple(labels.get(t, t) for t in event.themes),
            )
        )
        if not sources:
            continue
        for n, source in enumerate(event.sources, start=1):
            out.append(
                Item(
                    key=f"pcdip:{event.id}:s{n}",
                    kind="source",
                    event_id=event.id,
                    title=_one_line(source.title),
                    url=source.url,
                    accessed=source.accessed,
                    number=n,
                    publisher=_one_line(source.publisher) or None,
                    issued=source.published,
                    reposted=source.reposted,
                )
            )
    return out


def cite(events: Iterable[Record], dataset: Dataset, fmt: str = "text", *, style: str = "apa", header: Header | None = None, sources: bool = True) -> str:
    """Citations of the events (and their sources) in one format; ValueError for an unknown format or style."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown citation format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of: {', '.join(STYLES)}")
    chosen = items(events, dataset, header, sources=sources)
    if fmt == "text":
        return to_text(chosen, style)
    if fmt == "bibtex":
        return to_bibtex(chosen)
    if fmt == "csl-json":
        return to_csl_json(chosen)
    return to_ris(chosen)


# --- dates at their precision --------------------------------------------------------------------


@dataclass(frozen=True)
class _Parts:
    """What an EDTF date states: the year (None when a digit is unspecified), month and day."""

    year: int | None
    month: int | None
    day: int | None
    lowest_year: int
    highest_year: int
    approximate: bool
    uncertain: bool


def _parts(d: PartialDate) -> _Parts:
    text = d.text.rstrip("?~%")
    y, m, dd = text[:4], text[5:7], text[8:10]
    year = int(y) if y.isdigit() else None
    month = int(m) if year is not None and m.isdigit() else None
    day = int(dd) if month is not None and dd.isdigit() else None
    return _Parts(year, month, day, d.lower.year, d.upper.year, d.approximate, d.uncertain)


def _human(d: PartialDate | None, style: str) -> str:
    """The date for a reader, at its precision: "2022, December 19" (APA) or "December 19, 2022"."""
    if d is None:
        return "n.d."
    p = _parts(d)
    if p.year is None:
        # 201X is a decade, 20XX a century: say the years it may be.
        base = f"{p.lowest_year}s" if p.highest_year - p.lowest_year == 9 else f"{p.lowest_year}–{p.highest_year}"
    elif p.month is None:
        base = str(p.year)
    elif p.day is None:
        base = f"{p.year}, {_MONTHS[p.month - 1]}" if style == "apa" else f"{_MONTHS[p.month - 1]} {p.year}"
    else:
        base = f"{p.year}, {_MONTHS[p.month - 1]} {p.day}" if style == "apa" else f"{_MONTHS[p.month - 1]} {p.day}, {p.year}"
    if p.approximate:
        base = f"ca. {base}"
    if p.uncertain:
        base += "?"
    return base


def _csl_date(start: PartialDate, end: PartialDate | None = None) -> dict[str, Any]:
    """A CSL date variable: date-parts at the date's precision; a range for a span or unspecified digits."""

    def first(p: _Parts) -> list[int]:
        if p.year is None:
            return [p.lowest_year]
        return [v for v in (p.year, p.month, p.day) if v is not None]

    def last(p: _Parts) -> list[int]:
        return first(p) if p.year is not None else [p.highest_year]

    a = _parts(start)
    b = _parts(end) if end is not None else a
    parts = [first(a)]
    if last(b) != first(a):
        parts.append(last(b))
    out: dict[str, Any] = {"date-parts": parts}
    if a.approximate or b.approximate:
        out["circa"] = True
    texts = [start.text] + ([end.text] if end is not None else [])
    if any(t[-1] in "?~%" or "X" in t for t in texts):
        out["raw"] = "/".join(texts)  # the EDTF text, for readers that understand it (uncertainty has no CSL field)
    return out


# --- text ---------------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    """Text ending in a full stop (or the ?, ! or . it already ends with)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _text_event_apa(item: Item) -> str:
    ds = item.dataset
    assert ds is not None
    title = f"{item.title} (Event {item.event_id})"
    head = f"{_sentence(ds.author)} (n.d.). {_sentence(title)}" if ds.author else f"{_sentence(title)} (n.d.)."
    version = f" (Version {ds.release})" if ds.release else ""
    retrieved = f"Retrieved {_human(ds.accessed, 'chicago')}, from {ds.url}" if ds.url else f"Retrieved {_human(ds.accessed, 'chicago')}."
    return f"{head} In {ds.title}{version} [Data set]. {retrieved}"


def _text_event_chicago(item: Item) -> str:
    ds = item.dataset
    assert ds is not None
    parts = [_sentence(ds.author)] if ds.author else []
    parts.append(f"“{_sentence(item.title)}” Event {item.event_id}.")
    parts.append(f"In {ds.title}" + (f", version {ds.release}." if ds.release else "."))
    parts.append("Dataset.")
    parts.append(f"Accessed {_human(ds.accessed, 'chicago')}.")
    if ds.url:
        parts.append(f"{ds.url}.")
    return " ".join(parts)


def _source_note(item: Item) -> str:
    """Which source of which event it is, and whether its URL is a copy on another site."""
    return f"Source {item.number} of event {item.event_id}" + (f"; the URL is a {REPOSTED_LABEL}" if item.reposted else "")


def _url(item: Item) -> str:
    return f"{item.url}{reposted_mark(item.reposted)}"


def _text_source_apa(item: Item) -> str:
    # APA for a web page with no named author: the title takes the author's place.
    out = f"{_sentence(item.title)} ({_human(item.issued, 'apa')})."
    if item.publisher:
        out += f" {_sentence(item.publisher)}"
    if item.accessed is not None and item.issued is None:
        return f"{out} Retrieved {_human(item.accessed, 'chicago')}, from {_url(item)}"
    return f"{out} {_url(item)}"


def _text_source_chicago(item: Item) -> str:
    where = ", ".join(w for w in (item.publisher, _human(item.issued, "chicago")) if w)
    out = f"“{_sentence(item.title)}” {_sentence(where)}"
    if item.accessed is not None:
        out += f" Accessed {_human(item.accessed, 'chicago')}."
    return f"{out} {_url(item)}."


def to_text(chosen: Sequence[Item], style: str = "apa") -> str:
    """One paragraph per event: its citation on the first line, then `  [n] ` and each source's.

    Paragraphs are separated by a blank line, so each event's citation is the first line of one.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of: {', '.join(STYLES)}")
    event_text, source_text = (_text_event_apa, _text_source_apa) if style == "apa" else (_text_event_chicago, _text_source_chicago)
    paragraphs: list[list[str]] = []
    for item in chosen:
        if item.kind == "event":
            paragraphs.append([event_text(item)])
        else:
            line = f"  [{item.number}] {source_text(item)}"
            if paragraphs:
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
    return "\n\n".join("\n".join(p) for p in paragraphs) + ("\n" if paragraphs else "")


# --- BibTeX --------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# LaTeX turns -- into a dash, `` and '' into curly quotes, ?` and !` into inverted marks: an
# empty group between the two characters keeps them as they were written.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")


def bibtex_escape(text: str) -> str:
    """Text for a braced BibTeX value, typeset as written: LaTeX's special characters escaped,
    ligatures broken, on one line; non-ASCII characters kept (a .bib file is UTF-8)."""
    return _LIGATURE.sub("{}", _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _one_line(text)))


def _bibtex_url(url: str) -> str:
    # URL fields are verbatim in biblatex and \url: escaping would break them; only a brace could
    # unbalance the value, and a percent-encoded brace is the same URL.
    return url.replace("{", "%7B").replace("}", "%7D")


def _bibtex_date_fields(d: PartialDate) -> list[tuple[str, str]]:
    p = _parts(d)
    out: list[tuple[str, str]] = []
    if p.year is not None:
        out.append(("year", str(p.year)))
    if p.month is not None:
        out.append(("month", _BIBTEX_MONTHS[p.month - 1]))  # a macro, unbraced: BibTeX and biblatex both read it
    out.append(("date", d.text))  # biblatex reads EDTF: the day, ~, ? and X digits survive
    return out


def to_bibtex(chosen: Sequence[Item]) -> str:
    """@misc entries (the type every BibTeX style knows), one per item; UTF-8 text."""
    entries: list[str] = []
    for item in chosen:
        fields: list[tuple[str, str]] = []  # (name, value already in BibTeX form: braced, or a macro)
        if item.kind == "event":
            ds = item.dataset
            assert ds is not None
            if ds.author:
                fields.append(("author", "{{" + bibtex_escape(ds.author) + "}}"))  # a group: one name, never split
            fields.append(("title", "{{" + bibtex_escape(item.title) + "}}"))  # inner braces keep its capitals
            where = f"Event {item.event_id} in {ds.title}" + (f", release {ds.release}" if ds.release else "")
            fields.append(("howpublished", "{" + bibtex_escape(where) + "}"))
            if ds.release:
                fields.append(("version", "{" + bibtex_escape(ds.release) + "}"))
            assert item.event_date is not None
            eventdate = item.event_date.text + (f"/{item.event_end.text}" if item.event_end else "")
            fields.append(("eventdate", "{" + eventdate + "}"))
            if item.keywords:
                fields.append(("keywords", "{" + bibtex_escape(", ".join(item.keywords)) + "}"))
            if item.abstract:
                fields.append(("abstract", "{" + bibtex_escape(item.abstract) + "}"))
        else:
            fields.append(("title", "{{" + bibtex_escape(item.title) + "}}"))
            if item.publisher:
                fields.append(("howpublished", "{" + bibtex_escape(item.publisher) + "}"))
            if item.issued is not None:
                fields += [(k, v if k == "month" else "{" + v + "}") for k, v in _bibtex_date_fields(item.issued)]
        if item.url:
            fields.append(("url", "{" + _bibtex_url(item.url) + "}"))
        if item.accessed is not None:
            fields.append(("urldate", "{" + item.accessed.text + "}"))
        notes = []
        if item.kind == "source":
            notes.append(_source_note(item))
        if item.accessed is not None:
            notes.append(f"Accessed {item.accessed.text}")
        if notes:
            fields.append(("note", "{" + bibtex_escape("; ".join(notes)) + "}"))
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        entries.append(f"@misc{{{item.key},\n{body},\n}}\n")
    return "\n".join(entries)


# --- CSL-JSON ------------------------------------------------------------------------------------


def csl_items(chosen: Sequence[Item]) -> list[dict[str, Any]]:
    """The CSL-JSON items (CSL 1.0.2 variables): `entry` for an event, `webpage` for a source."""
    out: list[dict[str, Any]] = []
    for item in chosen:
        csl: dict[str, Any] = {"id": item.key}
        if item.kind == "event":
            ds = item.dataset
            assert ds is not None and item.event_date is not None
            csl["type"] = "entry"
            if ds.author:
                csl["author"] = [{"literal": ds.author}]
            csl["title"] = item.title
            csl["container-title"] = ds.title
            csl["genre"] = "Data set"
            if ds.release:
                csl["version"] = ds.release
            csl["number"] = item.event_id
            csl["event-date"] = _csl_date(item.event_date, item.event_end)
            if item.abstract:
                csl["abstract"] = item.abstract
            if item.keywords:
                csl["keyword"] = ", ".join(item.keywords)
        else:
            csl["type"] = "webpage"
            csl["title"] = item.title
            if item.publisher:
                csl["container-title"] = item.publisher
            if item.issued is not None:
                csl["issued"] = _csl_date(item.issued)
            csl["note"] = _source_note(item)
        if item.url:
            csl["URL"] = item.url
        if item.accessed is not None:
            csl["accessed"] = _csl_date(item.accessed)
        out.append(csl)
    return out


def to_csl_json(chosen: Sequence[Item]) -> str:
    """A CSL-JSON array (UTF-8 text, two-space indent)."""
    return json.dumps(csl_items(chosen), ensure_ascii=False, indent=2) + "\n"


# --- RIS -----------------------------------------------------------------------------------------


def _ris_date(d: PartialDate) -> str:
    """RIS `YYYY/MM/DD/other`: parts not known stay empty; the other field says "approximate" or "uncertain"."""
    p = _parts(d)
    other = " ".join(w for w, on in (("approximate", p.approximate), ("uncertain", p.uncertain)) if on)
    if p.year is None:
        other = " ".join(filter(None, [f"{p.lowest_year}-{p.highest_year}", other]))
    year = f"{p.year:04d}" if p.year is not None else ""
    month = f"{p.month:02d}" if p.month is not None else ""
    day = f"{p.day:02d}" if p.day is not None else ""
    return f"{year}/{month}/{day}/{other}"


def to_ris(chosen: Sequence[Item]) -> str:
    """RIS records (TY first, ER last), one tag a line, CRLF line ends as the format asks."""
    lines: list[str] = []

    def tag(name: str, value: str | None) -> None:
        if value:
            lines.append(f"{name}  - {_one_line(value)}")

    for item in chosen:
        if item.kind == "event":
            ds = item.dataset
            assert ds is not None
            tag("TY", "DATA")
            tag("ID", item.key)
            tag("AU", ds.author)
            tag("TI", item.title)
            tag("T2", ds.title)
            tag("ET", ds.release)
            tag("AN", item.event_id)
            tag("AB", item.abstract)
            for keyword in item.keywords:
                tag("KW", keyword)
            notes = f"Event {item.event_id}" + (f" of dataset release {ds.release}" if ds.release else "")
        else:
            tag("TY", "ELEC")
            tag("ID", item.key)
            tag("TI", item.title)
            tag("PB", item.publisher)
            if item.issued is not None:
                p = _parts(item.issued)
                tag("PY", str(p.year) if p.year is not None else None)
                tag("DA", _ris_date(item.issued))
            notes = _source_note(item)
        tag("UR", item.url)
        if item.accessed is not None:
            tag("Y2", _ris_date(item.accessed))
        tag("N1", notes)
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines[:-1]) + "\r\n" if lines else ""
