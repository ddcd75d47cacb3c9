"""GeoJSON (RFC 7946): a FeatureCollection with one Point Feature per event and counterpart country.

- The point is the event's own `place` when it has one, otherwise the country's point from
  `_country_points` (generated from the world-countries package, ODbL: a rough centre point moved
  onto the country's land, not the capital). `located_at` says which: "place" or "country".
- An event with a place but no country gives one Feature at the place (`country` null); an event
  with neither gives none.
- Properties: the event's exported fields (as in JSON), then `country`, `country_name` and `located_at`.
- Coordinates are [longitude, latitude] (RFC 7946 order), rounded to 6 decimals (about 10 cm).
- Feature ids are `<event id>/<country code>` (or the event id alone), stable across exports.
- One Feature a line, so that exports diff line by line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import countries
from .._country_points import COUNTRY_POINTS
from .jsonfmt import dumps

# Points for the counterparts outside ISO 3166-1 (pcdip.countries.EXTRA_COUNTRIES): Kosovo's is
# world-countries' own (which the generated table leaves out with the other user-assigned codes);
# the European Union's is Brussels, the seat of its Commission and Council.
EXTRA_POINTS: dict[str, tuple[float, float]] = {"XK": (21.166667, 42.666667), "EU": (4.35, 50.85)}

if TYPE_CHECKING:
    from ..models import Event, Store


def _coordinates(longitude: float, latitude: float) -> list[float]:
    return [round(longitude, 6) + 0.0, round(latitude, 6) + 0.0]  # + 0.0 turns -0.0 into 0.0


def _feature(record: dict[str, Any], code: str | None, point: list[float], located_at: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": f"{record['id']}/{code}" if code else record["id"],
        "geometry": {"type": "Point", "coordinates": point},
        "properties": {**record, "country": code, "country_name": countries.name(code) if code else None, "located_at": located_at},
    }


def features(event: Event) -> Iterator[dict[str, Any]]:
    """The Features of one event: one per counterpart country, or one at its place if it has no country."""
    record = event.to_dict()
    if event.place is not None:
        point = _coordinates(event.place.longitude, event.place.latitude)
        codes: list[str | None] = [*event.countries] or [None]
        for code in codes:
            yield _feature(record, code, point, "place")
    else:
        for code in event.countries:
            yield _feature(record, code, _coordinates(*(COUNTRY_POINTS.get(code) or EXTRA_POINTS[code])), "country")


def write_geojson(events: Sequence[Event], store: Store, fields: Sequence[str] | None = None) -> str:
    rows = [dumps(feature) for event in events for feature in features(event)]
    body = ",\n".join(rows)
    return '{"type": "FeatureCollection", "features": [\n' + body + ("\n" if rows else "") + "]}\n"
