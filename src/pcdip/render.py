"""Views for people: Rich on a terminal, plain text in a pipe. Store text is data, never markup.

Every string that comes from a store goes through `clean()` (control characters made visible) and
into a Rich `Text`, never into markup: a title holding "[bold]" or an ESC sequence prints literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from . import countries
from .engine import Profile
from .fields import REPOSTED_LABEL
from .query import by_year
from .records import Header
from .text import clean, country_names, span

Event = Any  # a Record from the engine, or a models.Event: views read the same attributes
Store = Header

PALETTE = (
    "cyan",
    "green",
    "magenta",
    "yellow",
    "blue",
    "bright_red",
    "bright_cyan",
    "bright_green",
    "bright_magenta",
    "bright_yellow",
    "bright_blue",
    "red",
    "dark_orange",
    "orchid",
    "spring_green3",
)


def T(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


def make_console(file: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """A console for this run. Colour only on a terminal; Rich itself honours NO_COLOR and COLUMNS."""
    return Console(file=file, stderr=stderr, highlight=False, emoji=False, markup=False, soft_wrap=False)


class Styles:
    """Theme colours, fixed by a theme's place in the store's vocabulary, so every view agrees."""

    def __init__(self, store: Store) -> None:
        self.colour = {t.id: PALETTE[i % len(PALETTE)] for i, t in enumerate(store.themes)}

    def themes(self, ids: Sequence[str]) -> Text:
        out = Text()
        for i, theme in enumerate(ids):
            if i:
                out.append(", ")
            out.append(clean(theme), style=self.colour.get(theme, ""))
        return out


# --- timeline -------------------------------------------------------------------------------

WIDE = 120  # from this width on, countries and themes get columns of their own


def timeline_table(events: Sequence[Event], store: Store, console: Console) -> RenderableType:
    """One table for every year, so that columns line up; a year is a bold row opening its section.

    Narrow terminals get two columns (date, and the title over its countries and themes); wide
    ones get four.
    """
    if not events:
        return Text("No events match.", style="dim")
    styles = Styles(store)
    wide = console.width >= WIDE
    table = Table(box=box.SIMPLE_HEAD, show_header=True, show_edge=False, pad_edge=False, padding=(0, 1), expand=True)
    table.add_column("date", no_wrap=True, style="bold")
    table.add_column("event (id below)", ratio=1, overflow="fold")
    if wide:  # countries and themes take what they need (up to a cap); the title takes the rest
        table.add_column("countries", style="dim", overflow="fold", max_width=max(24, console.width // 6))
        table.add_column("themes", overflow="fold", max_width=max(24, console.width // 6))
    blank = ["", "", ""] if wide else [""]
    for year, group in by_year(events):
        table.add_row(Text(str(year), style="bold underline"), *blank)
        for event in group:
            when = T(event.date.text + (f"\n–{event.end.text}" if event.end else ""))
            cell = T(event.title)
            if not wide:
                cell.append("\n")
                cell.append(clean(country_names(event.countries)), style="dim")
                cell.append(" · ", style="dim")
                cell.append(styles.themes(event.themes))
            cell.append("\n")
            cell.append(clean(event.id), style="cyan dim")
            if wide:
                table.add_row(when, cell, T(country_names(event.countries)), styles.themes(event.themes))
            else:
                table.add_row(when, cell)
        table.add_section()
    return table


# --- one event --------------------------------------------------------------------------------


def event_view(event: Event, store: Store, answers: Sequence[Event] = (), answered_by: Sequence[Event] = ()) -> RenderableType:
    styles = Styles(store)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(T("id"), T(event.id))
    grid.add_row(T("date"), T(event.date.describe() + (f" to {event.end.describe()}" if event.end else "")))
    grid.add_row(T("countries"), T(", ".join(f"{countries.name(c)} ({c})" for c in event.countries) or "— (global)"))
    grid.add_row(T("themes"), styles.themes(event.themes))
    if event.actors:
        grid.add_row(T("actors"), T("; ".join(event.actors)))
    for fig in event.figures:
        grid.add_row(T("figure"), T(f"{fig.name}: {fig.describe()}"))
    grid.add_row(T("summary"), T(event.summary))
    if event.note:
        grid.add_row(T("note"), T(event.note, "italic"))
    if event.provenance is not None:
        grid.add_row(T("record"), T(event.provenance.describe(), "dim"))
    for label, linked in (("follows", answers), ("followed by", answered_by)):
        for other in linked:
            grid.add_row(T(label), T(f"{span(other)}  {other.title}  ({other.id})"))
    sources: list[RenderableType] = [Rule(Text("Sources", style="bold"), align="left", style="dim")]
    for i, s in enumerate(event.sources, 1):
        line = T(f"[{i}] {s.publisher}: {s.title}")
        if s.published:
            line.append(clean(f" ({s.published.text})"))
        if s.reposted:
            line.append(f" [{REPOSTED_LABEL}]", style="dim")
        sources.append(line)
        # URLs are never wrapped or cut (the command prints with crop=False): they must stay whole
        # to be copied or clicked.
        sources.append(Text(clean(f"    {s.url}"), style="underline", no_wrap=True, overflow="ignore"))
        if s.archive_url:
            accessed = f" (accessed {s.accessed.text})" if s.accessed else ""
            sources.append(Text(clean(f"    archived: {s.archive_url}{accessed}"), no_wrap=True, overflow="ignore"))
    return Group(Text(clean(event.title), style="bold"), Rule(style="dim"), grid, *sources)


# --- country profile ----------------------------------------------------------------------------


def profile_view(p: Profile, store: Store, console: Console) -> RenderableType:
    styles = Styles(store)
    c = p.country
    head = Text(clean(c.name), style="bold")
    head.append(clean(f"  {c.code} / {c.alpha3}"), style="dim")
    where = " › ".join(x for x in (c.region, c.subregion) if x) or "no UN M49 region"
    parts: list[RenderableType] = [head, T(where, "dim"), Text("")]
    if not p.events:
        parts.append(T(f"The record holds no events for {c.name}."))
        return Group(*parts)
    first, last = p.first, p.last
    assert first is not None and last is not None
    parts.append(T(f"{len(p.events)} event{'s' if len(p.events) != 1 else ''}, from {first.date.text} to {last.date.text}"))
    counts = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    counts.add_column("theme")
    counts.add_column("events", justify="right")
    for theme, n in p.themes:
        t = store.theme(theme)
        counts.add_row(styles.themes([theme]) + T(f"  {t.label}" if t else "", "dim"), T(str(n)))
    parts.append(Padding(counts, (1, 0, 0, 0)))
    if p.pushback:
        parts.append(Rule(Text("Pushback and scrutiny", style="bold"), align="left", style="dim"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for e in p.pushback:
            line = T(e.title)
            line.append(clean(f"  {e.id}"), style="cyan dim")
            grid.add_row(T(span(e)), line)
        parts.append(grid)
    parts.append(Rule(Text("Timeline", style="bold"), align="left", style="dim"))
    parts.append(timeline_table(p.events, store, console))
    return Group(*parts)


# --- vocabularies ------------------------------------------------------------------------------


def themes_table(store: Store, counts: dict[str, int]) -> RenderableType:
    return _ThemesTable(store, counts)


class _ThemesTable:
    """The theme vocabulary as a table laid out for the width it is given.

    Where there is room, the label column is as wide as the longest word of any label, so a
    label wraps between its words, never inside one ("Counterterr/orism"), and the description
    takes the rest; on a narrow console the two share the width.
    """

    def __init__(self, store: Store, counts: dict[str, int]) -> None:
        self.store, self.counts = store, counts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        styles = Styles(self.store)
        widest = max((cell_len(word) for t in self.store.themes for word in t.label.split()), default=5)  # columns, not characters
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
        table.add_column("theme", no_wrap=True)
        table.add_column("events", justify="right")
        if options.max_width >= 72:
            table.add_column("label", width=min(widest, 24), overflow="fold")
            table.add_column("description", overflow="fold", ratio=1)
        else:  # wrapped, never cut: it is what was asked for
            table.add_column("label", ratio=1, overflow="fold")
            table.add_column("description", overflow="fold", ratio=3)
        for t in self.store.themes:
            table.add_row(styles.themes([t.id]), T(str(self.counts.get(t.id, 0))), T(t.label), T(t.description))
        yield table


def countries_table(rows: Sequence[tuple[countries.Country, int]]) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col in ("code", "country", "region", "sub-region"):
        table.add_column(col)
    table.add_column("events", justify="right")
    for c, n in rows:
        table.add_row(T(c.code), T(c.name), T(c.region or "—"), T(c.subregion or "—"), T(str(n)))
    return table


# --- stats ------------------------------------------------------------------------------------


def _bars(rows: Sequence[tuple[Text, int]], width: int, style: str = "cyan") -> Table:
    """A horizontal bar chart: label, count, and a bar scaled to the largest count."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    largest = max((n for _, n in rows), default=0) or 1
    label_width = max((len(label.plain) for label, _ in rows), default=0)
    room = max(10, width - label_width - 8)
    for label, n in rows:
        full, part = divmod(n * room * 8 // largest, 8)
        bar = "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[part]
        table.add_row(label, Text(str(n)), Text(bar, style=style))
    return table


def stats_view(data: dict[str, Any], store: Store, console: Console) -> RenderableType:
    styles = Styles(store)
    width = min(console.width, 100)
    parts: list[RenderableType] = []
    if not data["events"]:
        return Text("No events match.", style="dim")
    parts.append(T(f"{data['events']} events, {data['first']} to {data['last']}", "bold"))
    parts.append(Rule(Text("Events per year (by start)", style="bold"), align="left", style="dim"))
    parts.append(_bars([(T(y), n) for y, n in data["by_year"].items()], width))
    parts.append(Rule(Text("Themes", style="bold"), align="left", style="dim"))
    parts.append(_bars([(styles.themes([t]), n) for t, n in data["by_theme"].items()], width, style="magenta"))
    parts.append(Rule(Text("Regions (counterpart countries)", style="bold"), align="left", style="dim"))
    parts.append(_bars([(T(r), n) for r, n in data["by_region"].items()], width, style="green"))
    parts.append(Rule(Text("Top countries", style="bold"), align="left", style="dim"))
    parts.append(_bars([(T(f"{c['name']} ({c['code']})"), c["events"]) for c in data["top_countries"]], width, style="yellow"))
    return Group(*parts)
