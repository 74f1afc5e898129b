"""Indexing runs: full builds in parallel, incremental updates by day, atomic publishing.

A run compares the archive's day folders (file names, sizes, mtimes) with the manifest
of the current generation and then does the least work that gives a complete new one:

- ``unchanged``: nothing differs; no new generation is written;
- ``incremental``: changed, added and deleted days are re-read into a hard-linked copy
  of the current generation (the day is the unit: duplicates and listings never cross it);
- ``full``: first run, ``--full``, a schema change or most days changed. Day folders are
  split between worker processes, each writing its own Whoosh segment; the parent only
  writes the table of contents naming them. Parsing and analysis are pure Python, so one
  process per core is where the speed comes from.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.index import TOC, create_in, open_dir
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from indexer import store
from indexer.archive import DayFiles, Scan, archive_root, scan
from indexer.columns import (
    ColumnRows,
    empty_columns,
    extend_columns,
    load_columns,
    load_vocab,
    save_columns,
    save_vocab,
)
from indexer.days import DayReport, day_headings, read_day
from indexer.errors import ArchiveShrank, IndexWriteFailed
from indexer.schema import SCHEMA_VERSION, TEXT_FIELDS, build_schema, new_codec, to_document

FULL_REBUILD_SHARE = 0.5  # past this share of changed days, rebuilding is cheaper
MAX_SEGMENTS = 16  # incremental runs append a segment each; past this, rebuild in full
MAX_DELETED_SHARE = 0.25  # ... or when this share of documents are replaced ones
LAST_WORD_SECONDS = 30.0
# Postings a writer buffers before Whoosh spills a sorted run to disk. Spilling is slow
# (each posting pickled, then read back and merged in Python: a quarter of the build time
# of a 24k-event share), so writers get what memory allows, within these bounds.
WRITER_MB_MIN, WRITER_MB_MAX = 256, 2048
WRITER_MEMORY_SHARE = 0.25  # of the memory available when the run starts, over all writers
WRITER_MB: float | None = None  # fixed size (tests), instead of the above
PARALLEL_MIN_DAYS = 64  # below this, starting processes costs more than it saves
SHRINK_LIMIT = 0.5  # a run that would keep less than this share of the events is refused
SHRINK_MIN_EVENTS = 20  # ... once the index holds at least this many
Progress = Callable[[int], None]


@dataclass(slots=True)
class Report:
    """The summary of a run; ``--json`` prints it as one object."""

    mode: str
    index: str
    generation: str
    pages: int = 0
    events: int = 0
    duplicates: int = 0
    listing_only: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)  # e.g. an unsafe URL dropped
    days: int = 0
    days_changed: int = 0
    days_deleted: int = 0
    seconds: float = 0.0
    workers: int = 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _day_entry(day: DayFiles, report: DayReport) -> dict[str, Any]:
    return {
        "fingerprint": day.fingerprint,
        "pages": report.pages,
        "events": report.events,
        "duplicates": report.duplicates,
        "listing_only": report.listing_only,
        "skipped": report.skipped,
        "warnings": report.warnings,
        "headings": sorted(report.headings),
    }


def _index_days(
    writer: Any, days: Iterable[DayFiles], known: set[str], tick: Progress
) -> tuple[dict[str, dict[str, Any]], ColumnRows]:
    entries, rows = {}, ColumnRows()
    for day in days:
        events, report = read_day(day, known)
        for event in events:
            writer.add_document(**to_document(event, day.key))
            rows.add(event)
        entries[day.key] = _day_entry(day, report)
        tick(1)
    return entries, rows


_BYTE_TO_LENGTH = np.array([min(byte_to_length(b), 65535) for b in range(256)], np.uint16)


def segment_lengths(reader: Any) -> dict[str, npt.NDArray[np.uint16]]:
    """Field lengths of every document of one segment, as Whoosh stored them."""
    try:
        return {f: _stored_lengths(reader, f) for f in TEXT_FIELDS}
    except AttributeError:  # not Whoosh 2.7's codec: ask document by document (slower)
        return slow_segment_lengths(reader)


def _stored_lengths(reader: Any, field: str) -> npt.NDArray[np.uint16]:
    # Whoosh keeps one length byte per document in a column; reading it whole is ~1000x
    # faster than doc_field_length() per document (the only public way).
    total = reader.doc_count_all()
    column = reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    codes = np.zeros(total, np.uint8)
    if column is not None and column._count:
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), np.uint8)
        codes[: len(raw)] = raw[:total]
    return _BYTE_TO_LENGTH[codes]


def slow_segment_lengths(reader: Any) -> dict[str, npt.NDArray[np.uint16]]:
    total = reader.doc_count_all()
    return {
        f: np.fromiter(
            (min(reader.doc_field_length(d, f) or 0, 65535) for d in range(total)),
            dtype=np.uint16,
            count=total,
        )
        for f in TEXT_FIELDS
    }


def writer_mb(writers: int, available_mb: float | None = None) -> float:
    """Posting buffer per writer (Whoosh's estimate of its size, in MB), from the memory
    available now (or *available_mb*)."""
    if WRITER_MB is not None:
        return WRITER_MB
    if available_mb is None:
        available_mb = _available_mb()
        if available_mb is None:
            return WRITER_MB_MIN
    share = available_mb * WRITER_MEMORY_SHARE / max(1, writers)
    return max(WRITER_MB_MIN, min(WRITER_MB_MAX, share))


def _available_mb() -> float | None:
    try:
        lines = Path("/proc/meminfo").read_text("ascii").splitlines()
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        return int(fields["MemAvailable"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return None


def _worker(
    part: str, days: list[DayFiles], counter: Any, results: Any, inbox: Any, limitmb: float
) -> None:
    """Child process: index a share of the days into one new segment.

    First it reports the story headings its share mentions and waits for the union
    over all shares (ungluing headings needs the whole archive's), then it indexes
    into its own directory *part* (Whoosh writers of one directory share their
    temporary files), whose segment files the parent then moves into the generation.
    """
    try:
        results.put(("headings", None, set().union(*map(day_headings, days))))
        known = inbox.recv()
        ix = open_dir(part)
        writer = SegmentWriter(ix, _lk=False, compound=False, limitmb=limitmb, codec=new_codec())

        def tick(n: int) -> None:
            with counter.get_lock():
                counter.value += n

        entries, rows = _index_days(writer, days, known, tick)
        rows.prune()
        segment = writer._finalize_segment() if writer._added else None
        if segment is None:
            writer._close_segment()
        writer._finish()
        lengths = None
        if segment is not None:
            with SegmentReader(ix.storage, ix.schema, segment) as reader:
                lengths = segment_lengths(reader)
        results.put(("ok", segment, (entries, rows, lengths)))
    except BaseException as exc:  # report any failure to the parent, which aborts the run
        results.put(("error", None, f"{type(exc).__name__}: {exc}"))


def _balanced_shares(days: list[DayFiles], shares: int) -> list[list[DayFiles]]:
    """Split days into shares of similar byte size (largest first, greedy)."""
    buckets: list[list[DayFiles]] = [[] for _ in range(shares)]
    sizes = [0] * shares
    for day in sorted(days, key=lambda d: -sum(s for _, s, _ in d.files)):
        smallest = sizes.index(min(sizes))
        buckets[smallest].append(day)
        sizes[smallest] += sum(s for _, s, _ in day.files)
    return [sorted(b, key=lambda d: d.key) for b in buckets if b]


@dataclass(slots=True)
class Written:
    """What a run wrote to Whoosh, for the manifest and the columns."""

    entries: dict[str, dict[str, Any]]
    rows: ColumnRows
    lengths: dict[str, npt.NDArray[np.uint16]]
    deleted: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))


def _concat_lengths(
    parts: list[dict[str, npt.NDArray[np.uint16]]],
) -> dict[str, npt.NDArray[np.uint16]]:
    return {
        f: np.concatenate([p[f] for p in parts]) if parts else np.zeros(0, np.uint16)
        for f in TEXT_FIELDS
    }


def _full_build(generation: Path, days: list[DayFiles], workers: int, tick: Progress) -> Written:
    schema = build_schema()
    ix = create_in(generation, schema)
    if workers <= 1 or len(days) < PARALLEL_MIN_DAYS:
        known = _known_headings({}, (day_headings(d) for d in days))
        writer = ix.writer(limitmb=writer_mb(1), compound=False, codec=new_codec())
        entries, rows = _index_days(writer, days, known, tick)
        writer.commit(merge=False)
        with open_dir(str(generation)).reader() as reader:
            lengths = _concat_lengths([segment_lengths(r) for r, _ in reader.leaf_readers()])
        return Written(entries, rows, lengths)
    ctx = mp.get_context("forkserver")
    counter, results = ctx.Value("q", 0), ctx.Queue()
    shares = _balanced_shares(days, workers)
    parts = [generation / f"part-{n}" for n in range(len(shares))]
    for part in parts:
        part.mkdir()
        create_in(str(part), schema)
    pipes = [ctx.Pipe(duplex=False) for _ in shares]
    mb = writer_mb(len(shares))
    procs = [
        ctx.Process(target=_worker, args=(str(part), share, counter, results, inbox, mb))
        for part, share, (inbox, _) in zip(parts, shares, pipes, strict=True)
    ]
    for proc in procs:
        proc.start()
    segments, all_rows, all_lengths, entries, seen = [], ColumnRows(), [], {}, 0
    union: set[str] = set()
    try:
        for message in range(2 * len(procs)):
            while True:
                try:
                    status, segment, payload = results.get(timeout=0.2)
                    break
                except queue.Empty:  # keep the progress bar moving
                    seen = _poll(counter, seen, tick)
                    if not any(proc.is_alive() for proc in procs):
                        status, segment, payload = _last_word(results)
                        break
            if status == "error":
                raise IndexWriteFailed(f"indexing worker failed: {payload}")
            if status == "headings":
                union |= payload
                if message == len(procs) - 1:  # every share reported: send the union
                    for _, outbox in pipes:
                        outbox.send(union)
                continue
            share_entries, rows, lengths = payload
            if segment is not None:  # segment order in the TOC is docnum order
                segments.append(segment)
                all_rows.extend(rows)
                all_lengths.append(lengths)
            entries.update(share_entries)
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
    _poll(counter, seen, tick)
    for part in parts:
        _move_segment_files(part, generation)
    TOC(schema, segments, 1).write(ix.storage, ix.indexname)
    return Written(entries, all_rows, _concat_lengths(all_lengths))


def _move_segment_files(part: Path, generation: Path) -> None:
    """Segment files have unique names: move them beside the generation's TOC."""
    for entry in part.iterdir():
        if entry.is_file() and not entry.name.endswith(".toc") and "LOCK" not in entry.name:
            entry.replace(generation / entry.name)
    shutil.rmtree(part)


def _poll(counter: Any, seen: int, tick: Progress) -> int:
    value = int(counter.value)
    if value > seen:
        tick(value - seen)
    return value


def _last_word(results: Any) -> Any:
    """The workers have exited: what they sent may still be on its way through the pipe."""
    try:
        return results.get(timeout=LAST_WORD_SECONDS)
    except queue.Empty:
        raise IndexWriteFailed("indexing workers exited without reporting") from None


def _incremental(
    current: Path,
    generation: Path,
    changed: list[DayFiles],
    deleted: list[str],
    known: set[str],
    tick: Progress,
) -> Written:
    """Re-index changed days into a new segment; older documents keep their numbers."""
    store.link_copy(current, generation)
    ix = open_dir(str(generation))
    with ix.reader() as reader:
        gone = [
            d
            for key in [*deleted, *(d.key for d in changed)]
            if ("daydir", key) in reader
            for d in reader.postings("daydir", key).all_ids()
        ]
        start = reader.doc_count_all()
    writer = ix.writer(limitmb=writer_mb(1), compound=False, codec=new_codec())
    for key in [*deleted, *(d.key for d in changed)]:
        writer.delete_by_term("daydir", key)
    entries, rows = _index_days(writer, changed, known, tick)
    writer.commit(merge=False)  # merging would renumber documents under the columns
    with open_dir(str(generation)).reader() as reader:
        newest = reader.leaf_readers()[-1][0]  # merge=False: the new documents' own segment
        assert not rows or reader.doc_count_all() - newest.doc_count_all() == start
        lengths = segment_lengths(newest) if rows else _concat_lengths([])
    return Written(entries, rows, lengths, np.asarray(gone, dtype=np.int64))


def _known_headings(
    manifest_days: dict[str, dict[str, Any]], extra: Iterable[set[str]]
) -> set[str]:
    known: set[str] = set()
    for entry in manifest_days.values():
        known.update(entry["headings"])
    for headings in extra:
        known |= headings
    return known


def _plan(
    scanned: Scan, manifest: dict[str, Any] | None, root: Path, full: bool
) -> tuple[str, list[DayFiles], list[str]]:
    """(mode, days to (re)index, day keys to delete)."""
    days = scanned.days
    if (
        full
        or manifest is None
        or manifest.get("schema") != SCHEMA_VERSION
        or manifest.get("archive") != str(root)
    ):
        return "full", list(days.values()), []
    old: dict[str, dict[str, Any]] = manifest["days"]
    changed = [d for k, d in days.items() if old.get(k, {}).get("fingerprint") != d.fingerprint]
    deleted = sorted(set(old) - set(days))
    if not changed and not deleted:
        return "unchanged", [], []
    too_many_segments = manifest.get("segments", 1) >= MAX_SEGMENTS
    too_many_deleted = manifest.get("deleted_docs", 0) > MAX_DELETED_SHARE * max(
        manifest.get("documents", 1), 1
    )
    too_many_changed = len(changed) + len(deleted) > FULL_REBUILD_SHARE * max(len(days), 1)
    if too_many_segments or too_many_deleted or too_many_changed:
        return "full", list(days.values()), []
    return "incremental", changed, deleted


def _refuse_big_shrink(
    root: Path, before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> None:
    """Refuse to publish when most of the indexed events would vanish at once.

    A news archive grows; losing most of it in one run means the archive is broken (a
    half-finished copy, a disk full of garbage), not that the news changed.
    """
    had = sum(day["events"] for day in before.values())
    has = sum(day["events"] for day in after.values())
    if had < SHRINK_MIN_EVENTS or has >= had * SHRINK_LIMIT:
        return
    skipped = [s for day in after.values() for s in day["skipped"]]
    example = f"; e.g. {skipped[0][0]}: {skipped[0][1]}" if skipped else ""
    raise ArchiveShrank(
        f"archive {root} now gives {has:,} events against {had:,} in the current index "
        f"({len(skipped):,} pages skipped{example}); keeping the current index "
        "(pass --allow-shrink if the archive really lost them)"
    )


def _summarise(report: Report, manifest: dict[str, Any]) -> Report:
    for entry in manifest["days"].values():
        report.pages += entry["pages"]
        report.events += entry["events"]
        report.duplicates += entry["duplicates"]
        report.listing_only += entry["listing_only"]
        report.skipped += [{"path": p, "reason": r} for p, r in entry["skipped"]]
        report.warnings += [{"path": p, "reason": r} for p, r in entry.get("warnings", [])]
    report.skipped += [{"path": p, "reason": r} for p, r in manifest.get("stray", [])]
    report.days = len(manifest["days"])
    return report


def run(
    archive: Path,
    index_dir: Path,
    *,
    full: bool = False,
    workers: int | None = None,
    wait: float = 0.0,
    allow_shrink: bool = False,
    progress: Callable[[int], Progress] | None = None,
) -> Report:
    """Bring the index at *index_dir* up to date with *archive*; see the module docstring.

    *progress*, when given, is called with the number of days to index and returns a
    function called with each batch of days done.
    """
    started = time.perf_counter()
    root = archive_root(archive)
    workers = workers or os.cpu_count() or 1
    with store.write_lock(index_dir, wait):
        store.prune(index_dir)
        current = store.current_generation(index_dir)
        manifest = store.read_manifest(current) if current else None
        scanned = scan(root)
        mode, todo, deleted = _plan(scanned, manifest, root, full)
        if mode == "unchanged" and current and manifest:
            report = Report(mode, str(index_dir), current.name)
            report.seconds = round(time.perf_counter() - started, 3)
            return _summarise(report, manifest)
        if not scanned.days and not allow_shrink and manifest and manifest["days"]:
            raise ArchiveShrank(
                f"archive {root} has no day folders now; keeping the current index "
                "(pass --allow-shrink to index an empty archive)"
            )
        tick = progress(len(todo)) if progress else (lambda n: None)
        generation = store.new_generation(index_dir)
        try:
            if mode == "full":
                written = _full_build(generation, todo, workers, tick)
                days_state: dict[str, dict[str, Any]] = {}
                save_columns(
                    generation,
                    extend_columns(empty_columns(), written.deleted, written.rows, written.lengths),
                )
                save_vocab(generation, None, written.rows)
            else:
                assert current is not None and manifest is not None
                days_state = {k: v for k, v in manifest["days"].items() if k not in deleted}
                known = _known_headings(days_state, (day_headings(d) for d in todo))
                written = _incremental(current, generation, todo, deleted, known, tick)
                save_columns(
                    generation,
                    extend_columns(
                        load_columns(current), written.deleted, written.rows, written.lengths
                    ),
                )
                save_vocab(generation, load_vocab(current), written.rows)
            days_state.update(written.entries)
            if not allow_shrink and manifest:
                _refuse_big_shrink(root, manifest["days"], days_state)
            with open_dir(str(generation)).reader() as reader:
                shape = {
                    "segments": len(reader.leaf_readers()),
                    "documents": reader.doc_count_all(),
                    "deleted_docs": reader.doc_count_all() - reader.doc_count(),
                }
            new_manifest = {
                **shape,
                "schema": SCHEMA_VERSION,
                "archive": str(root),
                "created": time.time(),
                "days": dict(sorted(days_state.items())),
                "stray": scanned.stray,
            }
            store.write_manifest(generation, new_manifest)
            store.publish(index_dir, generation)
        except BaseException as exc:
            shutil.rmtree(generation, ignore_errors=True)  # frees the space it took at once
            kept = f"the current index ({current.name if current else 'none yet'}) is unchanged"
            if isinstance(exc, OSError):
                raise IndexWriteFailed(f"could not write the new index: {exc}; {kept}") from exc
            if isinstance(exc, IndexWriteFailed):
                raise IndexWriteFailed(f"{exc}; {kept}") from None
            raise
        report = Report(mode, str(index_dir), generation.name, workers=workers)
        report.days_changed = len(todo)
        report.days_deleted = len(deleted)
        report.seconds = round(time.perf_counter() - started, 3)
        return _summarise(report, new_manifest)
