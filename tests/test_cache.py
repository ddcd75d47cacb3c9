"""The on-disk index: fresh answers after any change, never trusted when damaged, same bytes as without it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pcdip import cache
from pcdip.exporters import FORMATS
from pcdip.source import open_source

from .conftest import invoke


def ids(*args: str) -> list[str]:
    r = invoke("export", "--format", "ndjson", *args)
    assert r.code == 0, r.err
    return [json.loads(line)["id"] for line in r.out.splitlines()]


def test_second_query_comes_from_the_index(store: Path) -> None:
    from pcdip.source import finish

    assert not open_source(store).cached  # a miss: the index is built when the command finishes
    finish()
    assert cache.cache_file(store).is_file()
    assert open_source(store).cached


def test_index_is_built_in_the_background(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PCDIP_CACHE_SYNC a detached child builds the index after the answer is written."""
    import subprocess
    import sys
    import time

    monkeypatch.delenv("PCDIP_CACHE_SYNC")
    code = "import sys; from pcdip.cli import main; sys.argv = ['pcdip', 'export', '-f', 'ndjson']; main()"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "" and len(proc.stdout.splitlines()) == 7
    deadline = time.monotonic() + 30
    while not cache.cache_file(store).is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_source(store).cached


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS.values() if not f.requires_file])
@pytest.mark.parametrize("args", [(), ("-t", "scrutiny"), ("-c", "Fiji", "--reverse"), ("--from", "2022", "-n", "2"), ("--region", "Asia"), ("-s", "PATROL"), ("--actor", "liu")])
def test_index_gives_the_same_bytes_as_the_store(fmt: str, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCDIP_NO_CACHE", "1")
    direct = invoke("export", "--format", fmt, *args)
    monkeypatch.delenv("PCDIP_NO_CACHE")
    invoke("export", "--format", fmt, *args)  # builds the index
    cached = invoke("export", "--format", fmt, *args)
    assert cached.code == direct.code == 0
    assert cached.out == direct.out


def test_all_themes_filter_through_the_index(store: Path) -> None:
    ids()
    assert open_source(store).cached
    assert ids("-t", "joint-patrol", "-t", "scrutiny") == ["2016-05-italy-patrols", "2022-12-italy-ends-patrols", "2024-03-fiji-keeps-mou"]
    assert invoke("theme", "joint-patrol", "scrutiny", "--all", "--format", "json").out.count('"id"') == 1


def test_one_byte_changed(store: Path) -> None:
    assert "2011-04-fiji-mou" in ids()
    text = store.read_text("utf-8")
    store.write_text(text.replace('id = "2011-04-fiji-mou"', 'id = "2011-04-fiji-mot"').replace('"2011-04-fiji-mou"]', '"2011-04-fiji-mot"]'), "utf-8")
    assert "2011-04-fiji-mot" in ids() and "2011-04-fiji-mou" not in ids()


def test_older_copy_of_the_same_size_with_the_same_mtime(store: Path, tmp_path: Path) -> None:
    older = tmp_path / "older.toml"
    shutil.copy2(store, older)
    text = store.read_text("utf-8")
    changed = text.replace('title = "Italy ends joint patrols with China"', 'title = "Italy ends joint patrols with PRC!!"')
    assert len(changed.encode()) == len(text.encode())
    store.write_text(changed, "utf-8")
    stat = store.stat()
    assert "Italy ends joint patrols with PRC!!" in invoke("export").out
    # The older copy comes back: same size, and even the same mtime.
    shutil.copyfile(older, store)
    os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert store.stat().st_size == stat.st_size and store.stat().st_mtime_ns == stat.st_mtime_ns
    out = invoke("export").out
    assert "Italy ends joint patrols with China" in out and "PRC!!" not in out


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "wrong-count"])
def test_damaged_index_is_rebuilt_not_trusted(store: Path, damage: str) -> None:
    expected = ids()
    path = cache.cache_file(store)
    assert open_source(store).cached
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a database" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        import sqlite3

        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM events WHERE pos = 0")
        conn.commit()
        conn.close()
    assert ids() == expected
    assert open_source(store).cached  # rebuilt


def test_invalid_store_is_reported_even_with_an_index(store: Path) -> None:
    ids()
    store.write_text(store.read_text("utf-8").replace('date = "2011-04"', 'date = "2011-13"'), "utf-8")
    r = invoke("timeline")
    assert r.code == 1 and "month 13 does not exist" in r.err


def test_writes_never_use_the_index(store: Path, tmp_path: Path) -> None:
    ids()
    batch = tmp_path / "b.json"
    batch.write_text(json.dumps([{"id": "2026-x", "date": "2026", "title": "t", "summary": "s", "themes": ["training"],
                                  "sources": [{"title": "t", "publisher": "p", "url": "https://example.org"}]}]), "utf-8")
    assert invoke("import", str(batch)).code == 0
    assert "2026-x" in ids()


def test_cache_can_be_turned_off(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCDIP_NO_CACHE", "1")
    ids()
    assert not cache.cache_file(store).exists()


def test_unwritable_cache_folder_is_no_error(store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("PCDIP_CACHE_DIR", str(blocker / "cache"))
    assert ids()[0] == "2011-04-fiji-mou"
