"""bench.incremental: new days indexed one at a time, then removed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench import incremental
from indexer.build import run


def test_each_new_day_is_an_incremental_run_and_the_archive_is_left_as_it_was(
    archive_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(archive_copy, tmp_path / "ix", workers=1)
    before = sorted(p.relative_to(archive_copy) for p in archive_copy.rglob("*"))
    newest, _ = incremental.last_day(archive_copy)

    assert incremental.main(["--archive", str(archive_copy), "--index", str(tmp_path / "ix"),
                             "--days", "1"]) == 0  # fmt: skip

    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| new")]
    assert len(rows) == 2 and all("| incremental |" in row for row in rows)
    assert str(newest + dt.timedelta(days=1)) in rows[0]
    assert sorted(p.relative_to(archive_copy) for p in archive_copy.rglob("*")) == before
