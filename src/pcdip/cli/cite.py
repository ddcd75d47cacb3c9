"""The `cite` command: citations of events and their sources (the work is done by pcdip.cite)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from . import (
    ActorOpt,
    CountryOpt,
    FromOpt,
    LimitOpt,
    RegionOpt,
    ReverseOpt,
    SearchOpt,
    StoreOpt,
    ThemeOpt,
    ToOpt,
    app,
    build_filters,
    complete_event_id,
    emit,
    engine,
    parse_date_option,
)

FORMAT_NAMES = ("text", "bibtex", "csl-json", "ris")  # pcdip.cite.FORMATS (not imported at start-up)
STYLE_NAMES = ("apa", "chicago")  # pcdip.cite.STYLES


@app.command()
def cite(
    event_ids: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="ID",
            help="Event ids as `pcdip timeline` shows them, or unique starts of ids; none: the events the filters select.",
            show_default=False,
            autocompletion=complete_event_id,
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, bibtex, csl-json (Zotero, pandoc) or ris (EndNote, Zotero, Mendeley).")] = "text",
    style: Annotated[Optional[str], typer.Option("--style", help="For --format text: apa (the default) or chicago.", show_default=False)] = None,
    accessed: Annotated[
        Optional[str], typer.Option("--accessed", help="When you accessed the record: 2026-12-04, 2026-12 (default: today).", show_default=False)
    ] = None,
    release: Annotated[
        Optional[str],
        typer.Option("--release", help="The dataset release to cite (default: the highest release in the store's provenance).", show_default=False),
    ] = None,
    url: Annotated[
        Optional[str],
        typer.Option("--url", help="The dataset's URL (default: the project's for the bundled record; none for another store).", show_default=False),
    ] = None,
    author: Annotated[
        Optional[str],
        typer.Option("--author", help="The dataset's author, a group or organisation (default: pcdip developers for the bundled record).", show_default=False),
    ] = None,
    no_sources: Annotated[bool, typer.Option("--no-sources", help="Cite the events only, not the sources they cite.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False)] = None,
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
    """Citations of events, as entries of the dataset, and of the sources each event cites.

    Name events by id (or a unique start of one), or select them with the timeline's filters
    (not both); with neither, every event of the store is cited. An event is cited with the
    dataset's title, release, author and URL, its id and title, and the date you accessed the
    record; each source with its title, publisher, date (at its precision) and URL. Keys are
    "pcdip:" and the event id, then ":s1", ":s2"... for its sources.

    The release is the highest one named in the events' provenance (added or checked), unless
    --release says otherwise. The bundled record is cited with the project's URL and authors;
    another store with --url and --author, or without them.

    Example: pcdip cite 2022-12-italy-ends-joint-patrols --format bibtex   (or: pcdip cite -c Fiji -t scrutiny -f ris -o fiji.ris)
    """
    from .. import cite as citing
    from ..store import bundled_store

    fmt = fmt.lower()
    if fmt not in FORMAT_NAMES:
        raise UsageError(f"--format {fmt}: choose one of {', '.join(FORMAT_NAMES)}")
    if style is not None:
        if fmt != "text":
            raise UsageError(f"--style is for --format text, not {fmt}")
        style = style.lower()
        if style not in STYLE_NAMES:
            raise UsageError(f"--style {style}: choose {' or '.join(STYLE_NAMES)}")
    if release is not None and not citing.is_release(release):
        raise UsageError(f"--release {release!r}: give a release such as 0.2.0")
    if url is not None:
        from ..models import check_url

        try:
            check_url(url)
        except ValueError as exc:
            raise UsageError(f"--url {exc}") from None
    if author is not None and not author.strip():
        raise UsageError("--author: give a name")
    day = parse_date_option("--accessed", accessed)
    filtering = any(v for v in (date_from, date_to, country, theme, region, actor, search, reverse)) or limit is not None
    if event_ids and filtering:
        raise UsageError("name events by id or select them with filters, not both")

    eng = engine(store)
    if event_ids:
        from ..engine import event_by_id

        events = list({e.id: e for e in (event_by_id(eng, i) for i in event_ids)}.values())
    else:
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
        events = list(eng.select(filters))

    from ..outputs import same_file

    bundled = eng.store_path is not None and same_file(eng.store_path, bundled_store())
    if release is None:
        release = citing.store_release(eng.select())  # the store's release, whichever events are cited
    dataset = citing.dataset_for(
        eng.header,
        release=release,
        accessed=day,
        url=url if url is not None else (citing.PROJECT_URL if bundled else None),
        author=author.strip() if author is not None else (citing.PROJECT_AUTHOR if bundled else None),
    )
    text = citing.cite(events, dataset, fmt, style=style or "apa", header=eng.header, sources=not no_sources)

    to_file = output is not None and str(output) != "-"
    if to_file:
        from ..outputs import check_target

        assert output is not None
        check_target(output, eng.store_path)
    if not events:
        sys.stderr.write("No events match: nothing to cite.\n")
        if not to_file and fmt != "csl-json":
            return
    emit(text, output, reading=eng.store_path)
    if to_file:
        n_sources = 0 if no_sources else sum(len(e.sources) for e in events)
        sys.stderr.write(
            f"wrote citations of {len(events)} event{'s' if len(events) != 1 else ''}"
            + (f" and {n_sources} source{'s' if n_sources != 1 else ''}" if not no_sources else "")
            + f" to {output}\n"
        )
