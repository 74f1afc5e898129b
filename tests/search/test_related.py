"""search.related: the ranked list on the example archive, and the judged sets'
precision on the real archives."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.relevance import evaluate, read_set
from indexer.event import Event
from search.params import parse_request
from search.service import Search

JUDGED = Path(__file__).resolve().parents[2] / "bench" / "judged"
# Measured at this commit: related-zh P@3 0.543, related-en 0.833 (bench/judged/README.md);
# the floors leave a margin of about two events' worth of top-3 hits.
ZH_P3_FLOOR = 0.48
EN_P3_FLOOR = 0.76


# -- the ranked list ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_search(example_index: Path) -> Iterator[Search]:
    with Search(example_index) as service:
        yield service


def test_the_list_is_ranked_by_score_with_reasons(example_search: Search) -> None:
    hits = example_search.search(parse_request([("q", "boeing amsterdam kuala lumpur")])).hits
    related = example_search.related(hits[0].event.id)
    assert [r.score for r in related] == sorted((r.score for r in related), reverse=True)
    assert any(r.why[0].kind == "same story" for r in related if r.why)
    assert all(r.why for r in related if r.in_archive)


def test_content_similar_events_are_offered_without_links(example_search: Search) -> None:
    unlinked = [e for e in _events(example_search) if not e.related]
    assert unlinked, "the example archive has events without Related links"
    offered = [r for e in unlinked for r in example_search.related(e.id)]
    assert offered
    assert all(r.reasons == ("similar",) and r.why for r in offered)


def test_real_events_without_links_are_offered_similar_ones(zh_search: Search) -> None:
    unlinked = [e for e in _events(zh_search)[:400] if not e.related]
    offered = [e for e in unlinked if zh_search.related(e.id)]
    assert len(offered) >= 0.7 * len(unlinked) > 0


def _events(search: Search) -> list[Event]:
    snapshot = search.snapshot()
    return snapshot.events(snapshot.live_docs)


# -- the judged sets ---------------------------------------------------------------------
def mean_precision(search: Search, name: str) -> float:
    return statistics.mean(row.precision for row in evaluate(search, read_set(JUDGED / name)))


def test_zh_related_precision_at_3_stays_above_its_floor(zh_search: Search) -> None:
    assert mean_precision(zh_search, "related-zh.tsv") >= ZH_P3_FLOOR


def test_en_related_precision_at_3_stays_above_its_floor(en_search: Search) -> None:
    assert mean_precision(en_search, "related-en.tsv") >= EN_P3_FLOOR
