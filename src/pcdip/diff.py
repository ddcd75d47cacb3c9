"""What changed between two stores (two releases of the record, or a colleague's copy and yours).

Events are matched by id: an id only in the new store is an added event, one only in the old store
a removed one, and an id in both whose exported object differs is a changed event, with each
changed field's old and new values (nested values, such as sources, figures, place and provenance,
compared whole, as values; a figure of 30 and one of 30.0 differ). An event whose id changed is
one removed and one added. Themes are matched by id the same way (added, removed, and changed:
relabelled, redescribed, pushback turned on or off, or cues changed), and the store's title, description and
schema version are compared.

`diff_stores(old, new)` takes two engines (`cache.open_engine(path)`) or two validated `Store`s and
returns a `Diff`, with `to_dict()` (JSON) and `to_markdown()` (a changelog). No Typer, no Rich.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .errors import StoreError
from .fields import EVENT_FIELDS, reposted_mark

if TYPE_CHECKING:
    from .engine import Engine
    from .models import Store

StoreLike = Union["Engine", "Store"]

LIST_FIELDS = ("countries", "themes", "actors", "figures", "related", "sources")
HEADER_FIELDS = ("title", "description", "schema_version")
THEME_FIELDS = ("label", "description", "pushback", "cues")


def _canon(value: Any) -> str:
    # Compared as JSON text, so that types count (30 is not 30.0, true is not 1) and dict order is the exporter's.
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def same(a: Any, b: Any) -> bool:
    """Whether two exported values are the same value (types included)."""
    return a is b or _canon(a) == _canon(b)


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs: its name, the old value and the new one (exported form)."""

    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}

    def items(self) -> tuple[list[Any], list[Any]]:
        """For a list field: (items only in the old list, items only in the new one), each in its
        list's order, compared as values. Both empty when only the order changed."""
        old = self.old if isinstance(self.old, list) else []
        new = self.new if isinstance(self.new, list) else []
        old_keys = [_canon(x) for x in old]
        new_keys = [_canon(x) for x in new]
        return ([x for x, k in zip(old, old_keys, strict=True) if k not in new_keys], [x for x, k in zip(new, new_keys, strict=True) if k not in old_keys])


