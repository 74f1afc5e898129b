"""The eventsearch command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import EXAMPLE_ARCHIVE, ROOT


def eventsearch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eventsearch.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_index_json_summary_has_the_documented_keys(tmp_path: Path) -> None:
    result = eventsearch("index", str(EXAMPLE_ARCHIVE), "--index", str(tmp_path / "ix"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"pages", "events", "duplicates", "listing_only", "skipped", "seconds"} <= set(summary)
    assert summary["events"] > 40 and summary["skipped"] == []
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_index_prints_a_readable_summary(tmp_path: Path) -> None:
    result = eventsearch("index", str(EXAMPLE_ARCHIVE), "--index", str(tmp_path / "ix"))
    assert result.returncode == 0
    assert result.stdout.startswith("full: ") and "events from" in result.stdout


def test_missing_archive_exits_2_with_one_line(tmp_path: Path) -> None:
    result = eventsearch("index", str(tmp_path / "missing"), "--index", str(tmp_path / "ix"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "archive folder not found" in result.stderr
    assert "Traceback" not in result.stderr
