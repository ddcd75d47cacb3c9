"""The HTML export as a research view, driven in headless Chromium by Playwright: filters kept in the
address (shared, reloaded, undone by the back button), each filter against the query engine's
answer, permalinks, the narrow layout, keyboard access, an axe-core scan, text that would reorder
or hide itself, and the palette.

Chromium is Debian's (/usr/bin/chromium, never `playwright install`); axe-core is the npm package,
in tests/.npm (fetched there with npm when missing). Without them the browser tests are skipped,
except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pcdip import exporters
from pcdip.dates import parse_date
from pcdip.exporters import html as html_export
from pcdip.models import Event, Store, Theme
from pcdip.query import Filters, select
from pcdip.store import bundled_store, load_store
from pcdip.text import INVISIBLE

from .conftest import DATA, ROOT, in_ci

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / "tests" / ".npm"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# Events added to the mini store: one in Africa spanning years, and one whose text would reorder
# or hide itself (a right-to-left override, zero-width characters, an isolate, a mark).
KENYA = {
    "id": "2018-kenya-police-course",
    "date": "2018",
    "end": "2020-06",
    "title": "Kenyan officers attend courses in China",
    "summary": "A two-year programme of police courses.",
    "countries": ["KE"],
    "themes": ["training", "agreement"],
    "sources": [{"title": "Courses", "publisher": "Example Star", "url": "https://example.org/kenya"}],
}
TRICK = {
    "id": "2019-05-invoice-trick",
    "date": "2019-05",
    "title": "Invoice \u202egnp.exe",
    "summary": "Zero\u200bwidth, an \u2066isolate\u2069, a mark\u200f and a BOM\ufeff.",
    "countries": ["IT"],
    "themes": ["scrutiny"],
    "actors": ["Ali\u202ece"],
    "sources": [{"title": "Report \u202etxt.exe", "publisher": "Wire\u200b", "url": "https://example.org/trick"}],
}


def _with(store: Store, *extra: dict[str, Any]) -> Store:
    return store.model_copy(update={"events": [*store.events, *(Event.model_validate(e) for e in extra)]})


@pytest.fixture(scope="module")
def research_store() -> Store:
    return _with(load_store(DATA / "mini.toml"), KENYA, TRICK)


def _write(path: Path, events: Any, header: Any) -> Path:
    text = exporters.get("html").write(events, header)
    assert isinstance(text, str)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page_file(research_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("page") / "timeline.html", select(research_store.events), research_store)


@pytest.fixture(scope="module")
def bundled_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = load_store(bundled_store())
    return _write(tmp_path_factory.mktemp("bundled") / "timeline.html", select(store.events), store)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail("/usr/bin/chromium is needed for the HTML page's browser tests; .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            raise
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


class Page:
    """A page of the export in its own browser context, with what it asked for and any error."""

    def __init__(self, browser: Any, url: str, width: int = 1280, height: int = 900, bypass_csp: bool = False) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)
        self.page.wait_for_selector("#event_count:not(:empty)", state="attached")

    def close(self) -> None:
        self.context.close()

    def shown(self) -> list[str]:
        return list(self.page.eval_on_selector_all("article.event:not([hidden])", "els => els.map(e => e.id)"))

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    def theme(self, theme_id: str) -> None:
        self.page.click(f"#theme_legend button[data-theme='{theme_id}']")

    def _check(self, pick: str, name: str, value: str) -> None:
        if not self.page.eval_on_selector(f"#{pick}", "d => d.open"):
            self.page.click(f"#{pick} > summary")
        self.page.click(f"input[name='{name}'][value='{value}']")
        self.page.keyboard.press("Escape")

    def country(self, code: str) -> None:
        self._check("countries_pick", "country", code)

    def region(self, name: str) -> None:
        self._check("regions_pick", "region", name)

    def dates(self, start: str | None = None, end: str | None = None) -> None:
        for selector, value in (("#f_from", start), ("#f_to", end)):
            if value is not None:
                self.page.fill(selector, value)
                self.page.press(selector, "Enter")

    def controls(self) -> dict[str, Any]:
        """What the controls show: pressed themes, checked countries and regions, dates, words, order."""
        return dict(
            self.page.evaluate("""() => ({
            themes: [...document.querySelectorAll("#theme_legend button[aria-pressed='true']")].map(b => b.dataset.theme),
            countries: [...document.querySelectorAll("input[name='country']:checked")].map(i => i.value),
            regions: [...document.querySelectorAll("input[name='region']:checked")].map(i => i.value),
            from: document.getElementById("f_from").value, to: document.getElementById("f_to").value,
            q: document.getElementById("f_search").value, order: document.getElementById("f_order").value,
            headings: [...document.querySelectorAll("h2.year:not([hidden])")].map(h => h.textContent),
        })""")
        )

    def boxes(self, selector: str) -> list[dict[str, float]]:
        return list(
            self.page.eval_on_selector_all(
                selector, "els => els.map(e => { const r = e.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; })"
            )
        )


@pytest.fixture
def research(browser: Any, page_file: Path) -> Iterator[Page]:
    page = Page(browser, page_file.as_uri())
    yield page
    assert page.errors == []
    assert page.requests and all(url.startswith("file://") for url in page.requests), page.requests
    page.close()


def ids(events: Any) -> list[str]:
    return [e.id for e in events]


# -- the address holds the filters ------------------------------------------------------------------


def test_filters_round_trip_through_the_address(browser: Any, research: Page, research_store: Store) -> None:
    page = research
    page.theme("training")
    page.theme("scrutiny")
    page.region("Europe")
    page.country("IT")
    page.dates("2016", "2023-06")
    page.page.fill("#f_search", "patrol")
    page.page.select_option("#f_order", "latest")
    assert page.query() == {
        "theme": ["training", "scrutiny"],
        "country": ["IT"],
        "region": ["Europe"],
        "from": ["2016"],
        "to": ["2023-06"],
        "q": ["patrol"],
        "order": ["latest"],
    }
    want = ["2022-12-italy-ends-patrols"]  # Italian, scrutiny, in range, "patrol" in it; training ones are not Italian
    assert page.shown() == want
    state = page.controls()
    assert state == {
        "themes": ["training", "scrutiny"],
        "countries": ["IT"],
        "regions": ["Europe"],
        "from": "2016",
        "to": "2023-06",
        "q": "patrol",
        "order": "latest",
        "headings": ["2022"],
    }

    again = Page(browser, page.page.url)  # the shared address, in a new window
    try:
        assert again.shown() == want and again.controls() == state
        assert again.page.url == page.page.url
        assert again.page.locator("#event_count").text_content() == "Showing 1 of 9 events"
        assert again.errors == []
    finally:
        again.close()


def test_an_address_written_by_hand_is_read_and_tidied(browser: Any, page_file: Path) -> None:
    page = Page(browser, page_file.as_uri() + "?theme=SCRUTINY,no-such-theme&country=fj&from=2024-13&order=sideways&region=Atlantis")
    try:
        assert page.controls()["themes"] == ["scrutiny"] and page.controls()["countries"] == ["FJ"]
        assert page.shown() == ["2024-03-fiji-keeps-mou"]
        assert page.query() == {"theme": ["scrutiny"], "country": ["FJ"]}  # what it could not read is dropped
        assert page.errors == []
    finally:
        page.close()


def test_the_back_button_undoes_a_filter(research: Page, research_store: Store) -> None:
    page = research
    every = ids(select(research_store.events))
    assert page.shown() == every and page.query() == {}
    page.theme("agreement")
    page.country("FJ")
    assert page.shown() == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    page.page.locator("#f_search").press_sequentially("memo", delay=20)  # words typed in a row: one step
    page.page.locator("#f_search").press_sequentially("randum", delay=20)
    assert page.query()["q"] == ["memorandum"]

    page.page.go_back()
    assert page.query() == {"theme": ["agreement"], "country": ["FJ"]} and page.controls()["q"] == ""
    page.page.go_back()
    assert page.query() == {"theme": ["agreement"]} and page.controls()["countries"] == []
    assert page.shown() == ids(select(research_store.events, Filters(themes=("agreement",))))
    page.page.go_back()
    assert page.query() == {} and page.shown() == every and page.controls()["themes"] == []
    page.page.go_forward()
    assert page.controls()["themes"] == ["agreement"] and page.shown() == ids(select(research_store.events, Filters(themes=("agreement",))))


# -- each filter, against the query engine ---------------------------------------------------------


def test_several_themes_at_once(research: Page, research_store: Store) -> None:
    page = research
    page.theme("training")
    page.theme("repatriation")
    assert page.shown() == ids(select(research_store.events, Filters(themes=("training", "repatriation"))))
    assert page.page.locator("#time_axis a.marker").count() == len(page.shown())
    page.theme("training")  # again: off
    assert page.shown() == ["2025-02-20-myanmar-repatriation"] and page.query() == {"theme": ["repatriation"]}
    page.page.click("#active_filters button")  # the chip of a filter in use removes it
    assert page.query() == {} and len(page.shown()) == len(research_store.events)


def test_countries(research: Page, research_store: Store) -> None:
    page = research
    page.country("FJ")
    page.country("TH")
    assert page.shown() == ids(select(research_store.events, Filters(countries=("FJ", "TH"))))
    assert page.page.locator("#countries_summary").text_content() == "Countries (2)"
    page.page.click("#countries_pick > summary")
    page.page.fill("#f_country_find", "solo")  # the list can be narrowed by name
    assert page.page.locator("#f_countries label.opt:not([hidden])").all_text_contents() == ["Solomon Islands(1)"]


@pytest.mark.parametrize("region", ["Oceania", "Melanesia", "South-eastern Asia", "Africa"])
def test_regions(research: Page, research_store: Store, region: str) -> None:
    research.region(region)
    assert research.shown() == ids(select(research_store.events, Filters(region=region)))
    assert research.query() == {"region": [region]}


def test_the_region_list_is_built_from_the_countries(research: Page) -> None:
    from pcdip import countries

    groups: dict[str, tuple[str, ...]] = getattr(countries, "REGION_GROUPS", {})
    oceania = sorted(["Melanesia", *(g for g, members in groups.items() if "Melanesia" in members)])
    labels = research.page.eval_on_selector_all("#f_regions label.opt", "els => els.map(e => [e.className, e.querySelector('input').value])")
    assert labels == [
        ["opt", "Africa"],
        ["opt sub", "Eastern Africa"],
        ["opt", "Asia"],
        ["opt sub", "South-eastern Asia"],
        ["opt", "Europe"],
        ["opt sub", "Southern Europe"],
        ["opt", "Oceania"],
        *(["opt sub", n] for n in oceania),
    ]


@pytest.mark.parametrize(("start", "end"), [("2016", "2023-06"), ("2022-12-19", None), (None, "2011"), ("2019-06", "2019-06"), ("2020-01-01", "2021-12-31")])
def test_date_range(research: Page, research_store: Store, start: str | None, end: str | None) -> None:
    research.dates(start, end)
    filters = Filters(start=parse_date(start) if start else None, end=parse_date(end) if end else None)
    assert research.shown() == ids(select(research_store.events, filters))
    assert research.query() == {k: [v] for k, v in (("from", start), ("to", end)) if v}


def test_a_date_that_is_not_one_is_refused(research: Page) -> None:
    research.dates("2023-02-30")
    assert research.page.get_attribute("#f_from", "aria-invalid") == "true"
    assert "not a date" in (research.page.locator("#date_error").text_content() or "")
    assert research.query() == {} and len(research.shown()) == 9
    research.dates("2023")
    assert research.page.get_attribute("#f_from", "aria-invalid") is None and research.query() == {"from": ["2023"]}


def test_search(research: Page) -> None:
    research.page.fill("#f_search", "MEMORANDUM")
    assert research.shown() == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    research.page.fill("#f_search", "kenya courses")  # every word, anywhere, country names included
    assert research.shown() == ["2018-kenya-police-course"]
    research.page.fill("#f_search", "PIANTÉDOSI")  # accents and case are ignored, as --search ignores them
    assert research.shown() == ["2022-12-italy-ends-patrols"]
    research.page.fill("#f_search", "no such words anywhere")
    assert research.shown() == [] and research.page.locator("#no_match").is_visible()
    assert research.page.locator("h2.year:not([hidden])").count() == 0 and research.page.locator("#time_axis a.marker").count() == 0
    research.page.fill("#f_search", "")
    assert len(research.shown()) == 9 and research.query() == {}


def test_latest_first(research: Page, research_store: Store) -> None:
    oldest = research.shown()
    assert oldest == ids(select(research_store.events))
    years = research.controls()["headings"]
    research.page.select_option("#f_order", "latest")
    assert research.shown() == oldest[::-1] == ids(select(research_store.events, Filters(reverse=True)))
    assert research.controls()["headings"] == years[::-1]
    research.page.click("#f_reset")  # "Show all" clears the filters, not the order
    assert research.controls()["order"] == "latest" and research.query() == {"order": ["latest"]}


def test_a_page_exported_latest_first_opens_latest_first(browser: Any, research_store: Store, tmp_path: Path) -> None:
    events = select(research_store.events, Filters(reverse=True))
    page = Page(browser, _write(tmp_path / "latest.html", events, research_store).as_uri())
    try:
        assert page.controls()["order"] == "latest" and page.shown() == ids(events) and page.query() == {}
        page.page.select_option("#f_order", "oldest")
        assert page.query() == {"order": ["oldest"]} and page.shown() == ids(events)[::-1]
    finally:
        page.close()


# -- permalinks -------------------------------------------------------------------------------------


def test_cards_show_their_id_and_link_to_themselves(research: Page, research_store: Store) -> None:
    links = research.page.eval_on_selector_all(
        "article.event", "els => els.map(e => [e.id, e.querySelector('a.permalink').textContent, e.querySelector('a.permalink').getAttribute('href')])"
    )
    assert links == [[i, f"#{i}", f"#{i}"] for i in ids(select(research_store.events))]
    research.theme("joint-patrol")
    research.page.click("article.event[id='2016-05-italy-patrols'] a.permalink")
    assert urlsplit(research.page.url).fragment == "2016-05-italy-patrols" and research.query() == {"theme": ["joint-patrol"]}  # filters kept
    assert research.page.evaluate("document.querySelector(':target').id") == "2016-05-italy-patrols"


def _in_view_below_the_bar(page: Page, event_id: str) -> None:
    assert page.page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == event_id
    card = page.page.locator(f"article.event[id='{event_id}']").bounding_box()
    bar = page.page.locator("#filter_bar").bounding_box()
    assert card is not None and bar is not None
    assert bar["y"] + bar["height"] <= card["y"] + 1 and card["y"] < 900 / 2, (card, bar)


def test_a_permalink_scrolls_to_its_card(browser: Any, page_file: Path) -> None:
    page = Page(browser, page_file.as_uri() + "#2023-solomons-training")
    try:
        _in_view_below_the_bar(page, "2023-solomons-training")
        assert page.page.evaluate("window.scrollY") > 0
    finally:
        page.close()


def test_a_permalink_to_a_card_the_filters_hide_clears_them(browser: Any, page_file: Path) -> None:
    page = Page(browser, page_file.as_uri() + "?theme=training#2022-12-italy-ends-patrols")
    try:
        assert page.query() == {} and page.controls()["themes"] == [] and len(page.shown()) == 9
        _in_view_below_the_bar(page, "2022-12-italy-ends-patrols")
        assert page.errors == []
    finally:
        page.close()


def test_axis_markers_link_to_their_cards(research: Page) -> None:
    marker = research.page.locator("#time_axis a.marker[href='#2018-kenya-police-course']")
    assert marker.get_attribute("aria-label") == "2018 – 2020-06: Kenyan officers attend courses in China (Police training, Agreements)"
    assert "span" in (marker.get_attribute("class") or "")
    marker.click()
    assert urlsplit(research.page.url).fragment == "2018-kenya-police-course"


# -- layout and keyboard ----------------------------------------------------------------------------


def _assert_apart(boxes: list[dict[str, float]], gap: float = 2) -> None:
    boxes = sorted(boxes, key=lambda b: b["x"])
    for left, right in itertools.pairwise(boxes):
        assert left["x"] + left["w"] + gap <= right["x"], (left, right)


@pytest.mark.parametrize("which", ["bundled", "mini"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_axis_stays_short_and_its_year_labels_apart(browser: Any, bundled_page: Path, page_file: Path, which: str, width: int) -> None:
    page = Page(browser, (bundled_page if which == "bundled" else page_file).as_uri(), width=width, height=812)
    try:
        axis = page.page.locator("#time_axis").bounding_box()
        assert axis is not None and axis["height"] <= (160 if width == 375 else 300), axis
        labels = page.boxes("#time_axis .tick span")
        assert len(labels) >= 2
        _assert_apart(labels)
        for b in labels:
            assert axis["x"] <= b["x"] and b["x"] + b["w"] <= axis["x"] + axis["width"] + 0.5
        assert page.page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
        bars, markers = page.page.locator("#time_axis a.yearbar").count(), page.page.locator("#time_axis a.marker").count()
        if which == "bundled":  # 500 events: a bar a year, each a link to its year's heading
            assert markers == 0 and bars > 10 and page.page.locator("#bar_key").is_visible() and not page.page.locator("#lane_key").is_visible()
            href = page.page.locator("#time_axis a.yearbar").first.get_attribute("href")
            assert href is not None and page.page.locator(f"h2.year[id='{href[1:]}']").count() == 1
        else:
            assert bars == 0 and markers == 9 and page.page.locator("#lane_key").is_visible()
        assert page.errors == []
    finally:
        page.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_one_chronological_column_of_cards(browser: Any, page_file: Path, width: int) -> None:
    page = Page(browser, page_file.as_uri(), width=width)
    try:
        cards = page.boxes("article.event")
        assert len({round(b["x"]) for b in cards}) == 1 and len({round(b["w"]) for b in cards}) == 1
        for upper, lower in itertools.pairwise(cards):
            assert upper["y"] + upper["h"] <= lower["y"]
    finally:
        page.close()


def test_the_skip_link_is_the_first_stop_and_skips_the_axis(research: Page) -> None:
    page = research.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["y"] >= 0 and box["x"] >= 0  # shown when focused
    assert page.evaluate("document.querySelector('a.skip').compareDocumentPosition(document.querySelector('#time_axis a')) & Node.DOCUMENT_POSITION_FOLLOWING")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "event_list"
    page.keyboard.press("Tab")  # the next stop is in the first card, not on the axis
    assert page.evaluate("document.activeElement.closest('article') && document.activeElement.closest('article').id") == "2011-04-fiji-mou"


def test_ids_that_javascript_objects_already_have(browser: Any, tmp_path: Path) -> None:
    themes = [Theme(id="constructor", label="Constructor", description="c"), Theme(id="to-string", label="To string", description="t")]
    event = Event.model_validate({**KENYA, "id": "constructor", "themes": ["constructor"]})
    store = Store(schema_version=1, title="T", themes=themes, events=[event])
    page = Page(browser, _write(tmp_path / "proto.html", [event], store).as_uri() + "#constructor")
    try:
        assert page.page.locator("#theme_legend button").all_text_contents() == ["Constructor1"]
        assert page.page.evaluate("document.querySelector(':target').id") == "constructor"
        page.theme("constructor")
        assert page.shown() == ["constructor"] and page.query() == {"theme": ["constructor"]}
        assert page.errors == []
    finally:
        page.close()


def test_page_element_ids_cannot_clash_with_event_ids(research: Page) -> None:
    own = research.page.eval_on_selector_all("[id]:not(article.event)", "els => els.map(e => e.id)")
    assert own and all("_" in i for i in own), own  # an event id is a slug: never an underscore


# -- accessibility: axe-core ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe_js() -> Path:
    path = Path(os.environ.get("PCDIP_AXE_JS", AXE_JS))
    if not path.is_file() and shutil.which("npm") is not None and "PCDIP_AXE_JS" not in os.environ:
        subprocess.run(
            ["npm", "install", "--prefix", str(AXE_DIR), "--no-save", "--no-package-lock", "--no-audit", "--no-fund", f"axe-core@{AXE_VERSION}"],
            capture_output=True,
            timeout=300,
            check=False,
        )
    if not path.is_file():
        if in_ci():
            pytest.fail(f"axe-core is needed for the accessibility scan: npm install --prefix tests/.npm axe-core@{AXE_VERSION}")
        pytest.skip(f"axe-core not available (npm install --prefix tests/.npm axe-core@{AXE_VERSION})")
    return path


def _axe(page: Page, axe_js: Path) -> list[dict[str, Any]]:
    page.page.add_script_tag(path=str(axe_js))  # the page's policy would refuse it: the context bypasses CSP
    violations = page.page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))""")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("which", "width"), [("bundled", 1280), ("mini", 1280), ("mini", 375)])
