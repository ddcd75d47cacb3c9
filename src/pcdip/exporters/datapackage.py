"""Data Package: a folder that Frictionless tools, R's `frictionless`, pandas and DuckDB read as it is.

`pcdip export -f datapackage -o DIR` writes a Tabular Data Package (Frictionless Data, v1, which
v2 readers read too): `DIR/datapackage.json` and one CSV file a table, normalised as the `sqlite`
export is (lists keep their order in a `position` column, from 0):

    events.csv            id (primary key), date, end, start_day, end_day, precision, title, summary,
                          note, place_name, latitude, longitude, provenance_added, provenance_basis,
                          provenance_checked, provenance_audited, provenance_revised
    sources.csv           event_id, position, title, publisher, url, published, undated, reposted, archive_url, accessed
    figures.csv           event_id, position, name, value, qualifier, unit
    actors.csv            event_id, position, name
    event_countries.csv   event_id, position, country          -> countries.code
    event_themes.csv      event_id, position, theme            -> themes.id
    related.csv           event_id, position, related_id       -> events.id (see below)
    countries.csv         code (primary key), alpha3, name, region, subregion: the countries the events name
    themes.csv            id (primary key), label, description, pushback: the store's whole vocabulary
    theme_cues.csv        theme, position, cue                 -> themes.id: the word stems that bear each theme

`datapackage.json` gives each table a Table Schema: field types (EDTF dates are strings; the
first and last day a date can mean are ISO `date`s), descriptions, constraints, primary keys and
foreign keys (`event_id` -> `events.id` everywhere). `related.related_id` may name an event that a
filtered export leaves out; its foreign key is declared only when every one is in the package
(always, for a whole store). Each resource records its size and SHA-256, so `frictionless
validate DIR/datapackage.json` checks the files are the ones written. The package's title and
description are the store's; its licence is the dataset's, CC BY 4.0 (`data/LICENSE`).

The CSV is RFC 4180 (UTF-8, CRLF, a header row), as the `csv` export writes it, except that no cell
gets the spreadsheet formula guard: a data package holds the values its schema declares, and a
guard would change them (`-17.5` is a number, not a formula). Open the tables in a spreadsheet by
importing them, not by double-clicking.

The writer returns the folder's files as `{relative path: bytes}` (the registry's `folder`
formats); `write_folder` puts them in place atomically. The same events give the same bytes: no
time stamps.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from .. import countries
from ..errors import OutputError
from ..outputs import fsync_quietly, umask
from .csvfmt import row_text

DESCRIPTOR = "datapackage.json"
MARKER = "pcdip"  # a descriptor property naming pcdip as the writer: only such a folder is ever replaced
LAYOUT = 2  # the tables below (2: theme_cues); bump when they change

DATASET_LICENSES: tuple[dict[str, str], ...] = (
    {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0 International"},
)
ATTRIBUTION = (
    'Credit: "pcdip dataset, the pcdip developers" (CC BY 4.0). The sources each event cites belong to their '
    "publishers; the package holds only their bibliographic details (title, publisher, URL, dates), not their text. "
    "Written by pcdip, software under the MIT licence."
)

EDTF = "EDTF date (ISO 8601-2, levels 0-1) at the precision the sources support: 2023, 2022-12, 2025-02-20; ~ approximate, ? uncertain, % both; X an unspecified digit (201X)"
EVENT_ID = "the event's id (events.id)"
POSITION = "the item's place in the event's list, from 0"

Field = dict[str, Any]


def _f(name: str, type_: str, description: str, *, required: bool = False, uri: bool = False, **constraints: Any) -> Field:
    field: Field = {"name": name, "type": type_, "description": description}
    if uri:
        field["format"] = "uri"
    checks = {"required": True, **constraints} if required else dict(constraints)
    if checks:
        field["constraints"] = checks
    return field


_SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"


def _event_ref(name: str = "event_id") -> dict[str, Any]:
    return {"fields": [name], "reference": {"resource": "events", "fields": ["id"]}}


# (resource name, description, fields, primary key, foreign keys); `related`'s key on related_id is added when it holds.
TABLES: tuple[tuple[str, str, list[Field], list[str], list[dict[str, Any]]], ...] = (
    (
        "events",
        "One row an event, in timeline order (start of the span, then its end, then the id).",
        [
            _f("id", "string", "stable slug, e.g. 2022-12-italy-ends-joint-patrols", required=True, unique=True, pattern=_SLUG),
            _f("date", "string", EDTF, required=True),
            _f("end", "string", "end of a span, EDTF (empty: the event is the date alone)"),
            _f("start_day", "date", "the first calendar day `date` can mean (for sorting and ranges)", required=True),
            _f("end_day", "date", "the last calendar day the event's span can mean (`end`, else `date`)", required=True),
            _f("precision", "string", "the precision of `date`", required=True, enum=["year", "month", "day"]),
            _f("title", "string", "one line", required=True),
            _f("summary", "string", "one to three sentences", required=True),
            _f("note", "string", "uncertainty, and disagreement between sources"),
            _f("place_name", "string", "where the event happened, when the sources say"),
            _f("latitude", "number", "latitude of the place, WGS 84", minimum=-90, maximum=90),
            _f("longitude", "number", "longitude of the place, WGS 84", minimum=-180, maximum=180),
            _f("provenance_added", "string", "the dataset release that first recorded the event, e.g. 0.1.4"),
            _f(
                "provenance_basis",
                "string",
                "fact-sheet: encoded from the 0.1 seed fact sheet; source-reading: researched in the cited pages",
                enum=["fact-sheet", "source-reading"],
            ),
            _f("provenance_checked", "string", "the last release whose sweep re-read every claim against the cited sources"),
            _f("provenance_audited", "string", "the last release in which an independent checker re-read the event against its sources"),
            _f("provenance_revised", "string", "the last release that changed what the event says or cites after its last check or audit"),
        ],
        ["id"],
        [],
    ),
    (
        "sources",
        "The sources each event cites, in the event's order.",
        [
            _f("event_id", "string", EVENT_ID, required=True),
            _f("position", "integer", POSITION, required=True, minimum=0),
            _f("title", "string", "the page's headline, else a description", required=True),
            _f("publisher", "string", "who published it", required=True),
            _f("url", "string", "http(s) address", required=True, uri=True),
            _f("published", "string", "publication date, EDTF (empty: unknown)"),
            _f("undated", "boolean", "true when the page shows no publication date", required=True),
            _f("reposted", "boolean", "true when the URL is a copy of the publisher's report on another site", required=True),
            _f("archive_url", "string", "an archived copy", uri=True),
            _f("accessed", "string", "when the page was read, EDTF"),
        ],
        ["event_id", "position"],
        [_event_ref()],
    ),
    (
        "figures",
        "Numbers the sources give, in the event's order.",
        [
            _f("event_id", "string", EVENT_ID, required=True),
            _f("position", "integer", POSITION, required=True, minimum=0),
            _f("name", "string", "what is counted, e.g. officers_trained", required=True),
            _f("value", "number", "the number", required=True),
            _f("qualifier", "string", "empty: exact as given; else a bound or approximation", enum=["at-least", "more-than", "approximately", "up-to"]),
            _f("unit", "string", "unit of the value, when not a count"),
        ],
        ["event_id", "position"],
        [_event_ref()],
    ),
    (
        "actors",
        "Named people and bodies, in the event's order.",
        [
            _f("event_id", "string", EVENT_ID, required=True),
            _f("position", "integer", POSITION, required=True, minimum=0),
            _f("name", "string", "a person or body", required=True),
        ],
        ["event_id", "position"],
        [_event_ref()],
    ),
    (
        "event_countries",
        "The counterpart countries of each event (China only where the event took place in China).",
        [
            _f("event_id", "string", EVENT_ID, required=True),
            _f("position", "integer", POSITION, required=True, minimum=0),
            _f("country", "string", "ISO 3166-1 alpha-2 code (countries.code)", required=True),
        ],
        ["event_id", "country"],
        [_event_ref(), {"fields": ["country"], "reference": {"resource": "countries", "fields": ["code"]}}],
    ),
    (
        "event_themes",
        "The themes of each event.",
        [
            _f("event_id", "string", EVENT_ID, required=True),
            _f("position", "integer", POSITION, required=True, minimum=0),
            _f("theme", "string", "theme id (themes.id)", required=True),
        ],
        ["event_id", "theme"],
        [_event_ref(), {"fields": ["theme"], "reference": {"resource": "themes", "fields": ["id"]}}],
    ),
    (
        "related",
        "Earlier events each event answers or follows.",
        [
            _f("event_id", "string", EVENT_ID, required=True),
            _f("position", "integer", POSITION, required=True, minimum=0),
            _f("related_id", "string", "the id of the earlier event (events.id; in a filtered export it may be one left out)", required=True),
        ],
        ["event_id", "related_id"],
        [_event_ref()],
    ),
    (
        "countries",
        "The countries the events name, with their UN M49 region and sub-region (names from Unicode CLDR).",
        [
            _f("code", "string", "ISO 3166-1 alpha-2 code (XK Kosovo and EU the European Union as the EU uses them)", required=True, unique=True),
            _f("alpha3", "string", "ISO 3166-1 alpha-3 code", required=True),
            _f("name", "string", "English short name", required=True),
            _f("region", "string", "UN M49 region"),
            _f("subregion", "string", "UN M49 sub-region"),
        ],
        ["code"],
        [],
    ),
    (
        "themes",
        "The store's theme vocabulary (every theme, whether or not an exported event has it).",
        [
            _f("id", "string", "theme id", required=True, unique=True, pattern=_SLUG),
            _f("label", "string", "a name for people", required=True),
            _f("description", "string", "what the theme covers", required=True),
            _f("pushback", "boolean", "events of this theme are pushback or scrutiny (called out in country profiles)", required=True),
        ],
        ["id"],
        [],
    ),
    (
        "theme_cues",
        "The word stems that bear each theme: `pcdip validate --strict` warns about an event of the theme whose title, summary and note hold none at the start of a word.",
        [
            _f("theme", "string", "theme id (themes.id)", required=True),
            _f("position", "integer", "the cue's place in the theme's list, from 0", required=True, minimum=0),
            _f("cue", "string", "a word stem, matched at the start of a word, case and accents folded", required=True),
        ],
        ["theme", "position"],
        [{"fields": ["theme"], "reference": {"resource": "themes", "fields": ["id"]}}],
    ),
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    return str(value)


class _Table:
    def __init__(self, columns: Sequence[str]) -> None:
        self.parts = [row_text(list(columns), ",")]

    def add(self, *cells: Any) -> None:
        self.parts.append(row_text([_text(c) for c in cells], ","))

    def data(self) -> bytes:
        return "".join(self.parts).encode("utf-8")


def package_name(title: str | None) -> str:
    """A package `name` (lowercase letters, digits, `-`, `.`, `_`) from the store's title."""
    from anyascii import anyascii

    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", anyascii(title or "").lower())).strip("-")[:100].strip("-")
    return slug or "pcdip-events"


