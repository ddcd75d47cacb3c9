"""HTML: one self-contained page (inline CSS and JavaScript, no remote asset), a research view of the events.

The page shows the events on a time axis, proportional to dates, and below it one chronological
column of cards (date, event id as a permalink, title, countries, themes, summary, figures, note,
actors, sources as links). Its filters, combined (any of the chosen values within a filter, every
filter at once, as on the command line): several themes, countries, UN M49 regions and
sub-regions, a date range, words, and the order (oldest or latest first). The filters live in the
query string (`?theme=training&theme=scrutiny&country=FJ&from=2020&to=2023-06&q=police&order=latest`),
so a view can be shared and reloaded, and the back button undoes a filter; a card is the target of
`#<event id>`. The header says which command-line filters made the page (`header.selection`).

Themes are told apart by colour (15 colours from Okabe–Ito's and Paul Tol's colour-blind-safe
schemes, chosen so that every pair differs in normal vision and in simulated protanopia and
deuteranopia) and, since no 15 colours stay apart for every eye, by a glyph of its own, shown in
the legend, on the theme chips of the cards and on the axis markers. When the markers would need
more lanes than fit (fewer on a narrow screen), the axis becomes a bar a year, so that it never
grows into a tall column of markers, and its year labels are as many as fit side by side.

Safety, since every string comes from a store that anyone may have written:
- the data travels as JSON inside `<script type="application/json">`, with `<`, `>`, `&`, U+2028,
  U+2029, and the control, bidirectional and zero-width characters written as `\\u` escapes, so
  no text can close the element or start markup;
- the script builds the page with createElement, textContent and setAttribute only (never
  innerHTML), and sets a link's href only for http(s) URLs;
- those control characters (pcdip.text.INVISIBLE, and C0/C1 controls) are shown as their code
  point ("U+202E"), as the terminal shows them, so that a right-to-left override cannot reverse
  the text after it nor a zero-width character hide in a name;
- the little rendered on the server (title, description, selection, counts) goes through
  html.escape, after the same neutralisation;
- a Content-Security-Policy allows no network at all and only this page's own script and style,
  named by their SHA-256 hashes, so even a missed escape could not run anything.

Element ids of the page itself all hold an underscore, which an event id (a slug) never does, so no
event can take a page element's id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape
from typing import Any

from .. import countries
from ..fields import REPOSTED_LABEL
from ..text import INVISIBLE

# Okabe & Ito (2008) and Paul Tol's schemes (bright, vibrant, muted, light, dark): the 15 that keep
# every pair at least 10 CIEDE2000 apart in normal vision and in simulated protanopia and
# deuteranopia (Machado et al. 2009), ordered so that the first n are as far apart as possible.
# Tritanopia merges a few pairs, and so the glyphs: the theme is always its glyph as well.
PALETTE = (
    "#0077BB",
    "#F0E442",
    "#663333",
    "#99DDFF",
    "#44BB99",
    "#CC3311",
    "#332288",
    "#77AADD",
    "#E69F00",
    "#AA3377",
    "#CC79A7",
    "#225555",
    "#FFAABB",
    "#EE3377",
    "#EE8866",
)

# One glyph a theme, drawn as an SVG path in a 12 by 12 box: name, path (even-odd fill rule).
GLYPHS = (
    ("circle", "M6 1A5 5 0 1 1 6 11A5 5 0 1 1 6 1Z"),
    ("square", "M1.5 1.5H10.5V10.5H1.5Z"),
    ("triangle", "M6 0.8L11.3 10.6H0.7Z"),
    ("diamond", "M6 0.4L11.6 6L6 11.6L0.4 6Z"),
    ("triangle-down", "M0.7 1.4H11.3L6 11.2Z"),
    ("star", "M6 0.8L7.41 4.46L11.33 4.67L8.28 7.14L9.29 10.93L6 8.8L2.71 10.93L3.72 7.14L0.67 4.67L4.59 4.46Z"),
    ("plus", "M4.6 0.8H7.4V4.6H11.2V7.4H7.4V11.2H4.6V7.4H0.8V4.6H4.6Z"),
    ("cross", "M8.69 1.33L10.67 3.31L7.98 6L10.67 8.69L8.69 10.67L6 7.98L3.31 10.67L1.33 8.69L4.02 6L1.33 3.31L3.31 1.33L6 4.02Z"),
    ("pentagon", "M6 1.1L11.04 4.76L9.12 10.69L2.88 10.69L0.96 4.76Z"),
    ("hexagon", "M11.4 6L8.7 10.68L3.3 10.68L0.6 6L3.3 1.32L8.7 1.32Z"),
    ("triangle-right", "M1.4 0.7L11.2 6L1.4 11.3Z"),
    ("triangle-left", "M10.6 0.7V11.3L0.8 6Z"),
    ("ring", "M6 0.8A5.2 5.2 0 1 1 6 11.2A5.2 5.2 0 1 1 6 0.8ZM6 3.6A2.4 2.4 0 1 0 6 8.4A2.4 2.4 0 1 0 6 3.6Z"),
    ("hollow-square", "M1 1H11V11H1ZM4 4V8H8V4Z"),
    ("hourglass", "M1.2 1H10.8L6 6L10.8 11H1.2L6 6Z"),
)

_EPOCH = date(1970, 1, 1)
# What the terminal makes visible (pcdip.text.clean): C0 and C1 controls but tab and newline, DEL,
# and the bidirectional and zero-width characters of pcdip.text.INVISIBLE.
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{INVISIBLE}]")
# The same class for the page's script, every character as a \\u escape.
_JS_CONTROL = "[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f" + "".join(ch if ch == "-" else f"\\u{ord(ch):04x}" for ch in INVISIBLE) + "]"


def theme_style(index: int) -> tuple[str, str, str]:
    """Colour, ink and glyph path of the index-th declared theme; past 15, the pairs still differ."""
    n = len(PALETTE)
    colour = PALETTE[(index + index // n) % n]
    return colour, _ink(colour), GLYPHS[index % len(GLYPHS)][1]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _ink(colour: str) -> str:
    """Black or white text, whichever contrasts more with the colour (at least 4.58:1 for any colour)."""
    return "#000000" if contrast(colour, "#000000") >= contrast(colour, "#ffffff") else "#ffffff"


def visible(text: str) -> str:
    """Control, bidirectional and zero-width characters written as their code points: "U+202E"."""
    return _CONTROL.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&`, no JavaScript line
    separators, and no raw control, bidirectional or zero-width character (even in view-source)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _day(d: date) -> int:
    return (d - _EPOCH).days


def _place(code: str) -> tuple[str, list[str]]:
    """A country's name and the regions it is in: M49 region, sub-region, and groupings of sub-regions."""
    try:
        country = countries.get(code)
    except KeyError:
        return code, []
    names = [n for n in (country.region, country.subregion) if n]
    groups: dict[str, tuple[str, ...]] = getattr(countries, "REGION_GROUPS", {})
    names += [group for group, members in groups.items() if country.subregion in members]
    return country.name, names


