#!/usr/bin/env python3
"""pcdip benchmarks: each target is a ratio against a peer measured in the same run.

    python bench/bench.py                 # all sizes (10k, 100k, 300k events); several minutes
    python bench/bench.py --sizes 10000   # quicker
    python bench/bench.py --markdown docs/PERFORMANCE.md   # also write the results page

What is compared (docs/PERFORMANCE.md explains why):
1. start-up: `pcdip timeline --format json` on the bundled store, warm, against a two-command
   hello-world Typer app in the same Python;
2. cold query: the first `pcdip export --format ndjson --theme training` after the store changed
   (no index), against a bare `tomllib.load` of the same file;
3. warm query: the same query again (answered from the index), against `jq` running the same
   filter over the same events as a JSON file;
4. peak memory (max RSS) of the cold query, and how times grow with the number of events.

Timing uses hyperfine when it is installed (Debian package `hyperfine`), else Python's own
timing of repeated runs. Generated stores go to a temporary folder (or --work DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PCDIP = str(BIN / "pcdip") if (BIN / "pcdip").exists() else shutil.which("pcdip") or "pcdip"
THEME = "training"

HELLO = """import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")
@app.command()
def bye() -> None:
    print("bye")
app()
"""


def generate(n: int, folder: Path) -> tuple[Path, Path]:
    """A store of n events made from copies of the bundled ones (ids suffixed, links kept), and the same events as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    import tomli_w

    from pcdip.exporters.tomlfmt import event_table
    from pcdip.store import bundled_store, load_store

    base = load_store(bundled_store())
    store_path, json_path = folder / f"store-{n}.toml", folder / f"store-{n}.json"
    if store_path.exists() and json_path.exists():
        return store_path, json_path
    block = tomli_w.dumps({"events": [event_table(e) for e in base.events]})
    ids = sorted((e.id for e in base.events), key=len, reverse=True)
    pattern = re.compile('"(' + "|".join(map(re.escape, ids)) + ')"')
    header = tomli_w.dumps({"schema_version": 1, "themes": [t.model_dump(exclude_defaults=True) for t in base.themes]})
    dicts = [e.to_dict() for e in base.events]
    with store_path.open("w", encoding="utf-8") as out, json_path.open("w", encoding="utf-8") as js:
        out.write(header + "\n")
        js.write("[\n")
        copies = -(-n // len(base.events))
        written = 0
        for k in range(copies):
            take = min(len(base.events), n - written)
            text = pattern.sub(lambda m, k=k: f'"{m.group(1)}-c{k}"', block)
            if take < len(base.events):  # the last, partial copy: cut after `take` events
                parts = text.split("[[events]]\n")
                text = "[[events]]\n".join(parts[: take + 1])
            out.write(text + "\n")
            for d in dicts[:take]:
                d = {**d, "id": f"{d['id']}-c{k}", "related": [f"{r}-c{k}" for r in d["related"]]}
                js.write(("" if written == 0 else ",\n") + json.dumps(d, ensure_ascii=False))
                written += 1
        js.write("\n]\n")
    return store_path, json_path


def args_runs(args: list[str]) -> int:
    return 5


def timed(command: list[str], *, runs: int, prepare: list[str] | None = None, env: dict[str, str] | None = None) -> float:
    """Mean seconds of a command (stdout discarded)."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            args = ["hyperfine", "-N", "--style", "none", "--runs", str(runs), "--export-json", report.name]
            args += ["--prepare", subprocess.list2cmdline(prepare)] if prepare else ["--warmup", "2"]
            subprocess.run([*args, subprocess.list2cmdline(command)], check=True, capture_output=True, env=env)
            return float(json.loads(Path(report.name).read_text())["results"][0]["mean"])
    samples = []
    for i in range(runs + (0 if prepare else 2)):
        if prepare:
            subprocess.run(prepare, check=True, env=env)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        if prepare or i >= 2:
            samples.append(time.perf_counter() - start)
    return statistics.mean(samples)


def peak_rss_mib(command: list[str], env: dict[str, str] | None = None) -> float:
    code = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    out = subprocess.run([PYTHON, "-c", code, *command], check=True, capture_output=True, text=True, env=env).stdout
    return int(out.strip()) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,300000", help="comma-separated store sizes (events)")
    parser.add_argument("--runs", type=int, default=10, help="runs for the start-up and warm measurements")
    parser.add_argument("--cold-runs", type=int, default=3, help="runs for the cold measurements")
    parser.add_argument("--work", type=Path, help="folder for the generated stores (kept between runs)")
    parser.add_argument("--markdown", type=Path, help="write the results as a Markdown page")
    args = parser.parse_args()
    if not shutil.which("jq"):
        print("jq is needed (Debian package jq)", file=sys.stderr)
        return 1
    work = args.work or Path(tempfile.mkdtemp(prefix="pcdip-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "cache"
    env = {**os.environ, "PCDIP_CACHE_DIR": str(cache)}
    env.pop("PCDIP_STORE", None)
    env.pop("PCDIP_NO_CACHE", None)
    hello = work / "hello.py"
    hello.write_text(HELLO)

    # Measure pcdip as a user's install runs it: pip compiles bytecode when it installs a package,
    # but an editable install under PYTHONDONTWRITEBYTECODE (set on some machines) would compile
    # every module on every run.
    package = subprocess.run(
        [PYTHON, "-c", "import pcdip, os; print(os.path.dirname(pcdip.__file__))"], check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run([PYTHON, "-m", "compileall", "-q", package], check=True)

    rows: list[tuple[str, str, float, float, float, str]] = []
    memory: list[tuple[str, float, float | None, str]] = []  # (what, peak RSS MiB, peer's, target)

    # 1. start-up
    bundled = [PCDIP, "timeline", "--format", "json"]
    subprocess.run(bundled, check=True, stdout=subprocess.DEVNULL, env=env)  # build the index once
    ours = timed(bundled, runs=args.runs, env=env)
    peer = timed([PYTHON, str(hello), "hello"], runs=args.runs, env=env)
    rows.append(("start-up: `pcdip timeline --format json`, bundled store", "hello-world Typer app", ours, peer, ours / peer, "≤ 1.1"))

    scale: list[tuple[int, float, float, float, float]] = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        store, as_json = generate(n, work)
        query = [PCDIP, "export", "--format", "ndjson", "--theme", THEME, "--store", str(store)]
        # Wait for the index a previous run builds in the background, then remove every index.
        clear = ["sh", "-c", f"while ls {cache}/.build-* >/dev/null 2>&1; do sleep 0.2; done; rm -rf {cache}"]
        cold = timed(query, runs=args.cold_runs, prepare=clear, env=env)
        parse = timed([PYTHON, "-c", f"import tomllib; tomllib.load(open({str(store)!r}, 'rb'))"], runs=args.cold_runs, env=env)
        subprocess.run(query, check=True, stdout=subprocess.DEVNULL, env={**env, "PCDIP_CACHE_SYNC": "1"})
        warm = timed(query, runs=args.runs, env=env)
        jq = timed(["jq", "-c", f'.[] | select(.themes | index("{THEME}"))', str(as_json)], runs=args.runs, env=env)
        subprocess.run(clear, check=True)
        rss = peak_rss_mib(query, env=env)
        parse_rss = peak_rss_mib([PYTHON, "-c", f"import tomllib; tomllib.load(open({str(store)!r}, 'rb'))"], env=env)
        rows.append((f"cold query, {n:,} events", "`tomllib.load`", cold, parse, cold / parse, "≤ 0.6"))
        memory.append((f"cold query, {n:,} events", rss, parse_rss, "≤ 1.0× `tomllib.load`'s"))
        subprocess.run(query, check=True, stdout=subprocess.DEVNULL, env={**env, "PCDIP_CACHE_SYNC": "1"})
        # Adding one event after another to a copy of the store (its index built, and kept current
        # by each add, as in a researcher's session): against the cold query of the same store.
        copy = work / f"add-{n}.toml"
        shutil.copyfile(store, copy)
        sync = {**env, "PCDIP_CACHE_SYNC": "1"}
        subprocess.run([PCDIP, "timeline", "-n", "1", "--store", str(copy)], check=True, stdout=subprocess.DEVNULL, env=sync)
        samples = []
        for i in range(max(args.cold_runs, 3)):
            add = [PCDIP, "add", "--no-input", "--store", str(copy), "--id", f"bench-{i}", "--date", "2026-01", "--title", "A benchmark event"]
            add += ["--summary", "Added by bench.py.", "-t", "training", "--source-url", "https://example.org/bench"]
            add += ["--source-title", "Bench", "--source-publisher", "bench.py"]
            start = time.perf_counter()
            subprocess.run(add, check=True, stdout=subprocess.DEVNULL, env=sync)
            samples.append(time.perf_counter() - start)
        added = statistics.mean(samples)
        rows.append((f"`pcdip add` of one event, {n:,} events", "cold query, same store", added, cold, added / cold, "≤ 0.1"))
        # The first query after an add reads the index the add extended (it hashes the new bytes once).
        after = []
        for i in range(3):
            add = [PCDIP, "add", "--no-input", "--store", str(copy), "--id", f"bench-then-{i}", "--date", "2026-02", "--title", "Another"]
            add += ["--summary", "Added by bench.py.", "-t", "training", "--source-url", "https://example.org/bench"]
            add += ["--source-title", "Bench", "--source-publisher", "bench.py"]
            subprocess.run(add, check=True, stdout=subprocess.DEVNULL, env=sync)
            start = time.perf_counter()
            subprocess.run([PCDIP, "timeline", "-n", "20", "--store", str(copy)], check=True, stdout=subprocess.DEVNULL, env=env)
            after.append(time.perf_counter() - start)
        small = timed([PCDIP, "timeline", "-n", "20", "--store", str(ROOT / "data" / "events.toml")], runs=args.runs, env=env)
        first = statistics.mean(after)
        # No target: right after a write the store is hashed once more (git's racy-clean rule)
        rows.append((f"`pcdip timeline -n 20` right after an add, {n:,} events", "same, bundled store", first, small, first / small, "—"))
        # Every read command at this size against the same command on the bundled store (issue: one engine).
        bundled_store = str(ROOT / "data" / "events.toml")
        subprocess.run([PCDIP, "timeline", "-n", "1", "--store", bundled_store], check=True, stdout=subprocess.DEVNULL, env={**env, "PCDIP_CACHE_SYNC": "1"})
        for command in (
            ["show", "2022-12-italy-ends-joint-patrols"],
            ["themes"],
            ["countries"],
            ["stats", "--format", "json"],
            ["country", "Fiji", "--format", "json"],
            ["theme", "pushback", "-n", "10"],
            ["timeline", "-n", "20", "-s", "police"],
        ):
            big_args = [*command]
            if command[0] == "show":
                big_args = ["show", "2022-12-italy-ends-joint-patrols-c5"]
            big = timed([PCDIP, *big_args, "--store", str(store)], runs=args_runs(command), env=env)
            small = timed([PCDIP, *command, "--store", bundled_store], runs=args_runs(command), env=env)
            rows.append((f"`pcdip {' '.join(command)}`, {n:,} events", "same, bundled store", big, small, big / small, "≤ 2.0"))
            memory.append((f"`pcdip {' '.join(command)}`, {n:,} events", peak_rss_mib([PCDIP, *big_args, "--store", str(store)], env=env), None, "≤ 400 MiB"))
        duckdb = shutil.which("duckdb") or str(BIN / "duckdb")
        if Path(duckdb).exists():
            ndjson = work / f"store-{n}.ndjson"
            if not ndjson.exists():
                with ndjson.open("w", encoding="utf-8") as out:
                    for item in json.loads(as_json.read_text("utf-8")):
                        out.write(json.dumps(item, ensure_ascii=False) + "\n")
            peer_csv = timed([duckdb, "-c", f"COPY (SELECT * FROM read_json('{ndjson}')) TO '/dev/stdout' (FORMAT csv)"], runs=3, env=env)
            for fmt in ("csv", "md", "json"):
                export = [PCDIP, "export", "-f", fmt, "--store", str(store)]
                ours_fmt = timed(export, runs=3, env=env)  # after two warm-up runs: the rows rendered once are kept
                rows.append((f"`pcdip export -f {fmt}`, {n:,} events", "DuckDB CLI to CSV", ours_fmt, peer_csv, ours_fmt / peer_csv, "≤ 2.0"))
                memory.append((f"`pcdip export -f {fmt}`, {n:,} events", peak_rss_mib(export, env=env), None, "≤ 400 MiB"))
        rows.append((f"warm query, {n:,} events", "`jq` over JSON", warm, jq, warm / jq, "≤ 0.5"))
        scale.append((n, cold, warm, rss, store.stat().st_size / 2**20))

    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.node() or 'this machine'}: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {'hyperfine' if shutil.which('hyperfine') else 'Python timing'}.",
        "",
        "| measurement | peer | pcdip (s) | peer (s) | ratio | target |",
        "| --- | --- | ---: | ---: | ---: | --- |",
        *[f"| {a} | {b} | {c:.3f} | {d:.3f} | {e:.2f} | {f} |" for a, b, c, d, e, f in rows],
        "",
        "| peak memory | pcdip (MiB) | `tomllib.load` (MiB) | target |",
        "| --- | ---: | ---: | --- |",
        *[f"| {a} | {b:.0f} | {'' if c is None else f'{c:.0f}'} | {d} |" for a, b, c, d in memory],
        "",
        "| events | store (MiB) | cold (s) | warm (s) | cold peak RSS (MiB) | cold µs / event |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        *[f"| {n:,} | {size:.1f} | {cold:.2f} | {warm:.3f} | {rss:.0f} | {cold / n * 1e6:.0f} |" for n, cold, warm, rss, size in scale],
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        page = args.markdown.read_text("utf-8") if args.markdown.exists() else ""
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        if start in page and end in page:
            page = page.split(start)[0] + start + "\n" + text + "\n" + end + page.split(end, 1)[1]
        else:
            page += f"\n{start}\n{text}\n{end}\n"
        args.markdown.write_text(page, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
