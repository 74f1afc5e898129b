"""The set algebra of matches and BM25, as values: compared with Python sets and sums,
and with the BM25 formula written out."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search import matches as algebra
from search.matches import K1, B, Matches

Scored = dict[int, float]  # document -> score, the meaning of a Matches
SCORED = st.dictionaries(
    st.integers(0, 60), st.floats(0, 10, allow_nan=False, width=32), max_size=25
)


def matches(scored: Scored) -> Matches:
    docs = sorted(scored)
    return Matches(np.asarray(docs, np.int32), np.asarray([scored[d] for d in docs], np.float32))


def meaning(found: Matches) -> Scored:
    assert found.docs.dtype == np.int32 and found.scores.dtype == np.float32
    assert list(found.docs) == sorted(set(found.docs.tolist()))  # sorted, unique
    return dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True))


@given(st.lists(SCORED, max_size=4))
def test_union_holds_every_document_with_its_scores_added(parts: list[Scored]) -> None:
    found = meaning(algebra.union([matches(p) for p in parts]))
    assert set(found) == set().union(*parts)
    for doc, score in found.items():
        assert score == pytest.approx(sum(p.get(doc, 0.0) for p in parts), rel=1e-5)


@given(st.lists(SCORED, min_size=1, max_size=4))
def test_intersection_holds_the_documents_in_all_with_their_scores_added(
    parts: list[Scored],
) -> None:
    found = meaning(algebra.intersect([matches(p) for p in parts]))
    assert set(found) == set.intersection(*(set(p) for p in parts))
    for doc, score in found.items():
        assert score == pytest.approx(sum(p[doc] for p in parts), rel=1e-5)


@given(SCORED, SCORED)
def test_exclusion_keeps_the_first_sets_documents_the_second_lacks(a: Scored, b: Scored) -> None:
    assert meaning(algebra.exclude(matches(a), matches(b))) == {
        d: pytest.approx(s) for d, s in a.items() if d not in b
    }


def test_empty_holds_nothing_and_unscored_documents_score_zero() -> None:
    assert len(algebra.empty()) == 0 and meaning(algebra.union([])) == {}
    assert meaning(algebra.unscored(np.asarray([2, 5], np.int32))) == {2: 0.0, 5: 0.0}
    assert algebra.unscored(np.arange(4, dtype=np.int32)).nbytes == 4 * 4 + 4 * 4


def keys(*occurrences: tuple[int, int]) -> np.ndarray:
    return np.asarray(sorted((d << 32) | p for d, p in occurrences), np.int64)


def test_consecutive_finds_where_the_grams_follow_one_another() -> None:
    first = keys((1, 0), (1, 5), (2, 3), (3, 9))
    second = keys((1, 1), (2, 7), (3, 10))
    third = keys((1, 2), (3, 11), (3, 12))
    assert algebra.consecutive([first, second]).tolist() == keys((1, 0), (3, 9)).tolist()
    assert algebra.consecutive([first, second, third]).tolist() == keys((1, 0), (3, 9)).tolist()
    assert algebra.consecutive([first, keys()]).tolist() == []


@given(st.lists(st.lists(st.integers(0, 12), max_size=12), min_size=1, max_size=4))
def test_consecutive_agrees_with_looking_at_every_position(texts: list[list[int]]) -> None:
    """Documents as lists of gram ids; a phrase of grams 0, 1, 2 found where they follow."""
    phrase = [0, 1, 2]
    at = [
        keys(*((d, p) for d, t in enumerate(texts) for p, g in enumerate(t) if g == w))
        for w in phrase
    ]
    expected = [
        (d << 32) | p
        for d, t in enumerate(texts)
        for p in range(len(t) - 2)
        if t[p : p + 3] == phrase
    ]
    assert algebra.consecutive(at).tolist() == expected


def test_bm25_is_the_formula_with_whooshs_idf() -> None:
    tf = np.asarray([1.0, 3.0], np.float32)
    length = np.asarray([10, 20], np.uint16)
    scores = algebra.bm25(tf, length, avg_length=15.0, total=100, boost=2.0)
    idf = math.log(100 / 3) + 1.0
    for f, n, got in zip(tf, length, scores, strict=True):
        norm = K1 * ((1 - B) + B * n / 15.0)
        assert got == pytest.approx(2.0 * idf * f * (K1 + 1) / (f + norm), rel=1e-6)
    assert scores.dtype == np.float32


def test_bm25_ranks_more_occurrences_and_shorter_fields_higher() -> None:
    more = algebra.bm25(np.asarray([1.0, 4.0]), np.asarray([10, 10]), 10.0, 1000)
    shorter = algebra.bm25(np.asarray([2.0, 2.0]), np.asarray([30, 5]), 10.0, 1000)
    assert more[1] > more[0] and shorter[1] > shorter[0]
    rare, common = (
        algebra.bm25(np.ones(1), np.ones(1), 1.0, 1000),
        algebra.bm25(np.ones(9), np.ones(9), 1.0, 1000),
    )
    assert rare[0] > common[0]  # fewer documents with the term: a higher idf
