"""The registry of export formats: the one source of truth for `--format`, help, the README and tests.

Each format is a module with a `write_<name>(events, header, fields)` function. `events` is any
iterable of events in order (the engine's Records, or Event models), `header` the store's title,
description and themes (`records.Header`, or a `Store`). It returns text, bytes (binary formats),
or an iterator of text chunks, which the command line writes as they come: the streaming formats
never hold the whole selection. Adding a format is one module and one line in FORMATS. Modules are
imported only when their format is used, so that start-up stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..fields import EVENT_FIELDS

if TYPE_CHECKING:
    from ..records import Header

Writer = Callable[[Iterable[Any], "Header", "Sequence[str] | None"], "str | bytes | Iterator[str] | dict[str, bytes]"]


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    description: str
    extension: str
    aliases: tuple[str, ...] = ()
    fields: bool = False  # honours --fields
    timeline: bool = False  # also offered by `pcdip timeline` / `pcdip theme`
    requires_file: bool = False  # written only with -o FILE (binary or single-file formats)
    streams: bool = False  # writes each event as it comes, never holding the selection
    folder: bool = False  # writes a folder (-o DIR): the writer returns {relative path: bytes}, see `files`
    rows: bool = False  # renders each event on its own: `row_<name>(event, header)` and `framed_<name>(rows, header)`

    def _function(self, kind: str) -> Any:
        """The format module's `<kind>_<name>` function (imported when first used)."""
        return getattr(importlib.import_module(f"{__name__}.{self.module}"), f"{kind}_{self.name}")

    @property
    def writer(self) -> Writer:
        return self._function("write")  # type: ignore[no-any-return]

    def stream(self, events: Iterable[Any], header: Header, fields: Sequence[str] | None = None) -> str | bytes | Iterator[str]:
        """The export as the writer gives it: text, bytes, or text chunks to write in order."""
        out = self.writer(events, header, fields)
        if isinstance(out, dict):
            raise TypeError(f"{self.name} writes a folder: use files()")
        return out

    def row(self, event: Any, header: Header) -> str:
        """One event as this format renders it on its own (formats with `rows`)."""
        return self._function("row")(event, header)  # type: ignore[no-any-return]

    def framed(self, rows: Iterable[tuple[int, str]], header: Header) -> Iterator[str]:
        """The whole export from (year, row) pairs in order, each row as `row` renders it: what
        `stream` writes for all fields (the engine gives these rows from its row cache)."""
        return self._function("framed")(rows, header)  # type: ignore[no-any-return]

    def files(self, events: Iterable[Any], header: Header) -> dict[str, bytes]:
        """The files of a folder format, by path relative to the folder (exporters.datapackage.write_folder writes them)."""
        out = self.writer(events, header, None)
        if not isinstance(out, dict):
            raise TypeError(f"{self.name} writes a file: use stream() or write()")
        return out

    def write(self, events: Iterable[Any], header: Header, fields: Sequence[str] | None = None) -> str | bytes:
        """The whole export at once (the library's and the tests' form of `stream`)."""
        out = self.stream(events, header, fields)
        return out if isinstance(out, (str, bytes)) else "".join(out)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "jsonfmt", "a JSON array of event objects", ".json", fields=True, timeline=True, streams=True),
        Format("ndjson", "jsonfmt", "one JSON event object per line", ".ndjson", aliases=("jsonl",), fields=True, timeline=True, streams=True),
        Format(
            "csv",
            "csvfmt",
            "RFC 4180 CSV with a header row; lists joined with ';', sources and figures as JSON",
            ".csv",
            fields=True,
            timeline=True,
            streams=True,
            rows=True,
        ),
        Format("tsv", "csvfmt", "the CSV layout, tab-separated", ".tsv", fields=True, timeline=True, streams=True, rows=True),
        Format(
            "md", "markdown", "a Markdown timeline grouped by year, with sources as links", ".md", aliases=("markdown",), timeline=True, streams=True, rows=True
        ),
        Format("toml", "tomlfmt", "a pcdip store (themes and events) that --store and import read", ".toml"),
        Format(
            "ics",
            "ics",
            "an iCalendar (RFC 5545) file: one all-day event per event, spanning its date's precision",
            ".ics",
            aliases=("ical", "icalendar"),
            streams=True,
        ),
        Format("geojson", "geojson", "a GeoJSON FeatureCollection: one point per event and country (its place, or the country's point)", ".geojson"),
        Format("timelinejs", "timelinejs", "the JSON that Knight Lab's TimelineJS reads", ".json"),
        Format(
            "sqlite",
            "sqlite",
            "a normalised SQLite database with a full-text index, for Datasette, sqlite-utils, DuckDB",
            ".sqlite",
            aliases=("sqlite3",),
            requires_file=True,
        ),
        Format("html", "html", "one self-contained web page: a visual timeline with filters and search, working offline", ".html", requires_file=True),
        Format(
            "datapackage",
            "datapackage",
            "a Frictionless Data Package: a folder of CSV tables and datapackage.json (types, keys, licence)",
            "",
            requires_file=True,
            folder=True,
        ),
    )
}


def get(name: str) -> Format:
    """A format by name or alias; UsageError (exit 2) listing the valid names otherwise."""
    key = name.lower()
    for fmt in FORMATS.values():
        if key == fmt.name or key in fmt.aliases:
            return fmt
    raise UsageError(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}")


def timeline_formats() -> list[str]:
    return [f.name for f in FORMATS.values() if f.timeline]


def field_formats() -> list[str]:
    return [f.name for f in FORMATS.values() if f.fields]


def help_text() -> str:
    """One line per format, for `pcdip export --help`."""
    return "; ".join(f"{f.name}: {f.description}" + (" (needs -o DIR)" if f.folder else " (needs -o)" if f.requires_file else "") for f in FORMATS.values())


def parse_fields(spec: str | None, fmt: Format) -> tuple[str, ...] | None:
    """`--fields id,date,title` -> ("id", "date", "title"); UsageError listing the valid fields."""
    if spec is None:
        return None
    if not fmt.fields:
        usable = ", ".join(field_formats())
        raise UsageError(f"--fields works with {usable}, not {fmt.name}")
    fields = tuple(part.strip() for part in spec.split(",") if part.strip())
    unknown = [f for f in fields if f not in EVENT_FIELDS]
    if unknown or not fields:
        raise UsageError(f"unknown field {', '.join(map(repr, unknown)) or '(none given)'}; valid fields: {','.join(EVENT_FIELDS)}")
    return fields


def pick(record: dict[str, object], fields: Sequence[str] | None) -> dict[str, object]:
    return record if fields is None else {f: record[f] for f in fields}