def write_datapackage(
    events: Iterable[Any],
    header: Any,
    fields: Sequence[str] | None = None,
    *,
    licenses: Sequence[Mapping[str, str]] = DATASET_LICENSES,
    notice: str | None = ATTRIBUTION,
) -> dict[str, bytes]:
    """The files of the package, by path relative to its folder: `datapackage.json` last.

    `events` are Records or Event models in order, `header` the store's `records.Header` (or a
    `Store`); `fields` is not used (the tables are fixed). `licenses` are the Data Package licence
    objects and `notice` a paragraph added to the description (default: the bundled dataset's
    licence, CC BY 4.0, and its attribution).
    """
    tables = {name: _Table([f["name"] for f in spec]) for name, _, spec, _, _ in TABLES}
    codes: set[str] = set()
    ids: set[str] = set()
    targets: set[str] = set()
    for event in events:
        d = event.to_dict()
        eid = d["id"]
        ids.add(eid)
        place, prov = d["place"] or {}, d["provenance"] or {}
        tables["events"].add(
            eid,
            d["date"],
            d["end"],
            event.start_day.isoformat(),
            event.end_day.isoformat(),
            event.date.precision,
            d["title"],
            d["summary"],
            d["note"],
            place.get("name"),
            place.get("latitude"),
            place.get("longitude"),
            prov.get("added"),
            prov.get("basis"),
            prov.get("checked"),
            prov.get("audited"),
            prov.get("revised"),
        )
        for i, s in enumerate(d["sources"]):
            tables["sources"].add(
                eid, i, s["title"], s["publisher"], s["url"], s["published"], bool(s["undated"]), bool(s["reposted"]), s["archive_url"], s["accessed"]
            )
        for i, f in enumerate(d["figures"]):
            tables["figures"].add(eid, i, f["name"], f["value"], f["qualifier"], f["unit"])
        for i, name in enumerate(d["actors"]):
            tables["actors"].add(eid, i, name)
        for i, code in enumerate(d["countries"]):
            tables["event_countries"].add(eid, i, code)
            codes.add(code)
        for i, theme in enumerate(d["themes"]):
            tables["event_themes"].add(eid, i, theme)
        for i, other in enumerate(d["related"]):
            tables["related"].add(eid, i, other)
            targets.add(other)
    for code in sorted(codes):
        c = countries.get(code)
        tables["countries"].add(c.code, c.alpha3, c.name, c.region, c.subregion)
    for t in header.themes:
        tables["themes"].add(t.id, t.label, t.description, bool(t.pushback))
        for i, cue in enumerate(t.cues):
            tables["theme_cues"].add(t.id, i, cue)

    files: dict[str, bytes] = {}
    resources = []
    for name, description, spec, primary, foreign in TABLES:
        data = tables[name].data()
        path = f"{name}.csv"
        files[path] = data
        keys = list(foreign)
        if name == "related" and targets <= ids:
            keys.append({"fields": ["related_id"], "reference": {"resource": "events", "fields": ["id"]}})
        schema: dict[str, Any] = {"fields": spec, "primaryKey": primary}
        if keys:
            schema["foreignKeys"] = keys
        resources.append(
            {
                "profile": "tabular-data-resource",
                "name": name,
                "path": path,
                "title": name.replace("_", " "),
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                # Declared, so that no reader guesses it from a sample (a cell holding `;"` once
                # made one guess `;`): what csvfmt.row_text writes.
                "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "lineTerminator": "\r\n", "header": True},
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": schema,
            }
        )
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": package_name(header.title),
        "title": header.title or "pcdip events",
        "description": "\n\n".join(part for part in ((header.description or "").strip(), notice or "") if part) or None,
        "licenses": [dict(lic) for lic in licenses],
        "keywords": [t.id for t in header.themes],
        MARKER: {"layout": LAYOUT},
        "resources": resources,
    }
    descriptor = {k: v for k, v in descriptor.items() if v is not None}
    files[DESCRIPTOR] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


