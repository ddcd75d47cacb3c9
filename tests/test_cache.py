"""The query engine and its on-disk index: one answer, whatever the cache holds or has lost.

- a Hypothesis differential test holds the engine against a deliberately naive filter written here;
- every command gives the same bytes with the cache on, off, cold and warm;
- each kind of damage (a changed byte, a zeroed page, a truncated file, a missing table, changed
  code, an odd cache path, concurrent and killed builders, a deleted store) ends in a right answer.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcdip import cache
from pcdip.cache import open_engine
from pcdip.countries import in_region
from pcdip.dates import parse_date
from pcdip.engine import memory_engine
from pcdip.exporters import FORMATS
from pcdip.exporters.jsonfmt import dumps
from pcdip.models import Event
from pcdip.query import Filters

from .conftest import PCDIP, invoke
from .strategies import CODES, THEMES, event_dicts

# --- the reference: a naive filter, written from the documented meaning of each option ----------


def _plain(text: str) -> str:
    """The documented comparison, spelt out: decomposed, accents (U+0300-U+036F) dropped, every
    dash a hyphen and every curly apostrophe a straight one, in any case."""
    kept = []
    for ch in unicodedata.normalize("NFKD", text):
        if "\u0300" <= ch <= "\u036f":
            continue
        kept.append("-" if ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d" else "'" if ch in "\u2018\u2019\u02bc\uff07" else ch)
    return "".join(kept).casefold()


def _word_start_match(needle: str, text: str) -> bool:
    needle, text = _plain(needle), _plain(text)
    if needle == "":
        return True
    start = text.find(needle)
    while start != -1:
        if start == 0 or not needle[0].isalnum() or not text[start - 1].isalnum():
            return True
        start = text.find(needle, start + 1)
    return False


def reference(events: list[Event], f: Filters) -> list[str]:
    def keep(e: Event) -> bool:
        if f.start is not None and e.end_day < f.start.lower:
            return False
        if f.end is not None and e.start_day > f.end.upper:
            return False
        if f.countries and not set(f.countries) & set(e.countries):
            return False
        if f.themes and not (all if f.all_themes else any)(t in e.themes for t in f.themes):
            return False
        if f.region is not None and not any(in_region(c, f.region) for c in e.countries):
            return False
        if f.actor is not None and not any(_word_start_match(x, a) for x in f.actor for a in e.actors):  # any of them
            return False
        if f.search is not None and not any(_plain(f.search) in _plain(t) for t in [e.title, e.summary, *e.actors]):
            return False
        return True

    chosen = sorted((e for e in events if keep(e)), key=lambda e: (e.date.lower, e.end_day, e.id), reverse=f.reverse)
    return [e.id for e in chosen][: f.limit] if f.limit is not None else [e.id for e in chosen]


needles = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(
        [
            "a",
            "li",
            "xi",
            "police",
            "PATROL",
            " c",
            "-x",
            "é",
            "中",
            "ß",
            "SS",
            "bozinovic",
            "LANCANG-MEKONG",
            "o'neill",
            "\u2013x",
            "\n",
            "police\nliu",
            "a\x1fb",
            "\x00",
            "\ud800",
            "caf\udce9",
        ]
    ),
    st.text(max_size=4),
)


@st.composite
def stores(draw: st.DrawFn) -> list[Event]:
    ids = draw(st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), unique=True, max_size=8))
    events = []
    for i in ids:
        d = draw(event_dicts(i))
        if draw(st.booleans()):
            d["actors"] = draw(
                st.lists(
                    st.sampled_from(
                        [
                            "Xi Jinping",
                            "Lai Changxing",
                            "Liu Zhongyi",
                            "public security",
                            "Straße",
                            "-x ray",
                            "a-b",
                            "中国公安",
                            "Davor Božinović",
                            "Lancang–Mekong centre",
                            "Kevin O’Neill",
                        ]
                    ),
                    max_size=3,
                )
            )
        events.append(Event.model_validate(d))
    return events


@st.composite
def filters(draw: st.DrawFn) -> Filters:
    def date() -> Any:
        return draw(st.one_of(st.none(), st.sampled_from(["1995", "2001-06", "2010~", "2020-02-29", "2025", "201X"]).map(parse_date)))

    return Filters(
        start=date(),
        end=date(),
        countries=tuple(draw(st.lists(st.sampled_from([*CODES, "ZZ"]), max_size=2))),
        themes=tuple(draw(st.lists(st.sampled_from([*THEMES, "nope"]), max_size=2))),
        all_themes=draw(st.booleans()),
        region=draw(st.one_of(st.none(), st.sampled_from(["Oceania", "Melanesia", "Asia", "Europe", "Africa"]))),
        actor=draw(st.one_of(needles, st.lists(needles.filter(lambda n: n is not None), min_size=1, max_size=3))),  # one text, or several
        search=draw(needles),
        limit=draw(st.one_of(st.none(), st.integers(0, 3), st.just(2**63), st.just(10**20))),
        reverse=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(events=stores(), f=filters())
def test_engine_agrees_with_a_naive_filter(events: list[Event], f: Filters) -> None:
    engine = memory_engine(events, {"schema_version": 1, "themes": []})
    got = [e.id for e in engine.select(f)]
    assert got == reference(events, f)
    assert engine.count(f) == len(got)
    texts = list(engine.texts(f))
    assert [json.loads(t) for t in texts] == [e.to_dict() for e in engine.select(f)]
    assert texts == [dumps(e.to_dict()) for e in engine.select(f)]  # the bytes every other JSON path writes
    if f.limit is None:
        counts: dict[str, int] = {}
        for e in events:
            if e.id in got:
                for t in e.themes:
                    counts[t] = counts.get(t, 0) + 1
        assert engine.theme_counts(f) == counts


# Texts a user types that only match once accents, dashes and apostrophes are folded.
FOLDING = st.sampled_from(["bozinovic", "BOŽINOVIĆ", "lancang-mekong", "LANCANG\u2014MEKONG", "o'neill", "strasse", "xi", "\u2013x"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(events=stores(), actor=st.one_of(st.none(), FOLDING), search=st.one_of(st.none(), FOLDING))
def test_engine_folds_text_as_the_reference_does(events: list[Event], actor: str | None, search: str | None) -> None:
    """The text filters alone, so that the folded matches are not hidden by the other filters."""
    f = Filters(actor=actor, search=search)
    assert [e.id for e in memory_engine(events, {"schema_version": 1, "themes": []}).select(f)] == reference(events, f)


def test_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        Filters(limit=-1)


# --- cache on, off, cold, warm: the same bytes ---------------------------------------------------

COMMANDS: list[tuple[str, ...]] = [
    ("timeline",),
    ("timeline", "-n", "2", "--reverse"),
    ("timeline", "-s", "patrol"),
    ("timeline", "-n", "99999999999999999999"),
    ("timeline", "--actor", "public security\nliu"),
    ("timeline", "--actor", ""),
    ("timeline", "-s", "caf\udce9"),
    ("theme", "scrutiny"),
    ("country", "Fiji"),
    ("country", "Fiji", "--format", "json"),
    ("show", "2022-12-italy-ends-patrols"),
    ("show", "--format", "json", "2016-05-italy-patrols"),
    ("themes",),
    ("themes", "--format", "json"),
    ("countries",),
    ("countries", "--format", "json"),
    ("stats",),
    ("stats", "--format", "json", "--region", "Oceania"),
]
COMMANDS += [("export", "--format", f.name) for f in FORMATS.values() if not f.requires_file]
COMMANDS += [("export", "-f", "csv", "-t", "scrutiny", "--fields", "id,date"), ("export", "-f", "ndjson", "-c", "Fiji", "-c", "Italy")]
COMMANDS += [("export", "-f", "md", "-c", "Fiji", "--reverse"), ("export", "-f", "tsv", "-t", "scrutiny"), ("timeline", "-f", "csv", "-n", "3")]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_same_bytes_with_the_cache_on_and_off(args: tuple[str, ...], store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCDIP_NO_CACHE", "1")
    off = invoke(*args)
    monkeypatch.delenv("PCDIP_NO_CACHE")
    cold = invoke(*args)
    assert cache.paths(store.resolve())[0].is_file()  # the cold run saved the index
    warm = invoke(*args)  # from the index, and from the rows the cold run rendered and kept
    again = invoke(*args)
    assert (off.code, off.out, off.err) == (cold.code, cold.out, cold.err) == (warm.code, warm.out, warm.err) == (again.code, again.out, again.err)
    assert "unexpected" not in off.err


def test_a_warm_run_reads_the_index_without_parsing(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke("timeline")
    import pcdip.store

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("parsed the store")

    monkeypatch.setattr(pcdip.store, "parse_store", boom)
    assert invoke("timeline", "-n", "1").code == 0


def test_a_changed_store_is_never_answered_from_an_old_index(store: Path) -> None:
    st = store.stat()
    assert "police cooperation memorandum" in invoke("show", "2011-04-fiji-mou").out
    text = store.read_text("utf-8").replace("police cooperation memorandum", "police cooperation memorandun")
    store.write_text(text, "utf-8")
    os.utime(store, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same size and modification time
    assert "police cooperation memorandun" in invoke("show", "2011-04-fiji-mou").out


# --- damage -------------------------------------------------------------------------------------


def _index(store: Path) -> Path:
    invoke("timeline")
    path = cache.paths(store.resolve())[0]
    assert path.is_file()
    return path


def _expected() -> str:
    os.environ["PCDIP_NO_CACHE"] = "1"
    try:
        return invoke("export", "-f", "ndjson").out
    finally:
        del os.environ["PCDIP_NO_CACHE"]


def _flip(path: Path, needle: bytes) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(needle)
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["row-byte", "zeroed-page", "truncated", "missing-table", "garbage", "empty", "stamp-json"])
def test_a_damaged_index_is_rebuilt_and_the_answer_is_right(damage: str, store: Path) -> None:
    want = _expected()
    path = _index(store)
    if damage == "row-byte":
        _flip(path, b"Fiji and China sign")
    elif damage == "zeroed-page":
        data = bytearray(path.read_bytes())
        data[4096:8192] = bytes(4096)
        path.write_bytes(bytes(data))
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "missing-table":
        conn = sqlite3.connect(path)
        conn.execute("DROP TABLE event_themes")
        conn.commit()
        conn.close()
    elif damage == "garbage":
        path.write_bytes(b"not a database" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "stamp-json":
        cache.paths(store.resolve())[1].write_text("{", "utf-8")
    for _ in range(2):  # the damaged run, and the run after it
        r = invoke("export", "-f", "ndjson")
        assert (r.code, r.err) == (0, "")
        assert r.out == want
        for args in (("themes", "--format", "json"), ("stats", "--format", "json"), ("show", "2011-04-fiji-mou", "--format", "json")):
            assert invoke(*args).code == 0


def test_damage_that_keeps_the_stat_is_caught_by_the_row_checksum(store: Path) -> None:
    """A changed byte that even restores the file's times is caught when the row is read."""
    want = _expected()
    path = _index(store)
    st = path.stat()
    _flip(path, b"Fiji and China sign")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    stamp = json.loads(cache.paths(store.resolve())[1].read_text())
    stamp["index"] = [path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns]
    cache.paths(store.resolve())[1].write_text(json.dumps(stamp))
    r = invoke("export", "-f", "ndjson")
    assert (r.code, r.err, r.out) == (0, "", want)


