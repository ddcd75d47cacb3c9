"""HTML: one self-contained page (inline CSS and JavaScript, no remote asset) with a visual timeline.

The page shows the events on a horizontal time axis, proportional to dates and coloured by each
event's first theme, with a legend; filters by theme and by country; a search box; and each event
as a card with its date, title, countries, themes, summary, note, actors and sources as links.

Safety, since every string comes from a store that anyone may have written:
- the data travels as JSON inside `<script type="application/json">`, with `<`, `>`, `&`, U+2028
  and U+2029 written as `\\u` escapes, so no text can close the element or start markup;
- the script builds the page with createElement, textContent and setAttribute only (never
  innerHTML), and sets a link's href only for http(s) URLs;
- the little rendered on the server (title, description, counts) goes through html.escape;
- a Content-Security-Policy allows no network at all and only this page's own script and style,
  named by their SHA-256 hashes, so even a missed escape could not run anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from .. import countries

if TYPE_CHECKING:
    from ..models import Event, Store

# Tableau 10 followed by darker tones of Tableau 20b/20c: distinct on screen and in print.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#e7ba52", "#843c39", "#637939", "#7b4173", "#3182bd",
)
_EPOCH = date(1970, 1, 1)


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on the colour (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#111111" if luminance > 0.22 else "#ffffff"


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&`, and no JavaScript line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _day(d: date) -> int:
    return (d - _EPOCH).days


def page_data(events: Sequence[Event], store: Store) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON values."""
    themes = []
    for i, theme in enumerate(store.themes):
        colour = PALETTE[i % len(PALETTE)]
        themes.append({"id": theme.id, "label": theme.label, "description": theme.description, "pushback": theme.pushback, "colour": colour, "ink": _ink(colour)})
    codes = sorted({c for e in events for c in e.countries})
    records = []
    for e in events:
        span = e.date.describe() + (f" – {e.end.describe()}" if e.end else "")
        records.append({
            "id": e.id,
            "when": span,
            "start": _day(e.start_day),
            "stop": _day(e.end_day) + 1,
            "kind": "span" if e.end else ("point" if e.date.precision == "day" and not e.date.qualifier and e.date.lower == e.date.upper else "vague"),
            "title": e.title,
            "summary": e.summary,
            "note": e.note,
            "place": e.place.name if e.place else None,
            "countries": list(e.countries),
            "themes": list(e.themes),
            "actors": list(e.actors),
            "sources": [
                {"title": s.title, "publisher": s.publisher, "url": s.url, "published": s.published.text if s.published else None, "archive_url": s.archive_url}
                for s in e.sources
            ],
        })
    if events:
        first = min(e.start_day for e in events).year
        last = max(e.end_day for e in events).year
    else:
        first = last = 2000
    return {
        "themes": themes,
        "countries": {c: countries.name(c) for c in codes},
        "range": [_day(date(first, 1, 1)), _day(date(last, 12, 31)) + 1],
        "years": [first, last],
        "events": records,
    }


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _summary_line(events: Sequence[Event]) -> str:
    if not events:
        return "No events match."
    first = min(e.start_day for e in events).year
    last = max(e.end_day for e in events).year
    n_countries = len({c for e in events for c in e.countries})
    n_sources = sum(len(e.sources) for e in events)
    years = f"{first}" if first == last else f"{first}–{last}"
    plural = "s" if len(events) != 1 else ""
    return f"{len(events)} event{plural}, {years}, {n_countries} countr{'ies' if n_countries != 1 else 'y'}, {n_sources} cited source{'s' if n_sources != 1 else ''}"


