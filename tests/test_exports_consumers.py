"""Exports read by the tools researchers pipe them into: pandas, DuckDB, csvkit and Datasette.

Each test runs the installed `pcdip` in a real process, as a user's pipeline would, and checks that
the tool reads back what `pcdip export --format json` says: the same events, ids, dates as written
(never turned into numbers or timestamps), lists and sources.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from .conftest import PCDIP, installed

pytestmark = pytest.mark.subprocess

if PCDIP is None:  # pragma: no cover
    pytest.skip("the pcdip entry point is not installed", allow_module_level=True)


def tool(name: str) -> str:
    path = installed(name)
    assert path, f"{name} is not installed: pip install -e '.[test]'"
    return path


def export(*args: str) -> bytes:
    proc = subprocess.run([PCDIP, "export", *args], capture_output=True, env=os.environ, timeout=60, check=True)
    assert proc.stderr == b""
    return proc.stdout


def pipe(args: list[str], into: list[str]) -> str:
    """`pcdip export ARGS | INTO`, with both processes real."""
    producer = subprocess.Popen([PCDIP, "export", *args], stdout=subprocess.PIPE, env=os.environ)
    consumer = subprocess.run(into, stdin=producer.stdout, capture_output=True, text=True, timeout=60)
    assert producer.stdout is not None
    producer.stdout.close()
    assert producer.wait(timeout=60) == 0 and consumer.returncode == 0, consumer.stderr
    return consumer.stdout


@pytest.fixture
def truth() -> list[dict[str, Any]]:
    events = json.loads(export("-f", "json"))
    assert len(events) == 7
    return events


# -- pandas -----------------------------------------------------------------------------------------


def test_pandas_reads_the_csv_as_written_with_the_documented_options(truth: list[dict[str, Any]]) -> None:
    frame = pd.read_csv(io.BytesIO(export("-f", "csv")), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(truth[0])
    assert frame["id"].tolist() == [e["id"] for e in truth]
    # Dates stay as written: "2016-05" is not May 1st, "2019" is not 2019.0, "2023~" survives.
    assert frame["date"].tolist() == [e["date"] for e in truth]
    assert frame["end"].tolist() == [e["end"] or "" for e in truth]
    assert frame["countries"].str.split(";").tolist() == [e["countries"] or [""] for e in truth]
    assert [json.loads(s) for s in frame["sources"]] == [e["sources"] for e in truth]
    assert [json.loads(f) for f in frame["figures"]] == [e["figures"] for e in truth]


def test_pandas_reads_ndjson_lines(truth: list[dict[str, Any]]) -> None:
    frame = pd.read_json(io.BytesIO(export("-f", "ndjson")), lines=True, dtype=False)
    assert frame["id"].tolist() == [e["id"] for e in truth]
    assert frame["date"].tolist() == [e["date"] for e in truth]
    assert frame["themes"].tolist() == [e["themes"] for e in truth]
    per_country = frame.explode("countries").groupby("countries")["id"].count().to_dict()
    assert per_country["FJ"] == 2 and per_country["IT"] == 2


def test_pandas_reads_tsv() -> None:
    frame = pd.read_csv(io.BytesIO(export("-f", "tsv", "--fields", "id,date,title")), sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["id", "date", "title"] and len(frame) == 7


# -- DuckDB -----------------------------------------------------------------------------------------


def test_duckdb_queries_ndjson_with_nested_sources(tmp_path: Path, truth: list[dict[str, Any]]) -> None:
    path = tmp_path / "events.ndjson"
    path.write_bytes(export("-f", "ndjson"))
    con = duckdb.connect()
    rows = con.execute("SELECT id, date FROM read_json(?) ORDER BY id", [str(path)]).fetchall()
    assert rows == sorted((e["id"], e["date"]) for e in truth)
    urls = con.execute("SELECT id, unnest(sources).url AS url FROM read_json(?)", [str(path)]).fetchall()
    assert urls == [(e["id"], s["url"]) for e in truth for s in e["sources"]]
    fiji = con.execute("SELECT id FROM read_json(?) WHERE list_contains(countries, 'FJ') ORDER BY id", [str(path)]).fetchall()
    assert fiji == [("2011-04-fiji-mou",), ("2024-03-fiji-keeps-mou",)]


def test_duckdb_reads_the_csv_without_turning_dates_into_numbers(tmp_path: Path, truth: list[dict[str, Any]]) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(export("-f", "csv"))
    con = duckdb.connect()
    rows = con.execute("SELECT id, date, \"end\", string_split(themes, ';') FROM read_csv(?, all_varchar = true)", [str(path)]).fetchall()
    assert rows == [(e["id"], e["date"], e["end"], e["themes"]) for e in truth]


# -- csvkit -----------------------------------------------------------------------------------------


def test_csvkit_reads_the_piped_csv(truth: list[dict[str, Any]]) -> None:
    names = pipe(["-f", "csv"], [tool("csvcut"), "-n"])
    assert [line.split(":", 1)[1].strip() for line in names.splitlines()] == list(truth[0])
    rows = json.loads(pipe(["-f", "csv", "--fields", "id,date,title,summary"], [tool("csvjson"), "--no-inference"]))
    assert rows == [{k: e[k] for k in ("id", "date", "title", "summary")} for e in truth]


# -- Datasette ----------------------------------------------------------------------------------------


def test_datasette_serves_and_searches_the_sqlite_export(tmp_path: Path, truth: list[dict[str, Any]]) -> None:
    db = tmp_path / "pcdip.sqlite"
    subprocess.run([PCDIP, "export", "-f", "sqlite", "-o", str(db)], check=True, capture_output=True, env=os.environ, timeout=60)

    def get(path: str) -> Any:
        proc = subprocess.run([tool("datasette"), str(db), "--get", path], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    events = get("/pcdip/events.json?_shape=array&_col=date&_size=max")
    assert sorted((e["id"], e["date"]) for e in events) == sorted((e["id"], e["date"]) for e in truth)
    # The search box on the events table: Datasette finds the full-text index by itself.
    found = get("/pcdip/events.json?_search=memorandum&_shape=array&_col=id")
    assert sorted(e["id"] for e in found) == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    # A facet a user would click: events per theme through the link table.
    facets = get("/pcdip/event_themes.json?_facet=theme&_size=0")
    counts = {f["value"]: f["count"] for f in facets["facet_results"]["theme"]["results"]}
    assert counts == {t: sum(t in e["themes"] for e in truth) for t in counts} and sum(counts.values()) == sum(len(e["themes"]) for e in truth)
