"""The Data Package export: validated by the Frictionless library, and read back into the events it was written from."""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from pcdip import exporters
from pcdip.cache import open_engine
from pcdip.errors import OutputError
from pcdip.exporters.datapackage import DESCRIPTOR, TABLES, package_name, previous_package, write_datapackage, write_folder
from pcdip.fields import EVENT_FIELDS
from pcdip.models import Event, Store, Theme
from pcdip.query import Filters

from .strategies import THEMES, event_lists

frictionless = pytest.importorskip("frictionless")

RESOURCES = [t[0] for t in TABLES]


def _package(folder: Path, engine: Any, filters: Filters = Filters()) -> dict[str, bytes]:
    files = write_datapackage(engine.select(filters), engine.header)
    write_folder(folder, files)
    return files


def _validate(folder: Path) -> Any:
    report = frictionless.validate(str(folder / DESCRIPTOR))
    problems = [f"{task.name}: {e.type}: {e.message}" for task in report.tasks for e in task.errors] + [f"{e.type}: {e.message}" for e in report.errors]
    assert problems == [] and report.valid
    assert [task.name for task in report.tasks] == RESOURCES
    return report


def _rows(package: Any, name: str) -> list[dict[str, Any]]:
    return [row.to_dict() for row in package.get_resource(name).read_rows()]


def _items(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows of a child table by event id, in `position` order (checked to run 0, 1, 2...)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["event_id"], []).append(row)
    for items in out.values():
        assert [r["position"] for r in items] == list(range(len(items)))
    return out


def read_events(folder: Path) -> list[dict[str, Any]]:
    """The exported event objects (EVENT_FIELDS), rebuilt from the package's tables as Frictionless types them."""
    package = frictionless.Package(str(folder / DESCRIPTOR))
    children = {name: _items(_rows(package, name)) for name in ("sources", "figures", "actors", "event_countries", "event_themes", "related")}
    events = []
    for e in _rows(package, "events"):
        i = e["id"]

        def items(name: str, i: str = i) -> list[dict[str, Any]]:
            return children[name].get(i, [])

        place = {"name": e["place_name"], "latitude": e["latitude"], "longitude": e["longitude"]} if e["place_name"] is not None else None
        prov = (
            {
                "added": e["provenance_added"],
                "basis": e["provenance_basis"],
                "checked": e["provenance_checked"],
                "audited": e["provenance_audited"],
                "revised": e["provenance_revised"],
            }
            if e["provenance_added"]
            else None
        )
        events.append(
            {
                "id": i,
                "date": e["date"],
                "end": e["end"],
                "title": e["title"],
                "summary": e["summary"],
                "countries": [r["country"] for r in items("event_countries")],
                "place": place,
                "themes": [r["theme"] for r in items("event_themes")],
                "actors": [r["name"] for r in items("actors")],
                "figures": [{k: r[k] for k in ("name", "value", "qualifier", "unit")} for r in items("figures")],
                "note": e["note"],
                "related": [r["related_id"] for r in items("related")],
                "sources": [
                    {k: r[k] for k in ("title", "publisher", "url", "published", "undated", "reposted", "archive_url", "accessed")} for r in items("sources")
                ],
                "provenance": prov,
            }
        )
    return events


def read_themes(folder: Path) -> list[dict[str, Any]]:
    """The theme vocabulary as a reader rebuilds it from themes.csv and theme_cues.csv."""
    package = frictionless.Package(str(folder / DESCRIPTOR))
    cues: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(package, "theme_cues"):
        cues.setdefault(row["theme"], []).append(row)
    for items in cues.values():
        assert [r["position"] for r in items] == list(range(len(items)))
    return [{**t, "cues": [r["cue"] for r in cues.get(t["id"], [])]} for t in _rows(package, "themes")]


