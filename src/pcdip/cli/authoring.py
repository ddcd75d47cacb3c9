"""Commands that create, check and add to a store: init, add, import, validate, schema."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import PcdipError, UsageError, ValidationError
from . import StoreOpt, WriteStoreOpt, app, emit, load


def slugify(date: str, title: str, max_words: int = 8) -> str:
    """An id from a date and a title, any script transliterated (anyascii):
    "2025-02-20" + "China repatriates 200 nationals" -> "2025-02-20-china-repatriates-200-nationals";
    "2024" + "中国警察" -> "2024-zhongguojingcha". Never the date alone: a title with nothing to
    transliterate gives "DATE-event"."""
    from anyascii import anyascii

    text = anyascii(unicodedata.normalize("NFKC", title)).lower()
    words = re.findall(r"[a-z0-9]+", text)[:max_words]
    stem = re.sub(r"[^0-9x-]", "", date.lower().rstrip("~?%")).replace("x", "0").strip("-")
    return "-".join([stem, *(words or ["event"])]).strip("-")


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="The new store file.", dir_okay=False, show_default=False)],
) -> None:
    """Create a new, valid, empty store with the bundled theme vocabulary; never overwrites a file.

    Example: pcdip init my-events.toml && pcdip add --store my-events.toml
    """
    from ..store import bundled_store, init_store, load_store

    init_store(path, load_store(bundled_store()))
    sys.stderr.write(f"created {path}; add events with `pcdip add --store {path}` or `pcdip import FILE --store {path}`\n")


def is_terminal() -> bool:
    """Whether `pcdip add` may prompt: someone is at a terminal on both ends."""
    return sys.stdin.isatty() and sys.stdout.isatty()


class _Prompter:
    """Asks for missing fields on a terminal, checking each answer as it is given and asking again
    when it is wrong. Ctrl-C at any prompt ends the command with nothing written (exit 130)."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive
        self.missing: list[str] = []

    def ask(self, option: str, label: str, value: Any, check: Any, *, default: str | None = None, required: bool = True, complete: Any = None) -> Any:
        if value is None and not self.interactive:
            if required and default is None:
                self.missing.append(option)
            if default is None:
                return None
            value = default
        if value is not None:
            try:
                return check(value)
            except ValueError as exc:  # PartialDateError included; PcdipError passes with its own code
                raise UsageError(f"{option}: {exc}") from None
        while True:
            with _completion(complete):
                answer = typer.prompt(label, default=default if default is not None else ("" if not required else None), show_default=default is not None)
            if not answer.strip() and not required:
                return check(None) if option in ("--country", "--actor", "--related") else None
            try:
                return check(answer.strip())
            except PcdipError as exc:
                typer.echo(f"  {exc.message}", err=True)
            except ValueError as exc:
                typer.echo(f"  {exc}", err=True)

    def confirm(self, label: str, default: bool) -> bool:
        return bool(typer.confirm(label, default=default)) if self.interactive else default


class _completion:
    """Tab completion at one prompt (event ids), where the terminal has readline."""

    def __init__(self, complete: Any) -> None:
        self.complete = complete
        self.previous: Any = None

    def __enter__(self) -> None:
        if self.complete is None:
            return
        try:
            import readline
        except ImportError:
            self.complete = None
            return
        self.previous = readline.get_completer()
        matches: list[str] = []

        def completer(text: str, state: int) -> str | None:
            nonlocal matches
            if state == 0:
                matches = self.complete(text)
            return matches[state] if state < len(matches) else None

        readline.set_completer(completer)
        readline.parse_and_bind("tab: complete")

    def __exit__(self, *exc: object) -> None:
        if self.complete is not None:
            import readline

            readline.set_completer(self.previous)


def _date(value: str) -> str:
    from ..dates import parse_date

    return parse_date(value).text


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