def test_axe_finds_no_serious_or_critical_violation(browser: Any, bundled_page: Path, page_file: Path, axe_js: Path, which: str, width: int) -> None:
    page = Page(browser, (bundled_page if which == "bundled" else page_file).as_uri(), width=width, bypass_csp=True)
    try:
        if which == "mini":  # with filters in use, a panel open and the markers drawn
            page.theme("scrutiny")
            page.theme("training")
            page.country("IT")
            page.page.click("#regions_pick > summary")
        assert _axe(page, axe_js) == []
        assert page.errors == []
    finally:
        page.close()


# -- text that would reorder or hide itself --------------------------------------------------------


def test_bidi_overrides_and_zero_width_characters_are_shown_not_obeyed(browser: Any, research_store: Store, tmp_path: Path) -> None:
    header = SimpleNamespace(title="Pages \u202etxet", description="A \u200bdescription", themes=research_store.themes, selection="search: \u202eabc")
    page = Page(browser, _write(tmp_path / "bidi.html", select(research_store.events), header).as_uri())
    try:
        card = page.page.locator("article.event[id='2019-05-invoice-trick']")
        assert card.locator("h3").text_content() == "Invoice U+202Egnp.exe"
        assert card.locator("h3 .cc").text_content() == "U+202E"
        assert card.locator(".summary").text_content() == "ZeroU+200Bwidth, an U+2066isolateU+2069, a markU+200F and a BOMU+FEFF."
        assert card.locator(".actors").text_content() == "Actors: AliU+202Ece"
        assert card.locator(".sources li").text_content() == "Report U+202Etxt.exe — WireU+200B"
        # Laid out left to right, as written: "gnp.exe" is not turned into "exe.png".
        lefts = page.page.evaluate("""() => {
            const h3 = document.querySelector("article.event[id='2019-05-invoice-trick'] h3");
            const node = [...h3.childNodes].find(n => n.nodeType === 3 && n.textContent === "gnp.exe");
            return [...node.textContent].map((_, i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                                                         return r.getBoundingClientRect().left; });
        }""")
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)
        everything = page.page.evaluate(
            "document.body.innerText + document.title + [...document.querySelectorAll('[title],[aria-label]')]"
            ".map(e => (e.getAttribute('title') || '') + (e.getAttribute('aria-label') || '')).join('')"
        )
        assert not any(ch in everything for ch in _invisible_characters())
        marker = page.page.locator("#time_axis a.marker[href='#2019-05-invoice-trick']")
        assert marker.get_attribute("title") == "2019-05 · Invoice U+202Egnp.exe"
        assert page.page.title() == "Pages U+202Etxet" and page.page.locator("h1").text_content() == "Pages U+202Etxet"
        assert page.page.locator("#page_selection").text_content() == "Exported with the filters search: U+202Eabc."
        page.page.fill("#f_search", "gnp.exe")  # what is shown is what is searched
        assert page.shown() == ["2019-05-invoice-trick"]
        assert page.errors == []
    finally:
        page.close()


