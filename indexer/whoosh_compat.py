"""Every use of Whoosh beyond its public API, in one place.

eventsearch codes against Whoosh 2.7's API (as the maintained fork, whoosh3, keeps it;
see pyproject for the choice of fork). Where speed or robustness needs what that API
does not offer, the code reaches into Whoosh here and nowhere else:

- :func:`segment_lengths` reads a segment's field lengths at once, ~1000x faster than
  ``doc_field_length`` per document: ``SegmentReader._perdoc._cached_reader``, the
  lengths column's ``_dbfile``, ``_basepos`` and ``_count``, ``LENGTHS_COLUMN``,
  ``byte_to_length``.
- :func:`posting_ids` reads posting ids a block at a time, ~5x faster than ``all_ids``:
  ``W3LeafMatcher._byteids``, ``_data``, ``_read_data``, ``_next_block``,
  ``FilterMatcher.child``; :func:`posting_arrays` reads their weights with them
  (``_data[1]``, None for all 1.0, a float for all the same).
- :func:`segment_writer`, :func:`finish_segment`, :func:`segment_reader` and
  :func:`write_toc` let each worker process of a build write one segment, with no lock
  and no TOC, which the parent then names: ``SegmentWriter(_lk=False)``, its
  ``_added``, ``_finalize_segment``, ``_close_segment`` and ``_finish``,
  ``SegmentReader(storage, schema, segment)``, ``whoosh.index.TOC``.
- :func:`open_searcher` leaves no file open when a damaged generation fails to open:
  ``FileIndex(storage, indexname)``, ``FileStorage.open_file`` wrapped on the instance.
- :data:`NullQueryType` is the class of ``whoosh.query.NullQuery`` (``_NullQuery``).
- :class:`EventCodec` saves ~12% of build time: ``Codec.length_stats``, which
  ``SegmentWriter`` reads.
- :func:`single_position` caches the bytes ``Positions.encode`` makes of one position:
  ``pack_uint(1)`` and a pickle of the list.

``tests/indexer/test_whoosh_compat.py`` checks that each is still there and still does
what is relied on (against Whoosh's public, slower way where there is one), so an
upgrade that changes one fails there, naming it. The fast paths that have a public
fallback (:func:`segment_lengths`, :func:`posting_ids`) keep working, slower, meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

__all__ = [
    "INDEX_NAME",
    "EventCodec",
    "NullQueryType",
    "finish_segment",
    "open_searcher",
    "posting_arrays",
    "posting_ids",
    "segment_lengths",
    "segment_reader",
    "segment_writer",
    "single_position",
    "slow_segment_lengths",
    "stored_lengths",
    "write_toc",
]

INDEX_NAME = "MAIN"  # Whoosh's default index name: its files are MAIN_*.seg, _MAIN_1.toc
MAX_LENGTH = 65535  # lengths are kept as uint16
Lengths = dict[str, npt.NDArray[np.uint16]]

# The type of ``whoosh.query.NullQuery`` (a private class: the instance is the API).
NullQueryType: type[wq.Query] = type(wq.NullQuery)


class EventCodec(W3Codec):  # type: ignore[misc]
    """Whoosh 2.7's on-disk format, without per-posting length statistics.

    Those statistics (min/max field length per posting block) serve Whoosh's own
    top-N pruning, which search does not use (it scores with numpy columns), and
    gathering them reads a document's length once per posting: ~12% of build time.
    """

    length_stats = False


@lru_cache(maxsize=4096)
def single_position(pos: int) -> bytes:
    """``Positions().encode([pos])``, cached: most postings have one position, and the
    pickle Whoosh makes of it is the same each time."""
    return bytes(pack_uint(1)) + pickle.dumps([pos], 2)


# -- reading a segment's field lengths ----------------------------------------------------

_BYTE_TO_LENGTH = np.array([min(byte_to_length(b), MAX_LENGTH) for b in range(256)], np.uint16)


def segment_lengths(reader: Any, fields: Iterable[str]) -> Lengths:
    """Field lengths of every document of one segment, as Whoosh stored them."""
    try:
        return {f: stored_lengths(reader, f) for f in fields}
    except AttributeError:  # Whoosh's internals changed: ask document by document (slower)
        return slow_segment_lengths(reader, fields)


def stored_lengths(reader: Any, field: str) -> npt.NDArray[np.uint16]:
    """Whoosh keeps one length byte per document in a column: read it whole."""
    total = reader.doc_count_all()
    column = reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    codes = np.zeros(total, np.uint8)
    if column is not None and column._count:
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), np.uint8)
        codes[: len(raw)] = raw[:total]
    return _BYTE_TO_LENGTH[codes]


def slow_segment_lengths(reader: Any, fields: Iterable[str]) -> Lengths:
    """:func:`segment_lengths` by the public API: ``doc_field_length`` per document."""
    total = reader.doc_count_all()
    return {
        f: np.fromiter(
            (min(reader.doc_field_length(d, f) or 0, MAX_LENGTH) for d in range(total)),
            dtype=np.uint16,
            count=total,
        )
        for f in fields
    }


# -- reading postings ----------------------------------------------------------------------


def posting_ids(matcher: Any) -> npt.NDArray[np.int64]:
    """The document numbers of a term's postings in one segment (deleted ones too).
    Whoosh's own postings are read a block at a time (a tuple of deltas each), not a
    posting at a time through ``all_ids``: ~5x faster."""
    leaf = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if type(leaf) is not W3LeafMatcher or leaf._byteids:
        return np.fromiter(matcher.all_ids(), np.int64)
    blocks = []
    while leaf.is_active():
        if leaf._data is None:
            leaf._read_data()
        blocks.append(np.cumsum(np.asarray(leaf._data[0], np.int64)))  # deltas from 0
        leaf._next_block()
    return np.concatenate(blocks) if blocks else np.empty(0, np.int64)


def posting_arrays(
    matcher: Any,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """The document numbers of a term's postings in one segment (deleted ones too) and
    its weight in each, what ``matcher.weight()`` gives, read a block at a time."""
    leaf = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if type(leaf) is not W3LeafMatcher or leaf._byteids:
        return _walked(matcher)
    ids, weights = [], []
    while leaf.is_active():
        if leaf._data is None:
            leaf._read_data()
        deltas, block_weights = leaf._data[0], leaf._data[1]
        ids.append(np.cumsum(np.asarray(deltas, np.int64)))
        if block_weights is None or isinstance(block_weights, float):
            weights.append(np.full(len(deltas), 1.0 if block_weights is None else block_weights))
        else:
            weights.append(np.asarray(block_weights))
        leaf._next_block()
    if not ids:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate(ids), np.concatenate(weights).astype(np.float32)


def _walked(matcher: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """:func:`posting_arrays` by the public API, a posting at a time (deleted ones not)."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, np.int64), np.asarray(weights, np.float32)


