"""pcdip cite and pcdip.cite: every format read back by a tool that consumes it (citeproc-py for
CSL-JSON, bibtexparser for BibTeX, rispy for RIS), the text styles, and the command's options."""

from __future__ import annotations

import json
import re
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
import tomli_w
from bibtexparser import middlewares
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

import pcdip.cli.cite  # noqa: F401  (registers `pcdip cite`, as pcdip.cli does)
from pcdip import cite
from pcdip.cache import open_engine
from pcdip.records import Record

from .conftest import ROOT, invoke

ACCESSED = ("--accessed", "2026-12-04")
MINI_IDS = [
    "2011-04-fiji-mou",
    "2016-05-italy-patrols",
    "2022-04-global-statement",
    "2022-12-italy-ends-patrols",
    "2023-solomons-training",
    "2024-03-fiji-keeps-mou",
    "2025-02-20-myanmar-repatriation",
]
MINI_SOURCES = {"2025-02-20-myanmar-repatriation": 2}  # every other event of the mini store cites one source

# Every character BibTeX or LaTeX treats specially, LaTeX ligatures, and text beyond ASCII.
SPECIAL_TITLE = "Türkiye & Côte d'Ivoire: 100% {braced} under_score ~tilde ^caret \\backslash $5 #1 -- ``quoted'' ?` 公安部"
SPECIAL_ID = "2023-10-special-characters"
SPECIAL_SOURCES: list[dict[str, Any]] = [
    {"title": "Report: A&B_{x} 5% «Überblick»", "publisher": "Zeitung & Co_", "url": "https://example.org/a_b%20c?q={1}#frag", "published": "2023-10"},
    {"title": "Undated page", "publisher": "Example", "url": "https://example.org/undated", "undated": True, "accessed": "2026-11"},
    {"title": "A decade", "publisher": "Example", "url": "https://example.org/decade", "published": "201X"},
    {"title": "Roughly then", "publisher": "Example", "url": "https://example.org/circa", "published": "2023-10~"},
]


@pytest.fixture
def special(store: Path) -> Path:
    """The mini store plus one event full of special characters, with provenance naming 0.9.0 and 0.10.0."""
    event = {
        "id": SPECIAL_ID,
        "date": "2023-10",
        "title": SPECIAL_TITLE,
        "summary": "A summary over\ntwo lines & 50% more.",
        "countries": ["TR"],
        "themes": ["agreement", "scrutiny"],
        "sources": SPECIAL_SOURCES,
        "provenance": {"added": "0.9.0", "basis": "source-reading", "checked": "0.10.0"},
    }
    store.write_text(store.read_text("utf-8") + "\n" + tomli_w.dumps({"events": [event]}), "utf-8")
    assert invoke("validate").code == 0
    return store


def _ok(*args: str) -> str:
    r = invoke("cite", *args)
    assert r.code == 0, r.err
    return r.out


def _bibtex(text: str, *, decode: bool = True) -> Any:
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.LatexDecodingMiddleware()] if decode else [])
    assert library.failed_blocks == []
    return library


def _field(entry: Any, name: str) -> str | None:
    field = entry.fields_dict.get(name)
    return None if field is None else str(field.value)


def _decoded(value: str | None) -> str | None:
    # pylatexenc reads \textasciicircum as U+02C6 (modifier letter circumflex); LaTeX prints a caret.
    return None if value is None else value.replace("\u02c6", "^")


# --- text ------------------------------------------------------------------------------------------


def test_text_is_one_citation_per_event_with_its_sources_below() -> None:
    out = _ok(*ACCESSED)
    paragraphs = out.rstrip("\n").split("\n\n")
    assert len(paragraphs) == len(MINI_IDS)
    for event_id, paragraph in zip(MINI_IDS, paragraphs, strict=True):
        first, *sources = paragraph.split("\n")
        assert f"(Event {event_id})" in first and not first.startswith(" ")
        assert [s[:6] for s in sources] == [f"  [{n}] " for n in range(1, MINI_SOURCES.get(event_id, 1) + 1)]


