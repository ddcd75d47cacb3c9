"""Field names of exported records: stable, documented in the README, shared by every exporter.

Kept apart from models.py so that the export registry (and `--help`) can use them without
importing pydantic.
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
