"""The suggester as values: what it shows comes from what each entry's query finds."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from search.suggest import Suggester, Suggestion, fold, spellings

TITLES = {
    0: "President Nicolás Maduro announces new elections",
    1: "Nicolas Maduro is sworn in",
    2: "Protests against Nicolás Maduro grow",
    3: "Earthquake hits the coast; an earthquake warning follows",
}
FOUND = {  # query -> (interpreted, docs)
    "nicolas maduro": ("maduro nicola", [0, 1, 2]),
    "nicolas": ("nicola", [0, 1, 2]),
    "earthquake": ("earthquak", [3]),
    "earthquakes": ("earthquak", [3]),
    'context:"Nicolás Maduro government"': ("context:nicolás maduro government", [0, 2]),
    "nicosia": ("nicosia", []),
}


def matcher(query: str) -> tuple[str, np.ndarray, np.ndarray]:
    interpreted, docs = FOUND[query]
    return interpreted, np.asarray(docs, np.int32), np.ones(len(docs), np.float32)


def titles(docs: Iterable[int]) -> list[str]:
    return [TITLES[d] for d in docs]


def suggester(*items: Suggestion) -> Suggester:
    return Suggester([(fold(s.text), s) for s in items], matcher, titles)


def test_spellings_come_from_titles_most_frequent_first_title_starts_last() -> None:
    assert spellings("nicolas maduro", TITLES.values()) == ("Nicolás Maduro",)
    assert spellings("nicolas maduro", [TITLES[1]]) == ("Nicolas Maduro",)  # only a start
    assert spellings("earthquake", [TITLES[3]]) == ("earthquake",)
    assert spellings("tsunami", TITLES.values()) == ()


def test_counts_are_what_each_entry_query_finds_not_the_vocabulary_count() -> None:
    shown = suggester(
        Suggestion("nicolas maduro", "phrase", 99),
        Suggestion("Nicolás Maduro government", "context", 50),
    ).show("nicolás")
    assert [(s.text, s.kind, s.count) for s in shown] == [
        ("Nicolás Maduro government", "context", 2),
        ("Nicolás Maduro", "phrase", 3),
    ]


def test_entries_that_find_nothing_or_repeat_a_search_are_left_out() -> None:
    shown = suggester(
        Suggestion("earthquake", "word", 5),
        Suggestion("earthquakes", "word", 4),  # stems to the same search
        Suggestion("nicosia", "word", 3),  # finds nothing
    ).show("ea")
    assert [s.text for s in shown] == ["earthquake"]
    assert suggester(Suggestion("nicosia", "word", 3)).show("nic") == []


def test_the_vocabulary_answer_stays_as_the_vocabulary_keeps_it() -> None:
    # spelling completes "earthq" from it: no search, the folded word
    vocabulary = suggester(Suggestion("earthquake", "word", 5), Suggestion("nicosia", "word", 3))
    assert [(s.text, s.count) for s in vocabulary.suggest("e")] == [("earthquake", 5)]
    assert [s.text for s in vocabulary.suggest("nic")] == ["nicosia"]


def test_what_was_typed_chooses_among_the_archive_spellings() -> None:
    words = suggester(Suggestion("nicolas", "word", 3))
    assert [s.text for s in words.show("nicolás")] == ["Nicolás"]
    assert [s.text for s in words.show("NICOLAS")] == ["Nicolás"]  # no accent typed
