"""What every benchmark shares: timing and percentiles, disk and memory figures, the machine's
facts, paths as reports show them, and the formats of report cells.

Heavier modules (psutil, sqlite3, importlib.metadata) are imported where they are used: the
build benchmark's phase processes import this module, and their peak memory is a figure.

Processes are read with ``psutil`` (process trees, resident memory, CPU times) rather than by
parsing ``/proc`` by hand; the one figure psutil does not give, another process's peak
resident memory (``VmHWM``), is read from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import psutil

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"  # where reports and indexes go by default (git ignores it)
T = TypeVar("T")
MB = 2**20

# Import names of the libraries whose versions a report names (the distribution that
# provides each is looked up, so a fork such as whoosh3 for whoosh shows as itself).
ENGINE_PACKAGES = ("eventsearch", "whoosh", "numpy", "rjieba", "starlette", "uvicorn")
PEER_PACKAGES = ("datasette", "sqlite_utils", "tantivy")


# --------------------------------------------------------------------------------------------
# Logging: progress goes to stderr as ``[bench.module] message``; reports go to stdout.


def setup_logging() -> None:
    """What each command's ``main`` calls first (a no-op when logging is set up already,
    as under pytest)."""
    logging.basicConfig(level=logging.INFO, format="[%(name)s] %(message)s", stream=sys.stderr)


def publish(report: str, path: Path) -> None:
    """Print a report and write it to *path* (its folder made if need be)."""
    print(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report, "utf-8")
    logging.getLogger("bench").info(f"written {shown(path)}")


# --------------------------------------------------------------------------------------------
# Time and percentiles.


def ms_since(started: float) -> float:
    """Milliseconds since *started* (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - started) * 1000


def spans(started: float, *marks: tuple[str, float]) -> dict[str, float]:
    """Seconds of each step, from ``(name, perf_counter() when it ended)`` marks, and the
    ``total`` since *started*."""
    found, previous = {}, started
    for name, ended in marks:
        found[name], previous = ended - previous, ended
    return {**found, "total": previous - started}


def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[float, T]:
    """(milliseconds, result) of one call of ``fn(*args, **kwargs)``."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return ms_since(started), result


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of *values*; NaN when there are none."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def median(values: Sequence[float]) -> float:
    """The median of *values*; NaN when there are none."""
    return statistics.median(values) if values else math.nan


# --------------------------------------------------------------------------------------------
# Disk and memory.


def disk_usage(path: Path) -> int:
    """Bytes allocated on disk for *path*, a file or a folder (links not followed), like ``du``."""
    if not path.is_dir():
        with contextlib.suppress(OSError):
            return path.lstat().st_blocks * 512
        return 0
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):  # a file removed while we count
                total += (Path(folder) / name).lstat().st_blocks * 512
    return total


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), MB."""
    import psutil

    return float(psutil.Process(pid).memory_info().rss) / MB


