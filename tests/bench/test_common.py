"""bench.common: percentiles, disk usage, process trees, the machine's facts, report cells."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bench.common import (
    ROOT,
    argument,
    disk_usage,
    fmt_ms,
    machine,
    machine_line,
    md,
    median,
    memory_of,
    percentile,
    ratio,
    role,
    shown,
    tree_cpu,
    versions,
)


@pytest.mark.parametrize(
    ("share", "expected"), [(0.0, 1), (0.1, 1), (0.5, 5), (0.95, 10), (0.99, 10), (1.0, 10)]
)
def test_percentile_is_the_nearest_rank(share: float, expected: float) -> None:
    assert percentile([float(v) for v in range(10, 0, -1)], share) == expected


def test_percentile_and_median_of_nothing_are_nan() -> None:
    assert math.isnan(percentile([], 0.5))
    assert math.isnan(median([]))
    assert median([3.0, 1.0, 2.0]) == 2.0


def test_disk_usage_counts_allocated_blocks_of_a_file_or_a_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a").write_bytes(b"x" * 10_000)
    (tmp_path / "b").write_bytes(b"y")
    one = disk_usage(tmp_path / "sub" / "a")
    assert one >= 10_000 and one % 512 == 0
    assert disk_usage(tmp_path) == one + disk_usage(tmp_path / "b")
    assert disk_usage(tmp_path / "missing") == 0


def test_memory_of_a_process_tree_includes_its_children() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        memory = memory_of(os.getpid())
        pids = [p.pid for p in memory.processes]
        assert pids[0] == os.getpid() and child.pid in pids
        assert all(0 < p.rss_mb <= p.peak_mb for p in memory.processes)
        assert memory.rss == sum(p.rss_mb for p in memory.processes)
        assert tree_cpu(os.getpid()) > 0
    finally:
        child.kill()
        child.wait()
    assert memory_of(child.pid).processes == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["/usr/bin/python3", "-m", "eventsearch.cli", "serve"], "supervisor"),
        (["python", "-c", "from multiprocessing.spawn import spawn_main"], "worker"),
        (["python", "-c", "from multiprocessing.resource_tracker import main"], "resource tracker"),
        (["python", "-m", "datasette", "serve"], "datasette"),
        (["/usr/sbin/nginx", "-c", "x"], "nginx"),
        ([], "?"),
    ],
)
def test_server_processes_are_named_by_their_role(command: list[str], expected: str) -> None:
    assert role(command) == expected


def test_reports_show_paths_relative_to_the_repository() -> None:
    assert shown(ROOT / "bench" / "out" / "index-zh") == "bench/out/index-zh"
    assert shown(ROOT.parent / "shared" / "corpus" / "zh") == "../shared/corpus/zh"
    assert shown("/") == "/"


def test_reports_name_no_folder_of_this_machine_outside_the_repository() -> None:
    if len(ROOT.parts) > 2:  # a folder in the repository's top-level folder: ../ parts
        beside = Path(*ROOT.parts[:2]) / "benchdata" / "index-zh"
        assert shown(beside).startswith("../") and shown(beside).endswith("benchdata/index-zh")
    scratch = Path(tempfile.gettempdir()) / "scale-20k" / "tantivy"
    assert (ROOT / argument(scratch)).resolve() == scratch.resolve()
    assert argument(ROOT / "docs") == "docs"
    if ROOT.is_relative_to(Path(tempfile.gettempdir()).resolve()):  # a checkout in /tmp (CI):
        assert shown(scratch) == "../scale-20k/tantivy"  # the scratch folder is beside it
    else:
        assert shown(scratch) == "$TMPDIR/scale-20k/tantivy"
        assert argument(scratch) == str(scratch)


def test_the_machine_is_named_by_its_facts() -> None:
    facts = machine(peers=True)
    assert facts["cores"] == str(os.cpu_count())
    assert facts["memory"].endswith(" GiB") and facts["cpu"]
    assert facts["packages"].startswith("eventsearch ")
    assert (
        "sqlite-utils" in facts["packages"] or "sqlite_utils (not installed)" in facts["packages"]
    )
    line = machine_line()
    assert line.startswith(f"Machine: {facts['cpu']}, {facts['cores']} cores, ")
    assert facts["python"] in line and "datasette" not in line


def test_versions_name_the_distribution_or_say_it_is_missing() -> None:
    assert versions(["numpy", "no_such_module_here"]).split(", ") == [
        f"numpy {__import__('numpy').__version__}",
        "no_such_module_here (not installed)",
    ]


def test_report_cells() -> None:
    assert [fmt_ms(v) for v in (None, math.nan, 3.14159, 42.42, 1234.5)] == [
        "-", "-", "3.14", "42.4", "1,234"
    ]  # fmt: skip
    assert ratio(1.0, 4.0) == "0.25x"
    assert ratio(1.0, 0.0) == ratio(None, 1.0) == ratio(math.nan, 1.0) == "-"
    assert md("a|b\nc") == "a\\|b c"
