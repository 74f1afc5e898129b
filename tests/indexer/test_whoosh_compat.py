"""What indexer.whoosh_compat relies on in Whoosh is still there and still does it.

An upgrade of Whoosh that renames or changes one of these fails here, naming it, rather
than making builds or searches silently slower (the fast paths fall back) or wrong.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import itertools
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.formats import Positions
from whoosh.index import create_in, open_dir
from whoosh.matching.wrappers import FilterMatcher
from whoosh.writing import SegmentWriter

from indexer import store, whoosh_compat
from indexer.schema import TEXT_FIELDS, build_schema, new_codec

from ..conftest import ROOT

# Names the module uses, as Whoosh spells them (classes, functions, class attributes).
NAMES = [
    "whoosh.codec.base.Codec.length_stats",
    "whoosh.codec.whoosh3.LENGTHS_COLUMN",
    "whoosh.codec.whoosh3.W3Codec",
    "whoosh.codec.whoosh3.W3LeafMatcher._read_data",
    "whoosh.codec.whoosh3.W3LeafMatcher._next_block",
    "whoosh.codec.whoosh3.W3PerDocReader._cached_reader",
    "whoosh.filedb.filestore.FileStorage.open_file",
    "whoosh.index.FileIndex",
    "whoosh.index.TOC.write",
    "whoosh.matching.wrappers.FilterMatcher",
    "whoosh.query.qcore._NullQuery",
    "whoosh.reading.SegmentReader",
    "whoosh.system.pack_uint",
    "whoosh.util.numeric.byte_to_length",
    "whoosh.writing.SegmentWriter._finalize_segment",
    "whoosh.writing.SegmentWriter._close_segment",
    "whoosh.writing.SegmentWriter._finish",
]


def require(owner: Any, name: str, where: str) -> Any:
    assert hasattr(owner, name), (
        f"Whoosh no longer has {where}.{name}, which indexer/whoosh_compat.py relies on"
    )
    return getattr(owner, name)


def resolve(dotted: str) -> Any:
    """The object *dotted* names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for depth, name in enumerate(parts[split:], split):
            found = require(found, name, ".".join(parts[:depth]))
        return found
    raise AssertionError(f"Whoosh no longer has {dotted}")


def test_the_whoosh_installed_is_the_one_pyproject_pins() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    (pin,) = [d for d in project["dependencies"] if d.startswith("whoosh")]
    name, version = pin.split("==")
    assert importlib.metadata.version(name) == version
    with pytest.raises(importlib.metadata.PackageNotFoundError):  # the same `whoosh` package
        importlib.metadata.version("whoosh-reloaded")


@pytest.mark.parametrize("dotted", NAMES)
def test_every_whoosh_name_the_module_uses_still_exists(dotted: str) -> None:
    resolve(dotted)


@pytest.fixture(scope="module")
def leaves(example_index: Path) -> Iterator[list[Any]]:
    generation = store.current_generation(example_index)
    with open_dir(str(generation)).reader() as reader:
        yield [leaf for leaf, _ in reader.leaf_readers()]


def test_field_lengths_read_in_bulk_match_whoosh_per_document(leaves: list[Any]) -> None:
    for leaf in leaves:
        perdoc = require(leaf, "_perdoc", "SegmentReader")
        column = require(perdoc, "_cached_reader", "W3PerDocReader")("_title_len", LENGTHS_COLUMN)
        for name in ("_dbfile", "_basepos", "_count"):
            require(column, name, "the lengths column reader")
        fast = {f: whoosh_compat.stored_lengths(leaf, f) for f in TEXT_FIELDS}  # no fallback
        slow = whoosh_compat.slow_segment_lengths(leaf, TEXT_FIELDS)
        assert all(np.array_equal(fast[f], slow[f]) for f in TEXT_FIELDS)
        assert all(fast[f].any() for f in ("title", "summary"))
        assert whoosh_compat.segment_lengths(leaf, TEXT_FIELDS).keys() == fast.keys()


def test_block_reads_of_postings_equal_whoosh_reading_them_one_by_one(
    leaves: list[Any],
) -> None:
    for leaf in leaves:
        for field in ("title", "summary", "story", "outlets", "title_grams"):
            for term in itertools.islice(leaf.lexicon(field), 0, None, 3):
                matcher = leaf.postings(field, term)
                inner = matcher.child if isinstance(matcher, FilterMatcher) else matcher
                assert type(inner) is W3LeafMatcher, "postings no longer read by block"
                for name in ("_byteids", "_data"):
                    require(inner, name, "W3LeafMatcher")
                one_by_one = np.fromiter(leaf.postings(field, term).all_ids(), np.int64)
                assert np.array_equal(whoosh_compat.posting_ids(matcher), one_by_one)


