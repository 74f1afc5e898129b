"""Seeded generator of a synthetic event archive in the real Markdown format, for benchmarks.

    python -m bench.synth OUT_DIR --events 200000 --seed 1 [--zh-share 0.1] [--writers N]

writes ``OUT_DIR/news/YYYY/MM/D/<slug>.md`` event pages plus, for every day that has events,
``index.md`` (the day listing) and an identical ``README.md``, then prints a one-line summary.
``generate(out, events, seed, zh_share)`` does the same from Python and returns the number of
events written.

The shape follows the real archives (see ``../shared/corpus/FORMAT.md``); the text is made up:

- dates 2003-01-01 .. 2019-12-31, more events in later years, at most 40 a day (raised only
  when the requested count would not fit), a few days empty;
- ~300 story headings built from word combinations, picked Zipf-like and mostly within their
  active years; ~15% of English events show no story heading;
- titles of 10-60 and summaries of 0-80 words drawn from a Zipf-weighted vocabulary of a few
  thousand words plus proper nouns (some accented), with the odd HTML entity and dropped accent;
- Chinese events (``zh_share``) built from a few hundred Simplified/Traditional words, with
  ``### 信息来源:``/``### 有关:``/``_消息:`` and ``/zh/news/…`` links;
- 1-3 sources from ~60 outlets (Zipf), ~2% wrapped in ``web.archive.org``, ~5% with an
  ``[IMG]`` suffix; 0-10 Related links to earlier events of the same story, ~5% of them to
  slugs that do not exist.

Everything comes from one ``random.Random(seed)``: the same arguments give byte-identical output
(whatever ``--writers``). Speed: words are sliced from a pre-drawn Zipf pool, and from 20,000
events on, two worker processes create the files while the main process generates. Files from
an earlier run into the same directory are overwritten, never deleted.

The events are made by ``bench.synth_events``, from the words of ``bench.lexicon``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import multiprocessing
import random
import sys
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.synth_events import FIRST_DAY, LAST_DAY, Event, Synth, day_label, day_path

DESCRIPTION = "Write a seeded synthetic news-event archive for benchmarks."

DAY_CAP = 40
PARALLEL_FROM = 20_000

# --------------------------------------------------------------------------------------------
# Days.


def day_counts(rng: random.Random, events: int) -> list[int]:
    """Events per day from FIRST_DAY to LAST_DAY, later years heavier, capped per day."""
    first = FIRST_DAY.toordinal()
    ndays = LAST_DAY.toordinal() - first + 1
    span = LAST_DAY.year - FIRST_DAY.year
    weights = []
    for i in range(ndays):
        year = dt.date.fromordinal(first + i).year
        base = 0.3 + 0.7 * (year - FIRST_DAY.year) / span
        weights.append(0.0 if rng.random() < 0.02 else base * rng.uniform(0.3, 1.7))
    active = sum(1 for w in weights if w > 0)
    cap = max(DAY_CAP, -(-events // active))
    cum = list(itertools.accumulate(weights))
    counts = [0] * ndays
    left = events
    while left:
        placed = 0
        for d in rng.choices(range(ndays), cum_weights=cum, k=left):
            if counts[d] < cap:
                counts[d] += 1
                placed += 1
        left -= placed
    return counts


@dataclass(slots=True)
class Stats:
    events: int = 0
    zh: int = 0
    days: int = 0
    files: int = 0

    def add(self, day_events: Sequence[Event], files: int) -> None:
        self.events += len(day_events)
        self.zh += sum(1 for ev in day_events if ev.zh)
        self.days += 1
        self.files += files


# --------------------------------------------------------------------------------------------
# Rendering.


def render_page(day: dt.date, ev: Event) -> str:
    parts = [f"### [{day_label(day)}](/news/{day_path(day)}/index.md)\n\n"]
    if ev.show_story:
        parts.append(f"##### {ev.story}\n")
    parts.append(f"# {ev.ref.title} \n\n{ev.summary}\n\n\n")
    if ev.zh:
        heading = "### 信息来源:"
    else:
        heading = "### Source:" if len(ev.sources) == 1 else "### Sources:"
    parts.append(f"{heading}\n\n" + "\n".join(ev.sources) + "\n")
    if ev.related:
        heading = "### 有关:" if ev.zh else "### Related:"
        parts.append(f"\n{heading}\n\n" + "\n".join(ev.related) + "\n")
    return "".join(parts)


def render_listing(day: dt.date, events: Sequence[Event]) -> str:
    path = day_path(day)
    parts = [f"## [{day_label(day)}](/news/{path}/index.md)\n\n"]
    for ev in events:
        link = f"({'/zh' if ev.zh else ''}/news/{path}/{ev.ref.slug}.md)"
        if ev.show_story:
            parts.append(f"##### {ev.story}\n")
        parts.append(f"### [{ev.ref.title} ]{link}\n")
        if ev.zh:
            continue
        if ev.summary:
            parts.append(f"{ev.summary}\n\n")
        else:
            parts.append(f"_Context: {', '.join(ev.ref.topics or (ev.story,))}_\n\n")
    previous = dt.date.fromordinal(day.toordinal() - 1)
    parts.append(f"## [Previous Day...](/news/{day_path(previous)}/index.md)\n\n")
    return "".join(parts)


def render_day(day: dt.date, events: Sequence[Event]) -> list[tuple[str, bytes]]:
    """(file name, UTF-8 content) for a day's pages, index.md and README.md."""
    files = [(f"{ev.ref.slug}.md", render_page(day, ev).encode()) for ev in events]
    listing = render_listing(day, events).encode()
    files += [("index.md", listing), ("README.md", listing)]
    return files