def _invisible_characters() -> list[str]:
    """Every character of pcdip.text.INVISIBLE (a regular-expression class), ranges expanded."""
    pattern = re.compile(f"[{INVISIBLE}]")
    return [chr(n) for n in range(0x10000) if pattern.fullmatch(chr(n))]


def test_the_invisible_characters_never_reach_the_page_source_raw(research_store: Store) -> None:
    page = exporters.get("html").write(select(research_store.events), research_store)
    assert isinstance(page, str)
    assert not any(ch in page for ch in _invisible_characters())
    assert "Invoice \\u202egnp.exe" in page  # escaped in the data, read back by JSON.parse


# -- what made the page ----------------------------------------------------------------------------


def test_the_page_says_which_filters_made_it_and_how_many_events_it_holds(research_store: Store) -> None:
    events = select(research_store.events, Filters(countries=("FJ",)))
    plain = exporters.get("html").write(events, research_store)  # a store has no selection: the whole record
    assert isinstance(plain, str)
    assert '<p class="selection" id="page_selection">Exported from the whole record, without filters.</p>' in plain
    assert '<p class="stats" id="page_stats">2 events, 2011–2024, 1 country, 2 cited sources</p>' in plain
    header = SimpleNamespace(title="T", description=None, themes=research_store.themes, selection="country: Fiji; theme: <agreement> & more")
    chosen = exporters.get("html").write(events, header)
    assert isinstance(chosen, str)
    assert (
        '<p class="selection" id="page_selection">Exported with the filters <strong>country: Fiji; theme: &lt;agreement&gt; &amp; more</strong>.</p>' in chosen
    )
    header.selection = None
    whole = exporters.get("html").write(events, header)
    assert isinstance(whole, str) and "Exported from the whole record, without filters." in whole


