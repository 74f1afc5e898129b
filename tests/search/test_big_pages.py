"""One huge page in an archive: hits and the result cache stay small (issue "Hostile
archives" §3). The page is generated (``bench.bigpage``), never copied from an archive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.bigpage import make_archive
from indexer.build import run
from search.highlight import TEXT_CHARS
from search.params import parse_request
from search.results import HIT_LIST_ITEMS
from search.service import Search

PAGE_BYTES = 300_000  # far past every bound, quick to index
TITLE_BYTES = 20_000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """An index of the example archive plus one huge page, and words only that page has."""
    work = tmp_path_factory.mktemp("bigpage")
    tail, _ = make_archive(work, PAGE_BYTES, TITLE_BYTES, "latin", seed=1)
    run(work / "archive", work / "index", workers=1)
    return work / "index", tail


@pytest.fixture
def search(big: tuple[Path, list[str]]) -> Iterator[Search]:
    with Search(big[0]) as service:
        yield service


def ask(search: Search, q: str, **params: str) -> dict:  # type: ignore[type-arg]
    return search.search(parse_request([("q", q), *params.items()])).to_dict()


def test_a_hit_on_a_huge_page_is_cut_and_says_so(
    search: Search, big: tuple[Path, list[str]]
) -> None:
    result = ask(search, big[1][0])
    (hit,) = result["hits"]
    assert hit["truncated"] is True
    assert len(hit["summary"]) <= TEXT_CHARS and len(hit["title"]) <= TEXT_CHARS
    assert len(json.dumps(result)) < 20_000
    whole = search.event(hit["id"])  # the event itself is not cut
    assert len(whole.summary) > PAGE_BYTES / 2 and whole.summary.startswith(hit["summary"])


def test_ordinary_hits_are_whole(search: Search) -> None:
    hits = ask(search, "malaysia", per_page="100")["hits"]
    assert hits and not any(h["truncated"] for h in hits)
    for hit in hits:
        event = search.event(hit["id"])
        assert (hit["title"], hit["summary"]) == (event.title, event.summary)
        assert len(hit["related"]) == len(event.related) <= HIT_LIST_ITEMS


def test_a_result_with_a_huge_page_is_small_in_memory(
    search: Search, big: tuple[Path, list[str]]
) -> None:
    result = search.search(parse_request([("q", big[1][1])]))
    assert result.total == 1 and result.nbytes() < 50_000


def test_result_cache_stays_within_its_byte_budget(big: tuple[Path, list[str]]) -> None:
    budget = 100_000
    with Search(big[0], cache_bytes=budget) as search:
        results = [search.search(parse_request([("q", word)])) for word in big[1][:40]]
        assert sum(r.nbytes() for r in results) > 2 * budget  # so some were evicted
        assert 0 < search._cache.used <= budget
        assert search.search(parse_request([("q", big[1][39])])) is results[-1]  # kept


def test_an_answer_larger_than_the_budget_is_given_but_not_kept(
    big: tuple[Path, list[str]],
) -> None:
    with Search(big[0], cache_bytes=1) as search:
        assert search.search(parse_request([("q", "malaysia")])).total
        assert search._cache.used == 0