def _decimal(value: Any) -> Any:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def as_read(d: dict[str, Any]) -> dict[str, Any]:
    """An exported event with its numbers as Frictionless reads a `number` (Decimal)."""
    out = json.loads(json.dumps(d))
    for f in out["figures"]:
        f["value"] = _decimal(f["value"])
    if out["place"]:
        out["place"]["latitude"] = _decimal(out["place"]["latitude"])
        out["place"]["longitude"] = _decimal(out["place"]["longitude"])
    assert list(out) == list(EVENT_FIELDS)
    return out


# --- the mini store --------------------------------------------------------------------------


def test_mini_store_package_is_valid_and_reads_back(store: Path, tmp_path: Path) -> None:
    engine = open_engine(store)
    folder = tmp_path / "pkg"
    files = _package(folder, engine)
    assert sorted(files) == sorted([DESCRIPTOR, *(f"{n}.csv" for n in RESOURCES)])
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)
    assert all((folder / name).read_bytes() == data for name, data in files.items())
    report = _validate(folder)
    assert {task.name: task.stats["rows"] for task in report.tasks} == {
        "events": 7,
        "sources": 8,
        "figures": 3,
        "actors": 5,
        "event_countries": 7,
        "event_themes": 9,
        "related": 2,
        "countries": 5,
        "themes": 5,
        "theme_cues": 5,
    }
    assert read_events(folder) == [as_read(d) for d in engine.dicts()]
    from pcdip.store import load_store

    themes = read_themes(folder)
    assert themes == [t.model_dump() for t in load_store(store).themes]
    assert any(t["cues"] for t in themes) and any(not t["cues"] for t in themes)


def test_descriptor_has_keys_types_licence_and_the_store_header(store: Path, tmp_path: Path) -> None:
    engine = open_engine(store)
    files = write_datapackage(engine.select(), engine.header)
    d = json.loads(files[DESCRIPTOR])
    assert d["profile"] == "tabular-data-package"
    assert (d["name"], d["title"]) == ("test-store", "Test store")
    assert d["licenses"] == [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0 International"}
    ]
    assert "MIT" in d["description"] and "pcdip dataset" in d["description"]
    res = {r["name"]: r for r in d["resources"]}
    assert list(res) == RESOURCES
    assert res["events"]["schema"]["primaryKey"] == ["id"]
    assert res["sources"]["schema"]["primaryKey"] == ["event_id", "position"]
    assert {"fields": ["event_id"], "reference": {"resource": "events", "fields": ["id"]}} in res["sources"]["schema"]["foreignKeys"]
    assert {"fields": ["theme"], "reference": {"resource": "themes", "fields": ["id"]}} in res["event_themes"]["schema"]["foreignKeys"]
    assert {"fields": ["country"], "reference": {"resource": "countries", "fields": ["code"]}} in res["event_countries"]["schema"]["foreignKeys"]
    assert {"fields": ["related_id"], "reference": {"resource": "events", "fields": ["id"]}} in res["related"]["schema"]["foreignKeys"]
    types = {f["name"]: f["type"] for f in res["events"]["schema"]["fields"]}
    assert (types["date"], types["start_day"], types["latitude"]) == ("string", "date", "number")
    assert {f["name"]: f["type"] for f in res["sources"]["schema"]["fields"]}["undated"] == "boolean"
    assert all(f.get("description") for r in d["resources"] for f in r["schema"]["fields"])
    for r in d["resources"]:
        data = files[r["path"]]
        assert r["bytes"] == len(data) and r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_same_events_give_the_same_bytes_from_the_engine_and_from_models(store: Path) -> None:
    from pcdip.store import load_store

    engine = open_engine(store)
    model = load_store(store)
    from_engine = write_datapackage(engine.select(), engine.header)
    from_models = write_datapackage(sorted(model.events, key=lambda e: e.sort_key()), model)
    assert from_engine == from_models == write_datapackage(list(engine.select()), engine.header)


