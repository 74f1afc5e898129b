"""Indexing benchmark: eventsearch's build against a plain single-process Whoosh loop.

    python -m bench.build ARCHIVE [--out bench/out] [--index DIR] [--workers 2] [--with-single]

Phases, each in a fresh subprocess so that peak memory is per phase:

- ``baseline``: scan the archive, collect the known headings (as ``indexer.build`` does), read
  every day with ``read_day`` and add each event with one ``ix.writer()``, then ``commit()``;
  timed end to end, parsing included. Same fields, analyzer and parser as eventsearch, but
  Whoosh's stock ``Positions`` format and codec (eventsearch's ``EventPositions`` and
  ``EventCodec`` are part of what is measured, so the baseline does not get them);
- ``full``: ``indexer.build.run(archive, index, full=True, workers=N)`` into a fresh index
  directory, with a breakdown of where the time went (scan, heading pre-pass, segments,
  columns, publish);
- ``single`` (``--with-single``): the same with ``workers=1``, to separate parallelism from
  the rest;
- ``rerun``: ``run()`` again on the same index with nothing changed.

Peak memory is ``ru_maxrss`` of the phase process (``RUSAGE_SELF``) and the largest of its
waited-for descendants (``RUSAGE_CHILDREN``: the indexing workers). Everything is local: the
archive, the index, the output table (``OUT/build-<archive name>.md``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.build_report import LABELS, PHASES, ok, render
from bench.common import (
    OUT,
    ROOT,
    code_version,
    disk_usage,
    own_peak_rss_mb,
    publish,
    setup_logging,
    shown,
)

log = logging.getLogger("bench.build").info


# Steps of indexer.build timed in the parent process of a run (those that exist are wrapped;
# work done inside worker processes is part of the step that waits for them).
STEPS = (
    ("build", "scan", "scan"),
    ("build", "day_headings", "heading pre-pass (in the parent)"),
    ("build", "_full_build", "parse + index (segments, workers)"),
    ("build", "build_columns", "columns + vocab"),
    ("build", "save_columns", "columns + vocab"),
    ("store", "publish", "fsync + publish"),
)


# --------------------------------------------------------------------------------------------
# Helpers shared by parent and phases.


def cpu_seconds() -> float:
    """User + system CPU of this process and its waited-for descendants."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> tuple[float, float]:
    """(this process, largest waited-for descendant) peak RSS in MB (Linux: ru_maxrss in KB)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own_peak_rss_mb(), 1), round(children, 1)


def _stop_forkserver() -> None:
    """Stop multiprocessing's fork server (the indexing workers' parent) and wait for it, so
    that its children's peak memory reaches RUSAGE_CHILDREN. Private API: best effort."""
    try:
        from multiprocessing import forkserver

        stop = getattr(forkserver._forkserver, "_stop", None)
        if stop is not None:
            stop()
    except Exception:  # only the memory figure for children suffers
        pass


class Timer:
    """Wraps module functions to add up the time spent in each (for the build breakdown).

    A wrapped call made inside another is booked as "label (within outer)" and is not part
    of ``top_level``, so that top-level steps add up to at most the run's time."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.top_level: set[str] = set()
        self._active: list[str] = []

    def wrap(self, module: Any, name: str, label: str) -> None:
        original: Callable[..., Any] | None = getattr(module, name, None)
        if original is None:  # indexer.build changes; time what exists
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            key = f"{label} (within {self._active[0]})" if self._active else label
            if not self._active:
                self.top_level.add(key)
            self._active.append(label)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._active.pop()
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)


# --------------------------------------------------------------------------------------------
# Phases (run in a child process: ``python -m bench.build --phase NAME ...``).


def stock_schema(schema: Any) -> Any:
    """*schema* with Whoosh's own ``Positions`` format on every text field (same bytes)."""
    from whoosh.formats import Positions

    for name in schema.names():
        field = schema[name]
        if isinstance(field.format, Positions):
            field.format = Positions(field_boost=field.format.field_boost)
    return schema


