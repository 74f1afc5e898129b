"""Browsing answers built from the snapshot's per-generation facts: the latest days and
the busiest stories (the home page), as the events themselves say."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.schema import context_key
from search import browse
from search.service import Search
from search.snapshot import Snapshot


@pytest.fixture(scope="module")
def snapshot(example_index: Path) -> Iterator[Snapshot]:
    with Search(example_index) as service:
        yield service.snapshot()


def test_the_latest_days_come_newest_first_with_all_their_events(snapshot: Snapshot) -> None:
    events = snapshot.events(snapshot.live_docs)
    dates = sorted({e.date for e in events}, reverse=True)
    latest = browse.latest_days(snapshot, 3)
    assert [day.date for day in latest] == dates[:3]
    for day in latest:
        assert sorted(e.id for e in day.events) == sorted(
            e.id for e in events if e.date == day.date
        )
    assert browse.latest_days(snapshot, 0) == []
    assert len(browse.latest_days(snapshot, 10**6)) == len(dates)


def test_the_busiest_stories_are_those_with_the_most_live_events(snapshot: Snapshot) -> None:
    events = snapshot.events(snapshot.live_docs)
    per_story = Counter(context_key(c) for e in events for c in e.contexts)
    busiest = browse.busiest_stories(snapshot, 5)
    counts = [count for _, count in busiest]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(per_story.values())
    assert all(per_story[context_key(name)] == count for name, count in busiest)
    assert browse.busiest_stories(snapshot, 0) == []
