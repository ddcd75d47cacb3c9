"""The quality checks of `pcdip validate --strict` that read an event's text: every actor named in
it, every figure stated in it with its qualifier, every theme with cues borne by one of them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pcdip.models import Event, Figure, Theme
from pcdip.quality import GENERIC_ACTOR_WORDS, QUALIFIER_PHRASES, cue_patterns, names_actor, stated_numbers, uncued_themes, unstated_figure
from pcdip.query import fold

from .conftest import invoke

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


def test_nearly_and_almost_state_a_ceiling_not_an_estimate() -> None:
    """DATA.md: "nearly 100" puts the count just below 100, so it is `up-to`, never `approximately`
    (one wording, one qualifier: the record once held both)."""
    for words in ("nearly", "almost"):
        assert unstated_figure(figure(100, "up-to"), f"{words} 100 officers took part") is None
        assert "is approximately" in (unstated_figure(figure(100, "approximately"), f"{words} 100 officers took part") or "")


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


# --- themes borne by the text: a theme's cues ---------------------------------------------------


def _event(text: str, themes: list[str]) -> Event:
    return Event.model_validate(
        {
            "id": "2024-01-x",
            "date": "2024-01",
            "title": "An event",
            "summary": text,
            "themes": themes,
            "sources": [{"publisher": "P", "title": "T", "url": "https://example.org/"}],
        }
    )


TRAINING = Theme(id="training", label="Training", description="d", cues=["train", "course", "polícia"])
PATTERNS = cue_patterns([TRAINING, Theme(id="meetings", label="Meetings", description="d")])


def test_a_cue_at_the_start_of_a_word_bears_its_theme_in_any_case_and_accent() -> None:
    assert "meetings" not in PATTERNS  # a theme without cues is not checked
    for text in ("Twelve officers were trained in Kunming.", "A COURSE on drones.", "the POLICIA nacional"):
        assert uncued_themes(_event(text, ["training", "meetings"]), PATTERNS) == [], text
    for text in ("The ministers met in Beijing.", "They were constrained by the budget.", "a discourse on security"):
        assert uncued_themes(_event(text, ["training", "meetings"]), PATTERNS) == ["training"], text


def test_cues_are_words_not_patterns() -> None:
    odd = cue_patterns([Theme(id="t", label="T", description="d", cues=["c++ (", "a.b"])])
    assert uncued_themes(_event("about c++ (and more)", ["t"]), odd) == []
    assert uncued_themes(_event("about axb and c", ["t"]), odd) == ["t"]


_stem = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=3, max_size=8)


@given(_stem, st.lists(_word, max_size=8), st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=5), st.booleans())
def test_a_text_bears_a_theme_exactly_when_a_word_of_it_begins_with_a_cue(stem: str, words: list[str], suffix: str, holds: bool) -> None:
    theme = Theme(id="t", label="T", description="d", cues=[stem])
    text = " ".join([*words, stem.upper() + suffix] if holds else words)
    folded_words = [fold(w) for w in text.split()]
    expected = [] if any(w.startswith(fold(stem)) for w in folded_words) else ["t"]
    assert uncued_themes(_event(text or "x", ["t"]), cue_patterns([theme])) == expected


def test_validate_strict_names_an_event_whose_text_bears_none_of_a_themes_cues(store: Path) -> None:
    text = store.read_text("utf-8")
    store.write_text(text.replace('description = "Policing agreements."\n', 'description = "Policing agreements."\ncues = ["memorand", "treaty"]\n'), "utf-8")
    before = invoke("validate")
    assert before.code == 0 and "14 quality warnings" in before.err  # mini.toml has 13 without cues
    r = invoke("validate", "--strict")
    assert r.code == 1
    flagged = [line for line in r.err.splitlines() if "rests on none of its cues" in line]
    # "keeps its policing memorandum" and "sign a memorandum" bear it; the global statement does not
    assert len(flagged) == 1 and "'2022-04-global-statement': themes: 'agreement'" in flagged[0] and "(memorand, treaty)" in flagged[0]
    # the cues stay in the store through a write, and travel with a TOML export that is itself a store
    copy = store.parent / "copy.toml"
    assert invoke("export", "--format", "toml", "-o", str(copy)).code == 0
    themes = {t["id"]: t for t in tomllib.loads(copy.read_text("utf-8"))["themes"]}
    assert themes["agreement"]["cues"] == ["memorand", "treaty"] and themes["training"]["cues"] == ["train", "course"] and "cues" not in themes["scrutiny"]
    assert invoke("validate", "--strict", "--store", str(copy)).err.count("rests on none of its cues") == 1


_theme = st.fixed_dictionaries(
    {"id": st.sampled_from(["training", "joint-patrol", "t2"]), "label": st.just("A label"), "description": st.just("A description.")},
    optional={"pushback": st.booleans(), "cues": st.lists(_stem, max_size=3)},
)


@given(_theme, st.booleans())
def test_the_indexed_theme_record_and_the_validated_theme_give_the_same_dict(theme: dict[str, object], exclude_defaults: bool) -> None:
    """The query index keeps themes as ThemeRecord; validation as Theme. One truth: the same dict."""
    from pcdip.records import ThemeRecord

    assert ThemeRecord(theme).to_dict(exclude_defaults=exclude_defaults) == Theme.model_validate(theme).to_dict(exclude_defaults=exclude_defaults)
