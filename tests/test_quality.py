"""The quality checks of `pcdip validate --strict` that read an event's text: every actor named in
it, every figure stated in it with its qualifier."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pcdip.models import Figure
from pcdip.quality import GENERIC_ACTOR_WORDS, QUALIFIER_PHRASES, names_actor, stated_numbers, unstated_figure

TEXT = "Minister Wang Xiaohong met Spain's Guardia Civil and the Ministry of Public Security's envoy."


def test_a_whole_name_or_a_distinctive_word_names_an_actor() -> None:
    assert names_actor("Wang Xiaohong", TEXT)
    assert names_actor("Xiaohong", TEXT)
    assert names_actor("Guardia Civil", TEXT)
    assert names_actor("Ministry of Public Security", TEXT)
    assert names_actor("Davor Božinović", "the minister Bozinović said")  # accents, as --actor folds them
    assert names_actor("Davor Bozinovic", "Davor Božinović said")


def test_generic_words_short_words_and_parts_of_words_do_not() -> None:
    assert not names_actor("Chinese Ministry of Public Security", TEXT)  # every word generic, not there whole
    assert not names_actor("Li Qiang", TEXT)
    assert not names_actor("Civilian Guard", TEXT)  # "civil" is inside "civilian", not the same word
    assert not names_actor("Spanish National Police", "the police of Spain")


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüçñ", min_size=1, max_size=9)


@given(st.lists(_word, min_size=1, max_size=4).map(" ".join), st.text(max_size=30), st.text(max_size=30))
def test_a_text_that_holds_the_name_names_it_in_any_case(name: str, before: str, after: str) -> None:
    assert names_actor(name, f"{before} {name.upper()} {after}")


@given(st.lists(st.sampled_from(sorted(GENERIC_ACTOR_WORDS)), min_size=1, max_size=4))
def test_a_name_of_generic_words_needs_more_than_those_words(words: list[str]) -> None:
    """A text holding every generic word of a name, but not the name whole nor its one distinctive
    word, does not name it."""
    name = " ".join(words) + " of Nowhere"
    assert names_actor(name, f"the {name} acted")
    assert not names_actor(name, " ".join(reversed(words)) + " of elsewhere")


# --- figures ----------------------------------------------------------------------------------


def values(text: str) -> list[float]:
    return [n.value for n in stated_numbers(text)]


def test_numbers_are_read_as_the_record_writes_them() -> None:
    assert values("at least 1,345 mobile phones and 458 computers") == [1345, 458]
    assert values("worth US$2.6 million") == [2.6e6] and values("K200 million") == [2e8]
    assert values("Twenty-five officers for three and a half hours") == [25, 3.5]
    assert values("over two hundred interactions; first on the list; a dozen") == [200, 1, 12]
    assert values("in 2019-20 it fell by -5") == [2019, 20, -5]  # a range's dash is not a minus
    assert values("someone, anyone, v1.2") == []  # number words inside words, digits inside names
    ((value, slack, _),) = stated_numbers("WST 16.65 million")
    assert abs(value - 16_652_494) <= slack and slack == 5000


def figure(value: int | float, qualifier: str | None = None) -> Figure:
    return Figure.model_validate({"name": "count", "value": value, "qualifier": qualifier})


def test_a_figure_is_stated_with_its_qualifier_or_flagged() -> None:
    assert unstated_figure(figure(12, "at-least"), "police held at least 12 people") is None
    assert unstated_figure(figure(12, "at-least"), "police held no fewer than twelve people") is None
    assert unstated_figure(figure(1000, "more-than"), "more than 1,000 computers and 10,000 SIM cards") is None
    assert unstated_figure(figure(10000, "more-than"), "more than 1,000 computers and 10,000 SIM cards") is None
    assert "not stated" in (unstated_figure(figure(13), "police held 12 people") or "")
    assert "is at-least" in (unstated_figure(figure(12, "at-least"), "police held 12 people") or "")
    assert "is exact" in (unstated_figure(figure(12), "police held about 12 people") or "")
    # "over" also ends "handed over": an exact figure may follow it
    assert unstated_figure(figure(3), "Fiji handed over 3 suspects") is None


_units = st.sampled_from([None, "CAD", "officers", "US$", "yuan"])
_figures = st.builds(
    lambda value, qualifier, unit: Figure.model_validate({"name": "count", "value": value, "qualifier": qualifier, "unit": unit}),
    st.one_of(st.integers(-(10**12), 10**12), st.floats(-1e9, 1e9, allow_nan=False).map(lambda v: round(v, 3))),
    st.sampled_from([None, *QUALIFIER_PHRASES]),
    _units,
)


@given(_figures, st.sampled_from(["They counted ", "In 2023, ", "(", "The ministry gave "]), st.sampled_from([".", " in all.", ") and 2 more", ""]))
def test_a_figure_as_pcdip_writes_it_is_stated(f: Figure, before: str, after: str) -> None:
    """Any text that holds a figure as pcdip describes it ("at least 1,345", "about 3,262,780.55
    CAD") states that figure, whatever surrounds it."""
    assert unstated_figure(f, f"{before}{f.describe()}{after}") is None


@given(st.integers(0, 10**9), st.sampled_from([None, *QUALIFIER_PHRASES]))
def test_another_number_does_not_state_a_figure(n: int, qualifier: str | None) -> None:
    text = f"They counted {figure(n + 1, qualifier).describe()} in 1066."
    assert unstated_figure(figure(n, qualifier), text) == (
        "is not stated in the title, summary or note; give it there as the source does" if n != 1066 else None
    )


@given(st.integers(1, 10**10), st.sampled_from(["million", "m", "bn", "billion", "thousand"]), st.integers(0, 3))
def test_a_rounded_amount_states_the_exact_figure(n: int, scale: str, places: int) -> None:
    """ "US$2.6 million" states any exact figure that rounds to it."""
    size = {"million": 1e6, "m": 1e6, "bn": 1e9, "billion": 1e9, "thousand": 1e3}[scale]
    assume(round(n / size, places) > 0)
    text = f"worth US${n / size:.{places}f}{' ' if len(scale) > 2 else ''}{scale}"
    assert unstated_figure(figure(n), text) is None


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def in_words(n: int) -> str:
    """0-99 and whole hundreds in words, as English writes them."""
    if n >= 100:
        return f"{_ONES[n // 100]} hundred"
    if n < 20:
        return _ONES[n]
    return _TENS[n // 10 - 2] + (f"-{_ONES[n % 10]}" if n % 10 else "")


@given(st.one_of(st.integers(0, 99), st.integers(1, 9).map(lambda h: 100 * h)), st.booleans())
def test_numbers_in_words_are_read(n: int, capital: bool) -> None:
    words = in_words(n)
    assert values(f"and {words.capitalize() if capital else words} officers") == [n]
    assert values(f"for {words} and a half hours") == [n + 0.5]


@pytest.mark.parametrize("qualifier", sorted(QUALIFIER_PHRASES))
def test_every_qualifier_has_pcdips_own_words_among_its_phrases(qualifier: str) -> None:
    """The words pcdip writes for a qualifier are among those the check accepts for it."""
    from pcdip.fields import QUALIFIER_WORDS

    assert QUALIFIER_WORDS[qualifier] in QUALIFIER_PHRASES[qualifier].split("|")
