"""Story threads and story groups over the example archive, checked against the story
pages' own order (search.browse.timeline) and the events' own contexts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from indexer.event import Event
from search import browse, threads
from search.params import parse_request
from search.service import Search
from search.snapshot import Snapshot

MH17 = "Malaysia Airlines Flight 17"
OLYMPICS = "2016 Summer Olympics"
SYRIA = "Syrian Civil War"


@pytest.fixture(scope="module")
def search(example_index: Path) -> Iterator[Search]:
    with Search(example_index) as service:
        yield service


@pytest.fixture(scope="module")
def snapshot(search: Search) -> Snapshot:
    return search.snapshot()


def story_ids(search: Search, story: str) -> list[str]:
    return [e.id for e in search.timeline(story).events]  # by day, then archive order


def test_each_event_sees_the_nearest_events_of_its_story_by_date(search: Search) -> None:
    for story in (MH17, OLYMPICS, SYRIA):
        order = story_ids(search, story)
        for at, event_id in enumerate(order):
            thread = search.thread(event_id)
            assert thread is not None and (thread.story, thread.kind) == (story, "story")
            assert thread.total == len(order)
            assert [e.id for e in thread.before] == order[max(0, at - 3) : at]
            assert [e.id for e in thread.after] == order[at + 1 : at + 4]


def test_the_first_event_of_a_story_has_none_before_and_the_last_none_after(
    search: Search,
) -> None:
    order = story_ids(search, MH17)
    first, last = search.thread(order[0]), search.thread(order[-1])
    assert first is not None and first.before == () and len(first.after) == 3
    assert last is not None and last.after == () and len(last.before) == 3


def test_events_of_one_day_follow_archive_order(search: Search, snapshot: Snapshot) -> None:
    order = story_ids(search, MH17)
    same_day = [e for e in search.timeline(MH17).events if e.date == dt.date(2014, 7, 18)]
    docs = [browse.docnum_of(snapshot, e.id) for e in same_day]
    assert docs == sorted(docs) and len(docs) > 1
    thread = search.thread(order[0])
    assert thread is not None and [e.date for e in thread.after] == sorted(
        e.date for e in thread.after
    )


def test_an_event_alone_in_its_heading_follows_its_most_specific_shared_context(
    snapshot: Snapshot, search: Search
) -> None:
    # A heading no other event has; of its topics, the Olympics (4 events) are more
    # specific than the Syrian war (8).
    docnum = browse.docnum_of(snapshot, story_ids(search, OLYMPICS)[1])
    assert docnum is not None
    event = Event(
        "news/2016/08/05/x", dt.date(2016, 8, 5), "en", "x", contexts=("Nowhere", SYRIA, OLYMPICS)
    )
    thread = threads.thread(snapshot, event, docnum)
    assert thread is not None and (thread.story, thread.kind) == (OLYMPICS, "context")


def test_a_context_too_broad_is_not_followed(
    snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threads, "BROAD_FLOOR", 0)
    monkeypatch.setattr(threads, "BROAD_SHARE", 0.1)  # Syria's 8 of 51 events are too many
    event = Event("news/2016/08/05/x", dt.date(2016, 8, 5), "en", "x", contexts=(SYRIA, OLYMPICS))
    thread = threads.thread(snapshot, event, 0)
    assert thread is not None and (thread.story, thread.kind) == (OLYMPICS, "context")
    alone = Event("news/2016/08/05/y", dt.date(2016, 8, 5), "en", "y", contexts=(SYRIA,))
    assert threads.thread(snapshot, alone, 0) is None


def test_an_event_sharing_no_context_has_no_thread(search: Search, snapshot: Snapshot) -> None:
    events = snapshot.events(snapshot.live_docs)
    without = [e for e in events if not e.contexts]
    assert without and all(search.thread(e.id) is None for e in without)


def test_groups_keep_the_best_hit_of_each_story_and_count_the_rest(
    search: Search, snapshot: Snapshot
) -> None:
    plain = search.search(parse_request([("per_page", "100")]))
    grouped = search.search(parse_request([("per_page", "100"), ("group", "story")]))
    stories = [h.event.story for h in plain.hits]
    best: dict[str, str] = {}
    for hit in plain.hits:
        best.setdefault(hit.event.story or hit.event.id, hit.event.id)
    assert [h.event.id for h in grouped.hits] == list(best.values())
    for hit in grouped.hits:
        assert hit.group is not None and hit.group.story == hit.event.story
        expected = stories.count(hit.event.story) - 1 if hit.event.story else 0
        assert hit.group.more == expected
    assert grouped.total == len(best) and grouped.to_dict()["total_events"] == plain.total
    assert sum(1 + h.group.more for h in grouped.hits if h.group) == plain.total


def test_grouped_pages_page_through_the_groups(search: Search) -> None:
    whole = search.search(parse_request([("per_page", "100"), ("group", "story")]))
    paged = [
        h.event.id
        for page in range(1, 5)
        for h in search.search(
            parse_request([("per_page", "5"), ("group", "story"), ("page", str(page))])
        ).hits
    ]
    assert paged == [h.event.id for h in whole.hits]
    assert search.search(parse_request([("per_page", "5"), ("group", "story")])).pages == 4


def test_story_groups_treat_events_without_a_story_as_their_own(snapshot: Snapshot) -> None:
    order = threads.story_order(snapshot)
    alone = np.flatnonzero(order.story[snapshot.live_docs] < 0)
    ranked = snapshot.live_docs[alone][:3]
    first, more = threads.story_groups(snapshot, ranked)
    assert first.tolist() == [0, 1, 2] and more.tolist() == [0, 0, 0]
