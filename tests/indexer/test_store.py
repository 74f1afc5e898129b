"""The manifest and summary of a generation: typed in memory, the same JSON on disk."""

from __future__ import annotations

import json
from pathlib import Path

from indexer import store
from indexer.store import DayReport, Manifest, Summary

# A manifest as eventsearch has written it (separators and key order included).
WRITTEN = (
    '{"segments":2,"documents":5,"deleted_docs":1,"schema":8,"archive":"/srv/archive",'
    '"created":1718000000.5,"days":{"news/2017/02/3":{"fingerprint":"ab12","pages":3,'
    '"events":2,"duplicates":1,"listing_only":0,"skipped":[["news/2017/02/3/x.md",'
    '"too large"]],"warnings":[["news/2017/02/3/y.md","unsafe URL dropped"]],'
    '"headings":["examplia","示例"],"folder_mtime":1717999000000000000}},'
    '"stray":[["news/notes.md","not in a day folder"]]}'
)


def test_a_manifest_reads_as_types_and_writes_back_the_same_json(tmp_path: Path) -> None:
    (tmp_path / store.MANIFEST).write_text(WRITTEN, "utf-8")

    manifest = store.read_manifest(tmp_path)
    store.write_manifest(tmp_path, manifest)

    day = manifest.days["news/2017/02/3"]
    assert day.fingerprint == "ab12" and day.headings == ("examplia", "示例")
    assert day.skipped == [("news/2017/02/3/x.md", "too large")]
    assert manifest.stray == [("news/notes.md", "not in a day folder")]
    assert (tmp_path / store.MANIFEST).read_text("utf-8") == WRITTEN


def test_the_summary_is_derived_from_the_manifest(tmp_path: Path) -> None:
    (tmp_path / store.MANIFEST).write_text(WRITTEN, "utf-8")
    store.write_manifest(tmp_path, store.read_manifest(tmp_path))

    assert json.loads((tmp_path / store.SUMMARY).read_text("utf-8")) == {
        "schema": 8,
        "events": 2,
        "created": 1718000000.5,
    }
    assert store.read_summary(tmp_path) == Summary(8, 2, 1718000000.5)


def test_a_generation_without_a_summary_derives_one_from_its_manifest(tmp_path: Path) -> None:
    (tmp_path / store.MANIFEST).write_text(WRITTEN, "utf-8")

    assert store.read_summary(tmp_path) == Summary(8, 2, 1718000000.5)


def test_an_old_manifest_missing_later_fields_reads_with_defaults() -> None:
    day = {"fingerprint": "f", "pages": 1, "events": 1, "duplicates": 0, "listing_only": 0}
    old = Manifest.from_json({"schema": 3, "archive": "/a", "days": {"d": {**day}}})

    assert old.segments == 1 and old.deleted_docs == 0 and old.stray == []
    assert old.days["d"] == DayReport(fingerprint="f", pages=1, events=1)
    assert old.summary() == Summary(3, 1, None)