# --- writing the folder ------------------------------------------------------------------------


def _safe_parts(relative: str) -> tuple[str, ...]:
    """The parts of a relative POSIX path that stays inside its folder; ValueError otherwise."""
    path = PurePosixPath(relative)
    parts = path.parts
    if not parts or path.is_absolute() or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        raise ValueError(f"{relative!r} is not a relative path inside the folder")
    return parts


def _all_files(folder: Path) -> tuple[set[str], set[str]] | None:
    """(files, folders) under `folder`, as relative POSIX paths; None if a link or an unreadable entry is found."""
    files: set[str] = set()
    dirs: set[str] = set()
    for root, subdirs, names in os.walk(folder, onerror=_raise):
        base = Path(root)
        for name in subdirs:
            if (base / name).is_symlink():
                return None
            dirs.add((base / name).relative_to(folder).as_posix())
        for name in names:
            path = base / name
            if path.is_symlink() or not path.is_file():
                return None
            files.add(path.relative_to(folder).as_posix())
    return files, dirs


def _raise(exc: OSError) -> None:
    raise exc


def previous_package(folder: Path) -> list[str] | None:
    """The files of the pcdip data package that `folder` holds, if it holds one and nothing else
    (the descriptor names pcdip as its writer, and every file is the descriptor or a resource it
    lists); else None. Only such a folder is ever replaced by `write_folder`."""
    try:
        descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get(MARKER), dict):
            return None
        listed = {DESCRIPTOR}
        for resource in descriptor.get("resources", []):
            path = resource["path"]
            _safe_parts(path)
            listed.add(path)
        found = _all_files(folder)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if found is None:
        return None
    files, dirs = found
    parents = {PurePosixPath(p).parent.as_posix() for p in listed} - {"."}
    every_parent = {q.as_posix() for p in parents for q in (PurePosixPath(p), *PurePosixPath(p).parents) if q.as_posix() != "."}
    if files != listed or not dirs <= every_parent:
        return None
    return sorted(files)


