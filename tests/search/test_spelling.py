"""search.spelling: corrections and close words from the title vocabulary, found by
comparing only the words that lengths and letters leave (the same words as comparing all)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from search.service import Search
from search.spelling import SpellingVocabulary, close_words, correct_word

COUNTED = {  # most frequent first, as vocab.json keeps them
    "police": 90, "killed": 80, "polite": 40, "palace": 30, "policy": 30, "poise": 9,
    "earthquake": 8, "earthquakes": 8, "quake": 5, "zürich": 4, "москва": 3, "covid19": 2,
    "ab": 2, "a": 1,
}  # fmt: skip
WORDS = [
    "police", "polise", "plice", "ploice", "poilce", "pol", "palice", "earthqauke",
    "earthquak", "zurich", "zürch", "москва", "моска", "covid18", "ba", "b", "",
    "qwyxoltrek", "policeman", "killde", "quakes",
]  # fmt: skip


def every_word_within(word: str, maxdist: int) -> list[tuple[str, int, int]]:
    """What :meth:`SpellingVocabulary.within` finds, by comparing every word."""
    counts = list(COUNTED.values())
    hits = [
        (w, Levenshtein.distance(word, w), i)
        for i, w in enumerate(COUNTED)
        if Levenshtein.distance(word, w) <= maxdist
    ]
    return sorted(hits, key=lambda hit: (hit[1], -counts[hit[2]], hit[2]))


@pytest.mark.parametrize("maxdist", [0, 1, 2, 3])
@pytest.mark.parametrize("word", WORDS)
def test_the_words_within_a_distance_are_those_comparing_every_word_finds(
    word: str, maxdist: int
) -> None:
    assert SpellingVocabulary.of(COUNTED).within(word, maxdist) == every_word_within(word, maxdist)


def test_fewest_edits_come_first_then_the_most_frequent() -> None:
    found = SpellingVocabulary.of(COUNTED).within("polise", 2)
    assert [w for w, _, _ in found] == ["police", "polite", "poise", "policy"]


def test_an_empty_vocabulary_has_no_close_words() -> None:
    assert SpellingVocabulary.of({}).within("police", 2) == []


@pytest.fixture(scope="module")
def search(example_index: Path) -> Iterator[Search]:
    with Search(example_index) as service:
        yield service


def test_a_typo_is_corrected_to_the_known_word(search: Search) -> None:
    snapshot = search.snapshot()
    assert correct_word(snapshot, "malaysa") == "malaysia"
    assert correct_word(snapshot, "goverment") == "government"


def test_a_made_up_word_has_no_correction_and_a_known_one_needs_none(search: Search) -> None:
    snapshot = search.snapshot()
    assert correct_word(snapshot, "qwyxoltrek") is None
    assert correct_word(snapshot, "malaysia") is None


def test_close_words_leave_out_the_word_itself(search: Search) -> None:
    found = close_words(search.snapshot(), "malaysia", 2)
    assert "malaysia" not in found
    assert all(Levenshtein.distance("malaysia", w) <= 2 for w in found)
    assert close_words(search.snapshot(), "qwyxoltrek", 2) == []
