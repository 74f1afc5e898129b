"""Scanning an archive: day folders, fingerprints, and quick scans by folder mtime."""

from __future__ import annotations

import os
import time
from pathlib import Path

from indexer.archive import scan

from ..conftest import EXAMPLE_ARCHIVE


def _aged(archive: Path, seconds: int = 3600) -> None:
    past = time.time_ns() - seconds * 10**9
    for folder in (p for p in archive.rglob("*") if p.is_dir()):
        os.utime(folder, ns=(past, past))


def test_recent_folders_are_not_offered_for_quick_scans(archive_copy: Path) -> None:
    _aged(archive_copy, seconds=0)
    assert {day.folder_mtime for day in scan(archive_copy).days.values()} == {0}


def test_quick_scan_lists_only_folders_whose_mtime_changed(archive_copy: Path) -> None:
    _aged(archive_copy)
    full = scan(archive_copy)
    trusted = {key: day.folder_mtime for key, day in full.days.items()}
    changed = next(iter(full.days.values()))
    (changed.path / "a-new-page.md").write_text("### [2017-02-3](/x)\n\n# New.\n", "utf-8")
    quick = scan(archive_copy, trusted)
    assert list(quick.days) == [changed.key]
    assert quick.unchanged == set(full.days) - {changed.key}


def test_scan_of_the_example_archive_lists_every_page_in_name_order() -> None:
    found = scan(EXAMPLE_ARCHIVE)
    assert list(found.days) == sorted(found.days, key=lambda k: k.split("/"))
    for day in found.days.values():
        names = sorted(p.name for p in day.path.iterdir() if p.name.endswith(".md"))
        assert [name for name, _, _ in day.files] == names
