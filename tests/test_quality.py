"""The quality check that every actor is named in its event (`pcdip validate --strict`)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pcdip.quality import GENERIC_ACTOR_WORDS, names_actor

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
