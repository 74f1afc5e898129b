"""Indexing runs end to end: full, incremental, atomic, locked, and on bad input."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh.index import open_dir

from indexer import store
from indexer.build import run
from indexer.errors import (
    ArchiveNotFound,
    ArchiveShrank,
    IndexerError,
    IndexLocked,
    IndexWriteFailed,
)
from indexer.stored import live_events

from ..conftest import EXAMPLE_ARCHIVE, ROOT

DAY = "news/2017/02/3"


def write_day(archive: Path, day: str = DAY) -> Path:
    folder = archive / day
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a-city-opens-a-new-bridge.md").write_text(
        "### [2017-02-3](/news/2017/02/3/index.md)\n\n##### City bridges\n"
        "# A city opens a new bridge over its river. \n\nThe crossing took six years.\n\n"
        "### Source:\n\n1. [Example News](https://www.example.co.uk/bridge)\n",
        "utf-8",
    )
    return folder


def events(index_dir: Path) -> dict[str, object]:
    generation = store.current_generation(index_dir)
    assert generation is not None
    return {e.id: e for e in live_events(generation)}


def test_first_run_builds_every_event_of_the_example_archive(tmp_path: Path) -> None:
    report = run(EXAMPLE_ARCHIVE, tmp_path / "ix", workers=1)
    assert report.mode == "full"
    assert report.skipped == []
    assert report.events == len(events(tmp_path / "ix")) >= 40
    assert report.listing_only >= 1 and report.duplicates >= 1


def test_parallel_build_gives_the_same_events_as_one_process(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(EXAMPLE_ARCHIVE, archive)
    for n in range(70):  # enough day folders for the parallel path
        write_day(
            archive, f"news/2010/01/{n % 28 + 1}" if n < 28 else f"news/2011/{n % 12 + 1:02d}/1"
        )
    one = run(archive, tmp_path / "one", workers=1, writer_mb=0.02)
    two = run(archive, tmp_path / "two", workers=2, writer_mb=0.02)  # both spill runs to disk
    assert one.workers == 1 and two.workers == 2
    assert events(tmp_path / "one") == events(tmp_path / "two")


def test_no_change_rerun_writes_no_new_generation(archive_copy: Path, tmp_path: Path) -> None:
    first = run(archive_copy, tmp_path / "ix", workers=1)
    again = run(archive_copy, tmp_path / "ix", workers=1)
    assert again.mode == "unchanged"
    assert again.generation == first.generation
    assert again.events == first.events and again.pages == first.pages


def test_incremental_run_touches_only_changed_and_deleted_days(
    archive_copy: Path, tmp_path: Path
) -> None:
    first = run(archive_copy, tmp_path / "ix", workers=1)
    write_day(archive_copy)
    deleted_day = sorted(p for p in (archive_copy / "news").glob("*/*/*") if p.is_dir())[0]
    deleted_ids = {
        i
        for i in events(tmp_path / "ix")
        if i.startswith(deleted_day.relative_to(archive_copy).as_posix())
    }
    shutil.rmtree(deleted_day)
    second = run(archive_copy, tmp_path / "ix", workers=1)
    assert second.mode == "incremental"
    assert (second.days_changed, second.days_deleted) == (1, 1)
    now = events(tmp_path / "ix")
    assert f"{DAY}/a-city-opens-a-new-bridge" in now
    assert not deleted_ids & set(now)
    assert second.events == len(now) == first.events + 1 - len(deleted_ids)


def test_changed_page_is_reindexed(archive_copy: Path, tmp_path: Path) -> None:
    folder = write_day(archive_copy)
    run(archive_copy, tmp_path / "ix", workers=1)
    page = folder / "a-city-opens-a-new-bridge.md"
    page.write_text(page.read_text("utf-8").replace("six years", "seven years"), "utf-8")
    os.utime(page, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert run(archive_copy, tmp_path / "ix", workers=1).mode == "incremental"
    assert "seven years" in events(tmp_path / "ix")[f"{DAY}/a-city-opens-a-new-bridge"].summary  # type: ignore[attr-defined]


def test_old_generation_keeps_serving_while_a_new_one_is_published(
    archive_copy: Path, tmp_path: Path
) -> None:
    run(archive_copy, tmp_path / "ix", workers=1)
    old = store.current_generation(tmp_path / "ix")
    assert old is not None
    searcher = open_dir(str(old)).searcher()
    write_day(archive_copy)
    run(archive_copy, tmp_path / "ix", workers=1)
    assert store.current_generation(tmp_path / "ix") != old
    assert searcher.doc_count() > 0 and old.is_dir()  # readers of the old one are unharmed
    searcher.close()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty file"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        ("latin1.md", "### [2017-02-3](/x)\n# Caf\xe9\n".encode("latin-1"), "not UTF-8"),
        ("nodate.md", b"# A title without a date line\n", "no date line"),
    ],
)
def test_bad_pages_are_skipped_with_a_reason(
    archive_copy: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    folder = write_day(archive_copy)
    (folder / name).write_bytes(content)
    report = run(archive_copy, tmp_path / "ix", workers=1)
    assert {"path": f"{DAY}/{name}", "reason": report.skipped[0]["reason"]} in report.skipped
    assert reason in next(s["reason"] for s in report.skipped if s["path"].endswith(name))
    assert f"{DAY}/a-city-opens-a-new-bridge" in events(tmp_path / "ix")


def test_huge_page_is_skipped_without_reading_it(archive_copy: Path, tmp_path: Path) -> None:
    folder = write_day(archive_copy)
    with (folder / "huge.md").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    report = run(archive_copy, tmp_path / "ix", workers=1)
    assert any("too large" in s["reason"] for s in report.skipped)


def test_missing_archive_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="not found"):
        run(tmp_path / "nowhere", tmp_path / "ix")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ArchiveNotFound, match="not a folder"):
        run(tmp_path / "file", tmp_path / "ix")


def test_emptied_archive_keeps_the_current_index(archive_copy: Path, tmp_path: Path) -> None:
    first = run(archive_copy, tmp_path / "ix", workers=1)
    shutil.rmtree(archive_copy / "news")
    (archive_copy / "news").mkdir()
    with pytest.raises(IndexerError, match="keeping the current index"):
        run(archive_copy, tmp_path / "ix", workers=1)
    assert store.current_generation(tmp_path / "ix").name == first.generation  # type: ignore[union-attr]


def test_archive_turned_to_garbage_keeps_the_current_index(
    archive_copy: Path, tmp_path: Path
) -> None:
    first = run(archive_copy, tmp_path / "ix", workers=1)
    for page in (archive_copy / "news").rglob("*.md"):
        page.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ArchiveShrank, match=r"now gives 0 events .* keeping the current index"):
        run(archive_copy, tmp_path / "ix", workers=1, full=True)
    assert store.current_generation(tmp_path / "ix").name == first.generation  # type: ignore[union-attr]
    assert len(store.generations(tmp_path / "ix")) == 1  # the refused one was removed
    forced = run(archive_copy, tmp_path / "ix", workers=1, full=True, allow_shrink=True)
    assert forced.events == 0 and forced.skipped


def test_failed_write_reports_the_error_and_keeps_the_current_index(
    archive_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.build

    first = run(archive_copy, tmp_path / "ix", workers=1)

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexer.build, "save_columns", disk_full)
    with pytest.raises(IndexWriteFailed, match=r"No space left .* is unchanged"):
        run(archive_copy, tmp_path / "ix", workers=1, full=True)
    assert [g.name for g in store.generations(tmp_path / "ix")] == [first.generation]


def test_second_concurrent_run_fails_clearly(archive_copy: Path, tmp_path: Path) -> None:
    with store.write_lock(tmp_path / "ix"), pytest.raises(IndexLocked, match="being written"):
        run(archive_copy, tmp_path / "ix", workers=1)


def test_killed_run_leaves_previous_index_and_next_run_recovers(
    archive_copy: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "ix"
    first = run(archive_copy, index_dir, workers=1)
    for n in range(40):
        write_day(archive_copy, f"news/2012/{n % 12 + 1:02d}/{n // 12 + 1}")
    script = (
        "import sys; from pathlib import Path; from indexer.build import run; "
        f"run(Path({str(archive_copy)!r}), Path({str(index_dir)!r}), full=True, workers=1)"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 30
    while len(store.generations(index_dir)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert store.current_generation(index_dir).name == first.generation  # type: ignore[union-attr]
    assert len(events(index_dir)) == first.events
    recovered = run(archive_copy, index_dir, workers=1)
    assert recovered.events == first.events + 40
    assert [g.name for g in store.generations(index_dir)][-1] == recovered.generation


def test_incremental_columns_agree_with_a_full_build(archive_copy: Path, tmp_path: Path) -> None:
    from search.params import parse_request
    from search.service import Search

    run(archive_copy, tmp_path / "inc", workers=1)
    write_day(archive_copy)
    shutil.rmtree(sorted(p for p in (archive_copy / "news").glob("*/*/*") if p.is_dir())[1])
    assert run(archive_copy, tmp_path / "inc", workers=1).mode == "incremental"
    run(archive_copy, tmp_path / "full", workers=1)
    answers = []
    for index in ("inc", "full"):
        with Search(tmp_path / index) as service:
            answers.append(
                [
                    service.search(parse_request([("q", q)])).to_dict()
                    for q in ("", "bridge", "syria")
                ]
            )
    for incremental, full in zip(*answers, strict=True):
        assert incremental["total"] == full["total"]
        assert incremental["facets"] == full["facets"]
        assert [h["id"] for h in incremental["hits"]] == [h["id"] for h in full["hits"]]


def test_many_incremental_runs_end_in_a_full_rebuild(
    archive_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.build

    monkeypatch.setattr(indexer.build, "MAX_SEGMENTS", 3)
    modes = []
    for n in range(4):
        write_day(archive_copy, f"news/2013/01/{n + 1}")
        modes.append(run(archive_copy, tmp_path / "ix", workers=1).mode)
    assert modes == ["full", "incremental", "incremental", "full"]


def test_writer_memory_follows_available_memory_within_bounds() -> None:
    import indexer.build as build

    assert build.available_writer_mb(2, available_mb=8192) == 1024  # a quarter, split in two
    assert build.available_writer_mb(1, available_mb=8192) == 2048
    assert build.available_writer_mb(2, available_mb=24576) == build.WRITER_MB_MAX
    assert build.available_writer_mb(2, available_mb=1024) == build.WRITER_MB_MIN
    assert build.WRITER_MB_MIN <= build.available_writer_mb(2) <= build.WRITER_MB_MAX


def test_an_incremental_generation_never_writes_into_the_current_ones_files(
    archive_copy: Path, tmp_path: Path
) -> None:
    # The new generation starts from hard links of the current one; if it wrote its
    # summary into the linked file, a kill before the switch left the current
    # generation's summary counting events its index does not have.
    index = tmp_path / "index"
    run(archive_copy, index, workers=1)
    current = store.current_generation(index)
    assert current is not None
    before = {p.name: p.read_bytes() for p in current.iterdir() if p.is_file()}
    fresh = tmp_path / "gen-next"
    fresh.mkdir()
    store.link_copy(current, fresh)
    manifest = store.read_manifest(current)
    store.write_manifest(fresh, dataclasses.replace(manifest, days={}))
    after = {p.name: p.read_bytes() for p in current.iterdir() if p.is_file()}
    assert after == before


def age_folders(archive: Path, seconds: float = 3600) -> None:
    """Move every folder's mtime into the past, as an archive that settled long ago."""
    past = time.time_ns() - int(seconds * 1e9)
    for folder in [archive, *(p for p in archive.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(past, past))


def test_quick_run_finds_added_and_deleted_days(archive_copy: Path, tmp_path: Path) -> None:
    age_folders(archive_copy)
    first = run(archive_copy, tmp_path / "ix", workers=1)
    write_day(archive_copy)
    deleted_day = sorted(p for p in (archive_copy / "news").glob("*/*/*") if p.is_dir())[0]
    shutil.rmtree(deleted_day)
    second = run(archive_copy, tmp_path / "ix", workers=1, quick=True)
    assert second.mode == "incremental"
    assert (second.days_changed, second.days_deleted) == (1, 1)
    assert f"{DAY}/a-city-opens-a-new-bridge" in events(tmp_path / "ix")
    assert second.days == first.days


def test_quick_run_after_only_a_deletion_deletes_the_day(
    archive_copy: Path, tmp_path: Path
) -> None:
    # Every remaining folder unchanged, so the quick scan lists none: that is not an
    # empty archive (it was refused as one).
    age_folders(archive_copy)
    first = run(archive_copy, tmp_path / "ix", workers=1)
    deleted_day = sorted(p for p in (archive_copy / "news").glob("*/*/*") if p.is_dir())[0]
    shutil.rmtree(deleted_day)
    second = run(archive_copy, tmp_path / "ix", workers=1, quick=True)
    assert (second.mode, second.days_changed, second.days_deleted) == ("incremental", 0, 1)
    assert second.days == first.days - 1


def test_quick_run_misses_a_page_edited_in_place_which_a_plain_run_finds(
    archive_copy: Path, tmp_path: Path
) -> None:
    folder = write_day(archive_copy)
    age_folders(archive_copy)
    run(archive_copy, tmp_path / "ix", workers=1)
    page = folder / "a-city-opens-a-new-bridge.md"
    listed = folder.stat().st_mtime_ns
    page.write_text(page.read_text("utf-8").replace("six years", "seven years"), "utf-8")
    os.utime(folder, ns=(listed, listed))  # as a rewrite in place leaves it
    assert run(archive_copy, tmp_path / "ix", workers=1, quick=True).mode == "unchanged"
    assert run(archive_copy, tmp_path / "ix", workers=1).mode == "incremental"
    assert "seven years" in events(tmp_path / "ix")[f"{DAY}/a-city-opens-a-new-bridge"].summary  # type: ignore[attr-defined]
