"""The bundled dataset: valid, sourced, linked, and holding every fact of the founding article."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from pcdip import countries
from pcdip.cite import _release_key as release_order  # the one ordering of releases (0.2 = 0.2.0)
from pcdip.models import Event, Store
from pcdip.query import profile
from pcdip.store import bundled_store, load_store


@pytest.fixture(scope="module")
def data() -> Store:
    return load_store(bundled_store())


@pytest.fixture(scope="module")
def by_id(data: Store) -> dict[str, Event]:
    return {e.id: e for e in data.events}


def test_bundled_store_is_valid_and_large_enough(data: Store) -> None:
    assert len(data.events) >= 80
    counterparts = {c for e in data.events for c in e.countries if c != "CN"}
    assert len(counterparts) >= 40
    regions = {countries.get(c).subregion for c in counterparts}
    for region in (
        "Melanesia",
        "Polynesia",
        "Micronesia",
        "South-eastern Asia",
        "Central Asia",
        "Southern Europe",
        "Western Europe",
        "Eastern Africa",
        "Northern Africa",
        "South America",
        "Central America",
        "Northern America",
    ):
        assert region in regions, region


def test_ids_are_stable_slugs_starting_with_the_year(data: Store) -> None:
    ids = [e.id for e in data.events]
    assert len(ids) == len(set(ids))
    for e in data.events:
        assert e.id.startswith(str(e.date.year)), e.id


def test_dates_are_not_in_the_future(data: Store) -> None:
    today = date.today()
    for e in data.events:
        assert e.date.lower <= today and (e.end is None or e.end.lower <= today), e.id
        for s in e.sources:
            assert s.published is None or s.published.lower <= today, e.id


def test_a_qualified_date_says_why_in_the_note(data: Store) -> None:
    """An uncertain (`?`, `%`) or approximate (`~`) event date is explained to the reader: the
    note says where the date comes from (an address, an inference) or what the sources leave open."""
    import re

    uncertain = re.compile(
        r"uncertain|address|inferred|worked out|not given|does not (show|give)|gives no|shows no|cannot be ruled out|unclear|no (page|day)", re.I
    )
    approximate = re.compile(r"approximat|about|around|early|late|mid|not given|no day|gives no|inferred|worked out|not dated", re.I)
    for e in data.events:
        dates = [e.date] + ([e.end] if e.end else [])
        if any(d.uncertain for d in dates):
            assert uncertain.search(e.note or ""), e.id
        if any(d.approximate for d in dates):
            assert approximate.search(e.note or ""), e.id


def test_every_event_is_sourced_and_themed(data: Store) -> None:
    declared = {t.id for t in data.themes}
    for e in data.events:
        assert e.sources and all(s.url.startswith(("http://", "https://")) and s.publisher and s.title for s in e.sources), e.id
        assert set(e.themes) <= declared, e.id
        assert all(countries.is_known_code(c) for c in e.countries), e.id
        assert 1 <= e.summary.count(". ") + 1 <= 4, e.id  # one to three sentences, give or take an abbreviation


def test_related_ids_exist_and_point_back_in_time(data: Store, by_id: dict[str, Event]) -> None:
    for e in data.events:
        for other in e.related:
            assert other in by_id, (e.id, other)
            # an earlier event: one that starts no later than this one may end (month and year
            # precision can leave two events of the same month in either order). A day's slack:
            # governments answered Patrol and Persuade on Sunday 4 December 2022, when CNN
            # presented it, a day before its formal release date.
            assert by_id[other].date.lower <= e.end_day + timedelta(days=1), (e.id, other)


def test_no_duplicate_date_countries_title(data: Store) -> None:
    keys = Counter((e.date.text, tuple(sorted(e.countries)), e.title.casefold()) for e in data.events)
    assert [k for k, n in keys.items() if n > 1] == []


def test_a_return_to_china_codes_cn_only_for_something_else_done_there(data: Store) -> None:
    """DATA.md ("The store at a glance"): `CN` says that an event took place in China, and a
    return to China is coded by the countries it leaves from and passes through. Its arrival, a
    handover at the border and a ministry's report of it end every return and add no `CN`; a
    return codes `CN` only when it also records a meeting, an agreement, a forum or course, or a
    trial, sentence or execution there."""
    returns = {"repatriation", "fugitive-return"}
    more = {"meetings", "agreement", "multilateral", "training", "policy", "joint-patrol"}
    in_court = ("court", "tried", "sentenc", "execut", "put to death")  # not "to face trial"
    coded = [
        e.id
        for e in data.events
        if returns & set(e.themes) and not more & set(e.themes) and "CN" in e.countries
        if not any(w in f"{e.title} {e.summary}".casefold() for w in in_court)
    ]
    assert coded == []
    assert sum(1 for e in data.events if returns & set(e.themes)) > 100  # there are returns to check


def test_theme_vocabulary(data: Store) -> None:
    assert [t.id for t in data.themes] == [
        "training",
        "joint-patrol",
        "liaison-officers",
        "overseas-stations",
        "repatriation",
        "fugitive-return",
        "telecom-fraud",
        "agreement",
        "meetings",
        "multilateral",
        "policy",
        "border-security",
        "equipment",
        "counterterrorism",
        "cybersecurity",
        "scrutiny",
    ]
    assert data.pushback_themes == {"scrutiny"}


def _figure(e: Event, name: str) -> tuple[int | float, str | None]:
    fig = next(f for f in e.figures if f.name == name)
    return fig.value, fig.qualifier


def test_founding_article_facts(by_id: dict[str, Event]) -> None:
    e = by_id["2025-02-myawaddy-nationals-repatriated"]
    assert e.date.text == "2025-02-20" and {"MM", "TH"} <= set(e.countries) and "repatriation" in e.themes
    assert _figure(e, "repatriated") == (200, None)
    assert any("Liu Zhongyi" in a for a in e.actors) and "2025-02-liu-zhongyi-mae-sot-inspection" in e.related

    e = by_id["2025-02-solomon-islands-police-course"]
    # 11 February 2025 is when the embassy posted about the course; the course ran earlier that month.
    assert e.date.text == "2025-02" and e.countries == ["SB"] and "training" in e.themes
    assert _figure(e, "trainees") == (30, None)
    assert all(w in e.summary.lower() for w in ("dna", "telecom", "sexual", "drug"))

    e = by_id["2001-06-sco-founded"]
    assert e.date.text == "2001-06-15" and set(e.countries) == {"RU", "KZ", "KG", "TJ", "UZ", "CN"}

    e = by_id["2025-02-liaison-officers-48-countries"]
    assert e.date.text == "2025-02" and _figure(e, "countries") == (48, "at-least")
    assert e.note and "SCMP" in e.note

    assert by_id["2022-04-global-security-initiative-proposed"].date.text == "2022-04-21"

    e = by_id["2024-09-gpscf-training-pledge"]
    assert e.date.text == "2024-09-09" and "Lianyungang" in e.summary
    values = {f.value for f in e.figures}
    assert {2700, 3000} <= values

    # The report's year is only that of the column (November 2024) that calls it "new": uncertain (DATA.md, Dates).
    assert by_id["2024-iiss-report-overseas-policing"].date.text == "2024?"

    e = by_id["2023-06-kyrgyz-delegation-xinjiang"]
    # The stored pages give 19–23 June but no year: the year rests on the seed article, so it is uncertain.
    assert e.date.text == "2023-06-19?" and e.end is not None and e.end.text == "2023-06-23?" and "KG" in e.countries
    assert e.note and "2023" in e.note

    e = by_id["2011-12-mekong-joint-patrols-begin"]
    assert set(e.countries) - {"CN"} == {"LA", "MM", "TH"}  # not Vietnam or Cambodia
    assert e.note and "Vietnam" in e.note and "Cambodia" in e.note

    e = by_id["2022-12-italy-ends-joint-patrols"]
    assert e.date.text.startswith("2022-12") and "2016-05-italy-china-joint-patrols" in e.related

    e = by_id["2024-01-png-weighs-china-police-offer"]
    assert e.date.text.startswith("2024-01") and e.note and "2023" in e.note

    e = by_id["2024-03-fiji-keeps-china-police-mou"]  # March 2024, not 2023; the memorandum kept, not amended
    assert e.date.text.startswith("2024-03") and e.note and "unchanged" in e.note and "amended" not in e.summary
    assert "2023-01-fiji-rabuka-questions-police-deal" in e.related
    assert "2011-04-fiji-china-police-mou" in by_id["2023-01-fiji-rabuka-questions-police-deal"].related


def test_station_closures_link_to_the_reports(data: Store, by_id: dict[str, Event]) -> None:
    """Every response to the stations since the first Safeguard Defenders report leads back to a report."""
    reports = {"2022-09-safeguard-defenders-110-overseas", "2022-12-safeguard-defenders-patrol-and-persuade"}

    def leads_to_a_report(event_id: str, seen: frozenset[str] = frozenset()) -> bool:
        related = set(by_id[event_id].related) - seen
        return bool(reports & related) or any(leads_to_a_report(r, seen | {event_id}) for r in related)

    first_report = by_id["2022-09-safeguard-defenders-110-overseas"].start_day
    later = [e for e in data.events if {"overseas-stations", "scrutiny"} <= set(e.themes) and e.id not in reports and e.start_day > first_report]
    assert len(later) >= 15
    for e in later:
        assert leads_to_a_report(e.id), e.id


@pytest.mark.parametrize(
    "name", ["Fiji", "Solomon Islands", "Papua New Guinea", "Italy", "Myanmar", "Thailand", "Cambodia", "Laos", "Kyrgyzstan", "United States"]
)
def test_best_covered_countries_have_substantive_profiles(data: Store, name: str) -> None:
    p = profile(data, countries.resolve(name).code)
    assert len(p.events) >= 2
    assert all(e.sources for e in p.events)


@pytest.mark.parametrize(
    "name", ["Fiji", "Solomon Islands", "Papua New Guinea", "Italy", "Myanmar", "Thailand", "Cambodia", "Laos", "Kyrgyzstan", "United States"]
)
def test_pushback_is_called_out(data: Store, name: str) -> None:
    assert profile(data, countries.resolve(name).code).pushback


def _changelog() -> str:
    """docs/DATA.md's changelog section, newest release first."""
    from .conftest import ROOT

    return (ROOT / "docs" / "DATA.md").read_text("utf-8").split("## Changelog", 1)[1]


