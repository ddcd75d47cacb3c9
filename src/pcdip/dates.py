"""Partial dates: the subset of EDTF (ISO 8601-2) levels 0 and 1 that a sourced event record needs.

Accepted forms (a trailing qualifier applies to the whole date):

    2023          year           2023~   approximate   2023?  uncertain   2023%  both
    2022-12       month          201X    unspecified digits (a decade), 20XX (a century)
    2025-02-20    day            2004-XX month unspecified, 1985-04-XX day unspecified

Not accepted, with a message that says why: intervals (write `date` and `end`), seasons, times,
negative or five-digit years. The type keeps the text it was given (canonical form), its precision,
and the first and last calendar day it can mean; filters and sorting use those bounds.

This is a small hand-written parser on purpose: the `edtf` library costs milliseconds a date, and
the test suite uses it as an oracle for this one.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

Precision = Literal["year", "month", "day"]

_PATTERN = re.compile(
    r"(?P<year>[0-9]{2}(?:[0-9]{2}|[0-9]X|XX))"
    r"(?:-(?P<month>[0-9]{2}|XX)(?:-(?P<day>[0-9]{2}|XX))?)?"
    r"(?P<qualifier>[?~%])?"
)

_QUALIFIER_WORDS = {"~": "approximate", "?": "uncertain", "%": "approximate and uncertain"}


class PartialDateError(ValueError):
    """Raised for text that is not a supported EDTF date; the message says what to write instead."""


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """An EDTF date at the precision a source supports, with the calendar days it may stand for."""

    text: str
    precision: Precision
    lower: date = field(compare=False)
    upper: date = field(compare=False)
    qualifier: str = field(default="", compare=False)

    @property
    def approximate(self) -> bool:
        return self.qualifier in ("~", "%")

    @property
    def uncertain(self) -> bool:
        return self.qualifier in ("?", "%")

    @property
    def year(self) -> int:
        return self.lower.year

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def describe(self) -> str:
        """The date for people: the EDTF text plus, when qualified, what the qualifier means."""
        if self.qualifier:
            return f"{self.text[:-1]} ({_QUALIFIER_WORDS[self.qualifier]})"
        return self.text

    # Pydantic v2 integration: validate from str, serialise back to the same str.
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any) -> PartialDate:
            if isinstance(value, PartialDate):
                return value
            if isinstance(value, date):
                return parse_date(value.isoformat())
            if not isinstance(value, str):
                raise ValueError(f'a date must be a string such as "2023", "2022-12" or "2025-02-20", not {type(value).__name__}')
            return parse_date(value)

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": "^" + _PATTERN.pattern.replace("?P<year>", "").replace("?P<month>", "").replace("?P<day>", "").replace("?P<qualifier>", "") + "$",
            "description": "EDTF level 0-1 date: YYYY, YYYY-MM or YYYY-MM-DD, optional X digits, optional ~ ? or % qualifier",
            "examples": ["2023", "2022-12", "2025-02-20", "2023~", "2023?"],
        }


def _hint(text: str) -> str:
    if "/" in text:
        return "an event span is written as `date` plus `end`, not as an interval inside one date"
    if "T" in text or ":" in text:
        return 'times are not recorded; give the day at most, e.g. "2025-02-20"'
    if text.startswith(("-", "Y")):
        return "years before 1 CE or after 9999 are not supported"
    if re.fullmatch(r"[0-9]{4}-2[1-9]|[0-9]{4}-[34][0-9]", text):
        return "seasons and quarters are not supported; give the year or the month"
    return 'write "2023", "2022-12" or "2025-02-20", optionally ending in ~ (approximate), ? (uncertain) or % (both)'


def parse_date(text: str) -> PartialDate:
    """Parse an EDTF date; raise PartialDateError with a hint for anything else.

    PartialDate is immutable, so the dates a store repeats (a day, a month, a source's date) are
    parsed once and shared: a large store's validation parses hundreds of thousands of them."""
    if type(text) is str:
        return _parse_cached(text)
    return _parse(text)


@functools.lru_cache(maxsize=65536)
def _parse_cached(text: str) -> PartialDate:
    return _parse(text)


def _parse(text: str) -> PartialDate:
    m = _PATTERN.fullmatch(text)
    if m is None:
        raise PartialDateError(f"{text!r} is not a valid date: {_hint(text)}")
    year_s, month_s, day_s, qualifier = m.group("year", "month", "day", "qualifier")
    qualifier = qualifier or ""

    if "X" in year_s:
        if month_s is not None:
            raise PartialDateError(f"{text!r} is not a valid date: a year with unspecified digits cannot have a month")
        low_year = int(year_s.replace("X", "0"))
        if low_year == 0:
            low_year = 1
        high_year = int(year_s.replace("X", "9"))
        return PartialDate(text, "year", date(low_year, 1, 1), date(high_year, 12, 31), qualifier)

    year = int(year_s)
    if year == 0:
        raise PartialDateError(f"{text!r} is not a valid date: year 0000 is not supported")
    if month_s is None:
        return PartialDate(text, "year", date(year, 1, 1), date(year, 12, 31), qualifier)
    if month_s == "XX":
        if day_s is not None and day_s != "XX":
            raise PartialDateError(f"{text!r} is not a valid date: a day cannot follow an unspecified month")
        return PartialDate(text, "month" if day_s is None else "day", date(year, 1, 1), date(year, 12, 31), qualifier)
    month = int(month_s)
    if not 1 <= month <= 12:
        raise PartialDateError(f"{text!r} is not a valid date: month {month_s} does not exist; {_hint(text)}")
    last = calendar.monthrange(year, month)[1]
    if day_s is None:
        return PartialDate(text, "month", date(year, month, 1), date(year, month, last), qualifier)
    if day_s == "XX":
        return PartialDate(text, "day", date(year, month, 1), date(year, month, last), qualifier)
    day = int(day_s)
    if not 1 <= day <= last:
        raise PartialDateError(f"{text!r} is not a valid date: {calendar.month_name[month]} {year} has no day {day_s}")
    d = date(year, month, day)
    return PartialDate(text, "day", d, d, qualifier)


class Spanned:
    """The calendar span of anything with `id`, `date` and an optional `end` (events, as models and
    as the engine's records): its first and last day, and the timeline's sort key."""

    __slots__ = ()
    if TYPE_CHECKING:  # read-only here: a model's field or a record's lazily parsed attribute

        @property
        def id(self) -> str: ...

        @property
        def date(self) -> PartialDate: ...

        @property
        def end(self) -> PartialDate | None: ...

    @property
    def start_day(self) -> datetime.date:
        return self.date.lower

    @property
    def end_day(self) -> datetime.date:
        return (self.end or self.date).upper

    def sort_key(self) -> tuple[datetime.date, datetime.date, str]:
        return (self.date.lower, self.end_day, self.id)