def test_text_apa_and_chicago_exactly() -> None:
    assert _ok("2022-12-italy-ends-patrols", *ACCESSED) == (
        "Italy ends joint patrols with China (Event 2022-12-italy-ends-patrols). (n.d.). In Test store [Data set]. Retrieved December 4, 2026.\n"
        "  [1] Italy stops patrols. (2022, December 19). Example Wire. https://example.org/italy-2022\n"
    )
    assert _ok(
        "2022-12-italy-ends-patrols", *ACCESSED, "--style", "chicago", "--author", "A Research Group", "--release", "1.2", "--url", "https://example.org/data"
    ) == (
        "A Research Group. “Italy ends joint patrols with China.” Event 2022-12-italy-ends-patrols. In Test store, version 1.2. Dataset. "
        "Accessed December 4, 2026. https://example.org/data.\n"
        "  [1] “Italy stops patrols.” Example Wire, December 19, 2022. Accessed November 28, 2026. https://example.org/italy-2022.\n"
    )


def test_text_dates_keep_their_precision(special: Path) -> None:
    apa = _ok(SPECIAL_ID, *ACCESSED).splitlines()
    assert apa[0].startswith(f"{SPECIAL_TITLE} (Event {SPECIAL_ID}). (n.d.). In Test store (Version 0.10.0) [Data set].")
    assert apa[1:] == [
        "  [1] Report: A&B_{x} 5% «Überblick». (2023, October). Zeitung & Co_. https://example.org/a_b%20c?q={1}#frag",
        "  [2] Undated page. (n.d.). Example. Retrieved November 2026, from https://example.org/undated",
        "  [3] A decade. (2010s). Example. https://example.org/decade",
        "  [4] Roughly then. (ca. 2023, October). Example. https://example.org/circa",
    ]
    chicago = _ok(SPECIAL_ID, *ACCESSED, "--style", "chicago").splitlines()
    assert [line.split("” ", 1)[1] for line in chicago[1:]] == [
        "Zeitung & Co_, October 2023. https://example.org/a_b%20c?q={1}#frag.",
        "Example, n.d. Accessed November 2026. https://example.org/undated.",
        "Example, 2010s. https://example.org/decade.",
        "Example, ca. October 2023. https://example.org/circa.",
    ]


# --- the dataset: release, URL, author, access date ---------------------------------------------------


def test_store_release_is_the_highest_provenance_release_compared_as_numbers() -> None:
    def event(added: str, checked: str | None = None) -> Record:
        return Record({"id": f"e{added}", "provenance": {"added": added, "basis": "source-reading", "checked": checked}})

    assert cite.store_release([event("0.9.0"), event("0.2.0", "0.10.0"), event("0.10")]) == "0.10.0"
    assert cite.store_release([event("0.1.0"), Record({"id": "none"})]) == "0.1.0"
    assert cite.store_release([Record({"id": "none"})]) is None


def test_a_release_in_the_provenance_is_cited(special: Path) -> None:
    assert "(Version 0.10.0) [Data set]" in _ok("2011-04-fiji-mou", *ACCESSED)  # the store's release, not the event's
    assert "(Version 3.1) [Data set]" in _ok("2011-04-fiji-mou", *ACCESSED, "--release", "3.1")


def test_the_bundled_record_is_cited_with_the_project_url_authors_and_release(bundled: Path) -> None:
    eng = open_engine(bundled)
    release = cite.store_release(eng.select())
    assert release is not None and f"(release {release})" in (ROOT / "README.md").read_text("utf-8")
    event = eng.get("2022-12-italy-ends-joint-patrols")
    assert event is not None
    first = _ok(event.id, *ACCESSED).splitlines()[0]
    assert first == (
        f"pcdip developers. (n.d.). {event.title} (Event {event.id}). In {eng.header.title} (Version {release}) [Data set]. "
        "Retrieved December 4, 2026, from https://github.com/pcdip/pcdip#readme"
    )
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert f'Documentation = "{cite.PROJECT_URL}"' in pyproject  # the URL cited is the one the project documents


def test_another_store_gets_no_invented_url_or_author() -> None:
    out = _ok("-f", "csl-json", *ACCESSED)
    items = json.loads(out)
    events = [i for i in items if i["type"] == "entry"]
    assert len(events) == len(MINI_IDS)
    assert all("author" not in i and "URL" not in i and "version" not in i for i in events)
    assert "github.com" not in out