def _latest_changelog_entry() -> str:
    """The newest release's entry in the changelog, on one line."""
    return " ".join(_changelog().split("\n- **", 2)[1].split())


def _changelog_releases() -> set[str]:
    """The releases the changelog has an entry for."""
    import re

    return set(re.findall(r"^- \*\*([0-9]+\.[0-9]+\.[0-9]+) \(", _changelog(), re.M))


def test_readme_and_changelog_state_the_record_as_it_is(data: Store) -> None:
    from .conftest import ROOT

    events = len(data.events)
    countries_ = len({c for e in data.events for c in e.countries})
    sources = sum(len(e.sources) for e in data.events)
    first, last = min(e.date.text[:4] for e in data.events), max(e.date.text[:4] for e in data.events)
    readme = " ".join((ROOT / "README.md").read_text("utf-8").split())
    assert f"**{events} events, {first}–{last}, involving {countries_} countries" in readme
    window = _the_2022_2025_window(data)
    assert f"{len(window)} of them in 2022–2025" in readme
    assert f"**{sources} cited sources**" in readme
    latest = _latest_changelog_entry()
    assert f"{events} events, {countries_} countries, {sources} sources" in latest


def test_a_page_cited_by_several_events_is_described_the_same_way_in_each(data: Store) -> None:
    """One page, one truth: where two events cite the same URL, they agree on its title, who
    published it, whether it is a copy, and what date the page shows (a checker who corrects
    one corrects all)."""
    seen: dict[str, tuple[str, tuple[str, str, str | None, bool, bool]]] = {}
    for e in data.events:
        for s in e.sources:
            published = s.published.text if s.published else None
            here = (s.title, s.publisher, published, s.undated, s.reposted)
            first = seen.setdefault(s.url, (e.id, here))
            assert first[1] == here, f"{s.url}: {first[0]} says {first[1]}, {e.id} says {here}"