@dataclass(frozen=True)
class EventChange:
    """An event in both stores whose exported object differs: its id, date and title (new values) and the fields that changed, in EVENT_FIELDS order."""

    id: str
    date: str
    title: str
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.changes]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date, "title": self.title, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class ThemeChange:
    """A theme in both stores whose label, description, pushback flag or cues differ."""

    id: str
    changes: tuple[FieldChange, ...]

    @property
    def relabelled(self) -> FieldChange | None:
        return next((c for c in self.changes if c.field == "label"), None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class Diff:
    """The differences between an old store and a new one. Events are exported objects (the dicts
    of `export --format json`): added ones in the new store's timeline order, removed ones in the
    old store's, changed ones in the new store's."""

    old_events: int
    new_events: int
    added: tuple[dict[str, Any], ...] = ()
    removed: tuple[dict[str, Any], ...] = ()
    changed: tuple[EventChange, ...] = ()
    themes_added: tuple[dict[str, Any], ...] = ()
    themes_removed: tuple[dict[str, Any], ...] = ()
    themes_changed: tuple[ThemeChange, ...] = ()
    header: tuple[FieldChange, ...] = ()
    old_name: str = "old"
    new_name: str = "new"

    @property
    def unchanged(self) -> int:
        return self.new_events - len(self.added) - len(self.changed)

    @property
    def empty(self) -> bool:
        """True when the stores hold the same events, themes and header."""
        return not (self.added or self.removed or self.changed or self.themes_added or self.themes_removed or self.themes_changed or self.header)

    def counts(self) -> dict[str, int]:
        return {
            "old_events": self.old_events,
            "new_events": self.new_events,
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "themes_added": len(self.themes_added),
            "themes_removed": len(self.themes_removed),
            "themes_changed": len(self.themes_changed),
        }

    def summary(self) -> str:
        """One line: how many events before and after, and what happened to them."""
        c = self.counts()
        line = (
            f"{_n(c['old_events'], 'event')} before, {c['new_events']} after: {c['added']} added, {c['removed']} removed, "
            f"{c['changed']} changed, {c['unchanged']} unchanged"
        )
        themes = [f"{c[k]} {k.split('_')[1]}" for k in ("themes_added", "themes_removed", "themes_changed") if c[k]]
        if themes:
            line += f"; themes: {', '.join(themes)}"
        return line + "."

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--format json`: the counts, the header and theme changes, and the events."""
        return {
            "old": self.old_name,
            "new": self.new_name,
            "counts": self.counts(),
            "store": [c.to_dict() for c in self.header],
            "themes": {
                "added": list(self.themes_added),
                "removed": list(self.themes_removed),
                "changed": [t.to_dict() for t in self.themes_changed],
            },
            "events": {
                "added": list(self.added),
                "removed": list(self.removed),
                "changed": [e.to_dict() for e in self.changed],
            },
        }

    def to_markdown(self) -> str:
        """A changelog in Markdown: the summary, then the store, themes, added, removed and changed
        events. Text from the stores is escaped (it shows as written, never as Markdown)."""
        from .exporters.markdown import escape, link_target

        out = [f"# Changes from {escape(self.old_name)} to {escape(self.new_name)}", "", escape(self.summary()), ""]
        if self.empty:
            out += ["No differences.", ""]
            return "\n".join(out)
        if self.header:
            out += ["## Store", ""]
            out += [f"- `{c.field}`: {escape(describe(c.field, c.old))} → {escape(describe(c.field, c.new))}" for c in self.header]
            out.append("")
        if self.themes_added or self.themes_removed or self.themes_changed:
            out += ["## Themes", ""]
            out += [f"- Added `{t['id']}`: {escape(t['label'])}" for t in self.themes_added]
            out += [f"- Removed `{t['id']}`: {escape(t['label'])}" for t in self.themes_removed]
            for t in self.themes_changed:
                for c in t.changes:
                    verb = "Relabelled" if c.field == "label" else f"Changed {c.field} of"
                    out.append(f"- {verb} `{t.id}`: {escape(describe(c.field, c.old))} → {escape(describe(c.field, c.new))}")
            out.append("")

        def line(e: Mapping[str, Any]) -> str:
            return f"- **{escape(e['date'])}** {escape(e['title'])} `{e['id']}`"

        for title, events in ((f"Added events ({len(self.added)})", self.added), (f"Removed events ({len(self.removed)})", self.removed)):
            if events:
                out += [f"## {title}", ""]
                out += [line(e) for e in events]
                out.append("")
        if self.changed:
            out += [f"## Changed events ({len(self.changed)})", ""]
            for ch in self.changed:
                out.append(f"{line({'id': ch.id, 'date': ch.date, 'title': ch.title})}: {', '.join(ch.fields)}")
                for c in ch.changes:
                    if c.field in LIST_FIELDS:
                        gone, new = c.items()
                        if not gone and not new:
                            out.append(f"  - `{c.field}`: reordered")
                        for verb, items in ((f"removed from `{c.field}`", gone), (f"added to `{c.field}`", new)):
                            for item in items:
                                if c.field == "sources" and isinstance(item, Mapping) and isinstance(item.get("url"), str):
                                    text = f"[{escape(describe_item(c.field, item, url=False))}]({link_target(item['url'])})"
                                else:
                                    text = escape(describe_item(c.field, item))
                                out.append(f"  - {verb}: {text}")
                    else:
                        out.append(f"  - `{c.field}`: {escape(describe(c.field, c.old))} → {escape(describe(c.field, c.new))}")
            out.append("")
        return "\n".join(out)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- describing values for people -------------------------------------------------------------


def describe_item(field: str, item: Any, *, url: bool = True) -> str:
    """One item of a list field, as people read it: a source as `publisher: title, date <url>`
    (without the url when `url` is false), a figure as `name: at least 30`, a country as `Fiji (FJ)`."""
    if field == "sources" and isinstance(item, Mapping):
        when = f", {item['published']}" if item.get("published") else ""
        where = f" <{item.get('url')}>" if url else ""
        return f"{item.get('publisher')}: {item.get('title')}{when}{reposted_mark(bool(item.get('reposted')))}{where}"
    if field == "figures" and isinstance(item, Mapping):
        from .records import FigureRecord

        try:
            return f"{item['name']}: {FigureRecord(item).describe()}"
        except (KeyError, TypeError, ValueError):
            return _canon(item)
    if field == "countries" and isinstance(item, str):
        from . import countries

        return f"{countries.name(item)} ({item})"
    return item if isinstance(item, str) else _canon(item)


def describe(field: str, value: Any) -> str:
    """A whole field value, as people read it: `(none)` for null or an empty list, lists joined
    with `; `, a place as `name (lat, lon)`, provenance as `added 0.1.4, source-reading, checked 0.2.0`."""
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(describe_item(field, x) for x in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if field == "place" and isinstance(value, Mapping):
        return f"{value.get('name')} ({value.get('latitude')}, {value.get('longitude')})"
    if field == "provenance" and isinstance(value, Mapping):
        checked = f", checked {value['checked']}" if value.get("checked") else ", not checked"
        audited = f", audited {value['audited']}" if value.get("audited") else ""
        revised = f", revised {value['revised']}" if value.get("revised") else ""
        return f"added {value.get('added')}, {value.get('basis')}{checked}{audited}{revised}"
    if isinstance(value, str):
        return value
    return _canon(value)


# --- comparing --------------------------------------------------------------------------------


def _events(source: StoreLike) -> list[dict[str, Any]]:
    """The exported events of an engine or a Store, in timeline order."""
    from .engine import Engine

    if isinstance(source, Engine):
        return list(source.dicts())
    return [e.to_dict() for e in sorted(source.events, key=lambda e: e.sort_key())]


def _header(source: StoreLike) -> dict[str, Any]:
    from .engine import Engine

    return source.header.to_dict() if isinstance(source, Engine) else source.header()


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any], fields: Sequence[str]) -> tuple[FieldChange, ...]:
    """The fields whose values differ, in the order given (a field absent from one side is None there)."""
    return tuple(FieldChange(f, old.get(f), new.get(f)) for f in fields if not same(old.get(f), new.get(f)))


def diff_events(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[EventChange]]:
    """(added, removed, changed) between two sequences of exported events, matched by id."""
    old_list = [dict(e) for e in old]
    new_list = [dict(e) for e in new]
    old_by_id = {e["id"]: e for e in old_list}
    new_ids = {e["id"] for e in new_list}
    added = [e for e in new_list if e["id"] not in old_by_id]
    removed = [e for e in old_list if e["id"] not in new_ids]
    changed = []
    for e in new_list:
        before = old_by_id.get(e["id"])
        if before is None:
            continue
        changes = field_changes(before, e, EVENT_FIELDS)
        if changes:
            changed.append(EventChange(e["id"], e["date"], e["title"], changes))
    return added, removed, changed


def diff_stores(old: StoreLike, new: StoreLike, *, old_name: str = "old", new_name: str = "new") -> Diff:
    """The differences between two stores, each an engine (`cache.open_engine(path)`) or a validated
    `Store`. `old_name` and `new_name` name them in the changelog (e.g. their paths or releases)."""
    old_events, new_events = _events(old), _events(new)
    added, removed, changed = diff_events(old_events, new_events)
    old_header, new_header = _header(old), _header(new)
    old_themes = {t["id"]: t for t in old_header["themes"]}
    new_themes = {t["id"]: t for t in new_header["themes"]}
    themes_changed = []
    for tid, theme in new_themes.items():
        if tid in old_themes:
            changes = field_changes(old_themes[tid], theme, THEME_FIELDS)
            if changes:
                themes_changed.append(ThemeChange(tid, changes))
    return Diff(
        old_events=len(old_events),
        new_events=len(new_events),
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        themes_added=tuple(t for tid, t in new_themes.items() if tid not in old_themes),
        themes_removed=tuple(t for tid, t in old_themes.items() if tid not in new_themes),
        themes_changed=tuple(themes_changed),
        header=field_changes(old_header, new_header, HEADER_FIELDS),
        old_name=old_name,
        new_name=new_name,
    )


def diff_files(old: Any, new: Any) -> Diff:
    """The differences between two stores, read through the query engine. Each is a store file,
    or `REV:PATH`, a store as git holds it at a revision (a commit, tag or branch, as `git show`
    reads it). StoreError or ValidationError when one is unreadable or invalid."""
    return diff_stores(open_side(old), open_side(new), old_name=str(old), new_name=str(new))


_REVISION = re.compile(r"^(?P<rev>[^:\s]{2,}):(?P<path>[^:].*)$")  # not a Windows drive (C:\...)


def open_side(spec: str | os.PathLike[str]) -> Engine:
    """The engine over one side of a diff: a store file, or `REV:PATH` read from git."""
    from .cache import open_engine

    text = os.fspath(spec)
    match = _REVISION.match(text)
    if Path(text).exists():
        return open_engine(text)
    if match is None:
        raise StoreError(f"{text}: no such file (give a store file, or REV:PATH for one in git's history)")
    from .query import engine_of
    from .store import parse_store

    return engine_of(parse_store(git_show(match["rev"], match["path"]), Path(text)))


def git_show(rev: str, path: str) -> bytes:
    """A file as git holds it at a revision, read in the current folder's repository."""
    import subprocess

    if rev.startswith("-"):
        raise StoreError(f"{rev}:{path}: a revision cannot start with '-'")
    try:
        done = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, check=False)
    except OSError:
        raise StoreError(f"{rev}:{path}: no such file, and git is not installed to read it as REV:PATH") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StoreError(f"{rev}:{path}: no such file, and git cannot read it as REV:PATH ({reason[-1] if reason else 'git failed'})")
    return done.stdout
