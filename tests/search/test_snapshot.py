"""A snapshot's per-generation facts, each checked against the stored events it is
derived from, made once per generation; and Derived state, made once by one thread."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.reading import ReaderClosed

from indexer import store
from indexer.dates import day_date, day_number
from indexer.event import Event
from indexer.schema import context_key
from search.service import Search
from search.snapshot import Derived, Snapshot


@pytest.fixture(scope="module")
def snapshot(example_index: Path) -> Iterator[Snapshot]:
    with Search(example_index) as service:
        yield service.snapshot()


@pytest.fixture(scope="module")
def events(snapshot: Snapshot) -> dict[int, Event]:
    """The live events by document number."""
    return dict(zip(snapshot.live_docs.tolist(), snapshot.events(snapshot.live_docs), strict=True))


def test_each_documents_year_and_month_are_its_dates(
    snapshot: Snapshot, events: dict[int, Event]
) -> None:
    for doc, event in events.items():
        year, month = event.date.year, event.date.month
        assert (snapshot.years[doc], snapshot.months[doc]) == (year, month)
        assert snapshot.year_months[doc] == year * 100 + month


def test_live_days_hold_each_days_events_in_document_order(
    snapshot: Snapshot, events: dict[int, Event]
) -> None:
    by_day: dict[int, list[int]] = {}
    for doc, event in sorted(events.items()):
        by_day.setdefault(day_number(event.date), []).append(doc)
    days = snapshot.days
    assert days.numbers.tolist() == sorted(by_day)
    assert days.counts.tolist() == [len(by_day[n]) for n in sorted(by_day)]
    for number, docs in by_day.items():
        assert days.events(number).tolist() == docs
    assert days.events(min(by_day) - 1).tolist() == []


def test_live_days_know_their_neighbours(snapshot: Snapshot) -> None:
    numbers = snapshot.days.numbers.tolist()
    assert snapshot.days.around(numbers[1]) == (numbers[0], numbers[2])
    assert snapshot.days.around(numbers[0]) == (None, numbers[1])
    assert snapshot.days.around(numbers[-1] + 100) == (numbers[-1], None)
    gap = next(i for i in range(len(numbers) - 1) if numbers[i + 1] > numbers[i] + 1)
    assert snapshot.days.around(numbers[gap] + 1) == (numbers[gap], numbers[gap + 1])


def test_on_a_day_of_the_year_every_years_events_come_oldest_first(
    snapshot: Snapshot, events: dict[int, Event]
) -> None:
    for date in {e.date for e in events.values()}:
        expected = sorted(
            (d for d, e in events.items() if (e.date.month, e.date.day) == (date.month, date.day)),
            key=lambda d: (events[d].date, d),
        )
        assert snapshot.days.on(date.month, date.day).tolist() == expected
    assert snapshot.days.on(2, 30).tolist() == []


def test_the_day_range_spans_every_document(snapshot: Snapshot) -> None:
    day = np.asarray(snapshot.columns.day)
    assert snapshot.day_range == (int(day.min()), int(day.max()))
    assert day_date(snapshot.day_range[0]) <= day_date(snapshot.days.numbers[0])


def test_names_find_their_ids(snapshot: Snapshot) -> None:
    cols = snapshot.columns
    assert all(cols.domains[i] == d for d, i in snapshot.domain_index.items())
    assert len(snapshot.domain_index) == len(cols.domains)
    assert all(context_key(cols.contexts[i]) == k for k, i in snapshot.context_index.items())


def test_context_counts_and_languages_are_those_of_the_live_events(
    snapshot: Snapshot, events: dict[int, Event]
) -> None:
    per_context = Counter(
        snapshot.context_index[context_key(c)] for e in events.values() for c in e.contexts
    )
    counts = snapshot.context_counts
    assert {i: int(n) for i, n in enumerate(counts) if n} == dict(per_context)
    languages = Counter(e.lang for e in events.values())
    assert list(snapshot.languages) == [lang for lang, _ in languages.most_common()]


def test_facts_are_made_once_per_generation(snapshot: Snapshot) -> None:
    assert snapshot.days is snapshot.days and snapshot.years is snapshot.years
    assert snapshot.context_index is snapshot.context_index


def test_derived_state_is_made_once_by_one_thread_per_snapshot(
    snapshot: Snapshot, example_index: Path
) -> None:
    made: list[str] = []

    def make(made_for: Snapshot) -> str:
        made.append(made_for.name)
        time.sleep(0.05)  # the other threads ask meanwhile
        return f"state of {made_for.name}"

    state = Derived(make)
    threads = [threading.Thread(target=state, args=(snapshot,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [snapshot.name] and state(snapshot) == f"state of {snapshot.name}"
    with Search(example_index) as other:
        state(other.snapshot())  # another snapshot of the same generation: its own
    assert made == [snapshot.name, snapshot.name]


def test_a_fuzzy_clause_asks_the_close_words_it_was_given(example_index: Path) -> None:
    asked: list[tuple[str, int, int]] = []

    def close_words(opened: Snapshot, word: str, maxdist: int, limit: int) -> list[str]:
        asked.append((word, maxdist, limit))
        return []

    generation = store.current_generation(example_index)
    assert generation is not None
    opened = Snapshot(generation, close_words)
    try:
        opened.evaluate(wq.FuzzyTerm("title", "climat", maxdist=1))
    finally:
        opened.close()
    assert [(w, d) for w, d, _ in asked] == [("climat", 1)]


def test_postings_read_from_the_table_are_those_whoosh_walks(
    archive_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.postings
    from indexer.build import run
    from indexer.postings import TABLED_FIELDS

    monkeypatch.setattr(indexer.postings, "MIN_DOCS", 2)  # some terms tabled, some not
    run(archive_copy, tmp_path / "ix", workers=1)
    generation = store.current_generation(tmp_path / "ix")
    assert generation is not None
    tabled, walked = Snapshot(generation, lambda *_: []), Snapshot(generation, lambda *_: [])
    walked.table = None
    try:
        assert tabled.table is not None and len(tabled.table.keys)
        with walked.whoosh_lock:
            terms = [(f, t.decode()) for f in TABLED_FIELDS for t in walked.reader.lexicon(f)]
        for field, text in [*terms, ("title", "nowhere"), ("context", "syria")]:
            for weighted in (True, False):
                docs, tf = tabled.postings(field, text, weighted)
                expected_docs, expected_tf = walked.postings(field, text, weighted)
                assert docs.dtype == expected_docs.dtype and tf.dtype == expected_tf.dtype
                assert docs.tolist() == expected_docs.tolist(), (field, text)
                assert tf.tolist() == expected_tf.tolist(), (field, text)
    finally:
        tabled.close()
        walked.close()
    field, text = tabled.table.terms()[0]
    with pytest.raises(ReaderClosed):  # like every read of a closed generation
        tabled.postings(field, text, True)