def own_peak_rss_mb() -> float:
    """This process's peak resident memory, MB (``ru_maxrss``: kilobytes on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb(pid: int) -> float:
    """Another process's peak resident memory (``VmHWM``), MB; 0 when it cannot be read.
    psutil has no such figure, so this one is read from /proc."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def process_tree(pid: int) -> list[psutil.Process]:
    """The process *pid* and all its descendants (none when it has gone)."""
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of *pid* and its living descendants."""
    import psutil

    total = 0.0
    for process in process_tree(pid):
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


ROLES = (  # what a server's process is, by a marker in its command line
    ("resource_tracker", "resource tracker"),
    ("multiprocessing", "worker"),
    ("eventsearch.cli", "supervisor"),
    ("-m datasette", "datasette"),
)


def role(command: Sequence[str]) -> str:
    """A short name for a server process, from its command line."""
    line = " ".join(command)
    found = next((name for marker, name in ROLES if marker in line), None)
    return found or (Path(command[0]).name if command else "?")


@dataclass(frozen=True, slots=True)
class ProcessMemory:
    pid: int
    role: str
    rss_mb: float
    peak_mb: float


@dataclass(frozen=True, slots=True)
class Memory:
    """Resident memory of a process tree (MB): now and at its peak, per process."""

    processes: list[ProcessMemory]

    @property
    def rss(self) -> float:
        return sum(p.rss_mb for p in self.processes)

    @property
    def peak(self) -> float:
        return sum(p.peak_mb for p in self.processes)

    def detail(self) -> str:
        return ", ".join(f"{p.role} {p.rss_mb:,.0f}" for p in self.processes)

    def of(self, role_name: str) -> list[float]:
        """RSS of the processes in that role (e.g. ``worker``), MB."""
        return [p.rss_mb for p in self.processes if p.role == role_name]


def memory_of(pid: int) -> Memory:
    """The memory of *pid*'s process tree, its root first (processes without memory, such
    as zombies, are left out)."""
    import psutil

    rows = []
    for process in process_tree(pid):
        with contextlib.suppress(psutil.Error):
            with process.oneshot():
                rss, command = process.memory_info().rss / MB, process.cmdline()
            if rss:
                rows.append(
                    ProcessMemory(process.pid, role(command), rss, peak_rss_mb(process.pid))
                )
    return Memory(rows)


# --------------------------------------------------------------------------------------------
# The machine and the code.


def code_version() -> str:
    """A short hash of indexer/ and search/ sources: shows when the library changed between
    phases (it is edited by others while benchmarks run)."""
    digest = hashlib.blake2b(digest_size=5)
    for path in sorted([*ROOT.glob("indexer/*.py"), *ROOT.glob("search/*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``: neither psutil nor the standard library
    gives it on Linux)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def versions(modules: Sequence[str]) -> str:
    """``name version`` of the distribution providing each import name, comma-separated."""
    from importlib import metadata

    providers = metadata.packages_distributions()
    found = []
    for module in modules:
        names = providers.get(module, [module])
        try:
            found.append(f"{names[0]} {metadata.version(names[0])}")
        except metadata.PackageNotFoundError:
            found.append(f"{module} (not installed)")
    return ", ".join(found)


@cache
def machine(peers: bool = False) -> dict[str, str]:
    """The facts that name the machine a report was made on, and the software versions."""
    import sqlite3

    import psutil

    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 2**30:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        "packages": versions(ENGINE_PACKAGES + (PEER_PACKAGES if peers else ())),
    }


def revision() -> str:
    """The commit the benchmark ran from (short hash, "+changes" when the tree differs from
    it), or "?" outside a git checkout: results from two revisions must not pass for one."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "?"
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine_line() -> str:
    """The machine in one sentence, for the head of a report."""
    m = machine()
    return (
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} memory; {m['os']}; "
        f"{m['python']}; {m['packages']}."
    )


# --------------------------------------------------------------------------------------------
# Report cells.


def _relative(path: Path) -> str | None:
    """*path* relative to the repository when inside it or in its top-level folder."""
    if path.is_relative_to(ROOT):
        return path.relative_to(ROOT).as_posix() or "."
    if len(ROOT.parts) > 2 and path.parts[:2] == ROOT.parts[:2]:
        return Path(os.path.relpath(path, ROOT)).as_posix()
    return None


def shown(path: Path | str) -> str:
    """*path* as a report shows it: relative to the repository when inside it or in the
    same top-level folder (``..`` parts: ``../shared/corpus/zh``, ``../../benchdata``), a
    temporary folder's as ``$TMPDIR/…``, else as given (``/``). A report then reads the
    same on every checkout and names no folder of the machine it ran on. (Not a path to
    pass on: :func:`argument` is.)"""
    tmp = Path(tempfile.gettempdir()).resolve()
    for candidate in (Path(path).absolute(), Path(path).resolve()):
        relative = _relative(candidate)
        if relative is not None:
            return relative
        if candidate.is_relative_to(tmp) and candidate != tmp:
            return "$TMPDIR/" + candidate.relative_to(tmp).as_posix()
    return str(path)


def argument(path: Path | str) -> str:
    """*path* as passed to a step run in the repository: relative as :func:`shown` makes
    it where it can be (so that the step's report quotes it so), else absolute."""
    return _relative(Path(path).absolute()) or str(Path(path).absolute())


def fmt_ms(value: float | None) -> str:
    """Milliseconds with the digits that matter: 2 decimals below 10, 1 below 100."""
    if value is None or math.isnan(value):
        return "-"
    if value < 10:
        return f"{value:.2f}"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio(value: float | None, reference: float | None) -> str:
    """``value / reference`` as ``1.23x``; ``-`` when either is missing."""
    if value is None or reference is None or math.isnan(value) or math.isnan(reference):
        return "-"
    return f"{value / reference:.2f}x" if reference > 0 else "-"


def md(text: str) -> str:
    """*text* safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
