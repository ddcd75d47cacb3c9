"""Country resolution by name, code and alias; UN M49 regions from CLDR; suggestions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest

from pcdip import countries
from pcdip._country_data import COUNTRIES
from pcdip.errors import NotFoundError

from .conftest import ROOT, in_ci


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Fiji", "FJ"),
        ("fiji", "FJ"),
        ("FJ", "FJ"),
        ("fj", "FJ"),
        ("FJI", "FJ"),
        ("PNG", "PG"),
        ("Papua New Guinea", "PG"),
        ("papua new guinea", "PG"),
        ("Solomons", "SB"),
        ("Solomon Islands", "SB"),
        ("Laos", "LA"),
        ("Lao People's Democratic Republic", "LA"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("Türkiye", "TR"),
        ("Turkiye", "TR"),
        ("Turkey", "TR"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("Cape Verde", "CV"),
        ("Cabo Verde", "CV"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("North Korea", "KP"),
        ("DPRK", "KP"),
        ("Niger", "NE"),
        ("Nigeria", "NG"),
        ("Burma", "MM"),
        ("Myanmar", "MM"),
        ("United States", "US"),
        ("USA", "US"),
        ("US", "US"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("the Netherlands", "NL"),
        ("East Timor", "TL"),
        ("Kyrgyzstan", "KG"),
        ("Kyrgyz Republic", "KG"),
        ("Micronesia", "FM"),
        ("DRC", "CD"),
        ("UAE", "AE"),
        ("  Italy ", "IT"),
    ],
)
def test_resolves_names_codes_and_aliases(query: str, code: str) -> None:
    assert countries.resolve(query).code == code


def test_country_carries_names_and_regions() -> None:
    fj = countries.resolve("fiji")
    assert (fj.code, fj.alpha3, fj.name, fj.region, fj.subregion) == ("FJ", "FJI", "Fiji", "Oceania", "Melanesia")
    assert countries.get("LA").subregion == "South-eastern Asia"
    assert countries.get("KG").subregion == "Central Asia"
    assert countries.get("NR").subregion == "Micronesia"  # M49 (CLDR), where some libraries say Polynesia
    assert countries.get("US").subregion == "Northern America"


def test_unknown_country_suggests() -> None:
    with pytest.raises(NotFoundError, match=r"unknown country 'Fjii': did you mean Fiji"):
        countries.resolve("Fjii")
    with pytest.raises(NotFoundError, match="Solomon Islands"):
        countries.resolve("Solomon Island")


def test_ambiguous_names_are_asked_back() -> None:
    with pytest.raises(NotFoundError, match=r"ambiguous.*\(CD\).*\(CG\)"):
        countries.resolve("Congo")


def test_regions_resolve_by_un_name_cldr_label_or_code() -> None:
    assert countries.resolve_region("melanesia") == "Melanesia"
    assert countries.resolve_region("Southeast Asia") == "South-eastern Asia"
    assert countries.resolve_region("South-eastern Asia") == "South-eastern Asia"
    assert countries.resolve_region("035") == "South-eastern Asia"
    assert countries.resolve_region("oceania") == "Oceania"
    with pytest.raises(NotFoundError, match="Melanesia"):
        countries.resolve_region("Atlantis")
    assert countries.in_region("FJ", "Oceania") and countries.in_region("FJ", "Melanesia")
    assert not countries.in_region("FJ", "Polynesia")


def test_the_generated_tables_answer_as_the_full_index_does() -> None:
    """resolve() asks the tables built without pycountry first: each name they hold must mean the
    same country in the full index, and the full index must hold names only pycountry knows."""
    countries._names.cache_clear()
    countries._index.cache_clear()
    fast, full = countries._names(), countries._index()
    assert fast and all(full[key] == code for key, code in fast.items())
    only_pycountry = set(full) - set(fast)
    assert countries.name_key("Republic of Fiji") in only_pycountry
    assert countries.resolve("Republic of Fiji").code == "FJ"


def test_a_common_name_is_resolved_without_importing_pycountry() -> None:
    code = "import sys; from pcdip import countries; c = countries.resolve('Solomons'); print(c.code, 'pycountry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["SB", "False"]


def test_generated_table_covers_pycountry() -> None:
    assert set(COUNTRIES) == {c.alpha_2 for c in pycountry.countries}
    for c in pycountry.countries:
        assert COUNTRIES[c.alpha_2][0] == c.alpha_3


def test_generated_table_is_up_to_date() -> None:
    """Regenerate the country table from pycountry and the pinned CLDR release, and compare."""
    import shutil

    cldr = Path(os.environ.get("PCDIP_CLDR_DIR", ROOT / ".cldr"))
    command = [sys.executable, str(ROOT / "scripts" / "gen_countries.py"), "--check"]
    if (cldr / "cldr-core").is_dir():
        command += ["--cldr", str(cldr)]
    elif shutil.which("npm") is None:  # the script fetches CLDR with npm
        if in_ci():
            pytest.fail("npm is needed to fetch CLDR for this check; .ci/run installs it")
        pytest.skip("npm not available to fetch CLDR")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("query", ["Pacific", "pacific islands", "Pacific Island countries"])
def test_the_pacific_islands_are_melanesia_micronesia_and_polynesia(query: str) -> None:
    from pcdip.countries import codes_in_region, in_region, resolve_region

    region = resolve_region(query)
    assert region == "Pacific Islands"
    assert {"FJ", "SB", "PG", "VU", "KI", "NR", "FM", "PW", "WS", "TO", "CK", "NU", "TV"} <= set(codes_in_region(region))
    assert not in_region("AU", region) and not in_region("NZ", region) and not in_region("ID", region)


@pytest.mark.parametrize(
    "query, code, region", [("Kosovo", "XK", "Europe"), ("XK", "XK", "Europe"), ("European Union", "EU", "Europe"), ("EU", "EU", "Europe")]
)
def test_kosovo_and_the_eu_can_be_counterparts(query: str, code: str, region: str) -> None:
    from pcdip.countries import get, in_region, resolve
    from pcdip.models import Event

    country = resolve(query)
    assert country.code == code and country.region == region
    assert in_region(code, "Europe")
    event = Event.model_validate(
        {
            "id": "x",
            "date": "2024",
            "title": "t",
            "summary": "s",
            "countries": [code],
            "themes": ["agreement"],
            "sources": [{"title": "t", "publisher": "p", "url": "https://example.org/"}],
        }
    )
    assert event.countries == [code] and get(code).name in ("Kosovo", "European Union")


def test_pacific_filter_on_the_command_line(bundled: Path) -> None:
    from .conftest import invoke

    r = invoke("export", "-f", "ndjson", "--region", "Pacific")
    assert r.code == 0, r.err
    import json

    events = [json.loads(line) for line in r.out.splitlines()]
    assert events and all(
        set(e["countries"]) & {"FJ", "SB", "PG", "VU", "KI", "NR", "FM", "PW", "WS", "TO", "CK", "NU", "TV", "TK", "MH", "AS", "PF", "NC", "GU"} for e in events
    )
