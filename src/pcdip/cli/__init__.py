"""The pcdip command line: parse options, call the core, hand results to a view or an exporter.

The one place where errors become exit codes is `PcdipGroup.invoke` (for PcdipError) and `main`
(for everything else): 0 success, 1 data or not-found errors, 2 usage errors, 130 Ctrl-C.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional, cast

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import PcdipError, UsageError
from ..exporters import field_formats, timeline_formats

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..engine import Engine
    from ..models import Store
    from ..query import Filters

EXIT_CODES = {
    0: "success (an empty result included)",
    1: "data error: invalid or unreadable store, unknown country, theme, region or id; an output that cannot be written",
    2: "usage error: unknown command or option, malformed option value, unknown format or field",
    130: "interrupted (Ctrl-C)",
}


# Metavars in help: what an option takes, in words; a flag takes nothing (Typer would print <bool>,
# which reads as if `--reverse true` were the way to write it).
METAVARS = {
    "--from": "DATE",
    "--to": "DATE",
    "--date": "DATE",
    "--end": "DATE",
    "--source-published": "DATE",
    "--accessed": "DATE",
    "--country": "COUNTRY",
    "--theme": "THEME",
    "--region": "REGION",
    "--limit": "N",
    "--top": "N",
    "--fields": "FIELDS",
    "--format": "FORMAT",
    "--store": "PATH",
    "--output": "PATH",
    "--id": "ID",
    "--related": "ID",
    "--style": "STYLE",
    "--on-duplicate": "error|skip|replace",
    "--source-url": "URL",
    "--release": "VERSION",
    "--url": "URL",
    "--author": "NAME",
}


def _prepare(command: Any) -> None:
    """Before a command line is parsed: name each option's value in help (`--store PATH`, no
    metavar on flags, no Python type on arguments), let help prose wrap to the terminal, and let
    plain values skip Pydantic."""
    from . import _compat

    if getattr(command, "help", None):  # Typer's Rich help keeps a docstring's line breaks: let it wrap prose instead
        command.help = "\n\n".join(" ".join(line.strip() for line in para.splitlines()) for para in command.help.strip().split("\n\n"))
    for param in getattr(command, "params", []):
        if isinstance(param, (_compat.Option, _compat.Argument)):
            _compat.coerce_plainly(param)
        if isinstance(param, _compat.Argument):
            _compat.hide_argument_type(param)
        if isinstance(param, _compat.Option):
            param = cast(Any, param)
            if param.is_flag or param.count:
                param.metavar = ""
            elif param.metavar is None:
                long = next((o for o in param.opts if o.startswith("--")), "")
                param.metavar = METAVARS.get(long, "N" if _compat.takes_int(param) else "TEXT")
    try:  # the help option is made on first use: make it now, so that it shows no metavar either
        helper = command.get_help_option(typer.Context(command, help_option_names=["-h", "--help"]))
        if helper is not None:
            helper.metavar = ""
            _compat.coerce_plainly(helper)
    except (AttributeError, TypeError):
        pass
    for sub in getattr(command, "commands", {}).values():
        _prepare(sub)


class PcdipGroup(TyperGroup):
    """The one place where errors become messages and exit codes, for `main` and CliRunner alike:
    PcdipError (`invoke`) and Click's own usage errors (`main`) are one line on stderr,
    `pcdip: error: …`, plain text whatever the terminal; usage errors exit 2, Ctrl-C 130."""

    def main(  # type: ignore[override]  # standalone_mode is handled here; the rest goes to Typer
        self, args: Any = None, prog_name: Any = None, complete_var: Any = None, standalone_mode: bool = True, **extra: Any
    ) -> Any:
        from . import _compat

        _prepare(self)
        if os.environ.get("_PCDIP_COMPLETE"):
            _compat.quote_completions(bash_quoted, powershell_quoted)
        code: int
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except _compat.Abort:
            report("interrupted; nothing was written")
            code = 130
        except _compat.TyperException as exc:  # Click's usage errors (exit 2) and other errors
            ctx: Any = getattr(exc, "ctx", None)
            code = int(getattr(exc, "exit_code", 1))
            if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
                sys.stdout.write(ctx.get_help() + "\n")
                code = 0
            else:
                where = "" if code != 2 else f" (see '{ctx.command_path if ctx is not None else 'pcdip'} --help')"
                report(f"{exc.format_message()}{where}")  # type: ignore[attr-defined]
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PcdipError as exc:
            report(exc.message, exc.details)
            raise typer.Exit(exc.exit_code) from None
        finally:  # an index this run built is saved for the next, whatever the command then found
            if "pcdip.cache" in sys.modules:
                sys.modules["pcdip.cache"].finish()


def report(message: str, details: list[str] | None = None) -> None:
    from ..text import clean

    lines = [f"pcdip: error: {clean(message)}"] + [f"  {clean(d)}" for d in details or []]
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


app = typer.Typer(
    cls=PcdipGroup,
    name="pcdip",
    help="A sourced timeline of China's international policing diplomacy: query it, profile a country, export it.",
    epilog="Examples: pcdip timeline --from 2022 · pcdip country Fiji · pcdip theme training · pcdip export -f csv -o events.csv",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pcdip {__version__}")
        raise typer.Exit()


_PAGER_OFF = False


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Never page long views (they are paged on a terminal, as git does).")] = False,
) -> None:
    """A sourced timeline of China's international policing diplomacy: query it, profile a country, export it.

    The bundled store is used unless --store PATH or the PCDIP_STORE environment variable names another.
    Long views on a terminal go through a pager: $PCDIP_PAGER, else $PAGER, else `less -FRX`
    (set either to `cat` or use --no-pager to turn it off).
    """
    global _PAGER_OFF
    _PAGER_OFF = no_pager


# --- shared options --------------------------------------------------------------------------


def bash_quoted(value: str) -> str:
    """A value as bash must read it back as one word: each character the shell would act on
    (space, quote, `$`, `;`, `&`, `(`...) escaped with a backslash."""
    import re

    return re.sub(r"([^\w@%+=:,./-])", r"\\\1", value)


def powershell_quoted(value: str) -> str:
    """A value as PowerShell must read it back as one argument: single-quoted when it holds
    anything but plain characters, a `'` inside doubled."""
    import re

    return value if re.fullmatch(r"[\w@%+=:,./-]*", value) else "'" + value.replace("'", "''") + "'"


def complete_country(incomplete: str) -> list[str]:
    """Country names for shell completion (names of every ISO country, matched by prefix)."""
    from ..countries import COUNTRIES

    prefix = incomplete.casefold()
    names = sorted({entry[1] for entry in COUNTRIES.values()} | set(COUNTRIES))
    return [n for n in names if n.casefold().startswith(prefix)]


def complete_theme(incomplete: str) -> list[str]:
    """Theme ids of the store named by PCDIP_STORE (or the bundled one), for shell completion."""
    try:
        from ..cache import open_engine

        ids = [t.id for t in open_engine().header.themes]
    except PcdipError:
        return []
    return [i for i in ids if i.startswith(incomplete)]


def complete_event_id(incomplete: str) -> list[str]:
    """Event ids of the store named by PCDIP_STORE (or the bundled one), for shell completion."""
    try:
        from ..cache import open_engine

        return open_engine().ids(incomplete, limit=200)
    except PcdipError:
        return []


def complete_region(incomplete: str) -> list[str]:
    from ..countries import region_names

    prefix = incomplete.casefold()
    return [r for r in region_names() if r.casefold().startswith(prefix)]


StoreOpt = Annotated[Optional[Path], typer.Option("--store", envvar="PCDIP_STORE", help="Store file to read (default: the bundled store).", show_default=False)]
WriteStoreOpt = Annotated[
    Optional[Path],
    typer.Option("--store", envvar="PCDIP_STORE", help="Store file to add to (your own: the bundled store is never written).", show_default=False),
]
FromOpt = Annotated[
    Optional[str], typer.Option("--from", help="Events whose span reaches this date or later: 2022, 2023-06, 2025-02-20.", rich_help_panel="Filters")
]
ToOpt = Annotated[
    Optional[str], typer.Option("--to", help="Events whose span starts by this date: 2023, 2023-06 (the end of the month counts).", rich_help_panel="Filters")
]
CountryOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--country", "-c", help="Country by name, ISO code or alias (repeatable: any of them).", rich_help_panel="Filters", autocompletion=complete_country
    ),
]
ThemeOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--theme",
        "-t",
        help='Theme id or name: training, "joint patrols", pushback (repeatable: any of them); `pcdip themes` lists them.',
        rich_help_panel="Filters",
        autocompletion=complete_theme,
    ),
]
RegionOpt = Annotated[
    Optional[str],
    typer.Option(
        "--region",
        "-r",
        help="UN M49 region or sub-region (Oceania, Melanesia, South-eastern Asia, Central Asia...), or Pacific (Melanesia, Micronesia and Polynesia).",
        rich_help_panel="Filters",
        autocompletion=complete_region,
    ),
]
ActorOpt = Annotated[
    Optional[list[str]],
    typer.Option("--actor", "-a", help="Text that begins a word of an actor's name, any case or accents (repeatable: any of them).", rich_help_panel="Filters"),
]
SearchOpt = Annotated[
    Optional[str], typer.Option("--search", "-s", help="Text in the title, summary or actors (ignoring case and accents).", rich_help_panel="Filters")
]
LimitOpt = Annotated[Optional[int], typer.Option("--limit", "-n", min=0, help="At most this many events.", rich_help_panel="Filters")]
ReverseOpt = Annotated[bool, typer.Option("--reverse", help="Latest first.", rich_help_panel="Filters")]
FieldsOpt = Annotated[Optional[str], typer.Option("--fields", help=f"Comma-separated fields, in order, for {', '.join(field_formats())}: id,date,title.")]
TimelineFormatOpt = Annotated[
    str, typer.Option("--format", "-f", help=f"Output: {', '.join(['table', *timeline_formats()])} (table is plain text when piped).")
]


def parse_date_option(option: str, value: str | None) -> Any:
    if value is None:
        return None
    from ..dates import PartialDateError, parse_date

    try:
        return parse_date(value.strip())
    except PartialDateError as exc:
        raise UsageError(f"{option}: {exc}") from None


def load(store_path: Path | None) -> Store:
    """The whole store, validated (for validate and the write path)."""
    from ..store import load_store

    return load_store(store_path)


def engine(store_path: Path | None) -> Engine:
    """The query engine over the store (its cached index when that is exactly the store's)."""
    from ..cache import open_engine

    return open_engine(store_path)


def build_filters(
    themes: dict[str, str],
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    country: list[str] | None = None,
    theme: list[str] | None = None,
    all_themes: bool = False,
    region: str | None = None,
    actor: list[str] | None = None,
    search: str | None = None,
    limit: int | None = None,
    reverse: bool = False,
) -> Filters:
    from ..query import Filters

    start = parse_date_option("--from", date_from)
    end = parse_date_option("--to", date_to)
    if start is not None and end is not None and end.upper < start.lower:
        raise UsageError(f"--to {end} is before --from {start}")
    codes: tuple[str, ...] = ()
    if country:
        from .. import countries

        codes = tuple(countries.resolve(c).code for c in country)
    theme_ids: tuple[str, ...] = ()
    if theme:
        from ..query import resolve_theme

        theme_ids = tuple(dict.fromkeys(resolve_theme(themes, t) for t in theme))
    region_name = None
    if region:
        from .. import countries

        region_name = countries.resolve_region(region)
    return Filters(start, end, codes, theme_ids, all_themes, region_name, tuple(actor) if actor else None, search, limit, reverse)


def emit(text: str | bytes | Iterable[str], output: Path | None = None, *, reading: Path | None = None) -> None:
    """Write data (text, bytes, or text chunks as they come) to stdout, or to a file with -o.

    On stdout a closed pipe ends the command quietly. A file is written whole or not at all: to a
    temporary file beside it, renamed over it on success (see outputs.write_file); `-o -` is stdout.
    """
    chunks: Iterable[str | bytes] = [text] if isinstance(text, (str, bytes)) else text
    if output is not None and str(output) != "-":
        from ..outputs import write_file

        write_file(output, chunks, reading=reading)
        return
    try:
        for chunk in chunks:
            if isinstance(chunk, bytes):
                sys.stdout.buffer.write(chunk)
            else:
                sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:
        _pipe_closed()


def _pipe_closed() -> NoReturn:
    # The reader (head, less) went away: stop without a traceback, and keep Python's own flush at
    # exit from failing again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(0)


def pager_command() -> list[str] | None:
    """The pager for long views on a terminal, as git chooses one; None when paging is off."""
    import shlex

    if _PAGER_OFF:
        return None
    chosen = os.environ.get("PCDIP_PAGER")
    if chosen is None:
        chosen = os.environ.get("PAGER", "less -FRX")
    words = shlex.split(chosen)
    if not words or words == ["cat"]:
        return None
    return words


def show_view(renderable: Any, footer: str | None = None) -> None:
    """Show a Rich view: styled on a terminal (through the pager when longer than the screen, with
    `footer` last); in a pipe, plain text without trailing padding and without the footer."""
    from ..render import make_console

    console = make_console()
    if not console.is_terminal:
        with console.capture() as capture:
            console.print(renderable, crop=False)
        emit("".join(line.rstrip() + "\n" for line in capture.get().splitlines()))
        return
    with console.capture() as capture:
        console.print(renderable, crop=False)
        if footer:
            from rich.text import Text

            console.print(Text(footer, style="dim"))
    text = capture.get()
    pager = pager_command()
    if pager is not None and text.count("\n") >= console.height:
        import subprocess

        env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
        try:
            proc = subprocess.Popen(pager, stdin=subprocess.PIPE, env=env)
        except OSError:
            pass  # no such pager: print as it is
        else:
            assert proc.stdin is not None
            try:
                proc.stdin.write(text.encode("utf-8", "replace"))
                proc.stdin.close()
            except BrokenPipeError:  # the reader quit the pager early
                pass
            proc.wait()
            return
    emit(text)


def output_events(eng: Engine, filters: Filters, fmt: str, fields: str | None = None) -> None:
    """Write selected events as a view (table) or through an exporter."""
    if fmt == "table":
        if fields is not None:
            raise UsageError(f"--fields works with {', '.join(field_formats())}, not table")
        if sys.stdout.isatty():
            from ..render import make_console, timeline_table

            events = list(eng.select(filters))
            show_view(timeline_table(events, eng.header, make_console()), footer=f"{len(events)} event{'s' if len(events) != 1 else ''}")
        else:
            from ..text import timeline_plain

            emit(timeline_plain(eng.select(filters)))
        return
    from .. import exporters

    exporter = exporters.get(fmt)
    if not exporter.timeline:
        raise UsageError(f"--format {fmt}: choose one of table, {', '.join(exporters.timeline_formats())} (or use `pcdip export`)")
    emit(export_chunks(eng, filters, exporter, exporters.parse_fields(fields, exporter)))


def export_chunks(eng: Engine, filters: Filters, exporter: Any, fields: tuple[str, ...] | None) -> Any:
    """An export of the engine's selection, as the chunks to write.

    JSON and NDJSON of whole events are the engine's rows as they are stored: the text the
    exporters would write (tests compare both paths byte for byte). CSV, TSV and Markdown of whole
    events are framed from rows the engine renders once and keeps (`Engine.rendered`). Streaming
    formats take the rows as they come; the others get the selection as a list.
    """
    if fields is None and exporter.name == "ndjson":
        from ..exporters.jsonfmt import lines

        return lines(eng.texts(filters))
    if fields is None and exporter.name == "json":
        from ..exporters.jsonfmt import array

        return array(eng.texts(filters))
    if fields is None and exporter.rows:  # each event rendered on its own: the engine keeps the rows
        from functools import partial

        return exporter.framed(eng.rendered(filters, exporter.name, partial(exporter.row, header=eng.header)), eng.header)
    events = eng.select(filters)
    return exporter.stream(events if exporter.streams else list(events), eng.header, fields)


# Commands register themselves on `app` when their modules are imported.
from . import authoring, browse, cite, diff, maintenance  # noqa: E402,F401


def app_for(argv: list[str]) -> typer.Typer:
    """The app to run for these arguments: for one known command, an app holding just that command.

    Typer builds every registered command, with a pydantic adapter for each of its options, on
    every run; a run of one command needs only that one, which is most of pcdip's start-up cost
    over Typer's own. Help, completion and unknown commands get the whole app.
    """
    if not argv or os.environ.get("_PCDIP_COMPLETE"):
        return app
    chosen = [c for c in app.registered_commands if (c.name or (c.callback.__name__ if c.callback else "").replace("_", "-")) == argv[0]]
    if len(chosen) != 1:
        return app
    import copy

    single = copy.copy(app)
    single.registered_commands = chosen
    return single


def main() -> None:
    """Entry point of the `pcdip` command."""
    try:
        app_for(sys.argv[1:])(prog_name="pcdip")
    except KeyboardInterrupt:
        sys.stderr.write("pcdip: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            sys.exit(0)
    except PcdipError as exc:  # raised outside a command (should not happen, but never a traceback)
        report(exc.message, exc.details)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if os.environ.get("PCDIP_DEBUG") == "1":
            raise
        report(f"unexpected {type(exc).__name__}: {exc} (set PCDIP_DEBUG=1 for a traceback, and please report it)")
        sys.exit(1)