def test_notes_hold_no_provenance_prose(data: Store) -> None:
    """How an event entered the record is [events.provenance] data; notes speak about the evidence."""
    import re

    releases = _changelog_releases()
    for e in data.events:
        assert e.provenance is not None and e.provenance.checked in releases, e.id  # every event was swept (0.2.0 swept all then)
        assert release_order(e.provenance.checked) >= release_order(e.provenance.added), e.id  # an event is checked after it is added
        assert e.provenance.audited in releases, e.id  # every event passed an audit of a published release
        assert not re.search(r"Added in 0\.\d|Seed row|\bseed\b|fact sheet|from stored pages|the record was (first )?built", e.note or "", re.I), e.id


def test_the_second_audit_round_covers_every_event_but_the_one_docs_data_names(data: Store) -> None:
    """DATA.md says 0.2.3 and 0.2.4 re-read every event again, all but one (whose stored copies
    stop before the figure it reports); an event added later must be audited before a release."""
    assert [e.id for e in data.events if release_order(e.provenance.audited) < release_order("0.2.3")] == ["2025-02-liaison-officers-48-countries"]


def test_the_latest_changelog_entry_counts_the_audits_it_recorded(data: Store) -> None:
    """The latest release's entry in DATA.md says how many events record its audit; the store agrees."""
    import re

    from pcdip import __version__

    latest = _latest_changelog_entry()
    assert latest.startswith(f"{__version__} (")
    claimed = re.search(rf'([0-9]+) events now record `audited = "{re.escape(__version__)}"`', latest)
    assert claimed is not None, "the entry should say how many events this release audited"
    assert int(claimed[1]) == sum(1 for e in data.events if e.provenance.audited == __version__)


