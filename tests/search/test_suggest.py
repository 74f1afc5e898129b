"""Suggestions: values first (ranking, spellings), then counts proved against searches.

A suggestion's count must be the total its own query finds (what a picked suggestion
runs: web/opensearch.py links to ``/search?q=<query>``), for every suggestion offered,
on the example archive and on both real archives."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import numpy as np
import pytest
from whoosh import query as wq

from indexer.text import name_key
from search.params import SearchRequest
from search.query import build_query
from search.service import Search
from search.snapshot import Snapshot
from search.suggest import Suggester, Suggestion, Table, shown_text, suggester
from search.vocabulary import DocSets, Entry, candidates, scan_titles

PREFIXES = 300  # per archive, drawn from the entries' own keys


def entry(text: str, kind: str, count: int, *spellings: str, search: str = "") -> Entry:
    return Entry(name_key(text), kind, count, spellings or (text,), search or name_key(text))


# -- values -------------------------------------------------------------------------


def test_words_and_phrases_are_offered_unless_the_index_stops_them() -> None:
    vocab = {
        "phrases": {"theresa may": 3, "of the vote": 5, "us troops": 4},
        "words": {"may": 4, "the": 9, "us": 2, "x": 2, "vote": 3},
    }
    snapshot = cast(Snapshot, SimpleNamespace(vocab=vocab))

    assert list(candidates(snapshot)) == [  # "us" and "may" are names in news: indexed
        ("theresa may", "phrase"),
        ("us troops", "phrase"),
        ("may", "word"),
        ("us", "word"),
        ("vote", "word"),
    ]


def test_a_range_is_ranked_by_count_a_story_weighing_three_times() -> None:
    table = Table(
        [
            entry("nicolas", "word", 100),
            entry("Nicolás Maduro government", "context", 40),  # 120
            entry("nicolas maduro", "phrase", 60),
            entry("nicosia", "word", 7),
            entry("madrid", "word", 500),
        ]
    )
    assert [e.key for e in table.best("nic", 10)] == [
        "nicolas maduro government",
        "nicolas",
        "nicolas maduro",
        "nicosia",
    ]
    assert [e.key for e in table.best("nic", 2)] == ["nicolas maduro government", "nicolas"]
    assert table.best("x", 10) == ()


def test_one_search_and_one_text_are_offered_once_the_better_one() -> None:
    table = Table(
        [
            entry("earthquake", "word", 50, search="earthquak"),
            entry("earthquakes", "word", 50, search="earthquak"),  # stems to one search
            entry("地震", "context", 1),
            entry("地震", "word", 186),  # the same text: the word finds more
        ]
    )
    assert [e.key for e in table.best("earthq", 10)] == ["earthquake"]
    assert [(e.key, e.kind) for e in table.best("地", 10)] == [("地震", "word")]


def test_the_spelling_shown_keeps_the_script_and_accents_typed() -> None:
    han = ("选举", "選舉")  # most frequent first
    assert shown_text(han, "選") == "選舉"
    assert shown_text(han, "选") == "选举"
    assert shown_text(("美國", "美国"), "美") == "美國"  # either script: the more frequent
    latin = ("Nicolás Maduro", "Nicolas Maduro")
    assert shown_text(latin, "nicolas") == "Nicolas Maduro"
    assert shown_text(latin, "NICOLÁS") == "Nicolás Maduro"
    assert shown_text(("Nicolas",), "nicolás") == "Nicolás"  # typed accents laid over


def test_spellings_come_from_titles_a_title_start_only_when_nothing_else() -> None:
    titles = [
        "President Nicolás Maduro announces new elections",
        "Nicolas Maduro is sworn in",
        "Protests against Nicolás Maduro grow",
        "台灣舉行總統選舉",
        "台湾举行总统选举",
        "台灣選舉結果",
    ]
    scan = scan_titles(titles, {"nicolas maduro", "nicolas", "elections"})
    assert scan.spellings("nicolas maduro") == ("Nicolás Maduro",)
    assert scan.spellings("nicolas") == ("Nicolás",)
    assert scan.spellings("elections") == ("elections",)
    assert scan.spellings("选举") == ("選舉", "选举")
    assert scan.han_titles["选举"] == 3


def test_until_the_entries_are_ready_story_headings_alone_are_offered() -> None:
    story = entry("Nicolás Maduro government", "context", 2)
    built = Suggester([story, entry("nicolas", "word", 9)], [story])
    built.ready.set()  # the entries failed: stories stay
    assert [s.kind for s in built.show("nic")] == ["context"]
    assert [s.text for s in built.suggest("nic")] == ["nicolas", "Nicolás Maduro government"]
    built.fill(lambda: [story, entry("nicolas", "word", 3, "Nicolás")])
    assert [(s.text, s.count) for s in built.show("nic")] == [
        ("Nicolás Maduro government", 2),
        ("Nicolás", 3),
    ]


def test_a_story_suggestion_runs_its_context() -> None:
    assert Suggestion("習近平", "context", 3).query == 'context:"習近平"'
    assert Suggestion("選舉", "word", 667).query == "選舉"


# -- against an index ------------------------------------------------------------------


def _search(index: Path) -> Iterator[Search]:
    with Search(index) as service:
        assert suggester(service.snapshot()).ready.wait(300)
        yield service


@pytest.fixture(scope="module")
def example_search(example_index: Path) -> Iterator[Search]:
    with Search(example_index) as service:
        assert suggester(service.snapshot()).ready.wait(60)
        yield service


@pytest.fixture(scope="module")
def zh_search(zh_index: Path) -> Iterator[Search]:
    yield from _search(zh_index)


@pytest.fixture(scope="module")
def en_search(en_index: Path) -> Iterator[Search]:
    yield from _search(en_index)


def prefixes(service: Search, count: int = PREFIXES, seed: int = 3) -> list[str]:
    """Starts (1-4 characters of Chinese, 1-6 letters otherwise) of the keys the
    suggester holds, typed in the spellings titles give them."""
    table = suggester(service.snapshot()).table
    assert table is not None
    found: set[str] = set()
    for e in table.entries:
        for text in e.spellings[:2]:
            longest = 4 if "\u3400" <= text[:1] <= "\u9fff" else 6
            found.update(text[:n] for n in range(1, min(longest, len(text)) + 1))
    ordered = sorted(p for p in found if p.strip())
    return random.Random(seed).sample(ordered, min(count, len(ordered)))


def total(service: Search, query: str) -> int:
    return service.search(SearchRequest(q=query, per_page=1, facets=False)).total


def offered_mismatches(service: Search, typed: list[str]) -> list[tuple[str, str, int, int]]:
    wrong = []
    for prefix in typed:
        for s in service.suggest(prefix):
            if (found := total(service, s.query)) != s.count:
                wrong.append((prefix, s.query, s.count, found))
    return wrong


def test_every_count_is_what_its_query_finds_example_archive(example_search: Search) -> None:
    typed = prefixes(example_search)
    assert len(typed) >= 100
    assert offered_mismatches(example_search, typed) == []


def test_every_count_is_what_its_query_finds_english_archive(en_search: Search) -> None:
    typed = prefixes(en_search)
    assert len(typed) >= 100
    assert offered_mismatches(en_search, typed) == []


def test_every_count_is_what_its_query_finds_chinese_archive(zh_search: Search) -> None:
    typed = prefixes(zh_search)
    assert len(typed) == PREFIXES
    assert offered_mismatches(zh_search, typed) == []


def test_chinese_words_are_completed_in_the_script_typed(zh_search: Search) -> None:
    election = {s.text: s for s in zh_search.suggest("選舉")}["選舉"]
    assert election.kind == "word"
    assert election.count == total(zh_search, "選舉") == total(zh_search, "选举") > 600
    quake = [s for s in zh_search.suggest("地震") if s.text == "地震"]
    assert quake and quake[0].kind == "word" and quake[0].count == total(zh_search, "地震") > 100
    assert {s.text for s in zh_search.suggest("选")} >= {"选举"}
    assert zh_search.suggest("習近")[0].text == "習近平"
    xi = next(s for s in zh_search.suggest("习近") if s.text == "习近平")
    assert xi.count == total(zh_search, "习近平") > 3


def test_english_names_keep_the_archive_spelling(example_search: Search) -> None:
    shown = example_search.suggest("nicolás")
    assert shown, "the example archive names Nicolás Maduro"
    assert any(s.text.startswith("Nicolás") for s in shown)
    assert all(s.count == total(example_search, s.query) for s in shown)


@pytest.mark.parametrize(
    "text",
    ["earthquake", "nicolás maduro", "syria syria", "選舉", "习近平", "美国总统", "u.s. troops"],
)
def test_document_sets_are_the_engine_answers_without_scores(
    example_search: Search, text: str
) -> None:
    snapshot = example_search.snapshot()
    parsed = build_query(text).query
    assert np.array_equal(DocSets(snapshot).of(parsed), snapshot.evaluate(parsed).docs)
    mixed = wq.Or([parsed, wq.Term("lang", "zh")])
    assert np.array_equal(DocSets(snapshot).of(mixed), snapshot.evaluate(mixed).docs)


@pytest.mark.parametrize("text", ["美国", "选举 美国", "地震", "联合国 OR 欧盟"])
def test_document_sets_of_frequent_words_read_from_the_postings_table_are_the_engines(
    zh_search: Search, text: str
) -> None:
    snapshot = zh_search.snapshot()
    assert snapshot.table is not None and snapshot.table.find("title", "美国") is not None
    parsed = build_query(text).query
    assert np.array_equal(DocSets(snapshot).of(parsed), snapshot.evaluate(parsed).docs)
