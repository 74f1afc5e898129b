"""The manifest and summary of a generation: typed in memory, the same JSON on disk."""

from __future__ import annotations

import gzip
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


def written(folder: Path, text: str = WRITTEN) -> None:
    (folder / store.MANIFEST).write_bytes(gzip.compress(text.encode("utf-8")))


def test_a_manifest_reads_as_types_and_writes_back_the_same_json(tmp_path: Path) -> None:
    written(tmp_path)

    manifest = store.read_manifest(tmp_path)
    store.write_manifest(tmp_path, manifest)

    day = manifest.days["news/2017/02/3"]
    assert day.fingerprint == "ab12" and day.headings == ("examplia", "示例")
    assert day.skipped == [("news/2017/02/3/x.md", "too large")]
    assert manifest.stray == [("news/notes.md", "not in a day folder")]
    assert gzip.decompress((tmp_path / store.MANIFEST).read_bytes()).decode() == WRITTEN


def test_a_manifest_is_written_gzipped_and_the_same_each_time(tmp_path: Path) -> None:
    # gzip's header would carry the time of writing: two runs writing the same manifest
    # write the same bytes
    written(tmp_path)
    store.write_manifest(tmp_path, store.read_manifest(tmp_path))
    first = (tmp_path / store.MANIFEST).read_bytes()
    store.write_manifest(tmp_path, store.read_manifest(tmp_path))

    assert (tmp_path / store.MANIFEST).read_bytes() == first
    assert len(first) < len(WRITTEN)


def test_a_generation_written_before_gzip_is_still_read(tmp_path: Path) -> None:
    generation = tmp_path / "gen-000003"
    generation.mkdir()
    (generation / store.PLAIN_MANIFEST).write_text(WRITTEN, "utf-8")
    (tmp_path / store.CURRENT).write_text(generation.name, "utf-8")

    assert store.current_generation(tmp_path) == generation
    assert store.read_manifest(generation).days["news/2017/02/3"].fingerprint == "ab12"
    assert store.needs_rebuild(tmp_path)  # its schema (8) is not this eventsearch's


def test_the_summary_is_derived_from_the_manifest(tmp_path: Path) -> None:
    written(tmp_path)
    store.write_manifest(tmp_path, store.read_manifest(tmp_path))

    assert json.loads((tmp_path / store.SUMMARY).read_text("utf-8")) == {
        "schema": 8,
        "events": 2,
        "created": 1718000000.5,
    }
    assert store.read_summary(tmp_path) == Summary(8, 2, 1718000000.5)


def test_a_generation_without_a_summary_derives_one_from_its_manifest(tmp_path: Path) -> None:
    written(tmp_path)

    assert store.read_summary(tmp_path) == Summary(8, 2, 1718000000.5)


def test_an_old_manifest_missing_later_fields_reads_with_defaults() -> None:
    day = {"fingerprint": "f", "pages": 1, "events": 1, "duplicates": 0, "listing_only": 0}
    old = Manifest.from_json({"schema": 3, "archive": "/a", "days": {"d": {**day}}})

    assert old.segments == 1 and old.deleted_docs == 0 and old.stray == []
    assert old.days["d"] == DayReport(fingerprint="f", pages=1, events=1)
    assert old.summary() == Summary(3, 1, None)
