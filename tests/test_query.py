"""Filters, ordering and profiles over the mini store."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcdip.dates import parse_date
from pcdip.errors import NotFoundError
from pcdip.query import Filters, by_year, profile, related_of, resolve_theme, select
from pcdip.store import bundled_store, load_store


@pytest.fixture
def events(store: Path) -> list:  # type: ignore[type-arg]
    return load_store(store).events


def ids(events: list) -> list[str]:  # type: ignore[type-arg]
    return [e.id for e in events]


def test_sorted_by_start_of_span(events: list) -> None:  # type: ignore[type-arg]
    assert ids(select(events)) == [
        "2011-04-fiji-mou",
        "2016-05-italy-patrols",
        "2022-04-global-statement",
        "2022-12-italy-ends-patrols",
        "2023-solomons-training",
        "2024-03-fiji-keeps-mou",
        "2025-02-20-myanmar-repatriation",
    ]


def test_year_event_overlaps_a_later_month(events: list) -> None:  # type: ignore[type-arg]
    # "2023~" spans 2023: it matches --from 2023-06 and --to 2023-01.
    assert "2023-solomons-training" in ids(select(events, Filters(start=parse_date("2023-06"))))
    assert "2023-solomons-training" in ids(select(events, Filters(end=parse_date("2023-01"))))
    assert "2023-solomons-training" not in ids(select(events, Filters(start=parse_date("2024"))))


def test_span_overlaps_range(events: list) -> None:  # type: ignore[type-arg]
    # Italy's patrols 2016-05 to 2019 match a 2018 window though they started before it.
    assert ids(select(events, Filters(start=parse_date("2018"), end=parse_date("2018")))) == ["2016-05-italy-patrols"]
    assert ids(select(events, Filters(start=parse_date("2022"), end=parse_date("2023-06")))) == [
        "2022-04-global-statement",
        "2022-12-italy-ends-patrols",
        "2023-solomons-training",
    ]


def test_countries_themes_region_actor_search(events: list) -> None:  # type: ignore[type-arg]
    assert ids(select(events, Filters(countries=("FJ",)))) == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    assert ids(select(events, Filters(countries=("FJ", "SB")))) == ["2011-04-fiji-mou", "2023-solomons-training", "2024-03-fiji-keeps-mou"]
    assert ids(select(events, Filters(themes=("joint-patrol", "scrutiny"), all_themes=True))) == ["2022-12-italy-ends-patrols"]
    assert len(select(events, Filters(themes=("joint-patrol", "scrutiny")))) == 3
    assert ids(select(events, Filters(region="Melanesia"))) == ["2011-04-fiji-mou", "2023-solomons-training", "2024-03-fiji-keeps-mou"]
    assert ids(select(events, Filters(region="Europe"))) == ["2016-05-italy-patrols", "2022-12-italy-ends-patrols"]
    assert ids(select(events, Filters(actor="piantedosi"))) == ["2022-12-italy-ends-patrols"]
    assert ids(select(events, Filters(search="SCAM"))) == ["2025-02-20-myanmar-repatriation"]
    assert ids(select(events, Filters(search="liu zhongyi"))) == ["2025-02-20-myanmar-repatriation"]  # actors count


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("bozinovic", "Davor Božinović"),  # no accents typed, accents stored
        ("BOŽINOVIĆ", "Davor Bozinovic"),  # and the other way round
        ("lancang-mekong", "Lancang–Mekong law-enforcement centre"),  # a hyphen finds an en dash
        ("o'neill", "Kevin O’Neill"),  # a straight apostrophe finds a curly one
        ("ÇAĞLAYAN", "Mehmet Çağlayan"),
        ("strasse", "Polizei Straße"),
    ],
)
def test_actor_and_search_ignore_accents_dashes_and_apostrophes(events: list, typed: str, stored: str) -> None:  # type: ignore[type-arg]
    event = events[0].model_copy(update={"actors": [stored], "title": f"A meeting with {stored}"})
    assert ids(select([event, *events[1:]], Filters(actor=typed))) == [event.id]
    assert ids(select([event, *events[1:]], Filters(search=typed))) == [event.id]
    if typed[1].isalpha():  # an actor text still begins a word ("ozinovic" finds no "Božinović")
        assert ids(select([event, *events[1:]], Filters(actor=typed[1:]))) == []


@given(st.text(alphabet="aeEoOzZcC\u0301\u0308\u030c-\u2013\u2014'\u2019 ßé中", max_size=12), st.data())
def test_a_needle_taken_from_a_text_is_found_in_it(text: str, data: st.DataObject) -> None:
    """Whatever part of a text a user types, folded or not, the search finds the text."""
    from pcdip.query import fold

    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    assert fold(text[i:j]) in fold(text)
    assert fold(fold(text)) == fold(text)


def test_limit_and_reverse(events: list) -> None:  # type: ignore[type-arg]
    assert ids(select(events, Filters(limit=2))) == ["2011-04-fiji-mou", "2016-05-italy-patrols"]
    assert ids(select(events, Filters(limit=2, reverse=True))) == ["2025-02-20-myanmar-repatriation", "2024-03-fiji-keeps-mou"]
    assert select(events, Filters(limit=0)) == []


def test_by_year(events: list) -> None:  # type: ignore[type-arg]
    assert [(y, len(g)) for y, g in by_year(select(events))] == [(2011, 1), (2016, 1), (2022, 2), (2023, 1), (2024, 1), (2025, 1)]


def test_profile(store: Path) -> None:
    s = load_store(store)
    p = profile(s, "FJ")
    d = p.to_dict()
    assert d["country"] == {"code": "FJ", "alpha3": "FJI", "name": "Fiji", "region": "Oceania", "subregion": "Melanesia"}
    assert d["counts"] == {"events": 2, "first": "2011-04", "last": "2024-03-20", "themes": {"agreement": 2, "scrutiny": 1}, "pushback": 1}
    assert d["pushback"] == ["2024-03-fiji-keeps-mou"]
    assert [e["id"] for e in d["events"]] == ["2011-04-fiji-mou", "2024-03-fiji-keeps-mou"]
    empty = profile(s, "NE")
    assert empty.to_dict()["counts"]["events"] == 0 and empty.first is None


def test_related_both_ways(store: Path) -> None:
    s = load_store(store)
    ends = s.event("2022-12-italy-ends-patrols")
    starts = s.event("2016-05-italy-patrols")
    assert ends is not None and starts is not None
    assert ids(related_of(s, ends)[0]) == ["2016-05-italy-patrols"]
    assert ids(related_of(s, starts)[1]) == ["2022-12-italy-ends-patrols"]


# --- theme names ---------------------------------------------------------------------------------

BUNDLED_THEMES = {t.id: t.label for t in load_store(bundled_store()).themes}


@pytest.mark.parametrize("theme_id", sorted(BUNDLED_THEMES))
def test_every_theme_resolves_from_its_id_and_label_in_any_form(theme_id: str) -> None:
    label = BUNDLED_THEMES[theme_id]
    for text in (theme_id, theme_id.upper(), theme_id.replace("-", " "), theme_id.replace("-", "_"), label, label.lower(), label.upper()):
        assert resolve_theme(BUNDLED_THEMES, text) == theme_id, text


@pytest.mark.parametrize(
    ("text", "theme_id"),
    [
        ("pushback", "scrutiny"),
        ("Joint patrol", "joint-patrol"),
        ("police stations", "overseas-stations"),
        ("stations", "overseas-stations"),
        ("fraud", "telecom-fraud"),
        ("scam centres", "telecom-fraud"),
        ("liaison", "liaison-officers"),
        ("fugitives", "fugitive-return"),
        ("agreements", "agreement"),
        ("Multilateral fora", "multilateral"),
        ("equipment", "equipment"),
        ("Counter-terrorism", "counterterrorism"),
        ("cyber security", "cybersecurity"),
        ("tele-com fraud", "telecom-fraud"),
    ],
)
def test_words_people_use_find_their_theme(text: str, theme_id: str) -> None:
    assert resolve_theme(BUNDLED_THEMES, text) == theme_id


def test_an_ambiguous_word_names_the_candidates() -> None:
    with pytest.raises(NotFoundError, match=r"theme 'police' could be any of training, liaison-officers, overseas-stations; give one of those ids"):
        resolve_theme(BUNDLED_THEMES, "police")


@pytest.mark.parametrize(("text", "hint"), [("trainig", "'training'"), ("counterterorism", "'counterterrorism'"), ("Repatriaton", "'repatriation'")])
def test_a_typo_gets_the_nearest_theme(text: str, hint: str) -> None:
    with pytest.raises(NotFoundError, match=rf"unknown theme '{text}' \(did you mean {hint}"):
        resolve_theme(BUNDLED_THEMES, text)


@given(st.text(max_size=30))
def test_any_text_resolves_to_a_declared_theme_or_says_why(text: str) -> None:
    try:
        assert resolve_theme(BUNDLED_THEMES, text) in BUNDLED_THEMES
    except NotFoundError as exc:
        assert "theme" in exc.message and "\n" not in exc.message


def test_an_id_wins_over_a_word_of_another_label() -> None:
    themes = {"police": "Police", "training": "Police training"}
    assert resolve_theme(themes, "police") == "police"
    assert resolve_theme(themes, "POLICE") == "police"
