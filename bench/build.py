"""Indexing benchmark: eventsearch's build against a plain single-process Whoosh loop.

    python -m bench.build ARCHIVE [--out bench/out] [--index DIR] [--workers 2] [--with-single]

Phases, each in a fresh subprocess so that peak memory is per phase:

- ``baseline``: scan the archive, collect the known headings (as ``indexer.build`` does), read
  every day with ``read_day`` and add each event with one ``ix.writer()``, then ``commit()``;
  timed end to end, parsing included;
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
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("baseline", "full", "single", "rerun")
LABELS = {
    "baseline": "plain Whoosh loop (1 process)",
    "full": "eventsearch full build",
    "single": "eventsearch full build, 1 worker",
    "rerun": "eventsearch no-change re-run",
}


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


def code_version() -> str:
    """A short hash of indexer/ and search/ sources: shows when the library changed between
    phases (it is edited by others while benchmarks run)."""
    digest = hashlib.blake2b(digest_size=5)
    for path in sorted([*ROOT.glob("indexer/*.py"), *ROOT.glob("search/*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def disk_usage(path: Path) -> int:
    """Bytes allocated on disk under *path* (like ``du``)."""
    total = 0
    for dirpath, _, filenames in os.walk(path):
        for name in filenames:
            try:
                total += (Path(dirpath) / name).lstat().st_blocks * 512
            except OSError:
                continue
    return total


def cpu_seconds() -> float:
    """User + system CPU of this process and its waited-for descendants."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> tuple[float, float]:
    """(this process, largest waited-for descendant) peak RSS in MB (Linux: ru_maxrss in KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(children, 1)


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


def phase_baseline(archive: Path, scratch: Path) -> dict[str, Any]:
    from whoosh.index import create_in

    from indexer.archive import archive_root, scan
    from indexer.days import day_headings, read_day
    from indexer.schema import build_schema, to_document

    scratch.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix="baseline-", dir=scratch))
    try:
        started = time.perf_counter()
        days = list(scan(archive_root(archive)).days.values())
        known: set[str] = set()
        for day in days:
            known |= day_headings(day)
        ix = create_in(str(tmpdir), build_schema())
        writer = ix.writer()
        events = 0
        for day in days:
            day_events, _ = read_day(day, known)
            for event in day_events:
                writer.add_document(**to_document(event, day.key))
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
    print(f"[bench.build] {phase}: {LABELS[phase]} …", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    wall = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - wall
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"phase {phase} failed with exit code {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    result["load"] = [load_before, os.getloadavg()[0]]
    print(
        f"[bench.build] {phase}: {result['seconds']:.1f}s ({wall:.1f}s with start-up)",
        file=sys.stderr,
        flush=True,
    )
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


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f}"


def render(name: str, args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> str:
    base, full = results["baseline"], results["full"]
    lines = [
        f"## Build benchmark: `{name}` ({full['events']:,} events, {full['days']:,} days)",
        "",
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, workers={args.workers}; each phase in a fresh process; "
        "peak RSS is ru_maxrss of the phase process / of its largest child (indexing worker); "
        "CPU s = user + system time of the phase process and its children (start-up included); "
        "the machine is shared, so the 1-minute load average is shown.",
        "",
        "| phase | events | seconds | events/s | CPU s | size MB | peak RSS MB (main / child) "
        "| ratio | load avg before/after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for phase in PHASES:
        if phase not in results:
            continue
        r = results[phase]
        rate = f"{r['events'] / r['seconds']:,.0f}" if r["seconds"] > 0 else "-"
        if phase == "baseline":
            ratio = "1.00x (reference)"
        elif phase == "rerun":
            ratio = f"{100 * r['seconds'] / full['seconds']:.2f}% of full (mode: {r['mode']})"
        else:
            ratio = f"{base['seconds'] / r['seconds']:.2f}x speedup vs baseline"
        size = _mb(r["bytes"]) if phase != "rerun" else "(same)"
        lines.append(
            f"| {LABELS[phase]} | {r['events']:,} | {r['seconds']:.2f} | {rate} | "
            f"{r['cpu_seconds']:.1f} | {size} | "
            f"{r['rss_self_mb']:,.0f} / {r['rss_children_mb']:,.0f} | {ratio} | "
            f"{r['load'][0]:.2f} / {r['load'][1]:.2f} |"
        )
    lines += [
        "",
        f"Index size: eventsearch {_mb(full['bytes'])} MB (of which columns/ + vocab "
        f"{_mb(full['columns_bytes'])} MB) vs plain Whoosh {_mb(base['bytes'])} MB "
        f"({full['bytes'] / max(base['bytes'], 1):.2f}x).",
        "",
        "Where the eventsearch full build spent its time (seconds, wall clock in the parent):",
        "",
        "| step | " + " | ".join(p for p in ("full", "single") if p in results) + " |",
        "| --- | " + " | ".join("---:" for p in ("full", "single") if p in results) + " |",
    ]
    steps = list(
        dict.fromkeys(
            k for p in ("full", "single") if p in results for k in results[p]["breakdown"]
        )
    )
    for step in steps:
        cells = [
            f"{results[p]['breakdown'].get(step, 0.0):.2f}"
            for p in ("full", "single")
            if p in results
        ]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    cells = []
    for p in ("full", "single"):
        if p in results:
            timed = results[p]["breakdown"]
            rest = results[p]["seconds"] - sum(timed[k] for k in results[p]["top_level"])
            cells.append(f"{rest:.2f}")
    lines.append("| other (lock, prune, manifest, ...) | " + " | ".join(cells) + " |")
    versions = ", ".join(f"{p} {results[p]['code']}" for p in PHASES if p in results)
    lines += [
        "",
        f"Library code (hash of indexer/ and search/ sources) per phase: {versions}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("archive", type=Path, help="archive folder (holds news/)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="output folder")
    parser.add_argument("--index", type=Path, help="index directory (default OUT/index-<name>)")
    parser.add_argument("--workers", type=int, default=2, help="indexing workers for run()")
    parser.add_argument("--with-single", action="store_true", help="also time run() with 1 worker")
    parser.add_argument("--no-warm", action="store_true", help="skip reading the archive first")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    archive = args.archive.resolve()
    name = archive.name if archive.name != "news" else archive.parent.name
    index = (args.index or args.out / f"index-{name}").resolve()
    if args.phase:
        args.index = index
        return run_phase(args)
    if not (archive / "news").is_dir() and archive.name != "news":
        raise SystemExit(f"{archive} has no news/ folder")
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.no_warm:
        size, seconds = warm_page_cache(archive)
        print(
            f"[bench.build] read {size / 1e6:,.0f} MB of archive in {seconds:.1f}s "
            "(page cache warm-up)",
            file=sys.stderr,
        )
    results: dict[str, dict[str, Any]] = {}
    results["baseline"] = spawn_phase("baseline", args, index)
    if args.with_single:
        fresh_index_dir(index)
        results["single"] = spawn_phase("single", args, index)
    fresh_index_dir(index)
    results["full"] = spawn_phase("full", args, index)
    results["rerun"] = spawn_phase("rerun", args, index)
    table = render(name, args, results)
    print(table)
    out = args.out / f"build-{name}.md"
    out.write_text(table, "utf-8")
    (args.out / f"build-{name}.json").write_text(json.dumps(results, indent=1), "utf-8")
    print(f"written {out}; index left at {index}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