def write_html(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    title = store.title or "pcdip timeline"
    policy = (
        f"default-src 'none'; script-src '{_sha256(SCRIPT)}'; style-src '{_sha256(STYLE)}'; "
        "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    description = f'<p class="desc">{escape(store.description)}</p>\n' if store.description else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="pcdip">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{STYLE}</style>\n"
        "</head>\n<body>\n"
        f'<header>\n<h1>{escape(title)}</h1>\n{description}<p class="stats">{escape(_summary_line(events))}</p>\n</header>\n'
        f"{BODY}"
        f'<script type="application/json" id="pcdip-data">{script_json(page_data(events, store))}</script>\n'
        f"<script>{SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )


BODY = """\
<noscript><p class="noscript">This page needs JavaScript to show the events. The same data is available from
<code>pcdip export --format md</code>.</p></noscript>
<div class="controls" role="search">
<label>Search<input type="search" id="search" placeholder="Words in titles, summaries, actors, notes" autocomplete="off"></label>
<label>Theme<select id="theme"><option value="">All themes</option></select></label>
<label>Country<select id="country"><option value="">All countries</option></select></label>
<button type="button" id="reset">Show all</button>
<span id="count" aria-live="polite"></span>
</div>
<div class="legend" id="legend" aria-label="Themes: choose one to show only its events"></div>
<div class="axis-wrap"><div id="axis" role="img" aria-label="The events on a time axis"></div>
<p class="key"><span class="k point"></span> a day <span class="k vague"></span> known only to the month or year
<span class="k span"></span> a span with an end date <span class="k pushback"></span> pushback or scrutiny</p></div>
<main id="events"></main>
<p class="empty" id="empty" hidden>No events match these filters.</p>
<footer>Made with pcdip. Dates are given at the precision the sources support; ~ marks an approximate date and ? an uncertain one.</footer>
"""

STYLE = """
:root{--ink:#1c2230;--muted:#5a6372;--line:#dde1e7;--bg:#f5f6f8;--card:#fff;--link:#1a5bbf}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:18px 32px 6px}
h1{font-size:23px;line-height:1.25;margin:0 0 4px}
.desc{margin:0;color:var(--muted);max-width:75em}
.stats{margin:4px 0 0;color:var(--muted);font-size:13px}
.controls{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:10px 18px;align-items:flex-end;padding:10px 32px;background:rgba(245,246,248,.97);border-bottom:1px solid var(--line)}
.controls label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:var(--muted)}
input,select,button{font:inherit;font-size:14px;height:34px;padding:4px 8px;border:1px solid #b8bfca;border-radius:6px;background:#fff;color:var(--ink)}
button{cursor:pointer}
#search{width:24em;max-width:80vw}
#count{margin-left:auto;color:var(--muted);font-size:13px;padding-bottom:6px}
.legend{display:flex;flex-wrap:wrap;gap:6px;padding:10px 32px 2px}
.legend button{display:inline-flex;align-items:center;gap:6px;height:26px;font-size:12.5px;padding:2px 10px 2px 6px;border-radius:999px;border-color:var(--line)}
.legend button[aria-pressed="true"]{border-color:var(--ink);box-shadow:0 0 0 1px var(--ink)}
.legend button.off{opacity:.4}
.legend .n{color:var(--muted)}
.swatch{width:13px;height:13px;border-radius:50%;display:inline-block;flex:none}
.axis-wrap{padding:8px 32px 4px}
#axis{position:relative;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;min-height:60px}
.tick{position:absolute;top:0;bottom:0;border-left:1px solid #eef0f3}
.tick.label{border-left-color:#d8dce2}
.tick span{position:absolute;top:2px;left:4px;font-size:11px;color:var(--muted)}
.marker{position:absolute;height:12px;border-radius:6px;display:block;min-width:12px}
.marker.vague{opacity:.5}
.marker.pushback{box-shadow:0 0 0 2px var(--ink)}
.marker:hover,.marker:focus{outline:2px solid var(--ink);outline-offset:1px;z-index:3;opacity:1}
.key{margin:4px 0 0;font-size:12px;color:var(--muted);display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center}
.k{display:inline-block;height:10px;border-radius:5px;background:#7f8896;margin-left:10px}
.k.point{width:10px;margin-left:0}.k.vague{width:26px;opacity:.5}.k.span{width:26px}.k.pushback{width:10px;box-shadow:0 0 0 2px var(--ink)}
main{padding:0 32px 16px;display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:0 18px;align-items:start}
h2.year{grid-column:1/-1;font-size:18px;margin:22px 0 2px;padding-bottom:2px;border-bottom:1px solid var(--line)}
article.event{scroll-margin-top:90px;position:relative;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px 12px 22px;margin:10px 0 0;overflow:hidden}
article.event .bar{position:absolute;left:0;top:0;bottom:0;width:6px}
article.event:target,article.event.flash{box-shadow:0 0 0 3px #f2b705}
.when{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
article h3{margin:2px 0 4px;font-size:16px;line-height:1.35}
.meta{display:flex;flex-wrap:wrap;gap:5px 6px;align-items:center;font-size:13px;color:var(--muted)}
.meta .where{margin-right:4px;color:var(--ink)}
.chip{font-size:12px;padding:0 8px;border-radius:999px;white-space:nowrap}
.summary{margin:6px 0}
.note{margin:6px 0;font-size:13.5px;color:#454b55;font-style:italic}
.actors{margin:6px 0;font-size:13px;color:var(--muted)}
.sources{margin:4px 0 0;padding-left:18px;font-size:13px}
.sources .pub{color:var(--muted)}
a{color:var(--link)}
.empty,.noscript{padding:0 32px;color:var(--muted)}
footer{padding:8px 32px 28px;font-size:12px;color:var(--muted)}
@media (max-width:700px){header,.controls,.legend,.axis-wrap,main,footer{padding-left:12px;padding-right:12px}main{grid-template-columns:1fr}
.controls{position:static}.controls label{width:100%}#search,.controls select{width:100%;max-width:none}article.event{scroll-margin-top:8px}}
"""

SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pcdip-data").textContent);
  var themes = {};
  data.themes.forEach(function (t) { themes[t.id] = t; });
  var pushback = {};
  data.themes.forEach(function (t) { if (t.pushback) { pushback[t.id] = true; } });
  var search = document.getElementById("search");
  var themeSelect = document.getElementById("theme");
  var countrySelect = document.getElementById("country");
  var axis = document.getElementById("axis");
  var list = document.getElementById("events");
  var legend = document.getElementById("legend");
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
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
  function themeOf(id) { return themes[id] || {id: id, label: id, colour: "#7f7f7f", ink: "#ffffff"}; }
  function countryName(code) { return data.countries[code] || code; }
  function chip(id) {
    var t = themeOf(id);
    var c = el("span", "chip", t.label);
    c.style.background = t.colour;
    c.style.color = t.ink;
    c.setAttribute("title", t.description || t.label);
    return c;
  }

  // Counts for the controls.
  var themeCounts = {}, countryCounts = {};
  data.events.forEach(function (e) {
    e.themes.forEach(function (t) { themeCounts[t] = (themeCounts[t] || 0) + 1; });
    e.countries.forEach(function (c) { countryCounts[c] = (countryCounts[c] || 0) + 1; });
    e.haystack = [e.title, e.summary, e.note || "", e.place || "", e.actors.join(" "),
                  e.countries.map(countryName).join(" ")].join("\\n").toLowerCase();
  });
  data.themes.forEach(function (t) {
    if (!themeCounts[t.id]) { return; }
    var option = el("option", "", t.label + " (" + themeCounts[t.id] + ")");
    option.setAttribute("value", t.id);
    themeSelect.appendChild(option);
    var button = el("button", "");
    button.setAttribute("type", "button");
    button.setAttribute("data-theme", t.id);
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("title", t.description);
    var swatch = el("span", "swatch");
    swatch.style.background = t.colour;
    button.appendChild(swatch);
    button.appendChild(el("span", "", t.label));
    button.appendChild(el("span", "n", String(themeCounts[t.id])));
    button.addEventListener("click", function () {
      themeSelect.value = themeSelect.value === t.id ? "" : t.id;
      update();
    });
    legend.appendChild(button);
  });
  Object.keys(data.countries).sort(function (a, b) {
    return countryName(a).localeCompare(countryName(b));
  }).forEach(function (code) {
    var option = el("option", "", countryName(code) + " (" + countryCounts[code] + ")");
    option.setAttribute("value", code);
    countrySelect.appendChild(option);
  });

  // The cards, built once, grouped by the year their span starts in.
  var cards = [], headings = [];
  var heading = null, headingYear = null;
  data.events.forEach(function (e) {
    var year = new Date(e.start * 86400000).getUTCFullYear();
    if (year !== headingYear) {
      heading = {node: el("h2", "year", String(year)), cards: []};
      headings.push(heading);
      list.appendChild(heading.node);
      headingYear = year;
    }
    var card = el("article", "event");
    card.setAttribute("id", "ev-" + e.id);
    var bar = el("div", "bar");
    bar.style.background = themeOf(e.themes[0]).colour;
    card.appendChild(bar);
    card.appendChild(el("div", "when", e.when));
    card.appendChild(el("h3", "", e.title));
    var meta = el("div", "meta");
    var where = e.countries.map(countryName);
    if (e.place) { where.unshift(e.place); }
    if (where.length) { meta.appendChild(el("span", "where", where.join(", "))); }
    e.themes.forEach(function (t) { meta.appendChild(chip(t)); });
    card.appendChild(meta);
    card.appendChild(el("p", "summary", e.summary));
    if (e.note) { card.appendChild(el("p", "note", "Note: " + e.note)); }
    if (e.actors.length) { card.appendChild(el("p", "actors", "Actors: " + e.actors.join("; "))); }
    var sources = el("ul", "sources");
    e.sources.forEach(function (s) {
      var item = el("li");
      item.appendChild(link(s.url, s.title));
      item.appendChild(el("span", "pub", " — " + s.publisher + (s.published ? ", " + s.published : "")));
      if (s.archive_url) {
        item.appendChild(document.createTextNode(" · "));
        item.appendChild(link(s.archive_url, "archived"));
      }
      sources.appendChild(item);
    });
    card.appendChild(sources);
    list.appendChild(card);
    var entry = {event: e, node: card};
    cards.push(entry);
    heading.cards.push(entry);
  });

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // The time axis: markers placed in proportion to dates, packed into lanes so none overlap.
  function drawAxis(visible) {
    clear(axis);
    var width = axis.clientWidth || 1000;
    var d0 = data.range[0], d1 = data.range[1];
    var scale = width / Math.max(1, d1 - d0);
    var years = data.years[1] - data.years[0] + 1;
    var step = [1, 2, 5, 10, 20, 50, 100].filter(function (s) { return width / years * s >= 44; })[0] || 100;
    var top = 22, laneHeight = 17, ends = [];
    var sorted = visible.slice().sort(function (a, b) { return a.start - b.start || a.stop - b.stop; });
    var markers = [];
    sorted.forEach(function (e) {
      var x = Math.round((e.start - d0) * scale);
      var w = Math.max(12, Math.round((e.stop - e.start) * scale));
      var lane = 0;
      while (lane < ends.length && ends[lane] > x - 3) { lane += 1; }
      ends[lane] = x + w;
      markers.push([e, x, w, lane]);
    });
    axis.style.height = (top + Math.max(ends.length, 1) * laneHeight + 8) + "px";
    for (var y = data.years[0]; y <= data.years[1] + 1; y += 1) {
      var tick = el("div", (y - data.years[0]) % step === 0 ? "tick label" : "tick");
      tick.style.left = Math.round((Date.UTC(y, 0, 1) / 86400000 - d0) * scale) + "px";
      if ((y - data.years[0]) % step === 0 && y <= data.years[1]) { tick.appendChild(el("span", "", String(y))); }
      axis.appendChild(tick);
    }
    markers.forEach(function (m) {
      var e = m[0];
      var a = el("a", "marker " + e.kind);
      if (e.themes.some(function (t) { return pushback[t]; })) { a.className += " pushback"; }
      a.setAttribute("href", "#ev-" + e.id);
      a.setAttribute("title", e.when + " · " + e.title);
      a.setAttribute("aria-label", e.when + ": " + e.title);
      a.style.left = m[1] + "px";
      a.style.width = m[2] + "px";
      a.style.top = (top + m[3] * laneHeight) + "px";
      a.style.background = themeOf(e.themes[0]).colour;
      a.addEventListener("click", function () {
        var card = document.getElementById("ev-" + e.id);
        if (card) {
          card.classList.remove("flash");
          void card.offsetWidth;
          card.classList.add("flash");
        }
      });
      axis.appendChild(a);
    });
  }

  var visible = [];
  function update() {
    var theme = themeSelect.value, country = countrySelect.value;
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    visible = [];
    cards.forEach(function (c) {
      var e = c.event;
      var shown = (!theme || e.themes.indexOf(theme) >= 0) &&
                  (!country || e.countries.indexOf(country) >= 0) &&
                  words.every(function (w) { return e.haystack.indexOf(w) >= 0; });
      c.node.hidden = !shown;
      if (shown) { visible.push(e); }
    });
    headings.forEach(function (h) { h.node.hidden = !h.cards.some(function (c) { return !c.node.hidden; }); });
    Array.prototype.forEach.call(legend.children, function (b) {
      var id = b.getAttribute("data-theme");
      b.setAttribute("aria-pressed", theme === id ? "true" : "false");
      b.classList.toggle("off", Boolean(theme) && theme !== id);
    });
    count.textContent = "Showing " + visible.length + " of " + data.events.length + " event" + (data.events.length === 1 ? "" : "s");
    empty.hidden = visible.length > 0;
    drawAxis(visible);
  }

  search.addEventListener("input", update);
  themeSelect.addEventListener("change", update);
  countrySelect.addEventListener("change", update);
  document.getElementById("reset").addEventListener("click", function () {
    search.value = "";
    themeSelect.value = "";
    countrySelect.value = "";
    update();
  });
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { drawAxis(visible); }, 100);
  });
  update();
})();
"""