def posting_positions(
    matcher: Any,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The document numbers of a term's postings in one segment (deleted ones too), how
    often it occurs in each, and its positions there, all in order, read a block at a
    time. Each posting's value is ``whoosh.formats.Positions.encode``'s: a 4-byte count,
    then the pickled list of position deltas (its final STOP byte maybe dropped), so one
    ``pickle.loads`` a posting and one cumulative sum replace ``value_as("positions")``'s
    walk: 2-3x faster."""
    leaf = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if type(leaf) is not W3LeafMatcher or leaf._byteids or leaf._fixedsize not in (None, -1):
        return _walked_positions(matcher)
    ids: list[npt.NDArray[np.int64]] = []
    deltas: list[list[int]] = []
    with _collector_paused():  # a list a posting, gone before the collector is back
        while leaf.is_active():
            if leaf._data is None:
                leaf._read_data()
            ids.append(np.cumsum(np.asarray(leaf._data[0], np.int64)))
            deltas += [_deltas(value) for value in leaf._data[2]]
            leaf._next_block()
        counts = np.fromiter(map(len, deltas), np.int64, len(deltas))
        flat = np.fromiter((d for ds in deltas for d in ds), np.int64, int(counts.sum()))
        del deltas
    if not ids:
        empty = np.empty(0, np.int64)
        return empty, empty, empty
    return np.concatenate(ids), counts, _restarted_cumsum(flat, counts)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off meanwhile. Decoding makes a list a posting.
    Each few hundred new objects start a collection, and the older generations' passes
    walk every object the process holds. In a warmed-up worker (suggester, vocabulary)
    that is most of a phrase's first use: 264 -> 62 ms for '"european union" sanctions'
    at 200k events. Lists of ints hold no cycles, and they are dropped before the
    collector is back, so it has nothing to find in them."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _deltas(value: bytes) -> list[int]:
    body = value[_INT_SIZE:]
    deltas: list[int] = pickle.loads(body if body.endswith(b".") else body + b".")
    return deltas


def _restarted_cumsum(
    flat: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The running sums of *flat*, started again at each of its runs of *counts* values."""
    sums = np.cumsum(flat)
    ends = np.cumsum(counts)
    before = np.concatenate([[0], sums[ends[:-1] - 1]]) if len(counts) else sums[:0]
    return sums - np.repeat(before, counts)


def _walked_positions(
    matcher: Any,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`posting_positions` by the public API, a posting at a time."""
    ids, counts, positions = [], [], []
    while matcher.is_active():
        found = matcher.value_as("positions")
        ids.append(matcher.id())
        counts.append(len(found))
        positions += found
        matcher.next()
    return (np.asarray(ids, np.int64), np.asarray(counts, np.int64),
            np.asarray(positions, np.int64))  # fmt: skip


# -- writing one segment per process --------------------------------------------------------


def segment_writer(ix: Any, limitmb: float, codec: Any) -> Any:
    """A writer of one new segment of *ix* that takes no lock and will write no TOC:
    the worker processes of a build share nothing, and the parent names their segments
    in the generation's TOC (:func:`write_toc`)."""
    return SegmentWriter(ix, _lk=False, compound=False, limitmb=limitmb, codec=codec)


def finish_segment(writer: Any) -> Any | None:
    """Write out *writer*'s segment and return it (None when no document was added)."""
    segment = writer._finalize_segment() if writer._added else None
    if segment is None:
        writer._close_segment()
    writer._finish()
    return segment


def segment_reader(ix: Any, segment: Any) -> Any:
    """A reader of one *segment* of *ix*, which no TOC names yet."""
    return SegmentReader(ix.storage, ix.schema, segment)


def write_toc(ix: Any, schema: Any, segments: list[Any]) -> None:
    """Make *segments* (in document order) the whole of index *ix*: its first TOC."""
    TOC(schema, segments, 1).write(ix.storage, ix.indexname)


# -- opening a generation --------------------------------------------------------------------


def open_searcher(generation: Path) -> tuple[Any, Any]:
    """Open a generation's Whoosh index and searcher; if that fails (a damaged file), close
    what Whoosh opened on the way, which it leaves to the garbage collector."""
    storage = FileStorage(str(generation))
    opened: list[Any] = []
    open_file = storage.open_file

    def tracked(name: str, *args: Any, **kwargs: Any) -> Any:
        handle = open_file(name, *args, **kwargs)
        opened.append(handle)
        return handle

    storage.open_file = tracked
    try:
        index = FileIndex(storage, indexname=INDEX_NAME)
        return index, index.searcher()
    except BaseException:
        for handle in opened:
            with contextlib.suppress(Exception):
                handle.close()
        raise
    finally:
        storage.open_file = open_file