def test_the_count_says_how_many_are_shown(research: Page) -> None:
    assert research.page.locator("#event_count").text_content() == "Showing 9 of 9 events"
    research.theme("repatriation")
    assert research.page.locator("#event_count").text_content() == "Showing 1 of 9 events"


# -- palette and glyphs -----------------------------------------------------------------------------


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


# Machado, Oliveira & Fernandes (2009), severity 1: linear-RGB matrices for dichromacy.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
}


def _rgb(colour: str, vision: str = "normal") -> tuple[float, float, float]:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    if vision == "normal":
        return rgb[0], rgb[1], rgb[2]
    lin = [_linear(c) for c in rgb]
    r, g, b = (_gamma(sum(m * c for m, c in zip(row, lin, strict=True))) for row in CVD[vision])
    return r, g, b


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    dHp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    else:
        hbp = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hbp - 30))
        + 0.24 * math.cos(math.radians(2 * hbp))
        + 0.32 * math.cos(math.radians(3 * hbp + 6))
        - 0.20 * math.cos(math.radians(4 * hbp - 63))
    )
    sl = 1 + 0.015 * (lbp - 50) ** 2 / math.sqrt(20 + (lbp - 50) ** 2)
    sc, sh = 1 + 0.045 * cbp, 1 + 0.015 * cbp * t
    rt = -math.sin(math.radians(60 * math.exp(-(((hbp - 275) / 25) ** 2)))) * 2 * math.sqrt(cbp**7 / (cbp**7 + 25**7))
    return math.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dcp / sc) * (dHp / sh))


