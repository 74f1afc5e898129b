"""Fault drills for the indexer: kill -9 at random moments, a full disk, a broken archive.

    python -m bench.faults kill [--rounds 20] [--events 3000] [--workers 2] [--seed 1]
    python -m bench.faults disk-full [--events 3000]
    python -m bench.faults archive [--events 3000]

Every drill works on private copies in a temporary folder: a seeded synthetic archive
(``bench.synth``) and an index built from it by ``eventsearch index``, run as a user runs it
(a subprocess). After every fault it checks what docs/reliability.md promises:

- CURRENT names a complete generation: the Whoosh index opens, its live documents agree
  with its search columns and its summary, and the count is the one from before the run or
  the one after it, never anything between;
- the writer lock is free (the kernel drops it with the killed process);
- the next, uninterrupted run succeeds with no manual clean-up and leaves no unfinished
  generation behind.

It prints one line per round and a summary, and exits 0 only when every round kept every
promise. ``tests/test_faults.py`` runs a few rounds of each drill; run more here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ROOT, disk_usage


@dataclass
class Outcome:
    code: int
    seconds: float
    stderr: str
    report: dict[str, Any]


def index_cmd(archive: Path, index: Path) -> list[str]:
    return [sys.executable, "-m", "eventsearch.cli", "index", str(archive), "--index", str(index)]


def run_index(
    archive: Path, index: Path, *extra: str, max_file_bytes: int | None = None
) -> Outcome:
    """``eventsearch index`` to completion, as a subprocess (optionally unable to write a
    file past *max_file_bytes*: the kernel then fails the write with EFBIG)."""

    def limit_file_size() -> None:
        if max_file_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write, don't kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    started = time.perf_counter()
    proc = subprocess.run(
        [*index_cmd(archive, index), "--json", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
        check=False,
    )
    report = json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else {}
    return Outcome(proc.returncode, time.perf_counter() - started, proc.stderr, report)


def add_day(archive: Path, number: int, events: int = 2) -> None:
    """A new day folder with *events* pages (our own text), so a run has something to add."""
    year, rest = 1990 + number // 300, number % 300
    folder = archive / "news" / str(year) / f"{rest // 28 + 1:02d}" / str(rest % 28 + 1)
    folder.mkdir(parents=True, exist_ok=True)
    date = f"{year}-{rest // 28 + 1:02d}-{rest % 28 + 1}"
    for n in range(events):
        (folder / f"drill-{number}-{n}.md").write_text(
            f"### [{date}](/news/{folder.relative_to(archive / 'news').as_posix()}/index.md)\n\n"
            f"##### Fault drills\n# Drill {number} adds event {n} to the archive. \n\n"
            "Written by the fault drill.\n\n### Source:\n\n"
            "1. [Drill Wire](https://drill.example.org/story)\n",
            "utf-8",
        )


def check_index(index: Path, allowed: set[int]) -> str:
    """'' when the served index is complete with an allowed event count; else what is wrong."""
    import numpy as np
    from whoosh.index import open_dir

    from indexer import store
    from indexer.columns import load_columns
    from indexer.errors import IndexLocked

    generation = store.current_generation(index)
    if generation is None:
        return "no current generation"
    try:
        with open_dir(str(generation)).reader() as reader:
            live = reader.doc_count()
        columns = load_columns(generation)
        summary = store.read_summary(generation)
    except Exception as exc:  # any failure to open is exactly what this drill looks for
        return f"{generation.name} does not open: {type(exc).__name__}: {exc}"
    if int(np.count_nonzero(columns.live)) != live or summary.events != live:
        return f"{generation.name}: whoosh {live}, columns/summary disagree"
    if live not in allowed:
        return f"{generation.name} holds {live} events, expected one of {sorted(allowed)}"
    try:
        with store.write_lock(index):
            pass
    except IndexLocked as exc:
        return f"lock still held: {exc}"
    return ""


def leftovers(index: Path) -> list[str]:
    from indexer import store

    current = store.current_generation(index)
    assert current is not None
    return [g.name for g in store.generations(index) if g.name > current.name]


@contextmanager
def scratch(keep: bool) -> Any:
    folder = Path(tempfile.mkdtemp(prefix="eventsearch-faults-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def prepare(folder: Path, events: int, seed: int, workers: int) -> tuple[Path, Path, int]:
    from bench.synth import generate

    archive, index = folder / "archive", folder / "index"
    generate(archive, events, seed, writers=0)
    first = run_index(archive, index, "--workers", str(workers))
    if first.code != 0:
        raise SystemExit(f"the first build failed:\n{first.stderr}")
    return archive, index, int(first.report["events"])


# --------------------------------------------------------------------------------------------
# kill -9


def kill_at(archive: Path, index: Path, extra: list[str], delay: float) -> bool:
    """Run ``eventsearch index`` and kill its process group after *delay* seconds; whether
    it had finished first."""
    proc = subprocess.Popen(
        [*index_cmd(archive, index), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: workers die with it
    )
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return finished


def after_kill(archive: Path, index: Path, workers: int, before: int, after: int) -> str:
    """'' when the killed run kept every promise and the next run recovers; else what broke."""
    problem = check_index(index, {before, after})
    recovered = run_index(archive, index, "--workers", str(workers))
    if not problem and recovered.code != 0:
        problem = f"next run failed: {recovered.stderr.strip()[-300:]}"
    if not problem:
        problem = check_index(index, {after}) or (
            f"unfinished generations left: {left}" if (left := leftovers(index)) else ""
        )
    return problem


def uninterrupted(archive: Path, index: Path, workers: int) -> tuple[dict[str, float], int]:
    """Seconds of a full and of an incremental run (the range of kill times), and the
    event count after them."""
    timing: dict[str, float] = {}
    count = 0
    for mode, extra in (("full", ["--full"]), ("incremental", [])):
        add_day(archive, 10_000 + len(timing))
        done = run_index(archive, index, "--workers", str(workers), *extra)
        count = int(done.report["events"])
        timing[mode] = done.seconds
    print(f"uninterrupted: full {timing['full']:.2f}s, incremental {timing['incremental']:.2f}s")
    return timing, count


def drill_kill(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    failures = 0
    with scratch(args.keep) as folder:
        archive, index, _ = prepare(folder, args.events, args.seed, args.workers)
        timing, count = uninterrupted(archive, index, args.workers)
        for number in range(args.rounds):
            mode = "full" if number % 2 == 0 else "incremental"
            add_day(archive, number)
            extra = ["--workers", str(args.workers), *(["--full"] if mode == "full" else [])]
            delay = rng.uniform(0, timing[mode] * 1.1)
            finished = kill_at(archive, index, extra, delay)
            problem = after_kill(archive, index, args.workers, count, count + 2)
            count += 2
            failures += bool(problem)
            state = "finished first" if finished else f"killed at {delay:.2f}s"
            print(
                f"round {number + 1:3d} {mode:11s} {state:17s} "
                f"{'ok' if not problem else 'FAIL: ' + problem}"
            )
    print(f"{args.rounds - failures}/{args.rounds} rounds kept every promise")
    return 1 if failures else 0


# --------------------------------------------------------------------------------------------
# disk full


def _mount_tmpfs(target: Path, size_kb: int) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def drill_disk_full(args: argparse.Namespace) -> int:
    """Fill the disk under the index during a rebuild: a small tmpfs when this process may
    mount one (root), otherwise a file-size limit (RLIMIT_FSIZE) on the indexer process.
    Both are the kernel refusing a write, which is what a full disk looks like."""
    with scratch(args.keep) as folder:
        archive, built, count = prepare(folder, args.events, args.seed, args.workers)
        size = disk_usage(built) // 1024 + 1  # kB
        mount = folder / "small-disk"
        method = args.method
        if method != "rlimit":
            method = "tmpfs" if _mount_tmpfs(mount, size * 3 // 2) else "rlimit"
        try:
            index = mount / "index" if method == "tmpfs" else built
            if method == "tmpfs":
                shutil.copytree(built, index)
            limit = 64 * 1024 if method == "rlimit" else None
            add_day(archive, 1)
            failed = run_index(
                archive, index, "--full", "--workers", str(args.workers), max_file_bytes=limit
            )
            problems = []
            if failed.code == 0:
                problems.append("the run succeeded on a full disk")
            message = failed.stderr.strip().splitlines()[-1] if failed.stderr.strip() else ""
            if "unchanged" not in message or "Traceback" in failed.stderr:
                problems.append(f"unclear error: {failed.stderr.strip()[-400:]}")
            if problem := check_index(index, {count}):
                problems.append(problem)
            if leftovers(index):
                problems.append(f"the failed generation was left behind: {leftovers(index)}")
            print(f"disk full ({method}, {size} kB index): exit {failed.code}: {message}")
            if method == "tmpfs":
                subprocess.run(["mount", "-o", f"remount,size={size * 4}k", str(mount)], check=True)
            again = run_index(archive, index, "--workers", str(args.workers))
            if again.code != 0 or check_index(index, {count + 2}):
                problems.append(f"no recovery once space was back: {again.stderr[-300:]}")
        finally:
            if method == "tmpfs":
                subprocess.run(["umount", "-l", str(mount)], check=False)
    for problem in problems:
        print(f"FAIL: {problem}")
    print("disk full: " + ("ok" if not problems else f"{len(problems)} problems"))
    return 1 if problems else 0


# --------------------------------------------------------------------------------------------
# a broken archive


def _break(archive: Path, how: str) -> None:
    news = archive / "news"
    if how == "disappears":
        shutil.rmtree(archive)
    elif how == "news is a file":
        shutil.rmtree(news)
        news.write_text("not a folder")
    elif how == "emptied":
        shutil.rmtree(news)
        news.mkdir()
    elif how == "unreadable pages":  # dangling links: unreadable even for root
        for page in list(news.rglob("*.md")):
            page.unlink()
            page.symlink_to(page.with_suffix(".gone"))
    elif how == "garbage":
        rng = random.Random(7)
        for page in news.rglob("*.md"):
            page.write_bytes(rng.randbytes(rng.randint(0, 3000)))
    else:
        raise ValueError(how)


BREAKAGES = ("disappears", "news is a file", "emptied", "unreadable pages", "garbage")


def drill_archive(args: argparse.Namespace) -> int:
    failures = 0
    with scratch(args.keep) as folder:
        original, index, count = prepare(folder, args.events, args.seed, args.workers)
        for how in BREAKAGES:
            archive = folder / "broken"
            shutil.rmtree(archive, ignore_errors=True)
            shutil.copytree(original, archive, symlinks=True)
            _break(archive, how)
            outcome = run_index(archive, index, "--workers", str(args.workers))
            message = outcome.stderr.strip().splitlines()[-1] if outcome.stderr.strip() else ""
            problem = check_index(index, {count})
            if outcome.code == 0:
                problem = problem or "the run published the broken archive"
            elif "Traceback" in outcome.stderr or not message.startswith("eventsearch: error:"):
                problem = problem or f"unclear error: {outcome.stderr[-300:]}"
            failures += bool(problem)
            verdict = "ok" if not problem else "FAIL: " + problem
            print(f"{how:17s} exit {outcome.code}: {message[:150]}  {verdict}")
    print(f"{len(BREAKAGES) - failures}/{len(BREAKAGES)} broken archives left the index serving")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("drill", choices=("kill", "disk-full", "archive"))
    parser.add_argument(
        "--rounds", type=int, default=20, help="kill: rounds (alternating full/incremental)"
    )
    parser.add_argument("--events", type=int, default=3000, help="events in the synthetic archive")
    parser.add_argument("--workers", type=int, default=2, help="indexing workers")
    parser.add_argument("--seed", type=int, default=1, help="seed of archive and kill times")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--method",
        choices=("auto", "rlimit"),
        default="auto",
        help="disk-full: a small tmpfs when possible (auto), or a file-size limit",
    )
    args = parser.parse_args(argv)
    drills = {"kill": drill_kill, "disk-full": drill_disk_full, "archive": drill_archive}
    return drills[args.drill](args)


if __name__ == "__main__":
    sys.exit(main())
