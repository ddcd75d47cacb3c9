#!/usr/bin/env python3
"""Generate src/pcdip/_country_points.py: one map point per country, from the npm package world-countries.

    python scripts/gen_country_points.py                 # fetch world-countries with npm into .cldr/, then write the module
    python scripts/gen_country_points.py --package DIR   # use the package already unpacked in DIR (holding countries.json)
    python scripts/gen_country_points.py --check         # exit 1 if the committed module is out of date

world-countries (mledoze/countries, ODbL-1.0) gives each country a `latlng`: the CIA World Factbook's
"geographic coordinates", a rough centre point. It has no coordinates for capitals (only their names),
so no capital is used. The Factbook point of an island state often lies in the sea (Fiji's is
250 km west of Viti Levu), so the rule is:

1. the package's `latlng` when it falls on the country's land, as drawn by the package's own
   outline `data/<cca3>.geo.json`;
2. otherwise the centroid of the country's piece of land (polygon) with the greatest area over
   squared distance from that point, that is the nearest large one (for Fiji, Viti Levu rather than
   a nearer islet; for Kiribati, Tarawa rather than the larger but distant Kiritimati), when the
   centroid lies inside that piece; else the piece's vertex nearest to its centroid (a crescent);
3. the package's `latlng` as it is when the country has no outline (none so far among ISO codes).

Arithmetic is planar in degrees, which is good enough for choosing and centring a piece of land.
The package version is pinned so that the output is reproducible; a test regenerates and compares.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys
import tarfile
from pathlib import Path

PACKAGE = "world-countries"
VERSION = "5.1.0"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "pcdip" / "_country_points.py"
DECIMALS = 4  # about 11 m at the equator: far finer than a country point needs

Ring = list[tuple[float, float]]


def fetch(dest: Path) -> Path:
    """Download and unpack the pinned package with npm (the registry this project already uses for CLDR)."""
    target = dest / f"{PACKAGE}-{VERSION}"
    if target.exists():
        return target
    dest.mkdir(parents=True, exist_ok=True)
    tgz = (
        subprocess.run(
            ["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"],
            cwd=dest,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    tmp = dest / f"{PACKAGE}.tmp"
    with tarfile.open(dest / tgz) as tar:
        members = [m for m in tar.getmembers() if m.name in ("package/countries.json", "package/LICENSE") or m.name.endswith(".geo.json")]
        tar.extractall(tmp, members=members, filter="data")
    (tmp / "package").rename(target)
    tmp.rmdir()
    (dest / tgz).unlink()
    return target


def _area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return area / 2, cx / (3 * area), cy / (3 * area)


def _inside(x: float, y: float, ring: Ring) -> bool:
    """Ray casting: is the point inside the ring?"""
    result = False
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            result = not result
    return result


def _in_polygon(x: float, y: float, polygon: list[Ring]) -> bool:
    return _inside(x, y, polygon[0]) and not any(_inside(x, y, hole) for hole in polygon[1:])


def _polygons(geojson: dict[str, object]) -> list[list[Ring]]:
    """The polygons of an outline, each ring in degrees; a ring crossing the antimeridian is unwrapped east of 180."""
    out: list[list[Ring]] = []
    for feature in geojson.get("features", []):  # type: ignore[attr-defined]
        geometry = feature.get("geometry")
        if not geometry:
            continue
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            xs = [x for ring in polygon for x, _ in ring]
            unwrap = max(xs) - min(xs) > 180
            out.append([[(x + 360 if unwrap and x < 0 else x, y) for x, y in ring] for ring in polygon])
    return out


def _normalise(lon: float) -> float:
    return lon - 360 if lon > 180 else lon


def point(latlng: list[float], geojson: dict[str, object]) -> tuple[float, float, str]:
    """(longitude, latitude, how) for one country; `how` names the rule used (see the module docstring)."""
    lat, lon = latlng
    polygons = _polygons(geojson)
    if not polygons:
        return lon, lat, "latlng"
    for polygon in polygons:
        for x in (lon, lon + 360):
            if _in_polygon(x, lat, polygon):
                return lon, lat, "latlng"

    def pull(polygon: list[Ring]) -> float:
        # Area over squared distance: the nearest *large* piece of land wins over a nearer islet.
        distance = min(math.hypot(_normalise(x) - lon, y - lat) for x, y in polygon[0])
        return abs(_area_centroid(polygon[0])[0]) / (distance + 0.01) ** 2

    nearest = max(polygons, key=pull)
    _, cx, cy = _area_centroid(nearest[0])
    if _in_polygon(cx, cy, nearest):
        return _normalise(cx), cy, "land"
    vx, vy = min(nearest[0], key=lambda v: math.hypot(v[0] - cx, v[1] - cy))
    return _normalise(vx), vy, "land"


def build(package: Path) -> str:
    """Return the text of the generated module."""
    sys.path.insert(0, str(ROOT / "src"))
    from pcdip._country_data import COUNTRIES

    countries = {c["cca2"]: c for c in json.loads((package / "countries.json").read_text("utf-8"))}
    missing = sorted(set(COUNTRIES) - set(countries))
    if missing:
        raise SystemExit(f"{PACKAGE} {VERSION} has no entry for {', '.join(missing)}")
    points: dict[str, tuple[float, float]] = {}
    moved: list[str] = []
    for code in sorted(COUNTRIES):
        entry = countries[code]
        outline = package / "data" / f"{entry['cca3'].lower()}.geo.json"
        geojson = json.loads(outline.read_text("utf-8")) if outline.exists() else {}
        lon, lat, how = point(entry["latlng"], geojson)
        points[code] = (round(lon, DECIMALS) + 0.0, round(lat, DECIMALS) + 0.0)  # + 0.0: no -0.0
        if how == "land":
            moved.append(code)
    lines = "\n".join(f"    {code!r}: ({lon!r}, {lat!r})," for code, (lon, lat) in points.items())
    moved_text = "\n".join("    " + " ".join(moved[i : i + 20]) for i in range(0, len(moved), 20))
    return (
        f'"""Generated by scripts/gen_country_points.py from the npm package {PACKAGE} {VERSION}; do not edit by hand.\n\n'
        "COUNTRY_POINTS: ISO 3166-1 alpha-2 -> (longitude, latitude), WGS 84, the point a map shows for a\n"
        "country when an event records no place of its own. It is NOT the capital (the package has no\n"
        "capital coordinates): it is the package's `latlng` (the CIA World Factbook's rough centre point)\n"
        "when that lies on the country's land, otherwise the centroid of the nearest large piece of the\n"
        "country's land (see the script's docstring). Moved onto land that way:\n"
        f"{moved_text}\n\n"
        "Data: world-countries by Mohammed Le Doze (https://github.com/mledoze/countries), made available\n"
        "under the Open Database License (ODbL) 1.0, https://opendatacommons.org/licenses/odbl/1.0/.\n"
        "Exports that contain these points are Produced Works of that database.\n"
        '"""\n\n'
        f"SOURCE = {f'{PACKAGE}@{VERSION}'!r}\n\n"
        "COUNTRY_POINTS: dict[str, tuple[float, float]] = {\n"
        f"{lines}\n"
        "}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, help=f"the unpacked {PACKAGE} package, holding countries.json (default: fetch into .cldr/)")
    parser.add_argument("--check", action="store_true", help="compare with the committed module instead of writing it")
    args = parser.parse_args(argv)
    package = args.package or fetch(ROOT / ".cldr")
    text = build(package)
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text("utf-8") != text:
            print(f"{OUTPUT} is out of date: run python scripts/gen_country_points.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, "utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