def test_accessed_defaults_to_today_and_is_injectable() -> None:
    items = json.loads(_ok("2011-04-fiji-mou", "-f", "csl-json"))
    today = date.today()
    assert items[0]["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
    header = open_engine().header
    assert cite.dataset_for(header, accessed=date(2020, 1, 2)).accessed.text == "2020-01-02"
    assert cite.dataset_for(header, accessed="2020-01").accessed.text == "2020-01"


# --- CSL-JSON, read by citeproc-py ---------------------------------------------------------------------


def test_csl_json_renders_in_citeproc(special: Path) -> None:
    items = json.loads(_ok("-f", "csl-json", *ACCESSED, "--url", "https://example.org/data", "--author", "pcdip developers"))
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids))
    by_id = {i["id"]: i for i in items}
    event = by_id[f"pcdip:{SPECIAL_ID}"]
    assert (event["type"], event["title"], event["number"], event["version"], event["container-title"]) == (
        "entry",
        SPECIAL_TITLE,
        SPECIAL_ID,
        "0.10.0",
        "Test store",
    )
    assert event["author"] == [{"literal": "pcdip developers"}]
    assert event["event-date"] == {"date-parts": [[2023, 10]]}  # a month: no day invented
    assert event["accessed"] == {"date-parts": [[2026, 12, 4]]}
    assert event["abstract"] == "A summary over two lines & 50% more."
    assert by_id["pcdip:2016-05-italy-patrols"]["event-date"] == {"date-parts": [[2016, 5], [2019]]}
    sources = [by_id[f"pcdip:{SPECIAL_ID}:s{n}"] for n in range(1, 5)]
    assert [s.get("issued") for s in sources] == [
        {"date-parts": [[2023, 10]]},
        None,
        {"date-parts": [[2010], [2019]], "raw": "201X"},
        {"date-parts": [[2023, 10]], "circa": True, "raw": "2023-10~"},
    ]
    assert sources[1]["accessed"] == {"date-parts": [[2026, 11]]}
    assert sources[0]["URL"] == SPECIAL_SOURCES[0]["url"] and sources[0]["container-title"] == "Zeitung & Co_"

    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # citeproc-py warns about what it cannot read
        for i in items:
            bibliography.register(Citation([CitationItem(i["id"])]))
        rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    for i in items:
        assert any(i["title"] in r and i["URL"] in r for r in rendered), i["id"]


# --- BibTeX, read by bibtexparser ------------------------------------------------------------------------


def test_bibtex_parses_with_fields_intact(special: Path) -> None:
    text = _ok("-f", "bibtex", *ACCESSED, "--author", "pcdip developers", "--url", "https://example.org/data")
    library = _bibtex(text)
    keys = [e.key for e in library.entries]
    expected = [k for i in MINI_IDS[:5] for k in (f"pcdip:{i}", f"pcdip:{i}:s1")]
    assert keys[: len(expected)] == expected and len(keys) == len(set(keys))
    entries = {e.key: e for e in library.entries}
    event = entries[f"pcdip:{SPECIAL_ID}"]
    assert event.entry_type == "misc"
    assert _decoded(_field(event, "title")) == SPECIAL_TITLE
    assert _field(event, "author") == "pcdip developers"
    assert (_field(event, "version"), _field(event, "eventdate"), _field(event, "urldate")) == ("0.10.0", "2023-10", "2026-12-04")
    assert _field(event, "keywords") == "Agreements, Scrutiny and pushback"
    assert _field(event, "year") is None  # the dataset's publication year is not known

    first, undated, decade, circa = (entries[f"pcdip:{SPECIAL_ID}:s{n}"] for n in range(1, 5))
    assert _decoded(_field(first, "title")) == SPECIAL_SOURCES[0]["title"]
    assert _field(first, "howpublished") == "Zeitung & Co_"
    # Dates and URLs are not LaTeX text (biblatex parses dates as EDTF, and a URL is verbatim):
    # they are read undecoded, where ~ is still ~ and % still %.
    raw = {e.key: e for e in _bibtex(text, decode=False).entries}
    assert [_field(raw[first.key], f) for f in ("year", "month", "date")] == ["2023", "oct", "2023-10"]
    assert _field(raw[first.key], "url") == "https://example.org/a_b%20c?q=%7B1%7D#frag"  # braces percent-encoded: the same URL
    assert _field(raw[event.key], "url") == "https://example.org/data"
    assert [_field(raw[undated.key], f) for f in ("year", "month", "date", "urldate")] == [None, None, None, "2026-11"]
    assert [_field(raw[decade.key], f) for f in ("year", "month", "date")] == [None, None, "201X"]
    assert [_field(raw[circa.key], f) for f in ("year", "month", "date")] == ["2023", "oct", "2023-10~"]
    assert all(_field(e, "day") is None for e in library.entries)