def check_folder(target: Path, reading: Path | None = None) -> None:
    """Refuse a target folder that `write_folder` would refuse, before any work is done: its parent
    must exist, and the target must be absent, an empty folder, or a data package pcdip wrote (which
    is replaced). `reading` (the store being read) may not be inside it."""
    target = _resolve_link(target)
    if not target.parent.is_dir():
        raise OutputError(f"{target.parent}: no such folder; create it first")
    if reading is not None:
        try:
            inside = reading.resolve().is_relative_to(target.resolve())
        except OSError:
            inside = False
        if inside:
            raise OutputError(f"{target}: holds the store this command reads; choose another folder")
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise OutputError(f"{target}: is a file, not a folder; give a new folder's name, e.g. {target.with_suffix('')}-package")
    try:
        empty = next(os.scandir(target), None) is None
    except OSError as exc:
        raise OutputError(f"{target}: cannot read the folder: {_reason(exc)}") from None
    if not empty and previous_package(target) is None:
        raise OutputError(
            f"{target}: is a folder that holds other files; give a new or empty folder (a data package pcdip wrote, with nothing else in it, is replaced)"
        )


def _resolve_link(target: Path) -> Path:
    return target.resolve() if target.is_symlink() else target  # write through a link to the folder it names


def _reason(exc: OSError) -> str:
    from ..outputs import os_reason

    return os_reason(exc)