def test_an_index_built_by_other_code_is_not_used(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _index(store)
    before = path.stat().st_mtime_ns
    monkeypatch.setattr(cache, "_CODE", "a-different-pcdip")
    assert cache.code_digest() == "a-different-pcdip"
    assert invoke("timeline").code == 0
    assert path.stat().st_mtime_ns != before  # rebuilt by "this" code


@pytest.mark.parametrize("name", ["odd?folder#name%20", "spaces and ü", "semi;colon"])
def test_an_odd_cache_path_hits(name: str, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / name
    monkeypatch.setenv("PCDIP_CACHE_DIR", str(folder))
    invoke("timeline")
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        [cache.paths(store.resolve())[0].name, cache.paths(store.resolve())[1].name]
    )
    assert cache._open_cached(store.resolve(), store.stat(), None) is not None
    assert not list(tmp_path.glob("odd*")) or folder.exists()
    assert [p for p in tmp_path.iterdir() if p.name not in (name, "events.toml", "cache")] == []


def test_a_killed_builder_leaves_nothing_for_long(store: Path) -> None:
    folder = cache.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = proc.pid
    leftover = folder / f".build-{dead}-abc.sqlite3"
    leftover.write_bytes(b"half an index")
    stamp_tmp = folder / f".abc.json.{dead}.tmp"
    stamp_tmp.write_text("{")
    invoke("timeline")
    assert not leftover.exists() and not stamp_tmp.exists()


def test_one_builder_at_a_time(store: Path) -> None:
    """A builder that finds the store's lock held gives way; the answer is unaffected."""
    from filelock import FileLock

    lock = cache.paths(store.resolve())[2]
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock):
        r = invoke("timeline")
        assert r.code == 0
        assert not cache.paths(store.resolve())[0].exists()
    assert invoke("timeline").out == r.out
    assert cache.paths(store.resolve())[0].exists()