def phase_baseline(archive: Path, scratch: Path) -> dict[str, Any]:
    from whoosh.index import create_in

    from indexer.archive import archive_root, scan
    from indexer.days import day_headings, read_day
    from indexer.schema import build_schema, to_document
    from indexer.stored import StoredEvents

    scratch.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix="baseline-", dir=scratch))
    try:
        started = time.perf_counter()
        days = list(scan(archive_root(archive)).days.values())
        known: set[str] = set()
        for day in days:
            known |= day_headings(day)
        ix = create_in(str(tmpdir), stock_schema(build_schema()))
        writer = ix.writer()
        stored = StoredEvents()  # Whoosh's own zlib around the JSON, as a plain loop has
        events = 0
        for day in days:
            day_events, _ = read_day(day, known)
            for event in day_events:
                writer.add_document(**to_document(event, day.key, stored))
            events += len(day_events)
        writer.commit()
        seconds = time.perf_counter() - started
        size = disk_usage(tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return {"events": events, "days": len(days), "seconds": seconds, "bytes": size}


def phase_run(archive: Path, index: Path, workers: int, full: bool) -> dict[str, Any]:
    import indexer.build as build
    from indexer import store

    timer = Timer()
    for module, name, label in STEPS:
        timer.wrap(build if module == "build" else store, name, label)
    started = time.perf_counter()
    report = build.run(archive, index, full=full, workers=workers)
    seconds = time.perf_counter() - started
    _stop_forkserver()
    generation = store.current_generation(index)
    assert generation is not None
    return {
        "events": report.events,
        "days": report.days,
        "mode": report.mode,
        "workers": report.workers,
        "seconds": seconds,
        "report_seconds": report.seconds,
        "bytes": disk_usage(generation),
        "columns_bytes": disk_usage(generation / "columns"),
        "generation": str(generation),
        "breakdown": timer.seconds,
        "top_level": sorted(timer.top_level),
    }


def run_phase(args: argparse.Namespace) -> int:
    archive, index = Path(args.archive), Path(args.index)
    version = code_version()
    if args.phase == "baseline":
        result = phase_baseline(archive, Path(args.out))
    else:
        full = args.phase in ("full", "single")
        workers = 1 if args.phase == "single" else args.workers
        result = phase_run(archive, index, workers, full)
    result["rss_self_mb"], result["rss_children_mb"] = peak_rss_mb()
    result["cpu_seconds"] = cpu_seconds()
    result["code"] = version if version == code_version() else f"{version}->{code_version()}"
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------------------------
# Parent: run the phases, print and write the table.


def spawn_phase(phase: str, args: argparse.Namespace, index: Path) -> dict[str, Any]:
    """Run one phase in a fresh process; a failure is recorded (with its error), not raised."""
    command = [
        sys.executable,
        "-m",
        "bench.build",
        str(Path(args.archive).resolve()),
        "--phase",
        phase,
        "--index",
        str(index),
        "--out",
        str(Path(args.out).resolve()),
        "--workers",
        str(args.workers),
    ]
    log(f"{phase}: {LABELS[phase]} …")
    load_before = os.getloadavg()[0]
    wall = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - wall
    load = [load_before, os.getloadavg()[0]]
    if done.returncode != 0:
        kept = Path(args.out) / f"build-{args.name}-{phase}.stderr"
        kept.write_text(done.stderr, "utf-8")
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        error = lines[-1] if lines else f"exit code {done.returncode}"
        log(f"{phase}: FAILED after {wall:.1f}s: {error} (see {kept})")
        return {"failed": error, "wall": wall, "load": load, "stderr": str(kept)}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    result["load"] = load
    log(f"{phase}: {result['seconds']:.1f}s ({wall:.1f}s with start-up)")
    return result


def warm_page_cache(archive: Path) -> tuple[int, float]:
    """Read every file once so that no phase pays for cold disk reads (not timed as a phase)."""
    started, total = time.perf_counter(), 0
    for dirpath, _, filenames in os.walk(archive):
        for name in filenames:
            try:
                total += len((Path(dirpath) / name).read_bytes())
            except OSError:
                continue
    return total, time.perf_counter() - started


def fresh_index_dir(index: Path) -> None:
    """Remove a previous benchmark index; refuse anything that does not look like one."""
    if not index.exists():
        return
    entries = {p.name for p in index.iterdir()}
    if (
        entries
        and "CURRENT" not in entries
        and not all(n.startswith((".", "gen-")) for n in entries)
    ):
        raise SystemExit(f"{index} exists and is not an eventsearch index; pass another --index")
    shutil.rmtree(index)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("archive", type=Path, help="archive folder (holds news/)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    parser.add_argument("--index", type=Path, help="index directory (default OUT/index-<name>)")
    parser.add_argument("--workers", type=int, default=2, help="indexing workers for run()")
    parser.add_argument("--with-single", action="store_true", help="also time run() with 1 worker")
    parser.add_argument(
        "--phases",
        default="",
        help=f"comma-separated phases to run, of {','.join(PHASES)} (default: all but single)",
    )
    parser.add_argument("--no-warm", action="store_true", help="skip reading the archive first")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite the table from OUT/build-<name>.json"
    )
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    archive = args.archive.resolve()
    args.name = archive.name if archive.name != "news" else archive.parent.name
    args.index = (args.index or args.out / f"index-{args.name}").resolve()
    return args


def chosen_phases(args: argparse.Namespace) -> list[str]:
    chosen = [p.strip() for p in args.phases.split(",") if p.strip()] or [
        p for p in PHASES if p != "single" or args.with_single
    ]
    if bad := [p for p in chosen if p not in PHASES]:
        raise SystemExit(f"unknown phase {bad[0]!r}; phases: {', '.join(PHASES)}")
    return [p for p in PHASES if p in chosen]


def run_phases(args: argparse.Namespace, saved: Path) -> dict[str, dict[str, Any]]:
    """Each chosen phase in turn, the results saved after each."""
    results: dict[str, dict[str, Any]] = {}
    index = args.index
    for phase in chosen_phases(args):
        if phase in ("full", "single"):
            fresh_index_dir(index)
        elif (
            phase == "rerun"
            and not (ok(results, "full") or ok(results, "single"))
            and not (index / "CURRENT").exists()
        ):
            log("rerun: skipped (no index was built)")
            continue
        results[phase] = spawn_phase(phase, args, index)
        saved.write_text(json.dumps(results, indent=1), "utf-8")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    args = parse_args(argv)
    if args.phase:
        return run_phase(args)
    archive = args.archive.resolve()
    if not (archive / "news").is_dir() and archive.name != "news":
        raise SystemExit(f"{archive} has no news/ folder")
    args.out.mkdir(parents=True, exist_ok=True)
    saved = args.out / f"build-{args.name}.json"
    if args.render:
        loaded: dict[str, dict[str, Any]] = json.loads(saved.read_text("utf-8"))
        return write_table(args.name, args, loaded, args.index)
    if not args.no_warm:
        size, seconds = warm_page_cache(archive)
        log(f"read {size / 1e6:,.0f} MB of archive in {seconds:.1f}s (page cache warm-up)")
    return write_table(args.name, args, run_phases(args, saved), args.index)


def write_table(
    name: str, args: argparse.Namespace, results: dict[str, dict[str, Any]], index: Path
) -> int:
    publish(render(name, args, results), args.out / f"build-{name}.md")
    log(f"index left at {shown(index)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
