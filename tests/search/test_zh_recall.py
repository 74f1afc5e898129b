"""On the real Chinese archive, a word finds every event whose title or summary contains
it (see ``tests/search/recall.py`` for the measure and the words)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.service import Search
from search.snapshot import Snapshot

from .recall import Doc, containing, found_by_query, live_docs, measure, sample_words

MIN_RECALL = 0.99


@pytest.fixture(scope="module")
def snapshot(zh_index: Path) -> Iterator[Snapshot]:
    with Search(zh_index) as service:
        yield service.snapshot()


@pytest.fixture(scope="module")
def docs(snapshot: Snapshot) -> list[Doc]:
    return live_docs(snapshot)


def test_recall_against_a_substring_scan_of_titles_and_summaries(
    snapshot: Snapshot, docs: list[Doc]
) -> None:
    words = sample_words(docs)
    recall = measure(docs, words, found_by_query(snapshot))
    assert recall.words > 300
    worst = sorted(recall.missed.items(), key=lambda item: item[1][0] - item[1][1])[:10]
    assert recall.micro >= MIN_RECALL, (recall.micro, recall.macro, worst)
    assert recall.macro >= MIN_RECALL, (recall.micro, recall.macro, worst)


@pytest.mark.parametrize(
    "word",
    # glued by the segmenter into 国际红十字会, 田北俊因, 全国政协 委员, 亚美尼亚人,
    # 圣萨尔瓦多; numbers with their unit
    ["红十字会", "田北俊", "政协委员", "亚美尼亚", "萨尔瓦多", "6.8万", "5.4级"],
)
def test_words_the_segmenter_glued_find_every_event_containing_them(
    snapshot: Snapshot, docs: list[Doc], word: str
) -> None:
    expected = containing(docs, word)
    assert expected
    assert expected <= found_by_query(snapshot)(word)
