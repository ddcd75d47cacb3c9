"""Read-only records of validated events, as the query engine hands them to views and exporters.

The engine keeps each event in its exported form (the dict of `Event.to_dict()`, EVENT_FIELDS
order), which was validated when the index was built. A `Record` gives that dict the attribute
shape of an `Event` (dates as PartialDate, sources and figures as small objects) without running
pydantic again, so that views and exporters read `event.title` and `event.date.year` whichever
kind they are given. `Record.to_dict()` returns the exported dict itself.

No I/O, no pydantic, no Rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from .dates import PartialDate, Spanned, parse_date
from .fields import describe_figure


def _date(text: str | None) -> PartialDate | None:
    return parse_date(text) if text else None


class SourceRecord:
    __slots__ = ("accessed", "archive_url", "published", "publisher", "reposted", "title", "undated", "url")

    def __init__(self, d: Mapping[str, Any]) -> None:
        self.title: str = d["title"]
        self.publisher: str = d["publisher"]
        self.url: str = d["url"]
        self.published = _date(d.get("published"))
        self.undated: bool = bool(d.get("undated", False))
        self.reposted: bool = bool(d.get("reposted", False))
        self.archive_url: str | None = d.get("archive_url")
        self.accessed = _date(d.get("accessed"))


class FigureRecord:
    __slots__ = ("name", "qualifier", "unit", "value")

    def __init__(self, d: Mapping[str, Any]) -> None:
        self.name: str = d["name"]
        self.value: int | float = d["value"]
        self.qualifier: str | None = d.get("qualifier")
        self.unit: str | None = d.get("unit")

    def describe(self) -> str:
        return describe_figure(self.value, self.qualifier, self.unit)


class PlaceRecord:
    __slots__ = ("latitude", "longitude", "name")

    def __init__(self, d: Mapping[str, Any]) -> None:
        self.name: str = d["name"]
        self.latitude: float = d["latitude"]
        self.longitude: float = d["longitude"]


class ProvenanceRecord:
    __slots__ = ("added", "audited", "basis", "checked", "revised")

    def __init__(self, d: Mapping[str, Any]) -> None:
        self.added: str = d["added"]
        self.basis: str = d["basis"]
        self.checked: str | None = d.get("checked")
        self.audited: str | None = d.get("audited")
        self.revised: str | None = d.get("revised")

    def describe(self) -> str:
        """`added in 0.1.4 (source reading); checked 0.2.0; audited 0.2.1; revised 0.2.2`, as people read it."""
        parts = [f"added in {self.added} ({self.basis.replace('-', ' ')})"]
        parts.append(f"checked {self.checked}" if self.checked else "not checked since")
        if self.audited:
            parts.append(f"audited {self.audited}")
        if self.revised:
            parts.append(f"revised {self.revised}")
        return "; ".join(parts)


class Record(Spanned):
    """One validated event, read from the engine: the attributes of `models.Event`, without pydantic."""

    __slots__ = ("__dict__", "_d", "id")

    def __init__(self, d: dict[str, Any]) -> None:
        self._d = d
        self.id: str = d["id"]

    # Everything is read from the dict when a view or exporter first asks for it: an export that
    # only needs the dict (CSV, JSON) never parses a date.
    @cached_property
    def date(self) -> PartialDate:
        return parse_date(self._d["date"])

    @cached_property
    def end(self) -> PartialDate | None:
        return _date(self._d.get("end"))

    @property
    def title(self) -> str:
        return self._d["title"]  # type: ignore[no-any-return]

    @property
    def summary(self) -> str:
        return self._d["summary"]  # type: ignore[no-any-return]

    @property
    def countries(self) -> list[str]:
        return self._d["countries"]  # type: ignore[no-any-return]

    @property
    def themes(self) -> list[str]:
        return self._d["themes"]  # type: ignore[no-any-return]

    @property
    def actors(self) -> list[str]:
        return self._d["actors"]  # type: ignore[no-any-return]

    @property
    def note(self) -> str | None:
        return self._d.get("note")

    @property
    def related(self) -> list[str]:
        return self._d["related"]  # type: ignore[no-any-return]

    @cached_property
    def sources(self) -> list[SourceRecord]:
        return [SourceRecord(s) for s in self._d["sources"]]

    @cached_property
    def figures(self) -> list[FigureRecord]:
        return [FigureRecord(f) for f in self._d["figures"]]

    @cached_property
    def place(self) -> PlaceRecord | None:
        p = self._d.get("place")
        return PlaceRecord(p) if p else None

    @cached_property
    def provenance(self) -> ProvenanceRecord | None:
        p = self._d.get("provenance")
        return ProvenanceRecord(p) if p else None

    def to_dict(self) -> dict[str, Any]:
        """The exported form (shared, not copied: treat it as read-only)."""
        return self._d

    def __repr__(self) -> str:
        return f"Record({self.id!r})"


class ThemeRecord:
    __slots__ = ("cues", "description", "id", "label", "pushback")

    def __init__(self, d: Mapping[str, Any]) -> None:
        self.id: str = d["id"]
        self.label: str = d["label"]
        self.description: str = d["description"]
        self.pushback: bool = bool(d.get("pushback", False))
        self.cues: list[str] = list(d.get("cues", ()))

    def to_dict(self, *, exclude_defaults: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "description": self.description, "pushback": self.pushback, "cues": self.cues}
        if exclude_defaults:
            for key, default in (("pushback", False), ("cues", [])):
                if out[key] == default:
                    del out[key]
        return out


class Header:
    """Everything of a store but its events: title, description and the theme vocabulary."""

    def __init__(self, d: Mapping[str, Any]) -> None:
        self.schema_version: int = d["schema_version"]
        self.title: str | None = d.get("title")
        self.description: str | None = d.get("description")
        self.themes: list[ThemeRecord] = [ThemeRecord(t) for t in d["themes"]]
        self._by_id = {t.id: t for t in self.themes}

    def theme(self, theme_id: str) -> ThemeRecord | None:
        return self._by_id.get(theme_id)

    @property
    def theme_labels(self) -> dict[str, str]:
        """id -> label, in declared order."""
        return {t.id: t.label for t in self.themes}

    @property
    def pushback_themes(self) -> frozenset[str]:
        return frozenset(t.id for t in self.themes if t.pushback)

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": self.schema_version, "title": self.title, "description": self.description, "themes": [t.to_dict() for t in self.themes]}


def records(dicts: Iterable[dict[str, Any]]) -> list[Record]:
    return [Record(d) for d in dicts]
