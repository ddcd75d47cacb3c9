"""Where queries get their events: a validated store in memory, or its on-disk index (cache.py).

`open_source(path)` reads the store's bytes once; when the cache holds an index built from exactly
these bytes it answers from there, decoding only the events a query selects; otherwise it parses
and validates the store (every problem reported, as `load_store` does) and builds the index for
next time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import cache
from .store import locate, parse_store, read_bytes

if TYPE_CHECKING:
    from .models import Event, Store
    from .query import Filters


@dataclass
class Selection:
    """The events a query selected: as exported JSON text (from the index) or as models."""

    header: dict[str, Any]
    rows: list[str] | None = None
    _events: list[Event] | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.rows) if self.rows is not None else len(self._events or [])

    @property
    def events(self) -> list[Event]:
        if self._events is None:
            from pydantic import TypeAdapter

            from .models import Event
            from .store import _gc_paused

            with _gc_paused():
                self._events = TypeAdapter(list[Event]).validate_python([json.loads(r) for r in self.rows or []])
        return self._events

    @property
    def store(self) -> Store:
        """A Store holding the header (themes, title) and just these events, for exporters and views."""
        if self._store is None:
            from .models import Store, Theme

            h = self.header
            self._store = Store.model_construct(
                schema_version=h["schema_version"], title=h.get("title"), description=h.get("description"),
                themes=[Theme.model_validate(t) for t in h["themes"]], events=self.events,
            )
        return self._store


class Source:
    """A store to query: `themes`, `header` and `select(filters)`."""

    def __init__(self, header: dict[str, Any], store: Store | None = None, index: cache.Index | None = None) -> None:
        self.header = header
        self._store = store
        self._index = index

    @property
    def themes(self) -> dict[str, str]:
        """The store's theme vocabulary: id -> label, in declared order."""
        return {t["id"]: t["label"] for t in self.header["themes"]}

    @property
    def cached(self) -> bool:
        return self._index is not None

    def select(self, filters: Filters) -> Selection:
        if self._index is not None:
            return Selection(self.header, rows=self._index.rows(filters))
        from .query import select

        assert self._store is not None
        return Selection(self.header, _events=select(self._store.events, filters))


def open_source(path: str | os.PathLike[str] | None = None) -> Source:
    """The store to query, from its index when that is fresh; StoreError or ValidationError as load_store raises them."""
    where = locate(path)
    data = read_bytes(where)
    key = cache.digest(data) if cache.enabled() else ""
    if key:
        index = cache.open_index(where, key)
        if index is not None:
            return Source(index.header, index=index)
    store = parse_store(data, where, freeze=True)
    if key:
        _PENDING.append((where, key, store))
    return Source(store.header(), store=store)


# Indexes to build once the command has answered (see finish()).
_PENDING: list[tuple[Any, str, Store]] = []


def finish() -> None:
    """Build the indexes this run found missing or stale.

    Where the platform can fork, a detached child builds them after the answer is out, so the
    first query after a change costs no more than parsing and validating; set PCDIP_CACHE_SYNC=1
    to build in this process instead (tests do).
    """
    pending = list(_PENDING)
    _PENDING.clear()
    if not pending:
        return
    if os.environ.get("PCDIP_CACHE_SYNC") == "1" or not hasattr(os, "fork"):
        for where, key, store in pending:
            cache.build_index(where, key, store)
        return
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    pid = os.fork()
    if pid != 0:
        return
    try:  # the child: let go of the terminal and of any pipe, so nobody waits for it
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        with cache.building():
            for where, key, store in pending:
                cache.build_index(where, key, store)
    finally:
        os._exit(0)
