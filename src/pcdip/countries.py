"""Countries: ISO 3166-1 codes resolved from any name people use, with UN M49 regions.

Layers, most specific first:
1. ISO alpha-2 and alpha-3 codes ("FJ", "PNG");
2. a small curated alias table (ALIASES) for names that the libraries below miss or get wrong;
3. exact names from pycountry (ISO short, official and common names) and Unicode CLDR (English
   names and their short and variant forms: "Ivory Coast", "Turkey", "East Timor").

Matching is exact after folding case, accents, punctuation and a leading "the"; fuzzy matching is
used only to suggest ("Fjii" -> did you mean Fiji?), never to resolve, so "Niger" stays Niger.
Display names and regions come from the generated module _country_data (scripts/gen_countries.py).
pycountry is imported only when a user-typed name is not in those tables.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ._country_data import CLDR_ALIASES, REGION_ALIASES, REGIONS
from ._country_data import COUNTRIES as _ISO_COUNTRIES
from .errors import NotFoundError

# Counterparts that ISO 3166-1 does not list but the record needs: Kosovo (the user-assigned code
# XK that CLDR, the EU and the IMF use) and the European Union (EU, ISO 3166-1's exceptionally
# reserved code). Both are in Europe; the EU has no sub-region.
EXTRA_COUNTRIES: dict[str, tuple[str, str, str | None, str | None]] = {
    "XK": ("XKX", "Kosovo", "039", "150"),
    "EU": ("EUU", "European Union", None, "150"),
}
COUNTRIES = {**_ISO_COUNTRIES, **EXTRA_COUNTRIES}

# Groupings people use that UN M49 does not name: the Pacific Islands are Melanesia, Micronesia
# and Polynesia (Oceania without Australia and New Zealand).
REGION_GROUPS: dict[str, tuple[str, ...]] = {"Pacific Islands": ("Melanesia", "Micronesia", "Polynesia")}
REGION_GROUP_ALIASES: dict[str, str] = {"pacific": "Pacific Islands", "pacific islands": "Pacific Islands", "pacific island countries": "Pacific Islands"}

# Curated aliases: common names that neither pycountry nor CLDR resolves exactly.
ALIASES: dict[str, str] = {
    "Solomons": "SB",
    "Burma": "MM",
    "DPRK": "KP",
    "ROK": "KR",
    "Republic of Korea": "KR",
    "UAE": "AE",
    "DRC": "CD",
    "DR Congo": "CD",
    "Democratic Republic of the Congo": "CD",
    "Congo-Kinshasa": "CD",
    "Republic of the Congo": "CG",
    "Congo-Brazzaville": "CG",
    "PRC": "CN",
    "Mainland China": "CN",
    "People's Republic of China": "CN",
    "Great Britain": "GB",
    "Britain": "GB",
    "USA": "US",
    "America": "US",
    "United States of America": "US",
    "Holland": "NL",
    "Macedonia": "MK",
    "Vatican": "VA",
    "Macau": "MO",
    "Lao PDR": "LA",
    "Kyrgyz Republic": "KG",
    "Federated States of Micronesia": "FM",
    "Timor Leste": "TL",
    "Cote d'Ivoire": "CI",
    "Cape Verde": "CV",
    "Republic of Kosovo": "XK",
    "European Union": "EU",
    "EU": "EU",
}

# Names that stand for more than one country: asked back rather than guessed.
AMBIGUOUS: dict[str, tuple[str, ...]] = {"Congo": ("CD", "CG"), "Korea": ("KP", "KR")}


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    alpha3: str
    name: str
    subregion: str | None
    region: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "alpha3": self.alpha3, "name": self.name, "region": self.region, "subregion": self.subregion}


def name_key(text: str) -> str:
    """A name as the country and region indexes key it: no accents, case, punctuation, or leading
    "the" ("The Gambia" and "gambia" are one key). Not `query.fold`, which keeps punctuation
    because --actor and --search look for a text inside another."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def is_known_code(code: str) -> bool:
    return code in COUNTRIES


def get(code: str) -> Country:
    """The country of an ISO alpha-2 code known to be valid."""
    alpha3, name, sub, region = COUNTRIES[code]
    return Country(code, alpha3, name, REGIONS.get(sub) if sub else None, REGIONS.get(region) if region else None)