def write_folder(target: Path, files: Mapping[str, bytes], *, reading: Path | None = None) -> None:
    """Write `files` ({relative POSIX path: bytes}) as the folder `target`, whole or not at all.

    The files are written into a temporary folder beside the target (same parent, so the same file
    system), each fsynced, then the folder is renamed to the target's name: a crash leaves no
    half-written package at `target`. A target that exists must be an empty folder or a data
    package pcdip wrote with nothing else in it; the latter is moved aside, replaced, and then
    removed file by file (only the files it listed). Anything else is refused with OutputError, as
    is a path that would leave the folder, before anything is written.
    """
    check_folder(target, reading)
    target = _resolve_link(target)
    plan = {rel: _safe_parts(rel) for rel in files}
    folder = target.parent
    old = previous_package(target) if target.is_dir() else None
    try:
        mode = target.stat().st_mode & 0o7777 if target.is_dir() else 0o777 & ~umask()
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=f".{os.getpid()}.tmp", dir=folder))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {_reason(exc)}") from None
    try:
        for rel, parts in plan.items():
            path = tmp.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(files[rel])
                handle.flush()
                os.fsync(handle.fileno())
        for sub in sorted({p.parent for p in (tmp.joinpath(*parts) for parts in plan.values())}, key=lambda p: -len(p.parts)):
            fsync_quietly(sub)
        os.chmod(tmp, mode)
        if old is None:
            _rename_into(tmp, target)
        else:
            _swap(tmp, target, old)
        fsync_quietly(folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{target}: cannot write: {_reason(exc)}; nothing was changed") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _rename_into(tmp: Path, target: Path) -> None:
    """Rename the finished folder to the target's name. POSIX rename replaces an empty folder and
    fails on a non-empty one, so a folder filled since the check is never overwritten."""
    try:
        os.rename(tmp, target)
    except OSError:
        if os.name != "nt" or not target.is_dir() or any(target.iterdir()):
            raise
        target.rmdir()  # Windows does not rename over a folder, even an empty one
        os.rename(tmp, target)


def _swap(tmp: Path, target: Path, old_files: list[str]) -> None:
    """Replace a previous package: move it aside, move the new one in, remove the old one's files."""
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=f".{os.getpid()}.old", dir=target.parent))
    aside.rmdir()  # a unique free name for the rename (renaming onto an empty folder is not portable)
    os.rename(target, aside)
    try:
        os.rename(tmp, target)
    except OSError:
        try:
            os.rename(aside, target)  # put the previous package back
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {_reason(exc)}; the previous package is at {aside}") from exc
        raise
    for rel in old_files:
        try:
            aside.joinpath(*_safe_parts(rel)).unlink()
        except OSError:
            pass
    for sub in sorted((p for p in aside.rglob("*") if p.is_dir() and not p.is_symlink()), key=lambda p: -len(p.parts)):
        try:
            sub.rmdir()
        except OSError:
            pass
    try:
        aside.rmdir()
    except OSError as exc:
        # Something appeared in the old package after the check: it is kept, never deleted.
        raise OutputError(f"{target}: the new package is in place; the previous one held files pcdip did not write and is kept at {aside}") from exc