def test_block_reads_of_postings_with_weights_equal_whoosh_reading_them_one_by_one(
    leaves: list[Any],
) -> None:
    for leaf in leaves:
        for field in ("title", "summary", "story", "outlets", "title_grams"):
            for term in itertools.islice(leaf.lexicon(field), 0, None, 3):
                matcher, ids, weights = leaf.postings(field, term), [], []
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    matcher.next()
                fast_ids, fast_weights = whoosh_compat.posting_arrays(leaf.postings(field, term))
                assert fast_ids.tolist() == ids
                assert fast_weights.dtype == np.float32 and fast_weights.tolist() == weights


def test_block_reads_of_positions_equal_whoosh_reading_them_one_by_one(
    leaves: list[Any],
) -> None:
    for leaf in leaves:
        for field in ("title", "summary", "story", "title_grams"):
            for term in itertools.islice(leaf.lexicon(field), 0, None, 3):
                fast = whoosh_compat.posting_positions(leaf.postings(field, term))
                # the public API: matcher.value_as("positions"), a posting at a time
                slow = whoosh_compat._walked_positions(leaf.postings(field, term))
                assert [a.tolist() for a in fast] == [a.tolist() for a in slow]
                assert len(fast[0]) and int(fast[1].sum()) == len(fast[2])


def test_postings_behind_a_deleted_documents_filter_are_read_by_block(
    leaves: list[Any],
) -> None:
    term = next(iter(leaves[0].lexicon("title")))
    wrapped = FilterMatcher(leaves[0].postings("title", term), frozenset(), exclude=True)
    require(wrapped, "child", "FilterMatcher")
    one_by_one = np.fromiter(leaves[0].postings("title", term).all_ids(), np.int64)
    assert np.array_equal(whoosh_compat.posting_ids(wrapped), one_by_one)


def test_a_worker_segment_is_named_only_by_the_toc_its_parent_writes(tmp_path: Path) -> None:
    schema = build_schema()
    create_in(str(tmp_path), schema)
    ix = open_dir(str(tmp_path))
    writer = whoosh_compat.segment_writer(ix, 16, new_codec())
    assert require(writer, "_added", "SegmentWriter") is False
    writer.add_document(title="Floods in Examplia", daydir="news/2020/01/1")
    segment = whoosh_compat.finish_segment(writer)
    assert segment is not None
    assert open_dir(str(tmp_path)).doc_count_all() == 0  # no TOC names it yet
    with whoosh_compat.segment_reader(ix, segment) as reader:
        assert reader.doc_count_all() == 1
        assert whoosh_compat.segment_lengths(reader, TEXT_FIELDS)["title"].tolist() == [
            2
        ]  # "in" is stopped
    whoosh_compat.write_toc(ix, schema, [segment])
    assert open_dir(str(tmp_path)).doc_count_all() == 1


def test_a_worker_with_nothing_to_write_writes_no_segment(tmp_path: Path) -> None:
    create_in(str(tmp_path), build_schema())
    writer = whoosh_compat.segment_writer(open_dir(str(tmp_path)), 16, new_codec())
    assert whoosh_compat.finish_segment(writer) is None


def open_files() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


def test_a_generation_that_fails_to_open_leaves_no_file_open(
    example_index: Path, tmp_path: Path
) -> None:
    generation = store.current_generation(example_index)
    assert generation is not None
    damaged = tmp_path / "gen-000009"
    shutil.copytree(generation, damaged)
    for segment in damaged.glob("MAIN_*.trm"):  # its term table
        segment.write_bytes(b"\0garbage")
    before = open_files()
    with pytest.raises(Exception):  # noqa: B017 - whatever Whoosh raises for garbage
        whoosh_compat.open_searcher(damaged)
    assert open_files() == before
    index, searcher = whoosh_compat.open_searcher(generation)
    with searcher:
        assert searcher.doc_count() == index.doc_count() > 0


def test_null_query_type_is_the_class_of_whoosh_null_query() -> None:
    assert isinstance(wq.NullQuery, whoosh_compat.NullQueryType)
    assert isinstance(wq.And([]).normalize(), whoosh_compat.NullQueryType)
    assert not isinstance(wq.Every(), whoosh_compat.NullQueryType)


def test_the_writer_still_asks_the_codec_whether_to_gather_length_statistics() -> None:
    assert new_codec().length_stats is False
    assert "length_stats" in inspect.getsource(SegmentWriter), (
        "SegmentWriter no longer reads codec.length_stats: EventCodec saves nothing"
    )


@pytest.mark.parametrize("pos", [0, 1, 127, 128, 65_536, 2**31 - 1])
def test_one_position_is_encoded_as_whoosh_encodes_it(pos: int) -> None:
    assert whoosh_compat.single_position(pos) == Positions().encode([pos])
