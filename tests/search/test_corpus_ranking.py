"""Broad queries over the real archives: the judged sets' figures stay above floors
measured at issue 15 with links counted among the matches (zh NDCG@10 0.687, success@1
0.176; en 0.850, 0.895), less a margin of a query or two, and short forms find what they
stand for."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.knownitem import load_titles, make_items, run_items, scores
from bench.relevance import evaluate, means, read_set
from search.params import parse_request
from search.service import Search

from ..conftest import ROOT

pytestmark = pytest.mark.corpus
JUDGED = ROOT / "bench" / "judged"


def figures(service: Search, name: str) -> dict[str, float]:
    return means(evaluate(service, read_set(Path(JUDGED / name))), "broad")


def test_broad_chinese_queries_find_the_central_events(zh_search: Search) -> None:
    found = figures(zh_search, "broad-zh.tsv")
    assert found["ndcg@10"] >= 0.66 and found["success@1"] >= 0.15, found


def test_broad_english_queries_find_the_central_events(en_search: Search) -> None:
    found = figures(en_search, "broad-en.tsv")
    assert found["ndcg@10"] >= 0.80 and found["success@1"] >= 0.84, found


def test_short_forms_and_other_names_find_what_they_stand_for(zh_search: Search) -> None:
    for typed, meant in (("非典", "SARS"), ("川普", "特朗普"), ("紐西蘭", "新西兰")):
        hits = zh_search.search(parse_request([("q", typed), ("per_page", "50")])).hits
        assert any(meant.casefold() in h.event.title.casefold() for h in hits), typed


def test_half_remembered_chinese_headlines_are_still_found_first(zh_search: Search) -> None:
    # The known-item set of bench/knownitem.py (300 events, seed 5): importance must not
    # push a reader's half-remembered event down. Measured without any importance signal:
    # success@1 0.860, @10 0.987, MRR 0.904; with links among the matches: 0.863, 0.990,
    # 0.905 (whole-archive backlinks had cost 3 points of success@1 over 1,000 queries).
    titles, same = load_titles(zh_search)
    found = scores(run_items(zh_search, make_items(titles, 300, seed=5), same))
    assert found["success@1"] >= 0.85 and found["success@10"] >= 0.97, found
    assert found["mrr"] >= 0.89, found
