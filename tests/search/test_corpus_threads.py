"""Story threads and story groups over the real zh archive (skipped where absent)."""

from __future__ import annotations

from indexer.schema import context_key
from search import browse, threads
from search.params import parse_request
from search.service import Search


def test_zh_threads_follow_the_story_pages_order(zh_search: Search) -> None:
    snapshot, checked = zh_search.snapshot(), 0
    for name, _ in browse.busiest_stories(snapshot, 40):
        order = [e.id for e in zh_search.timeline(name).events]  # its first 100, in order
        thread = zh_search.thread(order[1])
        assert thread is not None
        if thread.story == name:  # (its heading may be another story, or too broad)
            checked += 1
            assert [e.id for e in thread.before] == order[:1]
            assert [e.id for e in thread.after] == order[2:5]
    assert checked >= 10


def test_zh_threads_never_follow_a_context_too_broad(zh_search: Search) -> None:
    snapshot = zh_search.snapshot()
    counts, index = snapshot.context_counts, snapshot.context_index
    docs = snapshot.live_docs[:: max(1, len(snapshot.live_docs) // 300)]
    followed = 0
    for event in snapshot.events(docs):
        thread = zh_search.thread(event.id)
        if thread is None:
            continue
        followed += 1
        cid = index[context_key(thread.story)]
        assert not threads.too_broad(snapshot, int(counts[cid])) and thread.total > 1
        assert thread.kind == ("story" if thread.story == event.story else "context")
        dates = [e.date for e in thread.before] + [event.date] + [e.date for e in thread.after]
        assert dates == sorted(dates)
    assert followed > len(docs) // 2


def test_zh_grouped_search_accounts_for_every_matching_event(zh_search: Search) -> None:
    plain = zh_search.search(parse_request([("q", "地震")]))
    grouped = zh_search.search(
        parse_request([("q", "地震"), ("group", "story"), ("per_page", "100")])
    )
    assert 1 < grouped.total < plain.total and grouped.events == plain.total
    if grouped.total <= 100:
        assert sum(1 + h.group.more for h in grouped.hits if h.group) == plain.total
    stories = [h.event.story for h in grouped.hits if h.event.story]
    assert len(stories) == len(set(stories))