def test_filtered_package_drops_the_related_key_only_when_a_target_is_left_out(store: Path, tmp_path: Path) -> None:
    engine = open_engine(store)
    _package(tmp_path / "italy", engine, Filters(search="ends joint patrols"))
    d = json.loads((tmp_path / "italy" / DESCRIPTOR).read_text("utf-8"))
    related = next(r for r in d["resources"] if r["name"] == "related")
    assert related["schema"]["foreignKeys"] == [{"fields": ["event_id"], "reference": {"resource": "events", "fields": ["id"]}}]
    _validate(tmp_path / "italy")  # the dangling related_id is not an error
    assert [e["related"] for e in read_events(tmp_path / "italy")] == [["2016-05-italy-patrols"]]

    _package(tmp_path / "both", engine, Filters(countries=("IT",)))
    d = json.loads((tmp_path / "both" / DESCRIPTOR).read_text("utf-8"))
    related = next(r for r in d["resources"] if r["name"] == "related")
    assert len(related["schema"]["foreignKeys"]) == 2
    _validate(tmp_path / "both")


def _rewrite(folder: Path, name: str, text: str) -> None:
    """Replace a table and fix its size and hash, so that only the data is wrong."""
    data = text.encode("utf-8")
    (folder / f"{name}.csv").write_bytes(data)
    d = json.loads((folder / DESCRIPTOR).read_text("utf-8"))
    for r in d["resources"]:
        if r["name"] == name:
            r["bytes"], r["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (folder / DESCRIPTOR).write_text(json.dumps(d), "utf-8")


def _errors(folder: Path) -> list[tuple[str, str]]:
    report = frictionless.validate(str(folder / DESCRIPTOR))
    return sorted({(task.name, e.type) for task in report.tasks for e in task.errors})


def test_the_declared_keys_are_checked(store: Path, tmp_path: Path) -> None:
    # The schema is not decoration: Frictionless rejects rows that break it.
    engine = open_engine(store)
    folder = tmp_path / "pkg"
    _package(folder, engine)
    related = (folder / "related.csv").read_bytes().decode("utf-8")  # bytes: keep the CRLF line ends
    _rewrite(folder, "related", related.replace("2016-05-italy-patrols", "no-such-event"))
    assert _errors(folder) == [("related", "foreign-key")]
    _rewrite(folder, "related", related)
    themes = (folder / "event_themes.csv").read_bytes().decode("utf-8")
    _rewrite(folder, "event_themes", themes.replace(",training\r\n", ",undeclared\r\n"))
    assert _errors(folder) == [("event_themes", "foreign-key")]
    _rewrite(folder, "event_themes", themes)
    events = (folder / "events.csv").read_bytes().decode("utf-8")
    _rewrite(folder, "events", events.replace("2016-05-01,2019-12-31", "2016-05-01,2019-13-31"))
    assert _errors(folder) == [("events", "type-error")]
    _rewrite(folder, "events", events)
    assert _errors(folder) == []
    (folder / "themes.csv").write_bytes((folder / "themes.csv").read_bytes() + b"x,y,z,false\r\n")  # size and hash no longer match
    assert ("themes", "hash-count") in _errors(folder)


def test_an_empty_selection_is_a_valid_package(store: Path, tmp_path: Path) -> None:
    engine = open_engine(store)
    _package(tmp_path / "none", engine, Filters(search="no event says this"))
    report = _validate(tmp_path / "none")
    assert {task.name: task.stats.get("rows", 0) for task in report.tasks}["events"] == 0
    assert (tmp_path / "none" / "events.csv").read_bytes().count(b"\r\n") == 1  # the header row alone
    assert read_events(tmp_path / "none") == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events=event_lists(max_size=4))
