"""Where a store is: the path a command was given, $PCDIP_STORE, or the store bundled with pcdip;
and reading its bytes with clear errors. Kept apart from store.py (parsing and validation), which a
query answered from the index never needs to import."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import StoreError

ENV_VAR = "PCDIP_STORE"


def _packaged_store() -> Path:
    return Path(__file__).resolve().parent / "data" / "events.toml"


def bundled_store() -> Path:
    """The store shipped with pcdip: inside the installed package, or data/ of a source checkout."""
    packaged = _packaged_store()
    if packaged.is_file():
        return packaged
    return packaged.parent.parent.parent.parent / "data" / "events.toml"


def locate(path: str | os.PathLike[str] | None = None) -> Path:
    """The store to use: an explicit path, else $PCDIP_STORE, else the bundled store."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return bundled_store()


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        hint = f"pass --store PATH or set {ENV_VAR}" if path != bundled_store() else "reinstall pcdip"
        raise StoreError(f"{path}: no such store; {hint}") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a store file; point --store at an events.toml") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store: {exc.strerror or exc}") from None
