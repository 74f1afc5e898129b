"""One new day at a time: how long an incremental run takes to publish it, at any size.

    python -m bench.incremental --archive ARCHIVE --index INDEX [--days 3] [--profile]

An archive grows by a day of events at a time; an operator wants to know how soon a new
day is searchable. This adds ``--days`` new day folders to ARCHIVE, one after another,
each a copy of the archive's last day with the new date (same number of events, pages
and listing in the same shape: new ids, since an id is its path), and times what follows
each: an incremental run in this process, warm, as ``eventsearch index --watch`` does it
(``indexer.build.run`` with the quick scan), then one more day by a one-shot
``eventsearch index --quick-scan`` process, as the systemd timer does it (start-up
included). At the end the added days are removed and a last run (deletions) is timed,
so the archive and the index's content are as before. INDEX must have been built from
ARCHIVE. ``--profile`` prints where the first warm run spent its time (cProfile).

Prints one line per run: seconds, CPU seconds, mode and the generation written.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import machine_line, shown
from indexer.archive import LISTING_NAMES

DAY = re.compile(r"news/(\d{4})/(\d{2})/(\d{1,2})")


def pages_of(folder: Path) -> list[Path]:
    """A day folder's event pages (its listings left out)."""
    return [p for p in folder.glob("*.md") if p.name not in LISTING_NAMES]


def last_day(archive: Path) -> tuple[dt.date, Path]:
    """The newest day folder of *archive* that has events."""

    def key(path: Path) -> dt.date:
        return dt.date(int(path.parts[-3]), int(path.parts[-2]), int(path.parts[-1]))

    days = [p for p in (archive / "news").glob("*/*/*") if DAY.search(p.as_posix())]
    for folder in sorted(days, key=key, reverse=True):
        if pages_of(folder):
            return key(folder), folder
    raise SystemExit(f"{shown(archive)} has no day folder with events")


def folder_of(archive: Path, day: dt.date) -> Path:
    return archive / "news" / f"{day.year}" / f"{day.month:02d}" / f"{day.day}"


def copy_day(source: Path, old: dt.date, archive: Path, new: dt.date) -> Path:
    """*source*'s pages as the day *new*: dates and day links rewritten."""
    target = folder_of(archive, new)
    target.mkdir(parents=True)
    old_path = f"news/{old.year}/{old.month:02d}/{old.day}"
    new_path = f"news/{new.year}/{new.month:02d}/{new.day}"
    for page in source.glob("*.md"):
        text = page.read_text("utf-8")
        text = text.replace(old.isoformat(), new.isoformat()).replace(old_path, new_path)
        (target / page.name).write_text(text, "utf-8")
    return target


def timed_run(archive: Path, index: Path, profile: bool) -> dict[str, Any]:
    """One incremental run in this process (warm), as ``--watch`` makes it."""
    from indexer.build import run

    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    report = run(archive, index, quick=True, workers=1)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "mode": report.mode,
        "generation": report.generation,
        "events": report.events,
    }


def one_shot(archive: Path, index: Path) -> dict[str, Any]:
    """``eventsearch index --quick-scan`` in a new process, start-up included."""
    command = [sys.executable, "-m", "eventsearch.cli", "index", str(archive), "--index",
               str(index), "--quick-scan", "--json"]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    report = json.loads(done.stdout)
    return {
        "seconds": time.perf_counter() - started,
        "mode": report["mode"],
        "generation": report["generation"],
        "events": report["events"],
    }


def show(what: str, found: dict[str, Any]) -> None:
    cpu = f", CPU {found['cpu_s']:.2f} s" if "cpu_s" in found else ""
    print(f"| {what} | {found['seconds']:.2f} s{cpu} | {found['mode']} | "
          f"{found['generation']} | {found['events']:,} |", flush=True)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.incremental", description=__doc__)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--days", type=int, default=3, help="new days indexed in process")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    newest, source = last_day(args.archive)
    pages = len(pages_of(source))
    print(f"{machine_line()}\n")
    print(f"`python -m bench.incremental --archive {shown(args.archive)} --index "
          f"{shown(args.index)} --days {args.days}`: each new day a copy of "
          f"{newest} ({pages} events)\n")  # fmt: skip
    print("| run | time | mode | generation | events after |\n| --- | ---: | --- | --- | ---: |")
    added: list[Path] = []
    try:
        timed_run(args.archive, args.index, False)  # imports, and anything left to do
        for n in range(1, args.days + 2):
            day = newest + dt.timedelta(days=n)
            added.append(copy_day(source, newest, args.archive, day))
            if n <= args.days:
                found = timed_run(args.archive, args.index, args.profile and n == 1)
                show(f"new day {day}, warm (as --watch)", found)
            else:
                show(
                    f"new day {day}, one process (as the timer)", one_shot(args.archive, args.index)
                )
    finally:
        for folder in added:
            shutil.rmtree(folder)
            for parent in (folder.parent, folder.parent.parent):  # a new month or year
                if parent.is_dir() and not any(parent.iterdir()):
                    parent.rmdir()
        if added:
            show(f"{len(added)} added days removed", timed_run(args.archive, args.index, False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
