"""The postings table of a generation, term by term against Whoosh reading the same
postings one at a time: after a full build, and after incremental runs that add,
change and delete days (the table extended from the previous generation's)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from whoosh.index import open_dir

import indexer.postings
from indexer import store
from indexer.build import run
from indexer.columns import load_columns
from indexer.postings import POSTINGS, TABLED_FIELDS, PostingsTable, load_postings

from .test_build import write_day

Walked = dict[tuple[str, str], tuple[list[int], list[float]]]


def walked(generation: Path, min_docs: int) -> Walked:
    """Every term of the tabled fields in at least *min_docs* documents, with its live
    documents and weights as Whoosh's matcher gives them one posting at a time."""
    live = np.asarray(load_columns(generation).live)
    found: Walked = {}
    with open_dir(str(generation)).reader() as reader:
        for field in TABLED_FIELDS:
            for term, info in reader.iter_field(field):
                if info.doc_frequency() < min_docs:
                    continue
                matcher = reader.postings(field, term)
                docs, weights = [], []
                while matcher.is_active():
                    if live[matcher.id()]:
                        docs.append(matcher.id())
                        weights.append(matcher.weight())
                    matcher.next()
                found[(field, term.decode())] = (docs, weights)
    return found


def tabled(table: PostingsTable) -> Walked:
    found: Walked = {}
    for field, text in table.terms():
        hit = table.find(field, text)
        assert hit is not None, (field, text)
        found[(field, text)] = (hit[0].tolist(), hit[1].astype(np.float64).tolist())
    return found


def current(index: Path) -> Path:
    generation = store.current_generation(index)
    assert generation is not None
    return generation


def assert_table_is_the_walk(index: Path, min_docs: int) -> PostingsTable:
    generation = current(index)
    table = load_postings(generation)
    assert table is not None
    expected = walked(generation, min_docs)
    assert tabled(table) == expected
    assert table.docs.dtype == np.int32 and table.weights.dtype == np.float16  # held exactly
    return table


@pytest.fixture
def every_term(monkeypatch: pytest.MonkeyPatch) -> int:
    """Table every term: the example archive has no term in MIN_DOCS documents."""
    monkeypatch.setattr(indexer.postings, "MIN_DOCS", 1)
    return 1


def test_a_full_builds_table_holds_every_frequent_terms_postings_as_whoosh_reads_them(
    archive_copy: Path, tmp_path: Path, every_term: int
) -> None:
    run(archive_copy, tmp_path / "ix", workers=1)
    table = assert_table_is_the_walk(tmp_path / "ix", every_term)
    assert {f for f, _ in table.terms()} >= {"title", "summary", "title_grams"}
    assert float(table.weights.max()) > 1  # field boosts and repeated words: not all 1.0


def test_incremental_runs_extend_the_table_as_whoosh_reads_every_segment(
    archive_copy: Path, tmp_path: Path, every_term: int
) -> None:
    index = tmp_path / "ix"
    run(archive_copy, index, workers=1)
    folder = write_day(archive_copy)  # a new day: new terms, new documents
    shutil.rmtree(sorted(p for p in (archive_copy / "news").glob("*/*/*") if p.is_dir())[2])
    assert run(archive_copy, index, workers=1).mode == "incremental"
    assert_table_is_the_walk(index, every_term)
    page = folder / "a-city-opens-a-new-bridge.md"  # a changed day: its old documents deleted
    page.write_text(page.read_text("utf-8").replace("six years", "seven years"), "utf-8")
    os.utime(page, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert run(archive_copy, index, workers=1).mode == "incremental"
    table = assert_table_is_the_walk(index, every_term)
    assert table.find("summary", "seven") is not None
    # an older day deleted, none added: no new segment (the last one must not be re-read)
    days = sorted(p for p in (archive_copy / "news").glob("*/*/*") if p.is_dir())
    shutil.rmtree(next(day for day in days if day != folder))
    assert run(archive_copy, index, workers=1).mode == "incremental"
    assert_table_is_the_walk(index, every_term)


def test_a_term_becoming_frequent_in_an_incremental_run_is_read_from_every_segment(
    archive_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer.postings, "MIN_DOCS", 2)
    index = tmp_path / "ix"
    write_day(archive_copy, "news/2010/01/1")  # "bridge" in one document: not tabled
    run(archive_copy, index, workers=1)
    first = load_postings(current(index))
    assert first is not None and first.find("title", "bridg") is None
    write_day(archive_copy, "news/2010/01/2")  # ... now in two, one in each segment
    assert run(archive_copy, index, workers=1).mode == "incremental"
    table = assert_table_is_the_walk(index, 2)
    hit = table.find("title", "bridg")
    assert hit is not None and len(hit[0]) == 2


def test_terms_not_tabled_are_not_found(archive_copy: Path, tmp_path: Path) -> None:
    run(archive_copy, tmp_path / "ix", workers=1)
    table = load_postings(current(tmp_path / "ix"))
    assert table is not None
    assert table.find("title", "bridg") is None  # below MIN_DOCS in a small archive
    assert table.find("title", "x" * 1000) is None  # longer than any key


def test_a_generation_written_before_tables_has_none(archive_copy: Path, tmp_path: Path) -> None:
    run(archive_copy, tmp_path / "ix", workers=1)
    shutil.rmtree(current(tmp_path / "ix") / POSTINGS)
    assert load_postings(current(tmp_path / "ix")) is None


def test_weights_float16_cannot_hold_exactly_are_kept_as_float32(tmp_path: Path) -> None:
    weights = np.asarray([1.0, 0.25, 1000.3], np.float32)  # 1000.3 is no float16
    table = indexer.postings._table([b"title storm"], [(np.arange(3, dtype=np.int32), weights)])
    indexer.postings._save(tmp_path, table)

    saved = load_postings(tmp_path)
    assert saved is not None and saved.weights.dtype == np.float32
    found = saved.find("title", "storm")
    assert found is not None and found[1].tolist() == weights.tolist()