def test_a_weekday_named_beside_a_date_falls_on_it(data: Store) -> None:
    """Notes work days out from weekdays ("said on Thursday", under a dateline), so a weekday the
    record names beside a date ("Thursday 8 June 2023", "Monday, October 8") must be that date's.
    A date without a year takes the event's year. A weekday inside a quotation, or inside the
    translation in brackets that follows one, is the page's words, kept as the page has them
    (notes quote pages whose weekday and date disagree)."""
    import re

    weekdays = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
    months = "January February March April May June July August September October November December".split()
    w, m = "|".join(weekdays), "|".join(months)
    day_first = re.compile(rf"\b(?P<wd>{w}),? (?:the )?(?P<day>\d{{1,2}}) (?P<mon>{m})(?:,? (?P<yr>\d{{4}}))?")
    month_first = re.compile(rf"\b(?P<wd>{w}),? (?P<mon>{m}) (?P<day>\d{{1,2}})(?:,? (?P<yr>\d{{4}}))?")
    opening, closing = re.compile(r"(?<![A-Za-z])'(?=\w)"), re.compile(r"(?<=[\w.,])'(?![A-Za-z])")

    translation = re.compile(r"(?<=[\w.,]') \([^()]*\)")

    def quoted(text: str, at: int) -> bool:
        opens = [o.start() for o in opening.finditer(text, 0, at)]
        if any(t.start() < at < t.end() for t in translation.finditer(text)):
            return True
        return bool(opens) and not closing.search(text, opens[-1] + 1, at)

    named, wrong = 0, []
    for e in data.events:
        for field in ("title", "summary", "note"):
            text = getattr(e, field) or ""
            for found in (*day_first.finditer(text), *month_first.finditer(text)):
                if quoted(text, found.start()):
                    continue
                named += 1
                year = int(found["yr"] or e.date.text[:4])
                try:
                    falls = date(year, months.index(found["mon"]) + 1, int(found["day"])).weekday() == weekdays.index(found["wd"])
                except ValueError:
                    falls = False
                if not falls:
                    wrong.append((e.id, field, found[0]))
    assert named >= 50  # the pattern still finds the notes' worked-out days
    assert wrong == []


def test_prose_has_no_stray_punctuation_or_spacing(data: Store) -> None:
    """Titles, summaries and notes are read in every export: no ",." or ";.", no space before a
    comma or full stop, no doubled space, no space at either end."""
    import re

    stray = re.compile(r"[,;:]\.|\s[.,;)]|  |^\s|\s$")
    found = [(e.id, field) for e in data.events for field in ("title", "summary", "note") if stray.search(getattr(e, field) or "")]
    assert found == []


def test_copies_are_flagged_not_described_in_the_publisher(data: Store) -> None:
    """A source read in a copy on another site says so with `reposted = true`, which every view and
    export marks; its publisher names who published the report, not where the copy sits."""
    import re

    prose = re.compile(
        r"(?i)\b(copy|copied|mirrored|repost|reposted|reposting|reprint(ed)?( by)?|reproduc(ed|ing))\b|\bmirror of\b|\bvia (ExBulletin|xb824|Gaea|Tolerance|Senator)"
    )
    assert [(e.id, s.publisher) for e in data.events for s in e.sources if prose.search(s.publisher)] == []
    assert sum(s.reposted for e in data.events for s in e.sources) >= 30