def test_odd_events_validate_and_read_back(events: list[Event], tmp_path_factory: pytest.TempPathFactory) -> None:
    # Markup, formula-looking text, line breaks, bidi controls, floats and 12-digit integers.
    themes = [Theme(id=t, label=t.title(), description=f"about {t}", pushback=t == "scrutiny") for t in THEMES]
    model = Store(schema_version=1, title="Odd: «store»", description="line one\nline two", themes=themes, events=[])
    ordered = sorted(events, key=lambda e: e.sort_key())
    folder = tmp_path_factory.mktemp("odd") / "pkg"
    write_folder(folder, write_datapackage(ordered, model))
    _validate(folder)
    assert read_events(folder) == [as_read(e.to_dict()) for e in ordered]


def test_a_cell_that_looks_like_another_delimiter_does_not_change_the_dialect(tmp_path: Path) -> None:
    """The dialect is declared: a reader that guessed it from a sample once took `;` for the
    delimiter of the actors table when an actor's name held `;"`."""
    themes = [Theme(id="training", label="Training", description="about training")]
    model = Store(schema_version=1, themes=themes, events=[])
    source = {"title": "t", "publisher": "p", "url": "https://example.org/"}
    events = [
        Event.model_validate({"id": f"e{i}", "date": "1990", "title": "t", "summary": "s", "themes": ["training"], "actors": actors, "sources": [source]})
        for i, actors in enumerate([['a;"b', "c;d"], ['x; "y"'], ["z"]])
    ]
    folder = tmp_path / "pkg"
    write_folder(folder, write_datapackage(events, model))
    _validate(folder)
    assert [e["actors"] for e in read_events(folder)] == [['a;"b', "c;d"], ['x; "y"'], ["z"]]
    descriptor = json.loads((folder / DESCRIPTOR).read_text("utf-8"))
    assert {r["dialect"]["delimiter"] for r in descriptor["resources"]} == {","}


# --- the bundled store -----------------------------------------------------------------------


def test_bundled_store_package_is_valid_and_matches_the_engine(bundled: Path, tmp_path: Path) -> None:
    engine = open_engine(bundled)
    folder = tmp_path / "pkg"
    _package(folder, engine)
    _validate(folder)
    back = read_events(folder)
    want = list(engine.dicts())
    assert [e["id"] for e in back] == [e["id"] for e in want]
    assert [(e["date"], e["end"]) for e in back] == [(e["date"], e["end"]) for e in want]
    assert [e["countries"] for e in back] == [e["countries"] for e in want]
    assert [len(e["sources"]) for e in back] == [len(e["sources"]) for e in want]
    assert back == [as_read(d) for d in want]
    d = json.loads((folder / DESCRIPTOR).read_text("utf-8"))
    assert d["name"] == "chinas-international-policing-diplomacy" and d["description"].startswith("A sourced record")


# --- writing the folder ------------------------------------------------------------------------

FILES = {
    "datapackage.json": json.dumps({"pcdip": {"layout": 1}, "resources": [{"path": "a.csv"}, {"path": "sub/b.csv"}]}).encode(),
    "a.csv": b"x\r\n1\r\n",
    "sub/b.csv": b"y\r\n",
}


def _leftovers(parent: Path, keep: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name not in (keep, "events.toml", "cache"))  # the store fixture's files stay


def test_write_folder_writes_every_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "pkg"
    target.parent.mkdir()
    write_folder(target, FILES)
    assert {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()} == FILES
    assert _leftovers(target.parent, "pkg") == []
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~mask  # not mkdtemp's 0o700


def test_write_folder_fills_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    write_folder(tmp_path / "pkg", FILES)
    assert (tmp_path / "pkg" / "sub" / "b.csv").read_bytes() == b"y\r\n"


