"""The fault drills of ``bench.faults``, a few rounds each: kill -9, disk full, broken archive.

Each drill checks its own promises and exits non-zero when one is broken; these tests run
them small enough for CI. ``python -m bench.faults kill --rounds 100`` runs longer.
"""

from __future__ import annotations

import pytest

from bench import faults

pytestmark = pytest.mark.slow


def test_indexer_killed_at_random_moments_never_leaves_a_partial_index(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = faults.main(["kill", "--rounds", "6", "--events", "1500", "--seed", "3"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "6/6 rounds kept every promise" in out


@pytest.mark.parametrize("method", ["auto", "rlimit"])
def test_full_disk_during_a_rebuild_fails_clearly_and_keeps_the_index(
    capsys: pytest.CaptureFixture[str], method: str
) -> None:
    code = faults.main(["disk-full", "--events", "800", "--method", method])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "disk full: ok" in out


def test_broken_archives_are_reported_and_the_index_keeps_serving(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = faults.main(["archive", "--events", "800"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{len(faults.BREAKAGES)}/{len(faults.BREAKAGES)} broken archives" in out
