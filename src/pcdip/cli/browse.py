"""Commands that read a store: timeline, theme, country, show, themes, countries, export."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import NotFoundError, UsageError
from ..exporters import FORMATS, help_text
from ..query import Filters
from . import (
    ActorOpt,
    CountryOpt,
    FieldsOpt,
    FromOpt,
    LimitOpt,
    RegionOpt,
    ReverseOpt,
    SearchOpt,
    StoreOpt,
    ThemeOpt,
    TimelineFormatOpt,
    ToOpt,
    app,
    build_filters,
    complete_country,
    complete_theme,
    emit,
    export_text,
    output_events,
    show_view,
    source,
)

# ---------------------------------------------------------------------------------

@app.command()
def timeline(
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    region: RegionOpt = None,
    actor: ActorOpt = None,
    search: SearchOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    fmt: TimelineFormatOpt = "table",
    fields: FieldsOpt = None,
    store: StoreOpt = None,
) -> None:
    """Events in date order, grouped by year.

    Dates keep the precision of their sources ("2023", "2022-12", "2025-02-20"); a date filter keeps
    every event whose span overlaps the range asked for.

    Example: pcdip timeline --from 2022 --to 2023-06 -c "Solomon Islands" -t training
    """
    src = source(store)
    filters = build_filters(src.themes, date_from=date_from, date_to=date_to, country=country, theme=theme, region=region,
                            actor=actor, search=search, limit=limit, reverse=reverse)
    output_events(src.select(filters), fmt, fields)


@app.command()
def theme(
    themes: Annotated[list[str], typer.Argument(help="One or more themes, by id or name: training, \"joint patrols\", pushback; `pcdip themes` lists them.", show_default=False, autocompletion=complete_theme)],
    all_themes: Annotated[bool, typer.Option("--all", help="Only events having every theme given (default: any).")] = False,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    actor: ActorOpt = None,
    search: SearchOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    fmt: TimelineFormatOpt = "table",
    fields: FieldsOpt = None,
    store: StoreOpt = None,
) -> None:
    """Events having one of the themes given (or all of them, with --all).

    Example: pcdip theme training equipment --all --from 2023
    """
    src = source(store)
    filters = build_filters(src.themes, date_from=date_from, date_to=date_to, country=country, theme=themes, all_themes=all_themes,
                            region=region, actor=actor, search=search, limit=limit, reverse=reverse)
    output_events(src.select(filters), fmt, fields)


@app.command()
def country(
    name: Annotated[str, typer.Argument(help="Country name, ISO code or alias: Fiji, FJ, PNG, Solomons, Türkiye.", show_default=False, autocompletion=complete_country)],
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    theme: ThemeOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOpt = None,
) -> None:
    """A country's profile: region, event counts by theme, pushback, and its timeline.

    Example: pcdip country "Papua New Guinea"   (or: pcdip country PNG --format json)
    """
    from .. import countries
    from ..query import profile

    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    src = source(store)
    code = countries.resolve(name).code
    filters = build_filters(src.themes, date_from=date_from, date_to=date_to, theme=theme)
    data = src.select(replace(filters, countries=(code,))).store
    result = profile(data, code, filters)
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps(result.to_dict(), indent=2) + "\n")
        return
    from ..render import make_console, profile_view

    show_view(profile_view(result, data, make_console()))


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id, as timeline --format json shows it.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOpt = None,
) -> None:
    """One event in full: dates, countries, figures, note, linked events and sources.

    Example: pcdip show 2022-12-italy-ends-joint-patrols
    """
    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    data = source(store).select(Filters()).store
    event = data.event(event_id)
    if event is None:
        import difflib

        ids = [e.id for e in data.events]
        close = [i for i in ids if i.startswith(event_id)][:3] or difflib.get_close_matches(event_id, ids, n=3, cutoff=0.75)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `pcdip timeline --format json` lists the ids"
        raise NotFoundError(f"no event has the id {event_id!r}{hint}")
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps(event.to_dict(), indent=2) + "\n")
        return
    from ..render import event_view

    show_view(event_view(event, data))


@app.command()
def themes(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOpt = None,
) -> None:
    """The store's theme vocabulary, with the number of events of each.

    Example: pcdip themes --format json
    """
    from ..query import theme_counts

    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    data = source(store).select(Filters()).store
    counts = theme_counts(data.events)
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps([{**t.model_dump(), "events": counts.get(t.id, 0)} for t in data.themes], indent=2) + "\n")
        return
    from ..render import themes_table

    show_view(themes_table(data, counts))


@app.command("countries")
def countries_(
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    theme: ThemeOpt = None,
    region: RegionOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOpt = None,
) -> None:
    """The countries in the store, with region, sub-region and number of events, most first.

    With filters, only the events they select are counted, and --region keeps the countries of
    that region.

    Example: pcdip countries -t pushback --from 2022 --region Oceania
    """
    from .. import countries
    from ..query import country_counts

    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    src = source(store)
    filters = build_filters(src.themes, date_from=date_from, date_to=date_to, theme=theme, region=region)
    counts: dict[str, int] = dict(country_counts(src.select(filters).store.events))
    if filters.region is not None:
        counts = {code: n for code, n in counts.items() if countries.in_region(code, filters.region)}
    rows = sorted(((countries.get(code), n) for code, n in counts.items()), key=lambda r: (-r[1], r[0].name))
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps([{**c.to_dict(), "events": n} for c, n in rows], indent=2) + "\n")
        return
    if not rows:
        emit("No events match.\n")
        return
    from ..render import countries_table

    show_view(countries_table(rows))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}. {help_text()}.")] = "json",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False)] = None,
    fields: FieldsOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    region: RegionOpt = None,
    actor: ActorOpt = None,
    search: SearchOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    store: StoreOpt = None,
) -> None:
    """Export events, with the timeline's filters, for other tools (formats below; fields in the README).

    Example: pcdip export -f csv --from 2022 -t scrutiny -o pushback.csv
    """
    from .. import exporters

    exporter = exporters.get(fmt)
    picked = exporters.parse_fields(fields, exporter)
    if exporter.requires_file and output is None:
        raise UsageError(f"--format {exporter.name} writes a file: add -o FILE{exporter.extension}")
    src = source(store)
    filters = build_filters(src.themes, date_from=date_from, date_to=date_to, country=country, theme=theme, region=region,
                            actor=actor, search=search, limit=limit, reverse=reverse)
    selection = src.select(filters)
    emit(export_text(selection, exporter, picked), output)
    if output is not None:
        sys.stderr.write(f"wrote {len(selection)} event{'s' if len(selection) != 1 else ''} to {output}\n")


@app.command()
def stats(
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    region: RegionOpt = None,
    actor: ActorOpt = None,
    search: SearchOpt = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many countries to list.")] = 10,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOpt = None,
) -> None:
    """Counts per year (a bar chart), per theme, per region, and the top countries, with the timeline's filters.

    Example: pcdip stats --from 2020 --region Oceania
    """
    from ..query import stats as compute

    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    src = source(store)
    filters = build_filters(src.themes, date_from=date_from, date_to=date_to, country=country, theme=theme, region=region, actor=actor, search=search)
    data = src.select(filters).store
    result = compute(data.events, data, top=top)
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps(result, indent=2) + "\n")
        return
    from ..render import make_console, stats_view

    show_view(stats_view(result, data, make_console()))
