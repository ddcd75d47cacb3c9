#!/usr/bin/env python3
"""Render the views shown in the README into docs/img/: terminal views as SVG, with Rich's recorder,
and the HTML export as a PNG, in Debian's chromium driven by Playwright (pip install -e '.[test]').

    python scripts/screenshots.py
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from pcdip.models import Store
from pcdip.query import Filters, profile, select, stats
from pcdip.render import profile_view, stats_view, timeline_table
from pcdip.store import bundled_store, load_store

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def main() -> None:
    store = load_store(bundled_store())
    OUT.mkdir(parents=True, exist_ok=True)
    shots = {
        "stats.svg": ("pcdip stats", lambda c: stats_view(stats(select(store.events), store), store, c)),
        "country-fiji.svg": ("pcdip country Fiji", lambda c: profile_view(profile(store, "FJ"), store, c)),
        "timeline.svg": (
            "pcdip timeline --from 2024",
            lambda c: timeline_table(select(store.events, Filters(start=__import__("pcdip.dates").dates.parse_date("2024"))), store, c),
        ),
    }
    for name, (title, view) in shots.items():
        console = Console(record=True, width=100, force_terminal=True, color_system="truecolor", file=open("/dev/null", "w"))
        console.print(view(console))
        console.save_svg(str(OUT / name), title=title)
        print(f"wrote docs/img/{name}")
    html_screenshot(store)


def html_screenshot(store: Store) -> None:
    import tempfile

    from playwright.sync_api import sync_playwright

    from pcdip import exporters

    page_html = exporters.get("html").write(select(store.events), store)
    assert isinstance(page_html, str)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = Path(tmp) / "timeline.html"
        path.write_text(page_html, "utf-8")
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(path.as_uri())
        page.screenshot(path=str(OUT / "html-timeline.png"))
        browser.close()
    print("wrote docs/img/html-timeline.png")


if __name__ == "__main__":
    main()
