"""`pcdip diff OLD NEW`: what changed between two stores (releases of the record, or two copies)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UsageError
from . import app, emit, show_view

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from ..diff import Diff, FieldChange

FORMATS = ("table", "json", "md")


@app.command()
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The older store: a file, or REV:PATH as git holds it.", show_default=False)],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The newer store: a file, or REV:PATH as git holds it.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table (plain text when piped), json or md (a Markdown changelog).")] = "table",
) -> None:
    """What changed between two stores: events added, removed and changed (field by field), and themes.

    Each store is a file, or REV:PATH: the file as git holds it at a revision (a commit, tag or
    branch), read in the current folder's repository. Events and themes are matched by id; an
    event whose id changed shows as one removed and one added. Exit 0 whether or not the stores
    differ (1 when one cannot be read or is invalid).

    Example: pcdip diff HEAD~5:data/events.toml data/events.toml --format md > CHANGES.md
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
    from ..diff import diff_files

    result = diff_files(old, new)
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps(result.to_dict(), indent=2) + "\n")
    elif fmt == "md":
        emit(result.to_markdown())
    elif sys.stdout.isatty():
        show_view(diff_view(result))
    else:
        emit(diff_plain(result))


# --- the view -----------------------------------------------------------------------------------


def _t(text: str, style: str = "") -> Text:
    from rich.text import Text

    from ..text import clean

    return Text(clean(text), style=style)


def _change_lines(change: FieldChange) -> Text:
    """A field's change as diff lines: `- old` and `+ new`, or, for a list, the items that went and came."""
    from ..diff import LIST_FIELDS, describe, describe_item

    out = _t("")
    lines: list[tuple[str, str]] = []
    if change.field in LIST_FIELDS:
        gone, came = change.items()
        lines += [("- ", describe_item(change.field, x)) for x in gone] + [("+ ", describe_item(change.field, x)) for x in came]
        if not lines:
            lines.append(("~ ", "same items, new order"))
    else:
        lines += [("- ", describe(change.field, change.old)), ("+ ", describe(change.field, change.new))]
    for i, (sign, text) in enumerate(lines):
        if i:
            out.append("\n")
        out.append_text(_t(sign + text, {"- ": "red", "+ ": "green"}.get(sign, "yellow")))
    return out


def _events_table(rows: list[tuple[str, str, str]], style: str) -> RenderableType:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1, overflow="fold")
    for date, title, event_id in rows:
        cell = _t(title, style)
        cell.append_text(_t(f"\n{event_id}", "cyan dim"))
        table.add_row(_t(date), cell)
    return table


def diff_view(result: Diff) -> RenderableType:
    """The differences for people: a summary, then the store, themes, added, removed and changed
    events. Store text is data (Rich Text, control characters made visible), never markup."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.table import Table

    from ..diff import describe

    parts: list[Any] = [_t(f"{result.old_name} → {result.new_name}", "bold"), _t(result.summary())]
    if result.empty:
        parts.append(_t("No differences.", "dim"))
        return Group(*parts)

    def section(title: str) -> None:
        parts.append(Rule(_t(title, "bold"), align="left", style="dim"))

    def grid() -> Table:
        g = Table.grid(padding=(0, 2))
        g.add_column(no_wrap=True, style="bold")
        g.add_column(ratio=1, overflow="fold")
        return g

    if result.header:
        section("Store")
        g = grid()
        for c in result.header:
            g.add_row(_t(c.field), _change_lines(c))
        parts.append(g)
    if result.themes_added or result.themes_removed or result.themes_changed:
        section("Themes")
        g = grid()
        for t in result.themes_added:
            g.add_row(_t("+ " + t["id"], "green"), _t(t["label"]))
        for t in result.themes_removed:
            g.add_row(_t("- " + t["id"], "red"), _t(t["label"]))
        for tc in result.themes_changed:
            for c in tc.changes:
                g.add_row(_t(f"~ {tc.id} {c.field}", "yellow"), _t(f"{describe(c.field, c.old)} → {describe(c.field, c.new)}"))
        parts.append(g)
    if result.added:
        section(f"Added ({len(result.added)})")
        parts.append(_events_table([(e["date"], e["title"], e["id"]) for e in result.added], "green"))
    if result.removed:
        section(f"Removed ({len(result.removed)})")
        parts.append(_events_table([(e["date"], e["title"], e["id"]) for e in result.removed], "red"))
    if result.changed:
        section(f"Changed ({len(result.changed)})")
        for ch in result.changed:
            parts.append(_events_table([(ch.date, ch.title, ch.id)], ""))
            g = grid()
            for c in ch.changes:
                g.add_row(_t("  " + c.field), _change_lines(c))
            parts.append(g)
    return Group(*parts)


# --- plain text, for pipes --------------------------------------------------------------------


def _line(text: str) -> str:
    from ..text import clean

    return clean(" ".join(text.splitlines()))  # a note's paragraphs on one line: one line per change, for grep


def _change_plain(change: FieldChange) -> Iterator[str]:
    from ..diff import LIST_FIELDS, describe, describe_item

    if change.field in LIST_FIELDS:
        gone, came = change.items()
        for sign, items in (("-", gone), ("+", came)):
            for item in items:
                yield f"      {change.field} {sign} {_line(describe_item(change.field, item))}\n"
        if not gone and not came:
            yield f"      {change.field} ~ same items, new order\n"
    else:
        yield f"      {change.field} - {_line(describe(change.field, change.old))}\n"
        yield f"      {change.field} + {_line(describe(change.field, change.new))}\n"


def diff_plain(result: Diff) -> Iterator[str]:
    """The differences as plain lines (no Rich): a section word, then one line an event, `+` added,
    `-` removed, `~` changed, its id last; under a changed event, one line per old or new value."""
    from ..diff import describe

    yield _line(f"{result.old_name} → {result.new_name}") + "\n"
    yield result.summary() + "\n"
    if result.empty:
        yield "No differences.\n"
        return
    if result.header:
        yield "store\n"
        for c in result.header:
            yield from _change_plain(c)
    if result.themes_added or result.themes_removed or result.themes_changed:
        yield "themes\n"
        for sign, themes in (("+", result.themes_added), ("-", result.themes_removed)):
            for t in themes:
                yield f"  {sign} {_line(t['id'])}  {_line(t['label'])}\n"
        for tc in result.themes_changed:
            for c in tc.changes:
                yield f"  ~ {tc.id} {c.field}: {_line(describe(c.field, c.old))} → {_line(describe(c.field, c.new))}\n"
    for word, sign, events in (("added", "+", result.added), ("removed", "-", result.removed)):
        if events:
            yield f"{word}\n"
            for e in events:
                yield f"  {sign} {_line(e['date']):<12} {_line(e['title'])}  {e['id']}\n"
    if result.changed:
        yield "changed\n"
        for ch in result.changed:
            yield f"  ~ {_line(ch.date):<12} {_line(ch.title)}  {ch.id}\n"
            for c in ch.changes:
                yield from _change_plain(c)
