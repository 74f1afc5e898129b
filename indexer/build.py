"""Indexing runs: full builds in parallel, incremental updates by day, atomic publishing.

A run compares the archive's day folders (file names, sizes, mtimes) with the manifest
of the current generation and then does the least work that gives a complete new one:

- ``unchanged``: nothing differs; no new generation is written;
- ``incremental``: changed, added and deleted days are re-read into a hard-linked copy
  of the current generation (the day is the unit: duplicates and listings never cross it);
- ``full``: first run, ``--full``, a schema change or most days changed. Day folders are
  split between worker processes (:mod:`indexer.workers`), each writing its own Whoosh
  segment; the parent only writes the table of contents naming them. Parsing and
  analysis are pure Python, so one process per core is where the speed comes from.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import create_in, open_dir

from indexer import store, whoosh_compat
from indexer.archive import DayFiles, Scan, archive_root, scan
from indexer.columns import (
    empty_columns,
    extend_columns,
    load_columns,
    load_vocab,
    save_columns,
    save_vocab,
)
from indexer.days import day_headings, read_day
from indexer.errors import ArchiveShrank, IndexWriteFailed
from indexer.event import Event
from indexer.postings import write_postings
from indexer.schema import SCHEMA_VERSION, TEXT_FIELDS, build_schema, new_codec
from indexer.store import DayReport, Manifest
from indexer.stored import SAMPLE_EVENTS, StoredEvents
from indexer.workers import (
    Progress,
    Written,
    balanced_shares,
    concat_lengths,
    index_days,
    index_in_parallel,
)

FULL_REBUILD_SHARE = 0.5  # past this share of changed days, rebuilding is cheaper
MAX_SEGMENTS = 16  # incremental runs append a segment each; past this, rebuild in full
MAX_DELETED_SHARE = 0.25  # ... or when this share of documents are replaced ones
# Postings a writer buffers before Whoosh spills a sorted run to disk. Spilling is slow
# (each posting pickled, then read back and merged in Python: a quarter of the build time
# of a 24k-event share), so writers get what memory allows, within these bounds, unless
# the run is given a size (run's writer_mb).
WRITER_MB_MIN, WRITER_MB_MAX = 256, 2048
WRITER_MEMORY_SHARE = 0.25  # of the memory available when the run starts, over all writers
PARALLEL_MIN_DAYS = 64  # below this, starting processes costs more than it saves
SHRINK_LIMIT = 0.5  # a run that would keep less than this share of the events is refused
SHRINK_MIN_EVENTS = 20  # ... once the index holds at least this many


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


def available_writer_mb(writers: int, available_mb: float | None = None) -> float:
    """Posting buffer per writer (Whoosh's estimate of its size, in MB), from the memory
    available now (or *available_mb*)."""
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


def _all_lengths(generation: Path) -> whoosh_compat.Lengths:
    with open_dir(str(generation)).reader() as reader:
        leaves = [whoosh_compat.segment_lengths(r, TEXT_FIELDS) for r, _ in reader.leaf_readers()]
    return concat_lengths(leaves)


def _full_build(
    generation: Path, days: list[DayFiles], workers: int, tick: Progress, writer_mb: float | None
) -> Written:
    schema = build_schema()
    ix = create_in(generation, schema)
    stored = StoredEvents.train(_sample_events(days))
    stored.save(generation)
    if workers <= 1 or len(days) < PARALLEL_MIN_DAYS:
        known = _known_headings({}, (day_headings(d) for d in days))
        writer = _writer(ix, writer_mb, 1)
        written = index_days(writer, days, known, stored, tick)
        writer.commit(merge=False)
        written.lengths = _all_lengths(generation)
        return written
    shares = balanced_shares(days, workers)
    limitmb = _limitmb(writer_mb, len(shares))
    segments, written = index_in_parallel(generation, schema, shares, stored, limitmb, tick)
    whoosh_compat.write_toc(ix, schema, segments)
    return written


def _sample_events(days: list[DayFiles]) -> Iterator[Event]:
    """Events of days spread evenly over the archive, about SAMPLE_EVENTS of them, that a
    full build trains its stored-events dictionary on. They are read without the
    archive's headings (a heading glued to a title stays glued): a sample need not be
    exact, and the headings are known only once every worker has read its share."""
    pages = sum(len(d.page_names) for d in days)
    wanted_days = max(1, SAMPLE_EVENTS * len(days) // max(pages, 1))
    for day in days[:: max(1, len(days) // wanted_days)]:
        yield from read_day(day, ())[0]


def _limitmb(writer_mb: float | None, writers: int) -> float:
    return available_writer_mb(writers) if writer_mb is None else writer_mb


def _writer(ix: Any, writer_mb: float | None, writers: int) -> Any:
    return ix.writer(limitmb=_limitmb(writer_mb, writers), compound=False, codec=new_codec())


def _incremental(
    current: Path,
    generation: Path,
    changed: list[DayFiles],
    deleted: list[str],
    known: set[str],
    tick: Progress,
    writer_mb: float | None,
) -> Written:
    """Re-index changed days into a new segment; older documents keep their numbers."""
    store.link_copy(current, generation)
    ix = open_dir(str(generation))
    replaced = [*deleted, *(d.key for d in changed)]
    with ix.reader() as reader:
        gone = [
            d
            for key in replaced
            if ("daydir", key) in reader
            for d in reader.postings("daydir", key).all_ids()
        ]
        start = reader.doc_count_all()
    writer = _writer(ix, writer_mb, 1)
    for key in replaced:
        writer.delete_by_term("daydir", key)
    # the base's dictionary (hard-linked above): a generation's documents share one
    written = index_days(writer, changed, known, StoredEvents.load(generation), tick)
    writer.commit(merge=False)  # merging would renumber documents under the columns
    with open_dir(str(generation)).reader() as reader:
        newest = reader.leaf_readers()[-1][0]  # merge=False: the new documents' own segment
        assert not written.rows or reader.doc_count_all() - newest.doc_count_all() == start
        if written.rows:
            written.lengths = whoosh_compat.segment_lengths(newest, TEXT_FIELDS)
    written.deleted = np.asarray(gone, dtype=np.int64)
    return written


def build_columns(generation: Path, base: Path | None, written: Written) -> None:
    """Write *generation*'s columns and vocabulary: those of *base* (the generation an
    incremental run started from; None for a full build) with *written* applied."""
    columns = load_columns(base) if base else empty_columns()
    save_columns(
        generation, extend_columns(columns, written.deleted, written.rows, written.lengths)
    )
    save_vocab(generation, load_vocab(base) if base else None, written.rows)


def _known_headings(days: dict[str, DayReport], extra: Iterable[set[str]]) -> set[str]:
    known: set[str] = set()
    for report in days.values():
        known.update(report.headings)
    for headings in extra:
        known |= headings
    return known


def _plan(
    scanned: Scan, manifest: Manifest | None, root: Path, full: bool
) -> tuple[str, list[DayFiles], list[str]]:
    """(mode, days to (re)index, day keys to delete)."""
    days = scanned.days
    if (
        full
        or manifest is None
        or manifest.schema != SCHEMA_VERSION
        or manifest.archive != str(root)
    ):
        return "full", list(days.values()), []
    old = manifest.days
    changed = [d for k, d in days.items() if k not in old or old[k].fingerprint != d.fingerprint]
    deleted = sorted(set(old) - set(days) - scanned.unchanged)
    if not changed and not deleted:
        return "unchanged", [], []
    total = len(days) + len(scanned.unchanged)
    too_many_segments = manifest.segments >= MAX_SEGMENTS
    too_many_deleted = manifest.deleted_docs > MAX_DELETED_SHARE * max(manifest.documents, 1)
    too_many_changed = len(changed) + len(deleted) > FULL_REBUILD_SHARE * max(total, 1)
    if too_many_segments or too_many_deleted or too_many_changed:
        return "full", list(days.values()), []
    return "incremental", changed, deleted


def _scan(root: Path, manifest: Manifest | None, quick: bool) -> Scan:
    """The archive as :func:`~indexer.archive.scan` finds it; *quick*: only day folders
    whose mtime differs from the one the manifest recorded are listed."""
    if not quick or manifest is None:
        return scan(root)
    trusted = {k: day.folder_mtime for k, day in manifest.days.items() if day.folder_mtime}
    return scan(root, trusted)


def _kept_stray(scanned: Scan, manifest: Manifest | None) -> list[store.Reason]:
    """Files left out: those the scan saw, and those of day folders a quick scan skipped
    (as the manifest recorded them)."""
    if not scanned.unchanged or manifest is None:
        return scanned.stray
    skipped = [r for r in manifest.stray if r[0].rsplit("/", 1)[0] in scanned.unchanged]
    return sorted([*scanned.stray, *skipped])


def _refuse_big_shrink(
    root: Path, before: dict[str, DayReport], after: dict[str, DayReport]
) -> None:
    """Refuse to publish when most of the indexed events would vanish at once.

    A news archive grows; losing most of it in one run means the archive is broken (a
    half-finished copy, a disk full of garbage), not that the news changed.
    """
    had = sum(day.events for day in before.values())
    has = sum(day.events for day in after.values())
    if had < SHRINK_MIN_EVENTS or has >= had * SHRINK_LIMIT:
        return
    skipped = [s for day in after.values() for s in day.skipped]
    example = f"; e.g. {skipped[0][0]}: {skipped[0][1]}" if skipped else ""
    raise ArchiveShrank(
        f"archive {root} now gives {has:,} events against {had:,} in the current index "
        f"({len(skipped):,} pages skipped{example}); keeping the current index "
        "(pass --allow-shrink if the archive really lost them)"
    )


def _summarise(report: Report, manifest: Manifest) -> Report:
    for day in manifest.days.values():
        report.pages += day.pages
        report.events += day.events
        report.duplicates += day.duplicates
        report.listing_only += day.listing_only
        report.skipped += [{"path": p, "reason": r} for p, r in day.skipped]
        report.warnings += [{"path": p, "reason": r} for p, r in day.warnings]
    report.skipped += [{"path": p, "reason": r} for p, r in manifest.stray]
    report.days = len(manifest.days)
    return report


def _manifest(
    generation: Path,
    root: Path,
    days: dict[str, DayReport],
    scanned: Scan,
    stray: list[store.Reason],
) -> Manifest:
    for key, found in scanned.days.items():  # what the next quick scan compares with
        if key in days:
            days[key].folder_mtime = found.folder_mtime
    with open_dir(str(generation)).reader() as reader:
        documents, live = reader.doc_count_all(), reader.doc_count()
        segments = len(reader.leaf_readers())
    return Manifest(
        segments=segments,
        documents=documents,
        deleted_docs=documents - live,
        schema=SCHEMA_VERSION,
        archive=str(root),
        created=time.time(),
        days=dict(sorted(days.items())),
        stray=stray,
    )


def run(
    archive: Path,
    index_dir: Path,
    *,
    full: bool = False,
    workers: int | None = None,
    wait: float = 0.0,
    allow_shrink: bool = False,
    progress: Callable[[int], Progress] | None = None,
    writer_mb: float | None = None,
    quick: bool = False,
) -> Report:
    """Bring the index at *index_dir* up to date with *archive*; see the module docstring.

    *progress*, when given, is called with the number of days to index and returns a
    function called with each batch of days done. *writer_mb*: the posting buffer of each
    Whoosh writer, in MB (default: a share of the memory available, see WRITER_MB_MIN).
    *quick*: list only the day folders whose mtime changed (see :func:`_scan`); a run
    that turns out to be a full build scans everything.
    """
    started = time.perf_counter()
    root = archive_root(archive)
    workers = workers or os.cpu_count() or 1
    with store.write_lock(index_dir, wait):
        store.prune(index_dir)
        current = store.current_generation(index_dir)
        manifest = store.read_manifest(current) if current else None
        scanned = _scan(root, manifest, quick)
        mode, todo, deleted = _plan(scanned, manifest, root, full)
        if mode == "full" and scanned.unchanged:
            scanned = scan(root)
            mode, todo, deleted = _plan(scanned, manifest, root, full)
        if mode == "unchanged" and current and manifest:
            report = Report(mode, str(index_dir), current.name)
            report.seconds = round(time.perf_counter() - started, 3)
            return _summarise(report, manifest)
        # (A quick scan lists only the day folders that moved: the others are unchanged.)
        if (
            not scanned.days
            and not scanned.unchanged
            and not allow_shrink
            and manifest
            and manifest.days
        ):
            raise ArchiveShrank(
                f"archive {root} has no day folders now; keeping the current index "
                "(pass --allow-shrink to index an empty archive)"
            )
        tick = progress(len(todo)) if progress else (lambda n: None)
        generation = store.new_generation(index_dir)
        try:
            if mode == "full":
                base, days = None, {}
                written = _full_build(generation, todo, workers, tick, writer_mb)
            else:
                assert current is not None and manifest is not None
                base = current
                days = {k: v for k, v in manifest.days.items() if k not in deleted}
                known = _known_headings(days, (day_headings(d) for d in todo))
                written = _incremental(current, generation, todo, deleted, known, tick, writer_mb)
            build_columns(generation, base, written)
            write_postings(generation, base)
            days.update(written.reports)
            if not allow_shrink and manifest:
                _refuse_big_shrink(root, manifest.days, days)
            stray = _kept_stray(scanned, manifest)
            new_manifest = _manifest(generation, root, days, scanned, stray)
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
