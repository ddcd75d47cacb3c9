"""pcdip: a sourced timeline of China's international policing diplomacy.

>>> from pcdip import load_store, Filters, select
>>> store = load_store()                      # the bundled store
>>> [e.id for e in select(store.events, Filters(countries=("FJ",)))][:1]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.24"

__all__ = ["Event", "Filters", "Source", "Store", "Theme", "__version__", "load_store", "open_engine", "resolve_theme", "select"]

if TYPE_CHECKING:
    from .cache import open_engine
    from .models import Event, Source, Store, Theme
    from .query import Filters, resolve_theme, select
    from .store import load_store


def __getattr__(name: str) -> Any:
    # Lazy: `import pcdip` (and so `pcdip --version`) does not pay for pydantic.
    if name in ("Event", "Source", "Store", "Theme"):
        from . import models

        return getattr(models, name)
    if name in ("Filters", "resolve_theme", "select"):
        from . import query

        return getattr(query, name)
    if name == "open_engine":
        from .cache import open_engine

        return open_engine
    if name == "load_store":
        from .store import load_store

        return load_store
    raise AttributeError(f"module 'pcdip' has no attribute {name!r}")