def test_each_publisher_has_one_name(data: Store) -> None:
    """A publisher is spelled one way everywhere ("The Sydney Morning Herald", "KESQ (AP)", "Shanghai
    Daily (Xinhua)"), so that counting sources by publisher in an export counts each outlet once."""
    import re
    from collections import defaultdict

    def key(publisher: str) -> str:
        p = publisher.lower().replace("associated press", "ap").replace("agence france-presse", "afp")
        return re.sub(r"[^0-9a-z\u0080-\uffff]", "", re.sub(r"^the ", "", p))

    names: defaultdict[str, set[str]] = defaultdict(set)
    for e in data.events:
        for s in e.sources:
            names[key(s.publisher)].add(s.publisher)
    assert [sorted(spellings) for spellings in names.values() if len(spellings) > 1] == []


def test_strict_validation_passes_on_the_bundled_store(data: Store) -> None:
    from pcdip.quality import quality_problems

    assert quality_problems(data) == []


def _the_2022_2025_window(data: Store) -> list[Any]:
    """The events `pcdip timeline --from 2022 --to 2025` lists: those the README and DATA.md count as 2022–2025."""
    from pcdip.dates import parse_date
    from pcdip.query import Filters, select

    return select(data.events, Filters(start=parse_date("2022"), end=parse_date("2025")))


def test_release_0_2_coverage_goals(data: Store) -> None:
    in_range = _the_2022_2025_window(data)
    countries_ = {c for e in data.events for c in e.countries}
    assert len(data.events) >= 400 and len(in_range) >= 220 and len(countries_) >= 110
    titles = " ".join(e.title for e in data.events)
    for year in ("2022", "2023", "2024", "2025"):
        assert any("Lianyungang" in (e.summary + e.title + (e.note or "")) and e.date.text.startswith(year) for e in data.events), year
    for ordinal in ("First", "Second", "Third", "Fourth"):
        assert f"{ordinal} China–Pacific islands" in titles or f"{ordinal.lower()} China–Pacific islands" in titles, ordinal


def test_the_comparison_with_the_field_counts_what_the_store_holds(data: Store) -> None:
    """DATA.md's "How the record compares with the field's counts" gives numbers a reader can
    check with pcdip; each is counted again here from the store."""
    import re

    from .conftest import ROOT

    text = (ROOT / "docs" / "DATA.md").read_text("utf-8")
    section = " ".join(text.split("## How the record compares with the field's counts", 1)[1].split("\n## ", 1)[0].split())
    window = _the_2022_2025_window(data)

    def themed(theme: str) -> list[Any]:
        return [e for e in window if theme in e.themes]

    found = re.search(r"holds ([0-9]+) events dated 2022–2025 of every kind, among them ([0-9]+) meetings", section)
    assert found is not None, section
    assert (int(found[1]), int(found[2])) == (len(window), len(themed("meetings")))
    outside = re.search(r"([0-9]+) of them outside a multilateral forum\), ([0-9]+) events on agreements and ([0-9]+) on training", section)
    assert outside is not None, section
    assert (int(outside[1]), int(outside[2]), int(outside[3])) == (
        sum(1 for e in themed("meetings") if "multilateral" not in e.themes),
        len(themed("agreement")),
        len(themed("training")),
    )
    stations = re.search(r"the record has ([0-9]+) events on the stations", section)
    assert stations is not None and int(stations[1]) == sum(1 for e in data.events if "overseas-stations" in e.themes)
    spread = re.search(r"([0-9]+) countries and territories appear", section)
    assert spread is not None and int(spread[1]) == len({c for e in data.events for c in e.countries})


def test_every_actor_is_named_in_its_event(data: Store) -> None:
    """DATA.md: every actor is named in the event's title, summary or note, so that a reader sees
    why it is listed without opening the sources (`pcdip validate --strict` checks it too)."""
    from pcdip.quality import unnamed_actors

    assert [(e.id, a) for e in data.events for a in unnamed_actors(e)] == []