def test_concurrent_cold_queries_agree(store: Path) -> None:
    if PCDIP is None:
        pytest.skip("pcdip is not installed")
    env = {**os.environ, "PCDIP_CACHE_SYNC": "0"}
    procs = [subprocess.Popen([PCDIP, "export", "-f", "ndjson"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len({o for o, _ in outs}) == 1 and all(e == b"" for _, e in outs)
    assert invoke("export", "-f", "ndjson").out.encode() == outs[0][0]


def test_indexes_of_deleted_stores_are_removed(store: Path, tmp_path: Path) -> None:
    other = tmp_path / "confidential.toml"
    other.write_bytes(store.read_bytes())
    invoke("timeline", "--store", str(other))
    index, stamp, _ = cache.paths(other.resolve())
    assert index.exists()
    other.unlink()
    cache.sweep()
    assert not index.exists() and not stamp.exists()


def test_the_size_cap_evicts_the_least_recently_used(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stores = []
    for i in range(3):
        s = tmp_path / f"s{i}.toml"
        s.write_bytes(store.read_bytes())
        invoke("timeline", "--store", str(s))
        stamp = cache.paths(s.resolve())[1]
        os.utime(stamp, (1000 + i, 1000 + i))
        stores.append(s)
    size = cache.paths(stores[0].resolve())[0].stat().st_size
    monkeypatch.setenv("PCDIP_CACHE_MAX_MB", str(2.5 * size / 1024 / 1024))
    cache.sweep()
    assert [cache.paths(s.resolve())[0].exists() for s in stores] == [False, True, True]


def test_cache_command_reports_and_clears(store: Path) -> None:
    invoke("timeline")
    r = invoke("cache", "--format", "json")
    assert r.code == 0
    info = json.loads(r.out)
    assert info["folder"] == str(cache.cache_dir()) and info["indexes"] == 1 and info["bytes"] > 0
    assert info["stores"][0]["store"] == str(store.resolve())
    r = invoke("cache", "clear")
    assert r.code == 0 and "1 index" in r.err
    assert json.loads(invoke("cache", "--format", "json").out)["indexes"] == 0
    assert [p for p in cache.cache_dir().iterdir() if p.suffix in (".sqlite3", ".json")] == []


def test_an_unwritable_cache_folder_still_answers(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PCDIP_CACHE_DIR", str(blocker / "cache"))
    r = invoke("timeline", "-n", "1")
    assert r.code == 0 and r.err == ""


def test_library_engine_and_cli_agree(store: Path) -> None:
    eng = open_engine(store)
    assert [e.id for e in eng.select(Filters(countries=("FJ",)))] == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    r = invoke("export", "-f", "ndjson", "-c", "FJ")
    assert [json.loads(line)["id"] for line in r.out.splitlines()] == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]


# --- rendered rows ------------------------------------------------------------------------------


def _no_cache(*args: str) -> str:
    os.environ["PCDIP_NO_CACHE"] = "1"
    try:
        return invoke(*args).out
    finally:
        del os.environ["PCDIP_NO_CACHE"]


def _rows_in(path: Path) -> list[tuple[str, int, str, int]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT kind, pos, text, crc FROM rows ORDER BY kind, pos").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["csv", "tsv", "md"])
def test_rendered_rows_are_kept_and_a_second_export_reads_them(fmt: str, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    want = _no_cache("export", "-f", fmt)
    assert invoke("export", "-f", fmt).out == want
    rows = cache.rows_path(store.resolve())
    assert [r[1] for r in _rows_in(rows) if r[0] == fmt] == list(range(7))  # every event, by its place in the file
    import importlib

    module = importlib.import_module(f"pcdip.exporters.{'markdown' if fmt == 'md' else 'csvfmt'}")

    def boom(*a: object, **k: object) -> str:
        raise AssertionError("rendered a row again")

    monkeypatch.setattr(module, f"row_{fmt}", boom)
    r = invoke("export", "-f", fmt)
    assert (r.code, r.out) == (0, want)


def test_a_damaged_rendered_row_is_rendered_again(store: Path) -> None:
    want = _no_cache("export", "-f", "csv")
    invoke("export", "-f", "csv")
    rows = cache.rows_path(store.resolve())
    _flip(rows, b"Fiji and China sign")
    r = invoke("export", "-f", "csv")
    assert (r.code, r.err, r.out) == (0, "", want)
    assert all(zlib.crc32(text.encode()) == crc for _, _, text, crc in _rows_in(rows))  # put back whole


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "missing-table"])
def test_a_damaged_rows_file_never_changes_an_export(damage: str, store: Path) -> None:
    want = _no_cache("export", "-f", "md")
    invoke("export", "-f", "md")
    rows = cache.rows_path(store.resolve())
    if damage == "garbage":
        rows.write_bytes(b"not a database" * 500)
    elif damage == "truncated":
        rows.write_bytes(rows.read_bytes()[: rows.stat().st_size // 2])
    elif damage == "empty":
        rows.write_bytes(b"")
    else:
        conn = sqlite3.connect(rows)
        conn.execute("DROP TABLE rows")
        conn.commit()
        conn.close()
    for _ in range(2):
        r = invoke("export", "-f", "md")
        assert (r.code, r.err, r.out) == (0, "", want)


def test_rows_of_an_older_store_are_never_served(store: Path) -> None:
    invoke("export", "-f", "csv")
    text = store.read_text("utf-8").replace("police cooperation memorandum", "police cooperation accord")
    store.write_text(text, "utf-8")
    want = _no_cache("export", "-f", "csv")
    assert "police cooperation accord" in want
    assert invoke("export", "-f", "csv").out == want


def test_the_size_cap_drops_rendered_rows_before_indexes(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke("export", "-f", "csv")
    index, rows = cache.paths(store.resolve())[0], cache.rows_path(store.resolve())
    assert rows.is_file()
    monkeypatch.setenv("PCDIP_CACHE_MAX_MB", str((index.stat().st_size + 1) / 1024 / 1024))
    cache.sweep()
    assert index.is_file() and not rows.exists()
    monkeypatch.delenv("PCDIP_CACHE_MAX_MB")
    invoke("export", "-f", "csv")
    assert rows.is_file()
    assert invoke("cache", "clear").code == 0 and not rows.exists() and not index.exists()


@pytest.mark.parametrize("fmt", [f for f in FORMATS.values() if f.rows], ids=lambda f: f.name)
def test_framed_rows_and_the_writer_give_the_same_export(fmt: object, store: Path) -> None:
    """Two paths write these formats: the writer over events (the library's), and the engine's
    rendered rows framed by the command line. They must not drift apart, cache or no cache."""
    from pcdip.cli import export_chunks
    from pcdip.query import Filters

    for filters in (Filters(), Filters(countries=("FJ",), reverse=True), Filters(search="no such text")):
        for _ in range(2):  # rendering the rows, then reading them back
            engine = cache.open_engine(store)
            direct = fmt.write(engine.select(filters), engine.header)  # type: ignore[attr-defined]
            framed = "".join(export_chunks(engine, filters, fmt, None))
            assert framed == direct


def test_a_profiles_json_splices_the_index_rows_as_encoding_them_would(bundled: Path) -> None:
    """`country --format json` writes the index's own rows for the events, and finds the pushback
    in SQL: the same bytes as the profile's events decoded and encoded again, for every country
    of the bundled store, with and without other filters."""
    from pcdip.exporters.jsonfmt import dumps_with_rows

    engine = open_engine(bundled)
    codes = sorted(engine.country_counts())
    assert len(codes) > 100
    for code in codes:
        for f in (Filters(), Filters(themes=("training",), start=parse_date("2015"))):
            profile = engine.profile(code, f)
            text = engine.profile_json(code, f)  # what `country --format json` writes
            assert text == dumps_with_rows(profile.to_dict(), "events")
            assert json.loads(text)["events"] == [e.to_dict() for e in profile.events]


# --- an index extended after an append ----------------------------------------------------------


def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    from pcdip.engine import TABLES

    return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(events=stores(), data=st.data())
def test_an_index_extended_by_an_append_is_the_index_built_afresh(events: list[Event], data: st.DataObject) -> None:
    """After `add` or `import`, the index is extended in place of a rebuild: table by table, row
    by row, it must be what a fresh build of the whole store gives (one event at a time in the
    timeline, or the timeline numbered again for a large batch)."""
    from pcdip.engine import append_to_index, build

    # Few distinct dates, so that the timeline's order turns on the end day and then the id.
    dates = st.tuples(st.sampled_from(["2001", "2001-06", "2001-06-01", "2002~"]), st.sampled_from([None, "2003", "2005"]))
    events = [
        Event.model_validate({**e.to_dict(), "date": d, "end": end})
        for e, (d, end) in zip(events, data.draw(st.lists(dates, min_size=len(events), max_size=len(events))), strict=True)
    ]
    split = data.draw(st.integers(0, len(events)))
    shift_at_most = data.draw(st.sampled_from([0, 1, 100]))
    header = {"schema_version": 1, "themes": []}
    extended = sqlite3.connect(":memory:")
    build(extended, events[:split], header, {"digest": "old"})
    append_to_index(extended, events[split:], {"digest": "new"}, shift_at_most=shift_at_most)
    fresh = sqlite3.connect(":memory:")
    build(fresh, events, header, {"digest": "new"})
    assert _tables(extended) == _tables(fresh)


def _stamp(store: Path) -> dict[str, Any]:
    return dict(json.loads(cache.paths(store.resolve())[1].read_text("utf-8")))


ADD = ["add", "--no-input", "--date", "2012-05", "--title", "A new event", "--summary", "Added.", "-t", "training", "-c", "Fiji"]
ADD += ["--source-url", "https://example.org/new", "--source-title", "New", "--source-publisher", "Someone"]


def test_add_extends_the_saved_index_and_the_next_query_reads_it(store: Path) -> None:
    index = _index(store)
    inode = index.stat().st_ino
    r = invoke(*ADD)
    assert r.code == 0, r.err
    stamp = _stamp(store)
    assert stamp["digest"] == cache.digest(store.read_bytes())  # it vouches for the new bytes
    assert index.stat().st_ino == inode  # extended where it is, not built again
    assert stamp["index"] == [index.stat().st_ino, index.stat().st_size, index.stat().st_mtime_ns]
    got = invoke("export", "-f", "ndjson").out
    assert got == _expected() and "2012-05-a-new-event" in got
    assert index.stat().st_ino == inode  # the query read it
    assert invoke("timeline", "-c", "Fiji").out == invoke("timeline", "-c", "Fiji", env={"PCDIP_NO_CACHE": "1"}).out


def test_add_extends_the_index_it_built_itself_before_saving_it(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not cache.paths(store.resolve())[0].exists()
    builds: list[Path] = []
    index_into = cache._index_into
    monkeypatch.setattr(cache, "_index_into", lambda conn, data, where, key: builds.append(where) or index_into(conn, data, where, key))
    r = invoke(*ADD)
    assert r.code == 0, r.err
    assert len(builds) == 1  # read before the lock and again under it: the same bytes, indexed once
    assert _stamp(store)["digest"] == cache.digest(store.read_bytes())
    assert invoke("export", "-f", "ndjson").out == _expected()


def test_a_busy_cache_leaves_the_index_to_be_rebuilt_and_the_answer_right(store: Path) -> None:
    from filelock import FileLock

    _index(store)
    with FileLock(cache.paths(store.resolve())[2]):
        assert invoke(*ADD).code == 0
    assert _stamp(store)["digest"] != cache.digest(store.read_bytes())  # not extended: a miss
    assert invoke("export", "-f", "ndjson").out == _expected()


@given(st.binary(max_size=64), st.lists(st.binary(max_size=16), max_size=3), st.booleans())
def test_a_digest_taken_from_the_last_hash_is_the_digest(first: bytes, more: list[bytes], same: bool) -> None:
    """A store read again under its lock, and the store after an append, are keyed from the hash
    already taken: the same key a fresh hash gives."""

    def fresh(data: bytes) -> str:
        cache._HASHED.clear()
        return cache.digest(data)

    want_first, want_all = fresh(first), fresh(first + b"".join(more))
    with cache.hashes_kept():
        cache.digest(first)
        assert cache._HASHED  # kept, for the length of a write
        again = bytes(bytearray(first)) if same else first + b"x"  # equal bytes, another object; or other bytes
        assert cache.digest(again) == (want_first if same else fresh(again))
        cache.digest(first)
        assert cache.digest_of([first, *more]) == want_all
        assert cache.digest_of([bytes(bytearray(first)), *more]) == want_all
    assert not cache._HASHED  # and let go after it
    assert cache.digest_of([first, *more]) == want_all


def test_a_library_user_does_not_keep_a_stores_bytes(store: Path) -> None:
    cache._HASHED.clear()
    engine = open_engine(store)  # hashes the store (no index yet)
    assert len(engine) > 0 and not cache._HASHED
