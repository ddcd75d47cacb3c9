"""Commands that read a store: timeline, theme, country, show, themes, countries, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError
from ..exporters import FORMATS, help_text
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
    complete_event_id,
    complete_theme,
    emit,
    engine,
    export_chunks,
    output_events,
    show_view,
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
    eng = engine(store)
    filters = build_filters(
        eng.header.theme_labels,
        date_from=date_from,
        date_to=date_to,
        country=country,
        theme=theme,
        region=region,
        actor=actor,
        search=search,
        limit=limit,
        reverse=reverse,
    )
    output_events(eng, filters, fmt, fields)


@app.command()
def theme(
    themes: Annotated[
        list[str],
        typer.Argument(
            help='One or more themes, by id or name: training, "joint patrols", pushback; `pcdip themes` lists them.',
            show_default=False,
            autocompletion=complete_theme,
        ),
    ],
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
    eng = engine(store)
    filters = build_filters(
        eng.header.theme_labels,
        date_from=date_from,
        date_to=date_to,
        country=country,
        theme=themes,
        all_themes=all_themes,
        region=region,
        actor=actor,
        search=search,
        limit=limit,
        reverse=reverse,
    )
    output_events(eng, filters, fmt, fields)


@app.command()
def country(
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="COUNTRY",
            help="Country name (several words need no quotes), ISO code or alias: Fiji, FJ, PNG, Solomon Islands, Türkiye.",
            show_default=False,
            autocompletion=complete_country,
        ),
    ],
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

    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    eng = engine(store)
    code = countries.resolve(" ".join(name)).code
    filters = build_filters(eng.header.theme_labels, date_from=date_from, date_to=date_to, theme=theme)
    if fmt == "json":
        emit(eng.profile_json(code, filters) + "\n")
        return
    result = eng.profile(code, filters)
    from ..render import make_console, profile_view

    show_view(profile_view(result, eng.header, make_console()))


@app.command()
def show(
    event_id: Annotated[
        list[str],
        typer.Argument(
            metavar="ID_OR_WORDS",
            help="An event's id, a unique start of one, or words of its title or summary.",
            show_default=False,
            autocompletion=complete_event_id,
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOpt = None,
) -> None:
    """One event in full: dates, countries, figures, note, provenance, linked events and sources.

    Give its id (every view lists them), a unique start of one, or words: one match opens it,
    several are listed (exit 1).

    Example: pcdip show 2022-12-italy-ends-joint-patrols   (or: pcdip show italy patrols)
    """
    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    eng = engine(store)
    event = find_event(eng, event_id)
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps(event.to_dict(), indent=2) + "\n")
        return
    from ..render import event_view

    answers, answered_by = eng.related(event)
    show_view(event_view(event, eng.header, answers, answered_by))


def find_event(eng: Any, words: list[str]) -> Any:
    """The one event an id, id prefix or set of words names; NotFoundError listing candidates otherwise."""
    from ..engine import id_matches, the_one
    from ..query import Filters

    text = " ".join(words).strip()
    if not text:
        raise UsageError("give an event id or words of its title")
    candidates = id_matches(eng, text)
    if not candidates:  # no id starts with it: the words of titles and summaries
        ids: set[str] | None = None
        for word in text.split():
            found = {e.id for e in eng.select(Filters(search=word))}
            ids = found if ids is None else ids & found
        candidates = [i for i in eng.ids() if i in ids][:21] if ids else []
    return the_one(eng, text, candidates)


@app.command()
def themes(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOpt = None,
) -> None:
    """The store's theme vocabulary, with the number of events of each.

    Example: pcdip themes --format json
    """
    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    eng = engine(store)
    counts = eng.theme_counts()
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps([{**t.to_dict(), "events": counts.get(t.id, 0)} for t in eng.header.themes], indent=2) + "\n")
        return
    from ..render import themes_table

    show_view(themes_table(eng.header, counts))


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

    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    eng = engine(store)
    filters = build_filters(eng.header.theme_labels, date_from=date_from, date_to=date_to, theme=theme, region=region)
    counts = eng.country_counts(filters)
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
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout (a folder, for datapackage).")] = None,
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
    if exporter.folder and (output is None or str(output) == "-"):
        raise UsageError(f"--format {exporter.name} writes a folder: add -o DIR")
    if exporter.requires_file and output is None:
        raise UsageError(f"--format {exporter.name} writes a file: add -o FILE{exporter.extension}")
    eng = engine(store)
    filters = build_filters(
        eng.header.theme_labels,
        date_from=date_from,
        date_to=date_to,
        country=country,
        theme=theme,
        region=region,
        actor=actor,
        search=search,
        limit=limit,
        reverse=reverse,
    )
    if exporter.folder:
        from ..exporters.datapackage import check_folder, write_folder

        assert output is not None
        check_folder(output, eng.store_path)  # refused before any work is done
        write_folder(output, exporter.files(eng.select(filters), eng.header), reading=eng.store_path)
        n = eng.count(filters)
        sys.stderr.write(f"wrote {n} event{'s' if n != 1 else ''} to {output}\n")
        return
    to_file = output is not None and str(output) != "-"
    if to_file:
        from ..outputs import check_target

        assert output is not None
        check_target(output, eng.store_path)
    if exporter.name == "html":  # the page says which filters produced it
        import copy

        from .. import countries as _countries

        described = [
            f"from {filters.start}" if filters.start else "",
            f"to {filters.end}" if filters.end else "",
            "countries: " + ", ".join(_countries.name(c) for c in filters.countries) if filters.countries else "",
            "themes: " + ", ".join(filters.themes) if filters.themes else "",
            f"region: {filters.region}" if filters.region else "",
            "actor: " + " or ".join(filters.actor) if filters.actor else "",
            f"search: {filters.search}" if filters.search is not None else "",
            f"at most {filters.limit}" if filters.limit is not None else "",
            "latest first" if filters.reverse else "",
        ]
        header = copy.copy(eng.header)
        header.selection = "; ".join(d for d in described if d) or None  # type: ignore[attr-defined]
        eng.header = header
    emit(export_chunks(eng, filters, exporter, picked), output, reading=eng.store_path)
    if to_file:
        n = eng.count(filters)
        sys.stderr.write(f"wrote {n} event{'s' if n != 1 else ''} to {output}\n")


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
    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    eng = engine(store)
    filters = build_filters(
        eng.header.theme_labels, date_from=date_from, date_to=date_to, country=country, theme=theme, region=region, actor=actor, search=search
    )
    result = eng.stats(filters, top=top)
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps(result, indent=2) + "\n")
        return
    from ..render import make_console, stats_view

    show_view(stats_view(result, eng.header, make_console()))
