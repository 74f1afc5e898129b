"""Following a growing archive: each change published within a poll, errors survived."""

from __future__ import annotations

import threading
from pathlib import Path

from indexer import store
from indexer.errors import IndexerError
from indexer.follow import Published, follow

from .test_build import DAY, events, write_day


def _follow(
    archive: Path, index: Path, polls: int, then: dict[int, object] | None = None
) -> tuple[list[Published], list[IndexerError], threading.Event]:
    """Follow *archive* for *polls* polls; after the n-th publish, call then[n]()."""
    published: list[Published] = []
    errors: list[IndexerError] = []
    stop = threading.Event()

    def on_publish(done: Published) -> None:
        published.append(done)
        action = (then or {}).get(len(published))
        if callable(action):
            action()

    follow(
        archive,
        index,
        interval=0,
        stop=stop,
        on_publish=on_publish,
        on_error=errors.append,
        polls=polls,
        workers=1,
    )
    return published, errors, stop


def test_a_day_added_while_following_is_published_at_the_next_poll(
    archive_copy: Path, tmp_path: Path
) -> None:
    published, errors, _ = _follow(
        archive_copy, tmp_path / "ix", polls=4, then={1: lambda: write_day(archive_copy)}
    )
    assert errors == []
    assert [(p.poll, p.report.mode) for p in published] == [(1, "full"), (2, "incremental")]
    assert published[1].report.days_changed == 1
    assert published[1].lag is not None and published[1].lag >= 0
    assert f"{DAY}/a-city-opens-a-new-bridge" in events(tmp_path / "ix")


def test_polls_without_changes_publish_nothing(archive_copy: Path, tmp_path: Path) -> None:
    published, _, _ = _follow(archive_copy, tmp_path / "ix", polls=3)
    assert [p.report.mode for p in published] == ["full"]
    assert len(store.generations(tmp_path / "ix")) == 1


def test_a_malformed_page_is_skipped_and_following_goes_on(
    archive_copy: Path, tmp_path: Path
) -> None:
    def add_bad_then_good() -> None:
        bad = archive_copy / "news/2017/02/4"
        bad.mkdir(parents=True)
        (bad / "broken.md").write_bytes(b"\xff\xfe not a page")

    published, errors, _ = _follow(
        archive_copy,
        tmp_path / "ix",
        polls=5,
        then={1: add_bad_then_good, 2: lambda: write_day(archive_copy)},
    )
    assert errors == []
    assert [p.report.mode for p in published] == ["full", "incremental", "incremental"]
    assert [s["path"] for s in published[1].report.skipped] == ["news/2017/02/4/broken.md"]
    assert f"{DAY}/a-city-opens-a-new-bridge" in events(tmp_path / "ix")


def test_a_failed_run_is_reported_and_tried_at_the_next_poll(
    archive_copy: Path, tmp_path: Path
) -> None:
    index = tmp_path / "ix"
    lock = store.write_lock(index)  # another run holds the index during the first poll
    lock.__enter__()
    errors: list[IndexerError] = []
    published: list[Published] = []

    def on_error(exc: IndexerError) -> None:
        errors.append(exc)
        lock.__exit__(None, None, None)

    follow(
        archive_copy,
        index,
        interval=0,
        stop=threading.Event(),
        on_publish=published.append,
        on_error=on_error,
        polls=2,
        workers=1,
    )
    assert len(errors) == 1 and "being written" in str(errors[0])
    assert [(p.poll, p.report.mode) for p in published] == [(2, "full")]


def test_setting_stop_ends_following_after_the_run_in_progress(
    archive_copy: Path, tmp_path: Path
) -> None:
    stop = threading.Event()
    polls = follow(
        archive_copy,
        tmp_path / "ix",
        interval=3600,
        stop=stop,
        on_publish=lambda done: stop.set(),
        on_error=lambda exc: None,
        workers=1,
    )
    assert polls == 1
    assert store.current_generation(tmp_path / "ix") is not None
