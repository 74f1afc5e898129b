"""Broad queries over the real archives: the judged sets' figures stay above floors
measured at issue 15 (zh NDCG@10 0.690, success@1 0.216; en 0.850, 0.895), less a
margin of a few queries' worth, and short forms find what they stand for."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    assert found["ndcg@10"] >= 0.66 and found["success@1"] >= 0.17, found


def test_broad_english_queries_find_the_central_events(en_search: Search) -> None:
    found = figures(en_search, "broad-en.tsv")
    assert found["ndcg@10"] >= 0.80 and found["success@1"] >= 0.84, found


def test_short_forms_and_other_names_find_what_they_stand_for(zh_search: Search) -> None:
    for typed, meant in (("非典", "SARS"), ("川普", "特朗普"), ("紐西蘭", "新西兰")):
        hits = zh_search.search(parse_request([("q", typed), ("per_page", "50")])).hits
        assert any(meant.casefold() in h.event.title.casefold() for h in hits), typed