def test_write_folder_replaces_a_package_it_wrote_and_only_that(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    write_folder(target, FILES)
    assert previous_package(target) == ["a.csv", "datapackage.json", "sub/b.csv"]
    newer = {"datapackage.json": json.dumps({"pcdip": {"layout": 1}, "resources": [{"path": "c.csv"}]}).encode(), "c.csv": b"z\r\n"}
    write_folder(target, newer)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == ["c.csv", "datapackage.json"]
    assert _leftovers(tmp_path, "pkg") == []

    (target / "notes.txt").write_text("mine")  # a file the package does not list: never replaced
    with pytest.raises(OutputError, match="holds other files"):
        write_folder(target, FILES)
    assert (target / "notes.txt").read_text() == "mine" and (target / "c.csv").is_file()

    other = tmp_path / "theirs"  # another tool's package (no pcdip marker): refused
    other.mkdir()
    (other / "datapackage.json").write_text(json.dumps({"resources": [{"path": "a.csv"}]}))
    (other / "a.csv").write_text("x\n")
    with pytest.raises(OutputError, match="holds other files"):
        write_folder(other, FILES)
    assert (other / "a.csv").read_text() == "x\n"


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda p: p.write_text("a file"), "is a file, not a folder"),
        (lambda p: (p.mkdir(), (p / "keep.txt").write_text("x")), "holds other files"),
    ],
)
def test_write_folder_refuses_what_it_would_overwrite(tmp_path: Path, setup: Any, message: str) -> None:
    target = tmp_path / "pkg"
    setup(target)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    with pytest.raises(OutputError, match=message):
        write_folder(target, FILES)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_write_folder_refuses_a_missing_parent_paths_outside_and_the_store_inside(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="no such folder; create it first"):
        write_folder(tmp_path / "nope" / "pkg", FILES)
    for bad in ("../escape.csv", "/abs.csv", "a/../../b.csv", ""):
        with pytest.raises(ValueError, match="not a relative path"):
            write_folder(tmp_path / "pkg", {**FILES, bad: b"x"})
    assert _leftovers(tmp_path, "") == []
    (tmp_path / "pkg").mkdir()
    with pytest.raises(OutputError, match="holds the store this command reads"):
        write_folder(tmp_path / "pkg", FILES, reading=tmp_path / "pkg" / "events.toml")


def test_a_failed_write_leaves_the_target_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pkg"
    write_folder(target, FILES)
    real_rename = os.rename
    calls: list[str] = []

    def failing(src: Any, dst: Any) -> None:
        calls.append(Path(src).suffix)
        if Path(dst) == target and Path(src).suffix == ".tmp":  # the new package cannot move in
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(OutputError, match="no space left on the device; nothing was changed"):
        write_folder(target, {"datapackage.json": FILES["datapackage.json"], "a.csv": b"new\r\n", "sub/b.csv": b""})
    monkeypatch.undo()
    assert calls == ["", ".tmp", ".old"]  # moved aside, the new one failed, moved back
    assert {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()} == FILES
    assert _leftovers(tmp_path, "pkg") == []


def test_package_name_is_a_valid_slug() -> None:
    assert package_name("China's international policing diplomacy") == "chinas-international-policing-diplomacy"
    assert package_name("Полиция 中国 — notes") == "politsiya-zhongguo-notes"
    assert package_name(None) == package_name("!!!") == "pcdip-events"


# --- the command line (active once the registry and `export` know the format) -------------------


@pytest.mark.skipif("datapackage" not in exporters.FORMATS, reason="the datapackage format is not registered yet")
def test_export_datapackage_command(store: Path, tmp_path: Path) -> None:
    from .conftest import invoke

    folder = tmp_path / "pkg"
    r = invoke("export", "-f", "datapackage", "-o", str(folder))
    assert (r.code, r.out) == (0, "")
    assert r.err.startswith(f"wrote 7 events to {folder}")
    _validate(folder)
    again = invoke("export", "-f", "datapackage", "-o", str(folder), "-c", "Fiji")  # a package pcdip wrote is replaced
    assert again.code == 0, again.err
    assert [e["id"] for e in read_events(folder)] == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    assert invoke("export", "-f", "datapackage").code == 2  # needs -o
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    refused = invoke("export", "-f", "datapackage", "-o", str(tmp_path / "full"))
    assert refused.code == 1 and "holds other files" in refused.err