def write_files(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (folder / name).write_bytes(data)


def default_writers(events: int) -> int:
    """Writer processes worth starting: none for small runs, two for big ones."""
    return 0 if events < PARALLEL_FROM else 2


class Writer:
    """Writes days, in worker processes when *processes* > 0 (creating 200k small files costs
    as much as generating their text), with a bounded backlog to keep memory flat.

    Workers come from ``forkserver`` (``spawn`` where that is missing): forking a process
    that has threads is deprecated, and callers (test runners, servers) may have some.
    """

    def __init__(self, processes: int, backlog: int = 64) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if processes > 0:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            self.pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
        self.pending: deque[Future[None]] = deque()
        self.backlog = backlog

    def submit(self, folder: Path, files: list[tuple[str, bytes]]) -> None:
        if self.pool is None:
            write_files(folder, files)
            return
        self.pending.append(self.pool.submit(write_files, folder, files))
        while len(self.pending) > self.backlog:
            self.pending.popleft().result()

    def close(self) -> None:
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------------------------
# Entry points.


def run(
    out: Path, events: int, seed: int = 1, zh_share: float = 0.1, writers: int | None = None
) -> Stats:
    """Generate the archive under *out* and return what was written. *writers*: worker
    processes for file output (default: none below PARALLEL_FROM events, else two); the
    output is the same whatever the number."""
    synth = Synth(seed, zh_share)
    stats = Stats()
    counts = day_counts(synth.rng, events) if events > 0 else []
    writer = Writer(default_writers(events) if writers is None else writers)
    try:
        for offset, count in enumerate(counts):
            if count:
                day = dt.date.fromordinal(FIRST_DAY.toordinal() + offset)
                day_events = synth.day(day, count)
                files = render_day(day, day_events)
                writer.submit(out / "news" / day_path(day), files)
                stats.add(day_events, len(files))
    finally:
        writer.close()
    return stats


def generate(
    out: Path, events: int, seed: int = 1, zh_share: float = 0.1, *, writers: int | None = None
) -> int:
    """Write *events* synthetic events under *out*/news; return the number written."""
    return run(out, events, seed, zh_share, writers).events


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=DESCRIPTION)
    parser.add_argument("out", type=Path, help="output directory (news/ is created inside)")
    parser.add_argument("--events", type=int, default=200_000, help="events to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--zh-share", type=float, default=0.1, help="share of Chinese events")
    parser.add_argument(
        "--writers", type=int, default=None, help="file-writing processes (default: auto)"
    )
    args = parser.parse_args(argv)
    if args.events < 0 or not 0.0 <= args.zh_share <= 1.0:
        parser.error("--events must be >= 0 and --zh-share within 0..1")
    if args.writers is not None and args.writers < 0:
        parser.error("--writers must be >= 0")
    start = time.perf_counter()
    stats = run(args.out, args.events, args.seed, args.zh_share, args.writers)
    print(
        f"synth: {stats.events} events ({stats.zh} zh) on {stats.days} days, "
        f"{stats.files} files in {args.out} (seed {args.seed}) "
        f"in {time.perf_counter() - start:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
