"""Indexing days into segments: shares of similar size, and what one share writes."""

from __future__ import annotations

from pathlib import Path

from whoosh.index import create_in

from indexer.archive import DayFiles, archive_root, scan
from indexer.schema import TEXT_FIELDS, build_schema
from indexer.stored import StoredEvents
from indexer.workers import balanced_shares, concat_lengths, index_days

from ..conftest import EXAMPLE_ARCHIVE


def day(key: str, *sizes: int) -> DayFiles:
    files = tuple((f"{n}.md", size, 0) for n, size in enumerate(sizes))
    return DayFiles(key, Path(key), files, Path())


def test_shares_are_of_similar_size_each_in_day_order() -> None:
    days = [day("a", 90), day("b", 10, 10), day("c", 50), day("d", 40), day("e", 5)]

    shares = balanced_shares(days, 2)

    assert [[d.key for d in share] for share in shares] == [["a", "b"], ["c", "d", "e"]]
    assert [sum(s for d in share for _, s, _ in d.files) for share in shares] == [110, 95]


def test_fewer_days_than_workers_give_one_share_each() -> None:
    assert len(balanced_shares([day("a", 1), day("b", 2)], 4)) == 2


def test_indexing_days_reports_each_day_and_rows_per_event(tmp_path: Path) -> None:
    days = list(scan(archive_root(EXAMPLE_ARCHIVE)).days.values())[:3]
    writer = create_in(str(tmp_path), build_schema()).writer()
    ticks: list[int] = []

    written = index_days(writer, days, set(), StoredEvents(), ticks.append)
    writer.commit()

    assert list(written.reports) == [d.key for d in days] and ticks == [1, 1, 1]
    assert len(written.rows) == sum(r.events for r in written.reports.values()) > 0
    assert [r.fingerprint for r in written.reports.values()] == [d.fingerprint for d in days]


def test_no_lengths_concatenate_to_empty_arrays_per_text_field() -> None:
    assert {f: len(a) for f, a in concat_lengths([]).items()} == dict.fromkeys(TEXT_FIELDS, 0)
