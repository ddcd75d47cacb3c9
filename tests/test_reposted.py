"""A source read in a copy on another site (`reposted = true`) is marked as such wherever sources go:
the event view, every export that lists sources, citations and diffs; and the field round-trips."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tomllib
from pathlib import Path

import pytest

from pcdip.fields import REPOSTED_LABEL

from .conftest import invoke

EVENT = "2025-02-20-myanmar-repatriation"
COPY_URL = "https://example.org/myanmar-2"


@pytest.fixture
def reposted(store: Path) -> Path:
    """The mini store with its Myanmar event's second source marked as a copy."""
    text = store.read_text("utf-8")
    line = f'url = "{COPY_URL}"\n'
    assert text.count(line) == 1
    store.write_text(text.replace(line, line + "reposted = true\n"), "utf-8")
    assert invoke("validate").code == 0
    return store


def _sources(records: list[dict]) -> dict[str, bool]:  # type: ignore[type-arg]
    return {s["url"]: s["reposted"] for r in records for s in r["sources"]}


def test_json_csv_and_toml_carry_the_flag(reposted: Path) -> None:
    flags = _sources(json.loads(invoke("export", "-f", "json").out))
    assert flags.pop(COPY_URL) is True and not any(flags.values())
    rows = list(csv.DictReader(io.StringIO(invoke("export", "-f", "csv").out)))
    assert _sources([{"sources": json.loads(r["sources"])} for r in rows])[COPY_URL] is True
    toml = tomllib.loads(invoke("export", "-f", "toml").out)
    written = [s for e in toml["events"] for s in e["sources"]]
    assert [s.get("reposted") for s in written if "reposted" in s] == [True]  # false is left out, as the curator writes it


def test_show_marks_the_copy(reposted: Path) -> None:
    out = invoke("show", EVENT).out
    lines = [line for line in out.splitlines() if REPOSTED_LABEL in line]
    assert len(lines) == 1 and lines[0].startswith("[2] Example Nation:")


@pytest.mark.parametrize("fmt", ["md", "ics", "timelinejs", "html"])
def test_text_exports_mark_the_copy_once(reposted: Path, fmt: str) -> None:
    out = invoke("export", "-f", fmt, "-c", "Myanmar", "-o", "-").out
    assert out.count(REPOSTED_LABEL) == 1


def test_tables_have_the_column(reposted: Path, tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    assert invoke("export", "-f", "sqlite", "-o", str(db)).code == 0
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT url, reposted FROM sources").fetchall())
        undated = {u for (u,) in conn.execute("SELECT url FROM sources WHERE undated")}
    assert rows.pop(COPY_URL) == 1 and set(rows.values()) == {0} and not undated
    folder = tmp_path / "pkg"
    assert invoke("export", "-f", "datapackage", "-o", str(folder)).code == 0
    with (folder / "sources.csv").open(encoding="utf-8", newline="") as f:
        table = {r["url"]: r["reposted"] for r in csv.DictReader(f)}
    assert table.pop(COPY_URL) == "true" and set(table.values()) == {"false"}


@pytest.mark.parametrize("fmt", ["text", "bibtex", "csl-json", "ris"])
def test_citations_say_the_url_is_a_copy(reposted: Path, fmt: str) -> None:
    out = invoke("cite", EVENT, "-f", fmt).out
    assert out.count(REPOSTED_LABEL) == 1


def test_diff_shows_a_source_becoming_a_copy(store: Path, tmp_path: Path) -> None:
    before = tmp_path / "before.toml"
    before.write_text(store.read_text("utf-8"), "utf-8")
    line = f'url = "{COPY_URL}"\n'
    store.write_text(store.read_text("utf-8").replace(line, line + "reposted = true\n"), "utf-8")
    r = invoke("diff", str(before), str(store))
    assert r.code == 0 and EVENT in r.out and REPOSTED_LABEL in r.out
