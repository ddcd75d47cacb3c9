"""Field names of exported records (stable, documented in the README, shared by every exporter)
and the few ways a field reads as text that every view shares (a copy's mark, a figure).

Kept apart from models.py so that the export registry (and `--help`), the records of the query
engine's read path and the views can use them without importing pydantic.
"""

# The field order of an exported event: stable, documented in the README, used by every exporter.
EVENT_FIELDS: tuple[str, ...] = (
    "id",
    "date",
    "end",
    "title",
    "summary",
    "countries",
    "place",
    "themes",
    "actors",
    "figures",
    "note",
    "related",
    "sources",
    "provenance",
)
SOURCE_FIELDS: tuple[str, ...] = ("title", "publisher", "url", "published", "undated", "reposted", "archive_url", "accessed")
# How every view and export marks a source whose URL is a copy of the publisher's report on another site.
REPOSTED_LABEL = "copy on another site"


def reposted_mark(reposted: bool) -> str:
    """` (copy on another site)` after a source that is one, else nothing: the one wording of every text view."""
    return f" ({REPOSTED_LABEL})" if reposted else ""


FIGURE_FIELDS: tuple[str, ...] = ("name", "value", "qualifier", "unit")
PLACE_FIELDS: tuple[str, ...] = ("name", "latitude", "longitude")
PROVENANCE_FIELDS: tuple[str, ...] = ("added", "basis", "checked", "audited", "revised")


# How each figure qualifier reads in text ("about 3,200 CAD"); an exact figure has none.
QUALIFIER_WORDS: dict[str, str] = {"at-least": "at least", "more-than": "more than", "approximately": "about", "up-to": "up to"}


def describe_figure(value: int | float, qualifier: str | None, unit: str | None) -> str:
    """A figure as text: its qualifier, the number with thousands separators, its unit.

    The number is the one stored, digit for digit: a decimal is written out in full
    (3,262,780.55, never 3.26278e+06), so that what a reader copies is what the source gave.
    """
    if isinstance(value, float):
        from decimal import Decimal  # only decimals need it

        number = format(Decimal(repr(value)), ",f")
    else:
        number = f"{value:,}"
    words = QUALIFIER_WORDS.get(qualifier or "")
    return " ".join(part for part in (words, number, unit) if part)
