#!/usr/bin/env python3
"""Render the views shown in the README into docs/img/: terminal views as SVG, with Rich's recorder,
and the HTML export as a PNG, in Debian's chromium driven by Playwright (pip install -e '.[test]').

    python scripts/screenshots.py
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from pcdip.cache import open_engine
from pcdip.dates import parse_date
from pcdip.engine import Engine
from pcdip.query import Filters
from pcdip.render import profile_view, stats_view, timeline_table
from pcdip.store import bundled_store

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def main() -> None:
    eng = open_engine(bundled_store())
    header = eng.header
    OUT.mkdir(parents=True, exist_ok=True)
    shots = {
        "stats.svg": ("pcdip stats", lambda c: stats_view(eng.stats(), header, c)),
        "country-fiji.svg": ("pcdip country Fiji", lambda c: profile_view(eng.profile("FJ"), header, c)),
        "timeline.svg": ("pcdip timeline --from 2024", lambda c: timeline_table(list(eng.select(Filters(start=parse_date("2024")))), header, c)),
    }
    for name, (title, view) in shots.items():
        console = Console(record=True, width=100, force_terminal=True, color_system="truecolor", file=open("/dev/null", "w"))
        console.print(view(console))
        console.save_svg(str(OUT / name), title=title)
        print(f"wrote docs/img/{name}")
    html_screenshot(eng)


def html_screenshot(eng: Engine) -> None:
    import tempfile

    from playwright.sync_api import sync_playwright

    from pcdip import exporters

    page_html = exporters.get("html").write(list(eng.select()), eng.header)
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