def test_bibtex_of_the_whole_bundled_record(bundled: Path) -> None:
    eng = open_engine(bundled)
    events = list(eng.select())
    text = _ok("-f", "bibtex", *ACCESSED)
    library = _bibtex(text, decode=False)
    keys = [e.key for e in library.entries]
    assert len(keys) == len(set(keys)) == len(events) + sum(len(e.sources) for e in events)
    # Decoding LaTeX is slow: read back the titles of the events whose text needs escaping.
    needs = re.compile(r"[^\x20-\x7e]|[&%_{}$#~^\\]")
    chosen = [e for e in events if any(needs.search(t) for t in (e.title, *(s.title for s in e.sources), *(s.publisher for s in e.sources)))]
    assert len(chosen) > 50
    dataset = cite.dataset_for(eng.header, accessed="2026-12-04")
    decoded = {e.key: e for e in _bibtex(cite.to_bibtex(cite.items(chosen, dataset))).entries}
    for item in cite.items(chosen, dataset):
        assert _decoded(_field(decoded[item.key], "title")) == item.title
        if item.publisher:
            assert _decoded(_field(decoded[item.key], "howpublished")) == item.publisher


# --- RIS, read by rispy --------------------------------------------------------------------------------


def test_ris_parses_with_fields_intact(special: Path, tmp_path: Path) -> None:
    out = tmp_path / "cites.ris"
    r = invoke("cite", "-f", "ris", *ACCESSED, "--author", "pcdip developers", "-o", str(out))
    assert r.code == 0 and r.out == ""
    n_sources = sum(MINI_SOURCES.get(i, 1) for i in MINI_IDS) + len(SPECIAL_SOURCES)
    assert r.err == f"wrote citations of {len(MINI_IDS) + 1} events and {n_sources} sources to {out}\n"
    raw = out.read_bytes().decode("utf-8")
    lines = raw.split("\r\n")
    assert "\n" not in raw.replace("\r\n", "") and lines[-1] == ""  # CRLF line ends, one tag a line
    assert all(line == "" or re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    entries = rispy.loads(raw)
    assert len(entries) == len(MINI_IDS) + 1 + n_sources
    by_id = {e["id"]: e for e in entries}
    event = by_id[f"pcdip:{SPECIAL_ID}"]
    assert (event["type_of_reference"], event["title"], event["secondary_title"], event["edition"], event["accession_number"]) == (
        "DATA",
        SPECIAL_TITLE,
        "Test store",
        "0.10.0",
        SPECIAL_ID,
    )
    assert event["authors"] == ["pcdip developers"] and event["access_date"] == "2026/12/04/"
    assert event["abstract"] == "A summary over two lines & 50% more."
    assert event["keywords"] == ["Agreements", "Scrutiny and pushback"]
    first, undated, decade, circa = (by_id[f"pcdip:{SPECIAL_ID}:s{n}"] for n in range(1, 5))
    assert (first["type_of_reference"], first["title"], first["publisher"], first["urls"]) == (
        "ELEC",
        SPECIAL_SOURCES[0]["title"],
        "Zeitung & Co_",
        [SPECIAL_SOURCES[0]["url"]],
    )
    assert (first["year"], first["date"]) == ("2023", "2023/10//")
    assert "year" not in undated and "date" not in undated and undated["access_date"] == "2026/11//"
    assert "year" not in decade and decade["date"] == "///2010-2019"
    assert circa["date"] == "2023/10//approximate"


def test_ris_of_the_whole_bundled_record(bundled: Path) -> None:
    eng = open_engine(bundled)
    events = list(eng.select())
    entries = rispy.loads(_ok("-f", "ris", *ACCESSED))
    assert len(entries) == len(events) + sum(len(e.sources) for e in events)
    titles = [t for e in events for t in (e.title, *(s.title for s in e.sources))]
    assert [e["title"] for e in entries] == titles


# --- the command: selection, keys, errors -------------------------------------------------------------


def _keys(*args: str) -> list[str]:
    return [i["id"] for i in json.loads(_ok("-f", "csl-json", *ACCESSED, *args))]


def test_filters_select_what_is_cited() -> None:
    library = _bibtex(_ok("-c", "Fiji", "-t", "scrutiny", "--format", "bibtex", *ACCESSED))
    assert [e.key for e in library.entries] == ["pcdip:2024-03-fiji-keeps-mou", "pcdip:2024-03-fiji-keeps-mou:s1"]
    assert _keys("--no-sources") == [f"pcdip:{i}" for i in MINI_IDS]  # no ids and no filters: every event
    assert _keys("--no-sources", "--reverse", "-n", "2") == ["pcdip:2025-02-20-myanmar-repatriation", "pcdip:2024-03-fiji-keeps-mou"]


def test_ids_are_cited_in_the_order_given_once_each_with_stable_keys() -> None:
    keys = _keys("2025-02-20-myanmar-repatriation", "2011-04-fiji-mou", "2025-02-20-myanmar-repatriation")
    assert keys == [
        "pcdip:2025-02-20-myanmar-repatriation",
        "pcdip:2025-02-20-myanmar-repatriation:s1",
        "pcdip:2025-02-20-myanmar-repatriation:s2",
        "pcdip:2011-04-fiji-mou",
        "pcdip:2011-04-fiji-mou:s1",
    ]
    everything = _keys()
    assert set(keys) <= set(everything) and len(everything) == len(set(everything))
    assert _ok("-f", "bibtex", *ACCESSED) == _ok("-f", "bibtex", *ACCESSED)  # deterministic


def test_a_unique_start_of_an_id_names_its_event_like_show() -> None:
    assert _keys("--no-sources", "2011-04", "2025-02-20-myanmar-repatriation", "2025-02") == [
        "pcdip:2011-04-fiji-mou",
        "pcdip:2025-02-20-myanmar-repatriation",
    ]


def test_an_empty_selection_cites_nothing() -> None:
    r = invoke("cite", "--from", "2030")
    assert (r.code, r.out, r.err) == (0, "", "No events match: nothing to cite.\n")
    r = invoke("cite", "--from", "2030", "-f", "csl-json")
    assert (r.code, json.loads(r.out)) == (0, [])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("nosuch",), 1, "pcdip: error: no event has the id 'nosuch'; `pcdip timeline` shows each event's id\n"),
        (("2011-04-fiji-mu",), 1, "pcdip: error: no event has the id '2011-04-fiji-mu'; did you mean 2011-04-fiji-mou?\n"),
        (
            ("2022",),
            1,
            "pcdip: error: 2 events match '2022'; give one id:\n"
            "  2022-04-21   2022-04-global-statement  A global security statement\n"
            "  2022-12-19   2022-12-italy-ends-patrols  Italy ends joint patrols with China\n",
        ),
        (("2011-04-fiji-mou", "-c", "Fiji"), 2, "pcdip: error: name events by id or select them with filters, not both\n"),
        (("-f", "docx"), 2, "pcdip: error: --format docx: choose one of text, bibtex, csl-json, ris\n"),
        (("-f", "ris", "--style", "apa"), 2, "pcdip: error: --style is for --format text, not ris\n"),
        (("--style", "mla"), 2, "pcdip: error: --style mla: choose apa or chicago\n"),
        (
            ("--accessed", "2026-13"),
            2,
            'pcdip: error: --accessed: \'2026-13\' is not a valid date: month 13 does not exist; write "2023", "2022-12" or "2025-02-20", optionally ending in ~ (approximate), ? (uncertain) or % (both)\n',
        ),
        (("--release", "latest"), 2, "pcdip: error: --release 'latest': give a release such as 0.2.0\n"),
    ],
)
def test_errors(args: tuple[str, ...], code: int, message: str) -> None:
    r = invoke("cite", *args)
    assert (r.code, r.out, r.err) == (code, "", message)


def test_a_bad_url_is_a_usage_error() -> None:
    r = invoke("cite", "--url", "ftp://example.org/data")
    assert r.code == 2 and r.err.startswith("pcdip: error: --url ") and r.out == ""


def test_help_has_an_example() -> None:
    r = invoke("cite", "--help")
    assert r.code == 0 and "Example: pcdip cite" in r.out


def test_core_rejects_unknown_formats_and_styles() -> None:
    eng = open_engine()
    dataset = cite.dataset_for(eng.header, accessed="2026-12-04")
    with pytest.raises(ValueError, match="unknown citation format"):
        cite.cite(eng.select(), dataset, "mla")
    with pytest.raises(ValueError, match="unknown style"):
        cite.cite(eng.select(), dataset, "text", style="harvard")
