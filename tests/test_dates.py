"""PartialDate: the EDTF subset pcdip reads, checked by hand and against the `edtf` library."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcdip.dates import PartialDate, PartialDateError, parse_date


@pytest.mark.parametrize(
    ("text", "precision", "lower", "upper", "qualifier"),
    [
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31), ""),
        ("2022-12", "month", date(2022, 12, 1), date(2022, 12, 31), ""),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), ""),
        ("2025-02-20", "day", date(2025, 2, 20), date(2025, 2, 20), ""),
        ("2023~", "year", date(2023, 1, 1), date(2023, 12, 31), "~"),
        ("2023?", "year", date(2023, 1, 1), date(2023, 12, 31), "?"),
        ("2023-06%", "month", date(2023, 6, 1), date(2023, 6, 30), "%"),
        ("201X", "year", date(2010, 1, 1), date(2019, 12, 31), ""),
        ("2004-XX", "month", date(2004, 1, 1), date(2004, 12, 31), ""),
        ("1985-04-XX", "day", date(1985, 4, 1), date(1985, 4, 30), ""),
    ],
)
def test_parse_keeps_precision_and_bounds(text: str, precision: str, lower: date, upper: date, qualifier: str) -> None:
    d = parse_date(text)
    assert (d.text, d.precision, d.lower, d.upper, d.qualifier) == (text, precision, lower, upper, qualifier)
    assert str(d) == text


def test_qualifier_flags_and_description() -> None:
    assert parse_date("2023~").approximate and not parse_date("2023~").uncertain
    assert parse_date("2023?").uncertain and not parse_date("2023?").approximate
    both = parse_date("2023%")
    assert both.uncertain and both.approximate
    assert both.describe() == "2023 (approximate and uncertain)"
    assert parse_date("2023-06").describe() == "2023-06"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2023-13", "month 13 does not exist"),
        ("2023-02-29", "has no day 29"),
        ("2023-00", "month 00 does not exist"),
        ("2016/2022", "`date` plus `end`"),
        ("2023-21", "seasons"),
        ("2025-02-20T10:00", "times are not recorded"),
        ("-0100", "not supported"),
        ("23", "is not a valid date"),
        ("", "is not a valid date"),
        ("2023 ", "is not a valid date"),
        ("0000", "year 0000"),
        ("201X-05", "cannot have a month"),
    ],
)
def test_invalid_dates_say_why(text: str, fragment: str) -> None:
    with pytest.raises(PartialDateError, match=fragment.replace("(", r"\(").replace("`", "`")):
        parse_date(text)


def test_pydantic_round_trip() -> None:
    from pydantic import BaseModel

    class M(BaseModel):
        d: PartialDate

    m = M.model_validate({"d": "2022-12"})
    assert isinstance(m.d, PartialDate)
    assert m.model_dump() == {"d": "2022-12"}
    assert m.model_dump_json() == '{"d":"2022-12"}'
    with pytest.raises(ValueError, match="month 13"):
        M.model_validate({"d": "2022-13"})
    with pytest.raises(ValueError, match="must be a string"):
        M.model_validate({"d": 2022})


# --- the edtf library as an oracle -----------------------------------------------------------

edtf = pytest.importorskip("edtf")

digit = st.sampled_from("0123456789")
piece = st.one_of(
    st.integers(1, 2100).map(lambda y: f"{y:04d}"),
    st.text(digit, min_size=4, max_size=4),
    st.integers(1, 210).map(lambda y: f"{y:03d}X"),
    st.integers(1, 21).map(lambda y: f"{y:02d}XX"),
)
month = st.one_of(st.integers(0, 13).map(lambda m: f"{m:02d}"), st.just("XX"), st.integers(21, 24).map(str))
day = st.one_of(st.integers(0, 32).map(lambda d: f"{d:02d}"), st.just("XX"))
qual = st.sampled_from(["", "~", "?", "%"])


@st.composite
def edtf_like(draw: st.DrawFn) -> str:
    text = draw(piece)
    if draw(st.booleans()):
        text += "-" + draw(month)
        if draw(st.booleans()):
            text += "-" + draw(day)
    return text + draw(qual)


def _oracle(text: str) -> tuple[date, date] | None:
    """edtf's strict bounds for the dates pcdip supports, None when edtf rejects the text."""
    try:
        parsed = edtf.parse_edtf(text)
    except Exception:
        return None
    name = type(parsed).__name__
    if name not in ("Date", "UncertainOrApproximate", "Unspecified"):
        return None  # seasons, partial unspecified forms: outside pcdip's subset
    lo, hi = parsed.lower_strict(), parsed.upper_strict()
    try:
        return date(*lo[:3]), date(*hi[:3])
    except ValueError:
        return None  # edtf accepts impossible days such as 2023-02-29


@settings(max_examples=400, deadline=None)
@given(edtf_like())
def test_agrees_with_edtf(text: str) -> None:
    expected = _oracle(text)
    try:
        ours = parse_date(text)
    except PartialDateError:
        ours = None
    if ours is None:
        # We may be stricter than edtf (year 0, an X year with a month) but never accept what it rejects.
        if expected is not None:
            assert text.startswith(("0000", "00XX")) or ("X" in text[:4] and "-" in text) or "-XX-" in text, text
        return
    assert expected is not None, f"pcdip accepts {text!r}, edtf does not"
    assert (ours.lower, ours.upper) == expected, text


@given(st.dates(min_value=date(1, 1, 1)), st.sampled_from(["year", "month", "day"]), qual)
def test_any_calendar_date_round_trips(d: date, precision: str, q: str) -> None:
    text = {"year": f"{d.year:04d}", "month": f"{d.year:04d}-{d.month:02d}", "day": d.isoformat()}[precision] + q
    parsed = parse_date(text)
    assert parsed.text == text
    assert parsed.lower <= d <= parsed.upper
    assert parse_date(str(parsed)) == parsed