def _region_list(places: dict[str, tuple[str, list[str]]]) -> list[dict[str, Any]]:
    """The regions of the events' countries, each region followed by its groupings and sub-regions."""
    parents: dict[str, set[str]] = {}
    for code in places:
        try:
            country = countries.get(code)
        except KeyError:
            continue
        if country.region:
            parents.setdefault(country.region, set())
            parents[country.region].update(n for n in places[code][1] if n != country.region)
    out: list[dict[str, Any]] = []
    for region in sorted(parents):
        out.append({"name": region, "level": 0})
        out += [{"name": name, "level": 1} for name in sorted(parents[region])]
    return out


def _kind(e: Any) -> str:
    if e.end:
        return "span"
    exact = e.date.precision == "day" and not e.date.qualifier and e.date.lower == e.date.upper
    return "point" if exact else "vague"


def _is_descending(events: Sequence[Any]) -> bool:
    keys = [(e.start_day, e.end_day, e.id) for e in events]
    return len(keys) > 1 and keys != sorted(keys) and keys == sorted(keys, reverse=True)


def page_data(events: Sequence[Any], header: Any) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON values."""
    themes = []
    for i, theme in enumerate(header.themes):
        colour, ink, glyph = theme_style(i)
        themes.append(
            {"id": theme.id, "label": theme.label, "description": theme.description, "pushback": theme.pushback, "colour": colour, "ink": ink, "glyph": glyph}
        )
    places = {c: _place(c) for c in sorted({c for e in events for c in e.countries})}
    records = []
    for e in sorted(events, key=lambda e: (e.start_day, e.end_day, e.id)):
        span = e.date.describe() + (f" – {e.end.describe()}" if e.end else "")
        regions = sorted({r for c in e.countries for r in places[c][1]})
        records.append(
            {
                "id": e.id,
                "when": span,
                "start": _day(e.start_day),
                "stop": _day(e.end_day) + 1,
                "kind": _kind(e),
                "title": e.title,
                "summary": e.summary,
                "note": e.note,
                "place": e.place.name if e.place else None,
                "countries": list(e.countries),
                "regions": regions,
                "themes": list(e.themes),
                "actors": list(e.actors),
                "figures": [f"{f.name.replace('_', ' ')}: {f.describe()}" for f in e.figures],
                "sources": [
                    {
                        "title": s.title,
                        "publisher": s.publisher,
                        "url": s.url,
                        "published": s.published.text if s.published else None,
                        "reposted": s.reposted,
                        "archive_url": s.archive_url,
                    }
                    for s in e.sources
                ],
            }
        )
    if events:
        first = min(e.start_day for e in events).year
        last = max(e.end_day for e in events).year
    else:
        first = last = 2000
    return {
        "themes": themes,
        "countries": {c: {"name": name, "regions": regions} for c, (name, regions) in places.items()},
        "regions": _region_list(places),
        "range": [_day(date(first, 1, 1)), _day(date(last, 12, 31)) + 1],
        "years": [first, last],
        "order": "latest" if _is_descending(events) else "oldest",
        "reposted_label": REPOSTED_LABEL,
        "events": records,
    }


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _summary_line(events: Sequence[Any]) -> str:
    if not events:
        return "No events match."
    first = min(e.start_day for e in events).year
    last = max(e.end_day for e in events).year
    n_countries = len({c for e in events for c in e.countries})
    n_sources = sum(len(e.sources) for e in events)
    years = f"{first}" if first == last else f"{first}–{last}"
    plural = "s" if len(events) != 1 else ""
    return f"{len(events)} event{plural}, {years}, {n_countries} countr{'ies' if n_countries != 1 else 'y'}, {n_sources} cited source{'s' if n_sources != 1 else ''}"


def _selection_line(header: Any) -> str:
    selection = getattr(header, "selection", None)
    if selection:
        return f'<p class="selection" id="page_selection">Exported with the filters <strong>{escape(visible(selection))}</strong>.</p>\n'
    return '<p class="selection" id="page_selection">Exported from the whole record, without filters.</p>\n'


def write_html(events: Iterable[Any], header: Any, fields: Sequence[str] | None = None) -> str:
    """The page for these events (any iterable, in the order given) and the store's header.

    `header.selection`, when the header has it, is the short human text of the filters that chose
    the events ("country: Kenya; theme: training"), or None for the whole record."""
    events = list(events)
    title = visible(header.title or "pcdip timeline")
    policy = (
        f"default-src 'none'; script-src '{_sha256(SCRIPT)}'; style-src '{_sha256(STYLE)}'; "
        "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    description = f'<p class="desc">{escape(visible(header.description))}</p>\n' if header.description else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="pcdip">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{STYLE}</style>\n"
        "</head>\n<body>\n"
        '<a class="skip" href="#event_list">Skip to the events</a>\n'
        f'<header>\n<h1>{escape(title)}</h1>\n{description}<p class="stats" id="page_stats">{escape(_summary_line(events))}</p>\n'
        f"{_selection_line(header)}</header>\n"
        f"{BODY}"
        f'<script type="application/json" id="pcdip_data">{script_json(page_data(events, header))}</script>\n'
        f"<script>{SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )


BODY = """\
<noscript><p class="noscript">This page needs JavaScript to show the events. The same data is available from
<code>pcdip export --format md</code>.</p></noscript>
<div class="controls" id="filter_bar" role="search" aria-label="Filters">
<label class="wide">Search<input type="search" id="f_search" placeholder="Words in titles, summaries, actors, notes" autocomplete="off" spellcheck="false"></label>
<label class="date">From<input type="text" id="f_from" placeholder="2019" autocomplete="off" spellcheck="false" aria-describedby="date_help"></label>
<label class="date">To<input type="text" id="f_to" placeholder="2023-06" autocomplete="off" spellcheck="false" aria-describedby="date_help"></label>
<details class="pick" id="countries_pick"><summary id="countries_summary">Countries</summary>
<div class="panel"><label class="find">Find a country<input type="search" id="f_country_find" autocomplete="off" spellcheck="false"></label>
<fieldset id="f_countries"><legend>Events with any of these countries</legend></fieldset></div></details>
<details class="pick" id="regions_pick"><summary id="regions_summary">Regions</summary>
<div class="panel"><fieldset id="f_regions"><legend>Events in any of these UN M49 regions</legend></fieldset></div></details>
<label class="order">Order<select id="f_order"><option value="oldest">Oldest first</option><option value="latest">Latest first</option></select></label>
<button type="button" id="f_reset">Show all</button>
<span id="event_count" aria-live="polite"></span>
<p class="help" id="date_help">Dates: a year (2019), a month (2019-06) or a day (2019-06-30); an event matches when its dates overlap the range.
<span id="date_error" role="alert"></span></p>
<div id="active_filters" role="group" aria-label="Filters in use (choose one to remove it)"></div>
</div>
<section class="legend" id="theme_legend" aria-labelledby="legend_title"><h2 id="legend_title">Themes</h2></section>
<section class="axis-wrap" aria-label="Time axis"><div id="time_axis"></div>
<p class="key" id="lane_key"><span class="k point"></span> a day <span class="k vague"></span> known only to the month or year
<span class="k span"></span> a span with an end date <span class="k pushback"></span> pushback or scrutiny</p>
<p class="key" id="bar_key" hidden>Events by the year they start in, too many to show one by one at this width
(narrow the filters to see each event); choose a year to go to its events.</p></section>
<main id="event_list" tabindex="-1"><h2 class="vh" id="list_title">Events</h2>
<p class="empty" id="no_match" hidden>No events match these filters.</p><div id="card_list"></div></main>
<footer>Made with pcdip. Dates are given at the precision the sources support; ~ marks an approximate date and ? an uncertain one.
Characters that would hide or reorder text are shown by their code point, such as U+202E.</footer>
"""

STYLE = """
:root{--ink:#1c2230;--muted:#535b69;--line:#d5dae1;--bg:#f5f6f8;--card:#fff;--link:#1a5bbf;--field:#848d9b}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
.skip{position:absolute;left:8px;top:-60px;z-index:30;padding:8px 14px;background:var(--ink);color:#fff;border-radius:6px;font-weight:600}
.skip:focus{top:8px}
.vh{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
:focus-visible{outline:3px solid var(--link);outline-offset:2px}
header{padding:18px 32px 6px}
h1{font-size:23px;line-height:1.25;margin:0 0 4px;overflow-wrap:anywhere}
.desc{margin:0;color:var(--muted);max-width:75em}
.stats,.selection{margin:4px 0 0;color:var(--muted);font-size:13px}
.selection strong{color:var(--ink)}
.controls{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:8px 14px;align-items:flex-end;padding:10px 32px 8px;background:var(--bg);border-bottom:1px solid var(--line)}
.controls>label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:var(--muted)}
input,select,button{font:inherit;font-size:14px;height:34px;padding:4px 8px;border:1px solid var(--field);border-radius:6px;background:#fff;color:var(--ink)}
button,summary{cursor:pointer}
#f_search{width:22em;max-width:80vw}
#f_from,#f_to{width:7.5em}
input[aria-invalid="true"]{border-color:#b3261e;box-shadow:0 0 0 1px #b3261e}
details.pick{position:relative}
details.pick>summary{list-style:none;display:flex;align-items:center;gap:6px;height:34px;padding:4px 10px;border:1px solid var(--field);border-radius:6px;background:#fff;font-size:14px}
details.pick>summary::-webkit-details-marker{display:none}
details.pick>summary::after{content:"\\25BE";color:var(--muted)}
details.pick[open]>summary{border-color:var(--ink)}
.panel{position:absolute;top:calc(100% + 4px);left:0;z-index:10;background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 24px rgba(20,30,50,.18);padding:8px 12px;width:19em;max-height:min(60vh,440px);overflow:auto}
.panel fieldset{border:0;margin:0;padding:0;min-width:0}
.panel legend{font-size:12px;color:var(--muted);padding:0 0 4px}
.find{display:flex;flex-direction:column;gap:2px;font-size:12px;color:var(--muted);margin-bottom:6px}
.find input{width:100%}
label.opt{display:flex;align-items:center;gap:7px;font-size:13.5px;padding:2px 0;color:var(--ink);cursor:pointer}
label.opt input{width:16px;height:16px;margin:0;padding:0;flex:none}
label.opt.sub{padding-left:22px}
label.opt .n,.legend .n{color:var(--muted)}
#event_count{margin-left:auto;color:var(--muted);font-size:13px;padding-bottom:6px}
.help{flex-basis:100%;margin:0;font-size:12px;color:var(--muted)}
#date_error{color:#b3261e;font-weight:600}
#active_filters{flex-basis:100%;display:flex;flex-wrap:wrap;gap:6px}
#active_filters:empty{display:none}
#active_filters button{height:26px;font-size:12.5px;border-radius:999px;padding:0 10px;background:#e8edf6;border-color:#9aa5b8}
.legend{display:flex;flex-wrap:wrap;gap:6px;align-items:center;padding:10px 32px 2px}
.legend h2{font-size:12px;font-weight:normal;color:var(--muted);margin:0 4px 0 0}
.legend button{display:inline-flex;align-items:center;gap:6px;height:28px;font-size:12.5px;padding:2px 10px 2px 7px;border-radius:999px;border-color:#b9c0cb}
.legend button[aria-pressed="true"]{border-color:var(--ink);box-shadow:0 0 0 1px var(--ink);background:#e8edf6;font-weight:600}
.glyph{width:13px;height:13px;flex:none;display:block;overflow:visible}
.axis-wrap{padding:8px 32px 4px}
#time_axis{position:relative;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;min-height:60px}
.tick{position:absolute;top:0;bottom:0;border-left:1px solid #eef0f3}
.tick.label{border-left-color:#d3d8df}
.tick span{position:absolute;top:2px;left:4px;font-size:11px;line-height:14px;color:var(--muted);white-space:nowrap}
.marker{position:absolute;height:14px;min-width:14px;border-radius:7px;display:block}
.marker .glyph{position:absolute;left:2px;top:2px;width:10px;height:10px}
.marker.vague{background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.55) 0 2px,transparent 2px 5px)}
.marker.pushback{box-shadow:0 0 0 2px var(--ink)}
.marker:hover,.marker:focus-visible{outline:2px solid var(--ink);outline-offset:1px;z-index:3}
.yearbar{position:absolute;display:block;background:#3d5f93;border-radius:2px 2px 0 0}
.yearbar:hover,.yearbar:focus-visible{background:var(--ink)}
.yearbar .n{position:absolute;bottom:100%;left:0;right:0;text-align:center;font-size:11px;line-height:14px;color:var(--muted)}
.key{margin:4px 0 0;font-size:12px;color:var(--muted);display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center}
.k{display:inline-block;height:10px;border-radius:5px;background:#6f7886;margin-left:10px}
.k.point{width:10px;margin-left:0}.k.vague{width:26px;background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.55) 0 2px,transparent 2px 5px)}
.k.span{width:26px}.k.pushback{width:10px;box-shadow:0 0 0 2px var(--ink)}
main{padding:0 32px 16px;max-width:980px}
main:focus{outline:none}
h2.year{font-size:18px;margin:22px 0 2px;padding-bottom:2px;border-bottom:1px solid var(--line);scroll-margin-top:var(--sticky,110px)}
article.event{scroll-margin-top:var(--sticky,110px);position:relative;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px 12px 22px;margin:10px 0 0;overflow-wrap:anywhere}
article.event .bar{position:absolute;left:0;top:0;bottom:0;width:6px;border-radius:7px 0 0 7px}
article.event:target,article.event.flash{box-shadow:0 0 0 3px #d99a00}
.head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 12px;align-items:baseline}
.when,.permalink{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
.permalink{font-size:12px;color:var(--link);text-decoration:none}
.permalink:hover,.permalink:focus-visible{text-decoration:underline}
article h3{margin:2px 0 4px;font-size:16px;line-height:1.35}
.meta{display:flex;flex-wrap:wrap;gap:5px 6px;align-items:center;font-size:13px;color:var(--muted)}
.meta .where{margin-right:4px;color:var(--ink)}
.chip{display:inline-flex;align-items:center;gap:4px;font-size:12px;padding:0 8px 0 5px;border-radius:999px;white-space:nowrap}
.chip .glyph{width:10px;height:10px}
.summary{margin:6px 0}
.figures,.actors{margin:6px 0;font-size:13px;color:var(--muted)}
.note{margin:6px 0;font-size:13.5px;color:#454b55;font-style:italic}
.sources{margin:4px 0 0;padding-left:18px;font-size:13px}
.sources .pub{color:var(--muted)}
.cc{display:inline-block;font:11px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-style:normal;padding:0 3px;margin:0 1px;border:1px dashed #8a5a00;border-radius:3px;color:#5c3b00;background:#fff4d6}
a{color:var(--link)}
.empty,.noscript{color:var(--muted)}
.noscript{padding:0 32px}
footer{padding:8px 32px 28px;font-size:12px;color:var(--muted)}
@media (max-width:700px){header,.controls,.legend,.axis-wrap,main,footer{padding-left:12px;padding-right:12px}
.controls{position:static}.controls>label.wide{width:100%}.controls>label.date,details.pick,.controls>label.order{width:calc(50% - 7px)}
#f_search,#f_from,#f_to,.controls select,details.pick>summary{width:100%;max-width:none}.controls .help{font-size:11.5px}
details.pick[open]{width:100%}.panel{position:static;width:auto;box-shadow:none;margin-top:4px;max-height:50vh}#event_count{margin-left:0}}
"""

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pcdip_data").textContent);
  var SPLIT = /(@CONTROL@)/, CONTROLS = /@CONTROL@/g;
  var DATE = /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$/;
  var DAY = 86400000, SVG = "http://www.w3.org/2000/svg", CIRCLE = "M6 1A5 5 0 1 1 6 11A5 5 0 1 1 6 1Z";
  function byId(id) { return document.getElementById(id); }
  var search = byId("f_search"), dateFrom = byId("f_from"), dateTo = byId("f_to"), order = byId("f_order");
  var countryBox = byId("f_countries"), regionBox = byId("f_regions"), countryFind = byId("f_country_find");
  var countrySummary = byId("countries_summary"), regionSummary = byId("regions_summary");
  var bar = byId("filter_bar"), active = byId("active_filters"), count = byId("event_count"), dateError = byId("date_error");
  var legend = byId("theme_legend"), axis = byId("time_axis"), laneKey = byId("lane_key"), barKey = byId("bar_key");
  var cardList = byId("card_list"), empty = byId("no_match");

  // Text from the data: a bidirectional override, a zero-width or a control character is shown as
  // its code point, as the terminal shows it, instead of acting on the text around it.
  function codePoint(ch) {
    var hex = ch.charCodeAt(0).toString(16).toUpperCase();
    while (hex.length < 4) { hex = "0" + hex; }
    return "U+" + hex;
  }
  function plain(text) { return String(text).replace(CONTROLS, codePoint); }
  // Text as the word search compares it: no case, no accents, one kind of dash and apostrophe
  // (as the command line's --search does, pcdip.query.fold).
  function fold(text) {
    return plain(text).normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "")
      .replace(/[\\u2010-\\u2015\\u2212\\ufe58\\ufe63\\uff0d]/g, "-").replace(/[\\u2018\\u2019\\u02bc\\uff07]/g, "'").toLowerCase();
  }
  function put(node, text) {
    String(text).split(SPLIT).forEach(function (part, i) {
      if (i % 2 === 0) {
        if (part) { node.appendChild(document.createTextNode(part)); }
        return;
      }
      var mark = document.createElement("span");
      mark.className = "cc";
      mark.textContent = codePoint(part);
      mark.setAttribute("title", "A control, bidirectional or zero-width character in the data, shown by its code point");
      node.appendChild(mark);
    });
    return node;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { put(node, text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function httpUrl(url) { return typeof url === "string" && /^https?:\\/\\//i.test(url); }
  function link(url, text) {
    var a = el("a", "", text);
    if (httpUrl(url)) {
      a.setAttribute("href", url);
      a.setAttribute("rel", "noopener noreferrer");
      a.setAttribute("target", "_blank");
    }
    return a;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // Maps without a prototype: a theme or event id may be "constructor".
  function map() { return Object.create(null); }
  var themes = map(), pushback = map();
  data.themes.forEach(function (t) { themes[t.id] = t; if (t.pushback) { pushback[t.id] = true; } });
  function themeOf(id) { return themes[id] || {id: id, label: id, description: id, colour: "#6f7886", ink: "#ffffff", glyph: CIRCLE}; }
  function countryName(code) { return Object.prototype.hasOwnProperty.call(data.countries, code) ? data.countries[code].name : code; }
  function glyph(theme, fill, outline) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 12 12");
    svg.setAttribute("class", "glyph");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", theme.glyph);
    path.setAttribute("fill", fill);
    path.setAttribute("fill-rule", "evenodd");
    if (outline) {
      path.setAttribute("stroke", outline);
      path.setAttribute("stroke-width", "0.9");
      path.setAttribute("stroke-linejoin", "round");
    }
    svg.appendChild(path);
    return svg;
  }
  function chip(id) {
    var t = themeOf(id);
    var c = el("span", "chip");
    c.style.backgroundColor = t.colour;
    c.style.color = t.ink;
    c.setAttribute("title", plain(t.description || t.label));
    c.appendChild(glyph(t, t.ink));
    put(c, t.label);
    return c;
  }
  function utcDay(year, month, day) {
    var d = new Date(0);
    d.setUTCFullYear(year, month, day);
    return Math.round(d.getTime() / DAY);
  }
  function yearOf(day) { return new Date(day * DAY).getUTCFullYear(); }
  // A partial date (2019, 2019-06, 2019-06-30) as [first day, day after the last], or null.
  function bounds(text) {
    var m = DATE.exec(text);
    if (!m) { return null; }
    var y = Number(m[1]), mo = m[2] ? Number(m[2]) : 0, d = m[3] ? Number(m[3]) : 0;
    if (!m[2]) { return [utcDay(y, 0, 1), utcDay(y + 1, 0, 1)]; }
    if (mo < 1 || mo > 12) { return null; }
    if (!m[3]) { return [utcDay(y, mo - 1, 1), utcDay(y, mo, 1)]; }
    var first = utcDay(y, mo - 1, d);
    if (d < 1 || first >= utcDay(y, mo, 1)) { return null; }
    return [first, first + 1];
  }

  // Counts, and the text the search looks in.
  var themeCounts = map(), countryCounts = map(), regionCounts = map();
  data.events.forEach(function (e) {
    e.themes.forEach(function (t) { themeCounts[t] = (themeCounts[t] || 0) + 1; });
    e.countries.forEach(function (c) { countryCounts[c] = (countryCounts[c] || 0) + 1; });
    e.regions.forEach(function (r) { regionCounts[r] = (regionCounts[r] || 0) + 1; });
    e.haystack = fold([e.title, e.summary, e.note || "", e.place || "", e.actors.join(" "),
                       e.countries.map(countryName).join(" ")].join("\\n"));
  });
  var themeIds = data.themes.map(function (t) { return t.id; }).filter(function (id) { return themeCounts[id]; });
  var countryCodes = Object.keys(data.countries).sort(function (a, b) { return countryName(a).localeCompare(countryName(b)); });
  var regionNames = data.regions.map(function (r) { return r.name; });

  // The filter state, and its form in the query string.
  function blank(orderBy) { return {themes: [], countries: [], regions: [], from: "", to: "", q: "", order: orderBy || data.order}; }
  function copy(s) {
    return {themes: s.themes.slice(), countries: s.countries.slice(), regions: s.regions.slice(),
            from: s.from, to: s.to, q: s.q, order: s.order};
  }
  function fromQuery(query) {
    var p = new URLSearchParams(query), s = blank();
    function many(name, known, norm) {
      var asked = [];
      p.getAll(name).forEach(function (v) { v.split(",").forEach(function (x) { asked.push(norm(x.trim())); }); });
      return known.filter(function (k) { return asked.indexOf(k) >= 0; });
    }
    function same(x) { return x; }
    s.themes = many("theme", themeIds, function (x) { return x.toLowerCase(); });
    s.countries = many("country", Object.keys(data.countries).sort(), function (x) { return x.toUpperCase(); });
    s.regions = many("region", regionNames.slice().sort(), same);
    s.from = bounds(p.get("from") || "") ? p.get("from") : "";
    s.to = bounds(p.get("to") || "") ? p.get("to") : "";
    s.q = (p.get("q") || "").trim() ? p.get("q") : "";
    if (p.get("order") === "latest" || p.get("order") === "oldest") { s.order = p.get("order"); }
    return s;
  }
  function toQuery(s) {
    var p = new URLSearchParams();
    s.themes.forEach(function (t) { p.append("theme", t); });
    s.countries.slice().sort().forEach(function (c) { p.append("country", c); });
    s.regions.slice().sort().forEach(function (r) { p.append("region", r); });
    if (s.from) { p.set("from", s.from); }
    if (s.to) { p.set("to", s.to); }
    if (s.q.trim()) { p.set("q", s.q); }
    if (s.order !== data.order) { p.set("order", s.order); }
    var text = p.toString();
    return text ? "?" + text : "";
  }
  function pageUrl(query, hash) { return location.href.split(/[?#]/)[0] + query + (hash || ""); }
  function toggle(values, value) {
    var i = values.indexOf(value);
    if (i >= 0) { values.splice(i, 1); } else { values.push(value); }
    return values;
  }

  // The controls.
  data.themes.forEach(function (t) {
    if (!themeCounts[t.id]) { return; }
    var button = el("button", "");
    button.setAttribute("type", "button");
    button.setAttribute("data-theme", t.id);
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("title", plain(t.description));
    button.appendChild(glyph(t, t.colour, "#1c2230"));
    button.appendChild(el("span", "", t.label));
    button.appendChild(el("span", "n", String(themeCounts[t.id])));
    button.addEventListener("click", function () {
      var s = copy(current), chosen = toggle(s.themes, t.id);
      s.themes = themeIds.filter(function (id) { return chosen.indexOf(id) >= 0; });
      commit(s, "theme");
    });
    legend.appendChild(button);
  });
  function option(box, name, value, label, n, className) {
    var row = el("label", "opt" + (className ? " " + className : ""));
    var input = el("input");
    input.setAttribute("type", "checkbox");
    input.setAttribute("name", name);
    input.value = value;
    row.appendChild(input);
    row.appendChild(el("span", "", label));
    row.appendChild(el("span", "n", "(" + n + ")"));
    box.appendChild(row);
    return input;
  }
  var countryInputs = map(), regionInputs = map();
  countryCodes.forEach(function (code) {
    countryInputs[code] = option(countryBox, "country", code, countryName(code), countryCounts[code]);
  });
  data.regions.forEach(function (r) {
    regionInputs[r.name] = option(regionBox, "region", r.name, r.name, regionCounts[r.name], r.level ? "sub" : "");
  });
  countryBox.addEventListener("change", function (event) {
    var s = copy(current);
    s.countries = toggle(s.countries, event.target.value).sort();
    commit(s, "country");
  });
  regionBox.addEventListener("change", function (event) {
    var s = copy(current);
    s.regions = toggle(s.regions, event.target.value).sort();
    commit(s, "region");
  });
  countryFind.addEventListener("input", function () {
    var words = countryFind.value.toLowerCase();
    countryCodes.forEach(function (code) {
      countryInputs[code].parentNode.hidden = words !== "" && countryName(code).toLowerCase().indexOf(words) < 0 && code.toLowerCase() !== words;
    });
  });
  var picks = [byId("countries_pick"), byId("regions_pick")];
  document.addEventListener("click", function (event) {
    picks.forEach(function (d) { if (d.open && !d.contains(event.target)) { d.open = false; } });
  });
  picks.forEach(function (d) {
    d.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && d.open) { d.open = false; d.querySelector("summary").focus(); }
    });
  });
  search.addEventListener("input", function () {
    var s = copy(current);
    s.q = search.value;
    commit(s, "search");
  });
  [[dateFrom, "from"], [dateTo, "to"]].forEach(function (pair) {
    pair[0].addEventListener("change", function () {
      var text = pair[0].value.trim();
      if (text && !bounds(text)) {
        pair[0].setAttribute("aria-invalid", "true");
        dateError.textContent = "“" + plain(text) + "” is not a date of that form; the filter is unchanged.";
        return;
      }
      pair[0].removeAttribute("aria-invalid");
      dateError.textContent = "";
      var s = copy(current);
      s[pair[1]] = text;
      commit(s, pair[1]);
    });
  });
  order.addEventListener("change", function () {
    var s = copy(current);
    s.order = order.value;
    commit(s, "order");
  });
  byId("f_reset").addEventListener("click", function () { commit(blank(current.order), "reset"); });

  // The cards, built once, grouped by the year their span starts in.
  var cards = [], groups = [], byEvent = map();
  var group = null;
  data.events.forEach(function (e) {
    var year = yearOf(e.start);
    if (!group || group.year !== year) {
      group = {year: year, node: el("h2", "year", String(year)), cards: []};
      group.node.setAttribute("id", "year_" + year);
      groups.push(group);
    }
    var card = el("article", "event");
    card.setAttribute("id", e.id);
    var first = themeOf(e.themes[0]);
    var stripe = el("div", "bar");
    stripe.style.backgroundColor = first.colour;
    card.appendChild(stripe);
    var head = el("div", "head");
    head.appendChild(el("span", "when", e.when));
    var permalink = el("a", "permalink", "#" + e.id);
    permalink.setAttribute("href", "#" + encodeURIComponent(e.id));
    permalink.setAttribute("title", "Link to this event");
    head.appendChild(permalink);
    card.appendChild(head);
    card.appendChild(el("h3", "", e.title));
    var meta = el("div", "meta");
    var where = e.countries.map(countryName);
    if (e.place) { where.unshift(e.place); }
    if (where.length) { meta.appendChild(el("span", "where", where.join(", "))); }
    e.themes.forEach(function (t) { meta.appendChild(chip(t)); });
    card.appendChild(meta);
    card.appendChild(el("p", "summary", e.summary));
    if (e.figures.length) { card.appendChild(el("p", "figures", "Figures: " + e.figures.join("; "))); }
    if (e.note) { card.appendChild(el("p", "note", "Note: " + e.note)); }
    if (e.actors.length) { card.appendChild(el("p", "actors", "Actors: " + e.actors.join("; "))); }
    var sources = el("ul", "sources");
    e.sources.forEach(function (s) {
      var item = el("li");
      item.appendChild(link(s.url, s.title));
      item.appendChild(el("span", "pub", " — " + s.publisher + (s.published ? ", " + s.published : "") + (s.reposted ? " (" + data.reposted_label + ")" : "")));
      if (s.archive_url) {
        item.appendChild(document.createTextNode(" · "));
        item.appendChild(link(s.archive_url, "archived"));
      }
      sources.appendChild(item);
    });
    card.appendChild(sources);
    var entry = {event: e, node: card};
    cards.push(entry);
    group.cards.push(entry);
    byEvent[e.id] = entry;
  });
  var shownOrder = null;
  function arrange(orderBy) {
    if (orderBy === shownOrder) { return; }
    var latest = orderBy === "latest";
    (latest ? groups.slice().reverse() : groups).forEach(function (g) {
      cardList.appendChild(g.node);
      (latest ? g.cards.slice().reverse() : g.cards).forEach(function (c) { cardList.appendChild(c.node); });
    });
    shownOrder = orderBy;
  }

  // The time axis: each event a marker placed in proportion to its dates, packed into lanes so
  // none overlap. When that takes more lanes than fit (14, or 4 on a narrow screen such as a
  // phone's), a bar a year instead, its height the number of events, a link to its year's heading.
  var MAX_LANES = 14, MAX_LANES_NARROW = 4;
  function lanes(visible, x, scale) {
    var ends = [], markers = [];
    visible.slice().sort(function (a, b) { return a.start - b.start || a.stop - b.stop; }).forEach(function (e) {
      var left = x(e.start);
      var w = Math.max(14, Math.round((e.stop - e.start) * scale));
      var lane = 0;
      while (lane < ends.length && ends[lane] > left - 3) { lane += 1; }
      ends[lane] = left + w;
      markers.push([e, left, w, lane]);
    });
    return {markers: markers, count: ends.length};
  }
  function drawAxis(visible) {
    clear(axis);
    var width = axis.clientWidth || 1000;
    var d0 = data.range[0], d1 = data.range[1];
    var scale = width / Math.max(1, d1 - d0);
    function x(day) { return Math.round((day - d0) * scale); }
    var packed = lanes(visible, x, scale);
    var bars = packed.count > (width < 560 ? MAX_LANES_NARROW : MAX_LANES);
    laneKey.hidden = bars;
    barKey.hidden = !bars;
    // Year labels, as many as fit side by side without touching.
    var probe = el("span", "", "0000");
    var probeTick = el("div", "tick");
    probeTick.appendChild(probe);
    axis.appendChild(probeTick);
    var room = probe.offsetWidth + 12;
    axis.removeChild(probeTick);
    var first = data.years[0], last = data.years[1];
    var perYear = width / (last - first + 1);
    var step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].filter(function (s) { return perYear * s >= room; })[0] || 1000;
    var labelled = 0;
    for (var y = first; y <= last + 1; y += 1) {
      var left = x(utcDay(y, 0, 1));
      var label = y <= last && (y % step === 0 || (y === first && step > last - first)) && left + room - 8 <= width;
      var tick = el("div", label ? "tick label" : "tick");
      tick.style.left = left + "px";
      if (label) { tick.appendChild(el("span", "", String(y))); labelled += 1; }
      axis.appendChild(tick);
    }
    var top = 22;
    if (bars) {
      var perYearCount = map(), most = 0;
      visible.forEach(function (e) {
        var year = yearOf(e.start);
        perYearCount[year] = (perYearCount[year] || 0) + 1;
        most = Math.max(most, perYearCount[year]);
      });
      var tall = width < 560 ? 56 : 84, counted = perYear >= 24;
      if (counted) { top += 14; }
      Object.keys(perYearCount).forEach(function (key) {
        var year = Number(key), n = perYearCount[year];
        var x0 = x(utcDay(year, 0, 1)), x1 = x(utcDay(year + 1, 0, 1));
        var h = Math.max(3, Math.round(n / most * tall));
        var a = el("a", "yearbar");
        a.setAttribute("href", "#year_" + year);
        a.setAttribute("title", year + ": " + plural(n, "event"));
        a.setAttribute("aria-label", year + ": " + plural(n, "event"));
        a.style.left = (x0 + 1) + "px";
        a.style.width = Math.max(2, x1 - x0 - 2) + "px";
        a.style.top = (top + tall - h) + "px";
        a.style.height = h + "px";
        if (counted) { a.appendChild(el("span", "n", String(n))).setAttribute("aria-hidden", "true"); }
        axis.appendChild(a);
      });
      axis.style.height = (top + tall + 6) + "px";
      return;
    }
    var laneHeight = 18;
    axis.style.height = (top + Math.max(packed.count, 1) * laneHeight + 6) + "px";
    packed.markers.forEach(function (m) {
      var e = m[0], t = themeOf(e.themes[0]);
      var a = el("a", "marker " + e.kind);
      if (e.themes.some(function (id) { return pushback[id]; })) { a.className += " pushback"; }
      a.setAttribute("href", "#" + encodeURIComponent(e.id));
      a.setAttribute("title", plain(e.when + " · " + e.title));
      a.setAttribute("aria-label", plain(e.when + ": " + e.title + " (" + e.themes.map(function (id) { return themeOf(id).label; }).join(", ") + ")"));
      a.style.left = m[1] + "px";
      a.style.width = m[2] + "px";
      a.style.top = (top + m[3] * laneHeight) + "px";
      a.style.backgroundColor = t.colour;
      a.appendChild(glyph(t, t.ink));
      a.addEventListener("click", function () { flash(byEvent[e.id].node); });
      axis.appendChild(a);
    });
  }
  function flash(node) {
    node.classList.remove("flash");
    void node.offsetWidth;
    node.classList.add("flash");
  }

  // Showing a state: the controls, the cards, the count, the axis.
  function activeChip(text, remove) {
    var b = el("button", "", text + " \\u2715");
    b.setAttribute("type", "button");
    b.setAttribute("aria-label", "Remove the filter " + plain(text));
    b.addEventListener("click", function () {
      var s = copy(current);
      remove(s);
      commit(s, "remove");
    });
    active.appendChild(b);
  }
  function showControls(s) {
    if (search.value !== s.q) { search.value = s.q; }
    [[dateFrom, s.from], [dateTo, s.to]].forEach(function (pair) {
      if (pair[0].value.trim() !== pair[1]) { pair[0].value = pair[1]; }
      pair[0].removeAttribute("aria-invalid");
    });
    dateError.textContent = "";
    order.value = s.order;
    Array.prototype.forEach.call(legend.querySelectorAll("button"), function (b) {
      b.setAttribute("aria-pressed", s.themes.indexOf(b.getAttribute("data-theme")) >= 0 ? "true" : "false");
    });
    Object.keys(countryInputs).forEach(function (c) { countryInputs[c].checked = s.countries.indexOf(c) >= 0; });
    Object.keys(regionInputs).forEach(function (r) { regionInputs[r].checked = s.regions.indexOf(r) >= 0; });
    countrySummary.textContent = "Countries" + (s.countries.length ? " (" + s.countries.length + ")" : "");
    regionSummary.textContent = "Regions" + (s.regions.length ? " (" + s.regions.length + ")" : "");
    clear(active);
    s.themes.forEach(function (t) { activeChip("Theme: " + themeOf(t).label, function (n) { n.themes.splice(n.themes.indexOf(t), 1); }); });
    s.countries.forEach(function (c) { activeChip("Country: " + countryName(c), function (n) { n.countries.splice(n.countries.indexOf(c), 1); }); });
    s.regions.forEach(function (r) { activeChip("Region: " + r, function (n) { n.regions.splice(n.regions.indexOf(r), 1); }); });
    if (s.from) { activeChip("From " + s.from, function (n) { n.from = ""; }); }
    if (s.to) { activeChip("To " + s.to, function (n) { n.to = ""; }); }
    if (s.q.trim()) { activeChip("Words: " + s.q.trim(), function (n) { n.q = ""; }); }
  }
  var visible = [];
  function show(s) {
    showControls(s);
    var from = s.from ? bounds(s.from)[0] : null, to = s.to ? bounds(s.to)[1] : null;
    var words = fold(s.q).split(/\\s+/).filter(Boolean);
    function any(chosen, values) { return !chosen.length || chosen.some(function (v) { return values.indexOf(v) >= 0; }); }
    visible = [];
    cards.forEach(function (c) {
      var e = c.event;
      var shown = any(s.themes, e.themes) && any(s.countries, e.countries) && any(s.regions, e.regions) &&
                  (from === null || e.stop > from) && (to === null || e.start < to) &&
                  words.every(function (w) { return e.haystack.indexOf(w) >= 0; });
      c.node.hidden = !shown;
      if (shown) { visible.push(e); }
    });
    arrange(s.order);
    groups.forEach(function (g) { g.node.hidden = !g.cards.some(function (c) { return !c.node.hidden; }); });
    count.textContent = "Showing " + visible.length + " of " + plural(data.events.length, "event");
    empty.hidden = visible.length > 0;
    drawAxis(visible);
    stickyRoom();
  }
  // Room above a card or heading scrolled to, under the sticky filter bar.
  function stickyRoom() {
    var sticky = window.getComputedStyle(bar).position === "sticky";
    document.documentElement.style.setProperty("--sticky", (sticky ? bar.offsetHeight + 10 : 10) + "px");
  }

  // History: each change of the filters is an entry (words typed in a row make one), so the back
  // button undoes a filter; the address always holds the filters, so a view can be shared.
  var current = fromQuery(location.search), lastKind = null;
  function commit(s, kind) {
    var query = toQuery(s);
    if (query !== toQuery(current)) {
      if (kind === "search" && lastKind === "search") {
        history.replaceState(null, "", pageUrl(query));
      } else {
        history.pushState(null, "", pageUrl(query));
      }
      lastKind = kind;
    }
    current = s;
    show(s);
  }
  // #<event id>: that card. One hidden by the filters is shown by clearing them.
  function target() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (err) { return null; }
    return byEvent[id] || null;
  }
  function reveal() {
    var entry = target();
    if (!entry) { return; }
    if (entry.node.hidden) {
      current = blank(current.order);
      history.replaceState(null, "", pageUrl(toQuery(current), location.hash));
      show(current);
    }
    entry.node.scrollIntoView();
    flash(entry.node);
  }
  window.addEventListener("popstate", function () {
    var s = fromQuery(location.search);
    lastKind = null;
    if (toQuery(s) !== toQuery(current) || s.q !== current.q) {
      current = s;
      show(s);
    }
  });
  window.addEventListener("hashchange", reveal);
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { drawAxis(visible); stickyRoom(); }, 100);
  });
  if (toQuery(current) !== location.search) { history.replaceState(null, "", pageUrl(toQuery(current), location.hash)); }
  show(current);
  reveal();
})();
"""

SCRIPT = _SCRIPT.replace("@CONTROL@", _JS_CONTROL)
