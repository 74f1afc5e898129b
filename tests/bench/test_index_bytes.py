"""An index's bytes by what they hold: every byte counted once, each file under its kind."""

from __future__ import annotations

from pathlib import Path

from bench.common import disk_usage
from bench.index_bytes import bytes_by_kind
from indexer import build, store

from ..conftest import EXAMPLE_ARCHIVE


def test_every_byte_of_a_generation_is_counted_under_one_kind(tmp_path: Path) -> None:
    build.run(EXAMPLE_ARCHIVE, tmp_path / "index", workers=1)
    generation = store.current_generation(tmp_path / "index")
    assert generation is not None

    kinds = bytes_by_kind("eventsearch", generation)

    assert sum(kinds.values()) == disk_usage(generation)
    assert {"stored fields", "postings + positions", "term dictionary"} <= set(kinds)
    assert {"search columns + vocabulary", "manifest (per-day state)"} <= set(kinds)
    assert kinds["stored fields"] > kinds["field lengths + dates (Whoosh)"]  # events count
    assert list(kinds.values()) == sorted(kinds.values(), reverse=True)


def test_a_file_no_rule_names_is_other_and_an_engine_without_rules_is_all_other(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.store").write_bytes(b"x" * 5000)
    (tmp_path / "notes.txt").write_bytes(b"y" * 5000)

    assert set(bytes_by_kind("tantivy", tmp_path)) == {"stored fields", "other"}
    assert set(bytes_by_kind("fts5", tmp_path)) == {"other"}