@app.command()
def add(
    event_id: Annotated[Optional[str], typer.Option("--id", help="Slug; default: the date and the first words of the title.")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="EDTF date at the source's precision: 2023, 2022-12, 2025-02-20, 2023~.")] = None,
    end: Annotated[Optional[str], typer.Option("--end", help="End of a span (EDTF).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="One line, in your own words.")] = None,
    summary: Annotated[Optional[str], typer.Option("--summary", help="One to three sentences, in your own words.")] = None,
    country: Annotated[Optional[list[str]], typer.Option("--country", "-c", help="Counterpart country, any name or code (repeatable).")] = None,
    theme: Annotated[Optional[list[str]], typer.Option("--theme", "-t", help="Theme id (repeatable).")] = None,
    actor: Annotated[Optional[list[str]], typer.Option("--actor", "-a", help="Named person or body (repeatable).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Uncertainty or disagreement between sources.")] = None,
    related: Annotated[Optional[list[str]], typer.Option("--related", help="Id of an earlier event this one follows (repeatable).")] = None,
    source_url: Annotated[Optional[str], typer.Option("--source-url", help="The source's http(s) URL.")] = None,
    source_title: Annotated[Optional[str], typer.Option("--source-title", help="The source's title.")] = None,
    source_publisher: Annotated[Optional[str], typer.Option("--source-publisher", help="Who published it.")] = None,
    source_published: Annotated[Optional[str], typer.Option("--source-published", help="When it was published (EDTF), if known.")] = None,
    source_undated: Annotated[bool, typer.Option("--source-undated", help="The page shows no publication date (recorded as undated = true).")] = False,
    source_reposted: Annotated[
        bool, typer.Option("--source-reposted", help="The URL is a copy of the publisher's report on another site (a mirror, repost or excerpt).")
    ] = False,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt, even on a terminal.")] = False,
    store: WriteStoreOpt = None,
) -> None:
    """Add one event. Missing fields are asked for on a terminal, each checked as you type.

    Example: pcdip add --date 2024-03-20 --title "Fiji keeps its police pact" --summary "..." -c Fiji -t agreement --source-url https://... --source-title "..." --source-publisher RNZ
    """
    from .. import countries
    from ..cache import keep_hashes
    from ..models import SLUG, Event, check_url
    from ..store import append_events, locate
    from . import engine

    if source_undated and source_published is not None:
        raise UsageError("--source-undated and --source-published contradict each other: give the date the page shows, or say it shows none")
    keep_hashes()  # the store read here is read again under the write lock: hashed once, not twice
    eng = engine(store)
    vocabulary = eng.header.theme_labels
    interactive = not no_input and is_terminal()
    p = _Prompter(interactive)

    def codes(values: Any) -> list[str]:
        if values is None:
            return []
        items = values if isinstance(values, list) else [v for v in re.split(r"\s*[,;]\s*", values) if v]
        return [countries.resolve(v).code for v in items]

    def themes_of(values: Any) -> list[str]:
        """Theme ids from ids or names: repeated -t, or "training, joint patrols" at the prompt."""
        from ..errors import NotFoundError
        from ..query import resolve_theme

        items = values if isinstance(values, list) else [v.strip() for v in re.split(r"[,;]", values) if v.strip()]
        if not items:
            raise UsageError(f"no theme given; valid themes: {', '.join(vocabulary)}")
        ids: list[str] = []
        for item in items:
            try:
                ids.append(resolve_theme(vocabulary, item))
            except NotFoundError as exc:
                try:  # "training equipment": one theme a word
                    ids.extend(resolve_theme(vocabulary, word) for word in item.split())
                except NotFoundError:
                    raise UsageError(exc.message) from None
        return list(dict.fromkeys(ids))

    def actors_of(values: Any) -> list[str]:
        if values is None:
            return []
        return values if isinstance(values, list) else [v for v in re.split(r"\s*;\s*", values) if v]

    def new_id(value: str) -> str:
        if not SLUG.fullmatch(value):
            raise ValueError(f"{value!r} is not an id: use lowercase letters, digits and single hyphens")
        if eng.existing_ids([value]):
            raise ValidationError(f"event {value!r}: id: duplicate id; the store already has an event with this id, choose another")
        return value

    def related_of(values: Any) -> list[str]:
        if values is None:
            return []
        items = values if isinstance(values, list) else [v for v in re.split(r"[\s,;]+", values) if v]
        unknown = sorted(set(items) - eng.existing_ids(items))
        if unknown:
            from ..engine import unknown_id

            raise unknown_id(eng, unknown[0])
        return list(dict.fromkeys(items))

    def url(value: str) -> str:
        return check_url(value)

    if event_id is not None:  # checked first: a clash is known before anything is typed
        p.ask("--id", "Id", event_id, new_id)
    date_v = p.ask("--date", "Date (EDTF: 2023, 2022-12, 2025-02-20; ~ approximate, ? uncertain)", date, _date)
    end_v = p.ask("--end", "End of the span (empty if none)", end, _date, required=False)
    title_v = p.ask("--title", "Title", title, _nonblank)
    id_v = event_id
    if id_v is None and date_v is not None and title_v is not None:
        suggested = slugify(date_v, title_v)
        id_v = p.ask("--id", "Id", None, new_id, default=suggested) if interactive else new_id_or_usage(new_id, suggested)
    summary_v = p.ask("--summary", "Summary (one to three sentences)", summary, _nonblank)
    country_v = p.ask("--country", "Countries (names or codes, comma-separated; empty for none)", country, codes, required=False)
    theme_v = p.ask("--theme", f"Themes, by id or name ({', '.join(vocabulary)})", theme, themes_of)
    actor_v = p.ask("--actor", "Actors (separated by ';', empty for none)", actor, actors_of, required=False)
    note_v = p.ask("--note", "Note for readers: uncertainty, disagreement between sources (empty for none)", note, _nonblank, required=False)
    related_v = p.ask(
        "--related",
        "Related earlier events, by id (Tab completes; empty for none)",
        related,
        related_of,
        required=False,
        complete=lambda text: eng.ids(text, limit=50),
    )
    sources: list[dict[str, Any]] = []
    while True:
        first = not sources
        url_v = p.ask("--source-url", "Source URL", source_url if first else None, url)
        stitle_v = p.ask("--source-title", "Source title (the page's headline)", source_title if first else None, _nonblank)
        publisher_v = p.ask("--source-publisher", "Source publisher", source_publisher if first else None, _nonblank)
        if first and source_undated:
            published_v = None
        else:
            published_v = p.ask(
                "--source-published", "Source publication date (EDTF, empty if the page shows none)", source_published if first else None, _date, required=False
            )
        source: dict[str, Any] = {"title": stitle_v, "publisher": publisher_v, "url": url_v, "published": published_v}
        # An empty answer at the prompt says the page shows no date; an option left out says nothing.
        if published_v is None and ((first and source_undated) or p.interactive):
            source["undated"] = True
        if first and source_reposted:
            source["reposted"] = True
        sources.append(source)
        if not p.confirm("Another source?", default=False):
            break
    if p.missing:
        raise UsageError(f"missing {', '.join(p.missing)} (on a terminal, pcdip add asks for what is missing)")

    record: dict[str, Any] = {
        "id": id_v,
        "date": date_v,
        "end": end_v,
        "title": title_v,
        "summary": summary_v,
        "countries": country_v or [],
        "themes": theme_v,
        "actors": actor_v or [],
        "note": note_v,
        "related": related_v or [],
        "sources": sources,
    }
    from pydantic import ValidationError as PydanticError

    from ..store import error_location, error_message

    try:
        event = Event.model_validate(record)
    except PydanticError as exc:
        raise ValidationError(
            f"event {id_v!r} is not valid; nothing was written:", details=[f"{error_location(e['loc'])}: {error_message(e)}" for e in exc.errors()]
        ) from None
    if interactive:
        from ..records import Record
        from ..render import event_view
        from . import show_view

        show_view(event_view(Record(event.to_dict()), eng.header))
        if not p.confirm(f"Add this event to {locate(store)}?", default=True):
            sys.stderr.write("nothing was written\n")
            raise typer.Exit(1)
    append_events(store, [event])
    sys.stderr.write(f"added {event.id} to {locate(store)}\n")


def new_id_or_usage(check: Any, value: str) -> str:
    try:
        return str(check(value))
    except ValueError as exc:
        raise ValidationError(f"event {value!r}: id: {exc}") from None


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(metavar="FILE|-", help="A file as `pcdip export` writes it, or - for stdin.", show_default=False)],
    fmt: Annotated[
        Optional[str], typer.Option("--format", "-f", help="json, ndjson, csv, tsv or toml (default: from the file's extension; needed for stdin).")
    ] = None,
    on_duplicate: Annotated[
        str,
        typer.Option(
            "--on-duplicate",
            help="An event whose id the store already has: error (reject the batch), skip it, or replace the stored one where it stands.",
        ),
    ] = "error",
    store: WriteStoreOpt = None,
) -> None:
    """Add the events of a file, all or nothing: one problem rejects the whole batch and leaves the store as it was.

    With --on-duplicate skip, events already in the store (by id) are left out and counted; with
    --on-duplicate replace, each is written over the stored one where it stands (comments inside
    it are kept just above it), and identical ones are counted as unchanged. So a colleague's
    updated export can be imported again. A summary of what was added, replaced, unchanged and
    skipped goes to standard error.

    Example: pcdip export -f csv -c Fiji | pcdip import - --format csv --store fiji.toml
    """
    from ..errors import StoreError
    from ..importers import detect_format, parse_events
    from ..store import DUPLICATE_CHOICES, append_events, locate

    if file == "-":
        if not fmt:
            raise UsageError("reading stdin: give --format (json, ndjson, csv, tsv or toml)")
        kind, name = detect_format(file, fmt), "<stdin>"
        # Bytes, not text mode: a CR inside a CSV cell must not become a newline.
        text = _decode(sys.stdin.buffer.read(), name)
    else:
        kind, name = detect_format(file, fmt), file
        try:
            text = _decode(Path(file).read_bytes(), name)
        except FileNotFoundError:
            raise StoreError(f"{file}: no such file") from None
        except OSError as exc:
            raise StoreError(f"{file}: cannot read: {exc.strerror or exc}") from None
    if on_duplicate not in DUPLICATE_CHOICES:
        raise UsageError(f"--on-duplicate {on_duplicate}: choose {', '.join(DUPLICATE_CHOICES[:-1])} or {DUPLICATE_CHOICES[-1]}")
    events = parse_events(text, kind, name)
    result = append_events(store, events, on_duplicate=on_duplicate, outside_links="drop")
    sys.stderr.write(import_summary(result, locate(store)) + "\n")