def name(code: str) -> str:
    entry = COUNTRIES.get(code)
    return entry[1] if entry else code


@cache
def _names() -> dict[str, str]:
    """Folded code, CLDR name or alias -> alpha-2, from the generated tables alone: most names
    people type are found here without importing pycountry."""
    index: dict[str, str] = {}

    def add(key: str, code: str) -> None:
        index.setdefault(name_key(key), code)

    for code, (alpha3, cldr_name, _, _) in COUNTRIES.items():
        add(code, code)
        add(alpha3, code)
        add(cldr_name, code)
    for alias, code in ALIASES.items():
        index[name_key(alias)] = code  # curated aliases win over library names
    for alias, code in CLDR_ALIASES.items():
        add(alias, code)
    for word in AMBIGUOUS:
        index.pop(name_key(word), None)
    return index


@cache
def _index() -> dict[str, str]:
    """Folded name or code -> alpha-2: _names() and, where they do not already answer, pycountry's
    ISO names. A key of _names() means the same here, so resolve() asks _names() first."""
    import pycountry

    index = dict(_names())

    def add(key: str, code: str) -> None:
        index.setdefault(name_key(key), code)

    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                add(value, c.alpha_2)
                # "Korea, Republic of" -> also "Republic of Korea"
                if ", " in value:
                    head, _, tail = value.partition(", ")
                    add(f"{tail} {head}", c.alpha_2)
    for word in AMBIGUOUS:
        index.pop(name_key(word), None)
    return index


def suggest(query: str, n: int = 3) -> list[str]:
    """Country names close to a misspelt query, best first."""
    index = _index()
    names: list[str] = []
    for key in difflib.get_close_matches(name_key(query), list(index), n=n * 3, cutoff=0.6):
        display = name(index[key])
        if display not in names:
            names.append(display)
    return names[:n]


def resolve(query: str) -> Country:
    """Resolve a name, code or alias (any case) to a Country, or raise NotFoundError with suggestions."""
    key = name_key(query)
    for word, codes in AMBIGUOUS.items():
        if key == name_key(word):
            options = " or ".join(f"{name(c)} ({c})" for c in codes)
            raise NotFoundError(f"{query!r} is ambiguous: did you mean {options}?")
    code = _names().get(key) or _index().get(key)
    if code is None:
        hint = suggest(query)
        message = f"unknown country {query!r}"
        if hint:
            message += ": did you mean " + " or ".join(hint) + "?"
        else:
            message += "; give a name, an ISO code (FJ, FJI) or a common alias; `pcdip countries` lists the countries in the store"
        raise NotFoundError(message)
    return get(code)


def region_codes() -> dict[str, str]:
    """Folded region name, alias or M49 code -> M49 code."""
    out = {name_key(label): code for code, label in REGIONS.items()}
    out.update({code: code for code in REGIONS})
    out.update({name_key(label): code for label, code in REGION_ALIASES.items()})
    return out


def region_names() -> list[str]:
    """Every region a user can name: the UN M49 regions and sub-regions, and REGION_GROUPS."""
    return sorted({*REGIONS.values(), *REGION_GROUPS})


def resolve_region(query: str) -> str:
    """Resolve a UN M49 region or sub-region (name or code), or a grouping such as "Pacific", to its name."""
    group = REGION_GROUP_ALIASES.get(name_key(query))
    if group is not None:
        return group
    code = region_codes().get(name_key(query))
    if code is None:
        valid = ", ".join(region_names())
        raise NotFoundError(f"unknown region {query!r}; valid regions and sub-regions (UN M49, and Pacific Islands): {valid}")
    return REGIONS[code]


def in_region(code: str, region: str) -> bool:
    """True when the country's M49 region or sub-region has this name (or is one of a grouping's)."""
    entry = COUNTRIES.get(code)
    if entry is None:
        return False
    names = (REGIONS.get(entry[2] or ""), REGIONS.get(entry[3] or ""))
    if region in REGION_GROUPS:
        return any(n in REGION_GROUPS[region] for n in names)
    return region in names


def codes_in_region(region: str) -> list[str]:
    """ISO codes of the countries whose M49 region or sub-region has this UN name."""
    return sorted(code for code in COUNTRIES if in_region(code, region))
