"""Writing an export to a file: whole or not at all, never over the store being read.

The export goes to a temporary file in the target's folder, is flushed and fsynced, and is renamed
over the target only when every byte is written; a failure (no space, a file-size limit, an
interrupted run) leaves the target as it was and removes the temporary file. An output that is the
store being read (the same file, through any link) or the store installed with pcdip is refused
before anything is written. OS errors become one clear OutputError.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError, PcdipError

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EFBIG: "the file would exceed the size limit",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.EISDIR: "it is a folder",
    errno.ENOENT: "no such folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def os_reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_target(output: Path, reading: Path | None) -> None:
    """Refuse an output that would replace the store being read or the installed store."""
    from .store import _packaged_store

    for store, what in ((reading, "the store this command reads"), (_packaged_store(), "the store installed with pcdip")):
        if store is not None and (same_file(output, store) or output.resolve() == store.resolve()):
            raise OutputError(f"{output}: is {what}; writing the export there would replace the store. Choose another file")
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name, e.g. {output / 'events'}")
    if not output.parent.is_dir():
        raise OutputError(f"{output.parent}: no such folder; create it first")


def write_file(output: Path, chunks: Iterable[str | bytes], *, reading: Path | None = None) -> None:
    """Write chunks to `output` atomically (see the module docstring)."""
    check_target(output, reading)
    target = output.resolve() if output.is_symlink() else output  # write through a link to what it names
    replace_file(target, chunks, OutputError, f"{output}: cannot write")


def replace_file(target: Path, chunks: Iterable[str | bytes], error: type[PcdipError], what: str) -> None:
    """Write chunks to a temporary file beside `target` (`.NAME.PID.RANDOM.tmp`), fsync it, give it
    the target's permissions and rename it over the target, then fsync the folder: the one atomic
    write of pcdip, for exports and for stores. An OS error becomes `error("WHAT: REASON; nothing
    was changed")`, the temporary file removed."""
    import tempfile

    folder = target.parent
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise error(f"{what}: {os_reason(exc)}; nothing was changed") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        _unlink(tmp)
        raise error(f"{what}: {os_reason(exc)}; nothing was changed") from None
    except BaseException:
        _unlink(tmp)
        raise
    fsync_quietly(folder)


def fsync_quietly(path: Path) -> None:
    """fsync a file or a folder (so that a rename in it is durable) where the platform allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # folders cannot be opened on every platform
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def umask() -> int:
    """The process's file-creation mask (read by setting it and setting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