def import_summary(result: Any, where: Path) -> str:
    """One line: what an import did (added, replaced, unchanged, skipped, links left out)."""
    added = len(result.added)
    parts = [f"imported {added} event{'s' if added != 1 else ''} into {where}"]
    if result.replaced:
        parts.append(f"replaced {len(result.replaced)}")
    if result.unchanged:
        parts.append(f"{len(result.unchanged)} unchanged")
    if result.skipped:
        parts.append(f"skipped {len(result.skipped)} already in the store")
    if result.dropped_links:
        links = result.dropped_links
        parts.append(f"left out {links} related link{'s' if links != 1 else ''} to events in neither the store nor the file")
    return "; ".join(parts)


def _decode(data: bytes, name: str) -> str:
    from ..errors import StoreError

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoreError(f"{name}: not UTF-8 text (byte {exc.start}); export or save it as UTF-8") from None


@app.command()
def validate(
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Also fail on the quality checks of docs/DATA.md (missing publication dates, actors or figures the event's text never names...)."
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Check a store and report every problem, with line numbers; exit 0 when valid, 1 otherwise.

    Example: pcdip validate --strict --store my-events.toml
    """
    from ..quality import quality_problems
    from ..store import locate

    data = load(store)
    where = locate(store)
    issues = quality_problems(data)
    if strict and issues:
        raise ValidationError(
            f"{where}: valid, but {len(issues)} quality problem{'s' if len(issues) != 1 else ''} (--strict):", details=[f"{where}: {i}" for i in issues]
        )
    note = f"; {len(issues)} quality warnings (see --strict)" if issues else ""
    sys.stderr.write(f"{where}: valid: {len(data.events)} events, {len(data.themes)} themes{note}\n")


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False)] = None,
) -> None:
    """Print the JSON Schema of a store, for editors that check TOML as you type (Taplo, Even Better TOML).

    Example: pcdip schema -o pcdip.schema.json   (then put `#:schema ./pcdip.schema.json` at the top of events.toml)
    """
    from ..exporters.jsonfmt import dumps
    from ..models import store_json_schema

    emit(dumps(store_json_schema(), indent=2) + "\n", output)
