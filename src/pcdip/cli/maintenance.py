"""`pcdip cache`: where the query index is kept, how big it is, and emptying it."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from ..errors import UsageError
from . import app, emit

cache_app = typer.Typer(
    name="cache",
    help="Where pcdip keeps the index of each store it has read, and how big it is; `pcdip cache clear` empties it.",
    no_args_is_help=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(cache_app)


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@cache_app.callback()
def cache_info(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Where pcdip keeps the index of each store it has read, and how big it is.

    Indexes of stores that no longer exist are removed; the folder is kept under PCDIP_CACHE_MAX_MB
    (default 1024), least recently used first. PCDIP_NO_CACHE=1 keeps indexes in memory only.

    Example: pcdip cache   (or: pcdip cache clear)
    """
    if ctx.invoked_subcommand is not None:
        return
    from .. import cache

    if fmt not in ("table", "json"):
        raise UsageError(f"--format {fmt}: choose table or json")
    info: dict[str, Any] = cache.info()
    if fmt == "json":
        from ..exporters.jsonfmt import dumps

        emit(dumps(info, indent=2) + "\n")
        return
    from ..text import clean

    lines = [
        f"folder   {clean(info['folder'])}",
        f"indexes  {info['indexes']}, {_size(info['bytes'])} (cap {_size(info['max_bytes'])})" + ("" if info["enabled"] else "; off (PCDIP_NO_CACHE)"),
    ]
    lines += [f"  {_size(s['bytes']):>10}  {clean(s['store'])}" for s in info["stores"]]
    emit("\n".join(lines) + "\n")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every index from the cache (they are rebuilt on the next query).

    Example: pcdip cache clear
    """
    from .. import cache

    n = cache.clear()
    sys.stderr.write(f"removed {n} index{'es' if n != 1 else ''} from {cache.cache_dir()}\n")
