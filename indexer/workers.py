"""Indexing day folders into Whoosh segments, in this process or in worker processes.

:func:`index_days` is the unit of work of every build. A parallel full build
(:func:`index_in_parallel`) splits the days into shares of similar size, one per worker
process, each writing its own segment; the parent and its workers talk so::

    parent                                          worker n (forkserver process)
    start one process per share             ──►
                                            ◄──     ("headings", None, headings of its share)
    once all shares sent theirs: the union  ──►     (its pipe) every heading
                                                    index its days into part-n/, one segment
                                            ◄──     ("ok", segment, (reports, rows, lengths))
                                            ◄──     ("error", None, "Type: message") on failure
    move each part's segment files into the generation; the caller names them in its TOC

Ungluing headings needs the whole archive's (hence the first exchange); Whoosh writers
of one directory share their temporary files (hence a directory per worker).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.index import create_in, open_dir

from indexer import whoosh_compat
from indexer.archive import DayFiles
from indexer.columns import ColumnRows
from indexer.days import day_headings, read_day
from indexer.errors import IndexWriteFailed
from indexer.places import places_of
from indexer.schema import TEXT_FIELDS, new_codec, to_document
from indexer.store import DayReport
from indexer.stored import StoredEvents
from indexer.whoosh_compat import Lengths

LAST_WORD_SECONDS = 30.0  # how long the parent waits for a message after its workers exited
POLL_SECONDS = 0.2  # how often the parent moves the progress bar while it waits
JOIN_SECONDS = 5.0  # a worker still running this long after the end is killed
Progress = Callable[[int], None]


@dataclass(slots=True)
class Written:
    """What a run wrote to Whoosh, for the manifest and the columns: per day its report,
    the new documents' column rows and field lengths (in document order), and the
    numbers of the documents it replaced."""

    reports: dict[str, DayReport]
    rows: ColumnRows
    lengths: Lengths
    deleted: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))


def index_days(
    writer: Any, days: Iterable[DayFiles], known: set[str], stored: StoredEvents, tick: Progress
) -> Written:
    """Parse *days* and add their events to *writer*, kept by *stored*; *known*: every
    story heading."""
    reports, rows = {}, ColumnRows()
    for day in days:
        events, report = read_day(day, known)
        for event in events:
            places = places_of(event.contexts, event.story, event.title)
            writer.add_document(**to_document(event, day.key, stored, places))
            rows.add(event, places)
        reports[day.key] = report
        tick(1)
    return Written(reports, rows, concat_lengths([]))


def concat_lengths(parts: list[Lengths]) -> Lengths:
    return {
        f: np.concatenate([p[f] for p in parts]) if parts else np.zeros(0, np.uint16)
        for f in TEXT_FIELDS
    }


def balanced_shares(days: list[DayFiles], shares: int) -> list[list[DayFiles]]:
    """Split days into shares of similar byte size (largest first, greedy)."""
    buckets: list[list[DayFiles]] = [[] for _ in range(shares)]
    sizes = [0] * shares
    for day in sorted(days, key=lambda d: -sum(s for _, s, _ in d.files)):
        smallest = sizes.index(min(sizes))
        buckets[smallest].append(day)
        sizes[smallest] += sum(s for _, s, _ in day.files)
    return [sorted(b, key=lambda d: d.key) for b in buckets if b]


def _worker(
    part: str,
    days: list[DayFiles],
    stored: StoredEvents,
    counter: Any,
    results: Any,
    inbox: Any,
    limitmb: float,
) -> None:
    """Child process: index a share of the days into one new segment in *part*."""
    try:
        results.put(("headings", None, set().union(*map(day_headings, days))))
        known = inbox.recv()
        ix = open_dir(part)
        writer = whoosh_compat.segment_writer(ix, limitmb, new_codec())

        def tick(n: int) -> None:
            with counter.get_lock():
                counter.value += n

        written = index_days(writer, days, known, stored, tick)
        written.rows.prune()
        segment = whoosh_compat.finish_segment(writer)
        lengths = None
        if segment is not None:
            with whoosh_compat.segment_reader(ix, segment) as reader:
                lengths = whoosh_compat.segment_lengths(reader, TEXT_FIELDS)
        results.put(("ok", segment, (written.reports, written.rows, lengths)))
    except BaseException as exc:  # report any failure to the parent, which aborts the run
        results.put(("error", None, f"{type(exc).__name__}: {exc}"))


@dataclass(slots=True)
class _Parent:
    """The parent's side of the protocol: its workers and their channels."""

    procs: list[Any]
    pipes: list[tuple[Any, Any]]
    counter: Any
    results: Any
    tick: Progress
    seen: int = 0  # days done, as last reported to tick

    def receive(self) -> tuple[str, Any, Any]:
        """The next message from a worker, moving the progress bar while waiting."""
        while True:
            try:
                message: tuple[str, Any, Any] = self.results.get(timeout=POLL_SECONDS)
                return message
            except queue.Empty:
                self.poll()
                if not any(proc.is_alive() for proc in self.procs):
                    return _last_word(self.results)

    def poll(self) -> None:
        value = int(self.counter.value)
        if value > self.seen:
            self.tick(value - self.seen)
        self.seen = value

    def collect(self) -> tuple[list[Any], Written]:
        """Every worker's segment (in share order) and what it wrote."""
        segments: list[Any] = []
        written, lengths = Written({}, ColumnRows(), concat_lengths([])), []
        union: set[str] = set()
        for message in range(2 * len(self.procs)):
            status, segment, payload = self.receive()
            if status == "error":
                raise IndexWriteFailed(f"indexing worker failed: {payload}")
            if status == "headings":
                union |= payload
                if message == len(self.procs) - 1:  # every share reported: send the union
                    for _, outbox in self.pipes:
                        outbox.send(union)
                continue
            reports, rows, share_lengths = payload
            if segment is not None:  # segment order in the TOC is docnum order
                segments.append(segment)
                written.rows.extend(rows)
                lengths.append(share_lengths)
            written.reports.update(reports)
        self.poll()
        written.lengths = concat_lengths(lengths)
        return segments, written

    def stop(self) -> None:
        for proc in self.procs:
            proc.join(timeout=JOIN_SECONDS)
            if proc.is_alive():
                proc.kill()