def test_every_figure_is_stated_in_its_event_with_its_qualifier(data: Store) -> None:
    """A figure in the exports is a number a page gives; the event's title, summary or note says it
    too, so that a reader of any export sees where it comes from (rounded as the text gives it:
    "WST 16.65 million" states 16,652,494), and with the same qualifier: "at least 12" is a
    figure qualified `at-least`, and an exact figure is stated somewhere without "about"
    (`pcdip validate --strict` checks it too)."""
    from pcdip.quality import unstated_figures

    assert [(e.id, f.name, problem) for e in data.events for _, f, problem in unstated_figures(e)] == []
    assert sum(len(e.figures) for e in data.events) > 300  # the check has figures to check


def _actor_words(actor: str) -> list[str]:
    """An actor's name as `--actor` compares it: folded words, a closing abbreviation in brackets
    ("… Police Force (RSIPF)") left out."""
    import re

    from pcdip.query import fold

    return re.findall(r"[^\W_]+", fold(re.sub(r"\s*\([^)]*\)$", "", actor)))


def test_each_actor_is_spelled_one_way(data: Store) -> None:
    """`--actor` finds an actor by the words of its name, so one actor has one spelling across the
    record: names that differ only in case, accents, word order ("Pintér Sándor", "Sándor
    Pintér") or an abbreviation in brackets ("… Police Force (RSIPF)") are one name."""
    from collections import defaultdict

    spellings: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for e in data.events:
        for actor in e.actors:
            spellings[tuple(sorted(_actor_words(actor)))].add(actor)
    assert len(spellings) > 700  # the store's actors, most of them spelled once
    assert {key: names for key, names in spellings.items() if len(names) > 1} == {}


def test_chinas_embassies_are_named_one_way(data: Store) -> None:
    """A Chinese embassy is listed as "Embassy of China in <country>", so that `--actor "Embassy of
    China"` finds every event of every embassy ("Chinese Embassy in Manila", "Chinese embassy" and
    "Embassy of the People's Republic of China in Timor-Leste" were once beside that form)."""
    import re

    chinese = re.compile(r"(?i)\b(chin(a|ese)|people's republic)\b.*\bembass|\bembass.*\b(chin(a|ese)|people's republic)\b")
    embassies = sorted({a for e in data.events for a in e.actors if chinese.search(a)})
    assert len(embassies) > 20
    assert [a for a in embassies if not re.fullmatch(r"Embassy of China in (the )?[A-Z][\w'-]*( [A-Z][\w'-]*)*", a)] == []


def test_chinas_government_is_named_one_way(data: Store) -> None:
    """China's state as a donor or party is listed as "Chinese government", so that `--actor
    "Chinese government"` finds every event of it ("People's Republic of China" and "Government of
    China" were once beside that form, in five events)."""
    import re

    state = re.compile(
        r"(?i)(the )?((chinese|prc|china's) (central )?government|government of (the )?(people's republic of |prc|china)\S*|people's republic of china|prc|china|beijing)"
    )
    names = sorted({a for e in data.events for a in e.actors if state.fullmatch(a)})
    assert names == ["Chinese government"]


def test_no_actor_is_a_shorter_form_of_another(data: Store) -> None:
    """A fuller form of a name with words inserted ("Faualo Harry Jeffrey Schuster" beside "Faualo
    Harry Schuster", "Philippine National Police" beside "Philippine police") is one actor spelled
    two ways: `--actor "Faualo Harry Jeffrey Schuster"` would miss the events of the shorter form.
    A note may give the fuller form; the actor list keeps one. Distinct bodies whose names nest
    that way are listed here."""
    distinct = {("Chinese police", "Chinese armed police")}  # the People's Armed Police is not the police

    def inside(short: list[str], long: list[str]) -> bool:
        rest = iter(long)
        return all(w in rest for w in short)

    names = sorted({a for e in data.events for a in e.actors})
    words = {name: _actor_words(name) for name in names}
    nested = [
        (a, b)
        for a in names
        for b in names
        if 2 <= len(words[a]) < len(words[b]) and words[a][0] == words[b][0] and words[a][-1] == words[b][-1] and inside(words[a], words[b])
    ]
    assert [pair for pair in nested if pair not in distinct] == []
    assert sorted(distinct) == sorted(pair for pair in nested if pair in distinct)  # each exception still applies