def min_distance(palette: tuple[str, ...] | list[str], vision: str = "normal") -> float:
    return min(ciede2000(_lab(_rgb(a, vision)), _lab(_rgb(b, vision))) for a, b in itertools.combinations(palette, 2))


def test_ciede2000_matches_the_published_test_data() -> None:
    # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 17 and 25.
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)
    assert ciede2000((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387)) == pytest.approx(1.2644, abs=1e-4)


THRESHOLDS = {"normal": 12.0, "protanopia": 9.0, "deuteranopia": 9.0}


@pytest.mark.parametrize("vision", list(THRESHOLDS))
def test_palette_colours_stay_apart(vision: str) -> None:
    assert len(html_export.PALETTE) == 15 == len(set(html_export.PALETTE))
    assert min_distance(html_export.PALETTE, vision) >= THRESHOLDS[vision]
    # The earlier palette (Tableau 10 and darker Tableau 20 tones) had near-duplicate pairs.
    old = (
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
        "#393b79",
        "#e7ba52",
        "#843c39",
        "#637939",
        "#7b4173",
    )
    assert min_distance(old, vision) < THRESHOLDS[vision]


def test_each_theme_has_its_own_glyph_and_readable_ink() -> None:
    paths = [d for _, d in html_export.GLYPHS]
    assert len(set(paths)) == len(paths) == len({name for name, _ in html_export.GLYPHS}) == 15
    for colour in html_export.PALETTE:
        _, ink, _ = html_export.theme_style(html_export.PALETTE.index(colour))
        assert html_export.contrast(colour, ink) >= 4.5  # WCAG AA for the chips' text
    styles = [html_export.theme_style(i) for i in range(15 * 15)]
    assert len({(c, g) for c, _, g in styles}) == len(styles)  # past 15 themes, no pair repeats


def test_the_page_uses_the_palette_and_glyphs(research: Page, research_store: Store) -> None:
    legend = research.page.eval_on_selector_all(
        "#theme_legend button",
        "els => els.map(b => [b.dataset.theme, b.querySelector('path').getAttribute('fill'), b.querySelector('path').getAttribute('d')])",
    )
    declared = [t.id for t in research_store.themes]
    assert [t for t, _, _ in legend] == declared
    assert [(fill, d) for _, fill, d in legend] == [html_export.theme_style(declared.index(t))[0::2] for t, _, _ in legend]
    chip = research.page.locator("article.event[id='2022-12-italy-ends-patrols'] .chip").first
    colour, ink, glyph = html_export.theme_style(declared.index("joint-patrol"))
    assert chip.evaluate(
        "c => [getComputedStyle(c).backgroundColor, c.querySelector('path').getAttribute('d'), c.querySelector('path').getAttribute('fill')]"
    ) == ["rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5))), glyph, ink]
    assert research.page.locator("#time_axis a.marker svg.glyph").count() == 9