def index_in_parallel(
    generation: Path,
    schema: Any,
    shares: list[list[DayFiles]],
    stored: StoredEvents,
    limitmb: float,
    tick: Progress,
) -> tuple[list[Any], Written]:
    """Index each share of days in a process of its own, writing one segment with *limitmb*
    of posting buffer and events kept by *stored*; their files end up in *generation*,
    which the caller gives a TOC naming the segments returned (in document order)."""
    ctx = mp.get_context("forkserver")
    parts = [generation / f"part-{n}" for n in range(len(shares))]
    for part in parts:
        part.mkdir()
        create_in(str(part), schema)
    pipes = [ctx.Pipe(duplex=False) for _ in shares]
    parent = _Parent([], pipes, ctx.Value("q", 0), ctx.Queue(), tick)
    channels = (parent.counter, parent.results)
    parent.procs = [
        ctx.Process(target=_worker, args=(str(part), share, stored, *channels, inbox, limitmb))
        for part, share, (inbox, _) in zip(parts, shares, pipes, strict=True)
    ]
    for proc in parent.procs:
        proc.start()
    try:
        segments, written = parent.collect()
    finally:
        parent.stop()
    for part in parts:
        _move_segment_files(part, generation)
    return segments, written


def _move_segment_files(part: Path, generation: Path) -> None:
    """Segment files have unique names: move them beside the generation's TOC."""
    for entry in part.iterdir():
        if entry.is_file() and not entry.name.endswith(".toc") and "LOCK" not in entry.name:
            entry.replace(generation / entry.name)
    shutil.rmtree(part)


def _last_word(results: Any) -> tuple[str, Any, Any]:
    """The workers have exited: what they sent may still be on its way through the pipe."""
    try:
        message: tuple[str, Any, Any] = results.get(timeout=LAST_WORD_SECONDS)
        return message
    except queue.Empty:
        raise IndexWriteFailed("indexing workers exited without reporting") from None
