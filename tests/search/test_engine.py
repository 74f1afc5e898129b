"""Evaluation limits: one query's prefix and fuzzy expansion is bounded in total (issue
"Hostile archives" §7b), and the term-array cache counts what it holds once."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from bench.bigpage import made_up_word, make_archive
from indexer.build import run
from search import engine
from search.engine import (
    _LRU,
    MAX_EXPANSION,
    QUERY_EXPANSION,
    Matches,
    Snapshot,
    expansion_share,
)
from search.query import build_query
from search.service import Search

PREFIXES = [f"{c}{v}*" for c in "bdfgklmnp" for v in "aeiou"][:38]  # the bench's syllables


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example archive plus one page of thousands of made-up words: every two-letter
    prefix above expands to far more terms than a query may read."""
    work = tmp_path_factory.mktemp("expansion")
    make_archive(work, 200_000, 10_000, "latin", seed=2)
    run(work / "archive", work / "index", workers=1)
    return work / "index"


def expanded_terms(index: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Terms read for the prefix and fuzzy clauses of *text*, on first use."""
    counted: list[int] = []
    union_of = Snapshot._union_of

    def counting(self: Snapshot, field: str, terms: list[str]) -> Matches:
        counted.append(len(terms))
        return union_of(self, field, terms)

    monkeypatch.setattr(Snapshot, "_union_of", counting)
    with Search(index) as search:
        search.snapshot().evaluate(build_query(text).query)
    return sum(counted)


def test_38_prefixes_expand_to_no_more_terms_than_one_query_may_read(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = " OR ".join(PREFIXES)
    assert expanded_terms(index, PREFIXES[0], monkeypatch) > QUERY_EXPANSION / 4  # still wide
    assert expanded_terms(index, every, monkeypatch) <= QUERY_EXPANSION
    assert expanded_terms(index, " ".join(PREFIXES), monkeypatch) <= QUERY_EXPANSION
    monkeypatch.setattr(engine, "QUERY_EXPANSION", 10**9)  # capped per clause only:
    assert expanded_terms(index, every, monkeypatch) > 4 * QUERY_EXPANSION


def test_fuzzy_words_share_the_same_budget(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(2)
    words = [made_up_word(rng, 3) + "~" for _ in range(38)]
    text = " OR ".join(words[:19] + PREFIXES[:19])
    assert expanded_terms(index, text, monkeypatch) <= QUERY_EXPANSION


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("mala*", min(MAX_EXPANSION, QUERY_EXPANSION // 4)),  # one word, four text fields
        ("title:mala*", MAX_EXPANSION),
        ("mala* airl*", QUERY_EXPANSION // 8),
        ("malaysa~ -venez*", QUERY_EXPANSION // 8),  # exclusions count too
        (" OR ".join(PREFIXES), QUERY_EXPANSION // (38 * 4)),
        ("plain words only", MAX_EXPANSION),
    ],
)
def test_expansion_share_is_an_equal_part_of_the_query_budget(text: str, share: int) -> None:
    assert expansion_share(build_query(text).query) == share


def test_expansion_budget_is_tunable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "QUERY_EXPANSION", 40)
    assert expansion_share(build_query("mala* airl*").query) == 5


def test_term_cache_counts_a_value_made_twice_once() -> None:
    """Two threads may make the same value at once (made outside the lock): the second
    copy is dropped, not counted a second time."""
    cache = _LRU(10**6)
    value = Matches(np.arange(100, dtype=np.int32), np.ones(100, np.float32))
    one = value.docs.nbytes + value.scores.nbytes + 100

    def make_while_another_thread_makes_it_too() -> Matches:
        cache.get("key", lambda: value)  # the other thread finishes first
        return Matches(value.docs.copy(), value.scores.copy())

    assert cache.get("key", make_while_another_thread_makes_it_too) is value
    assert cache.used == one and len(cache.items) == 1
