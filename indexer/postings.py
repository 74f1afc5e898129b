"""The postings of frequent terms as flat arrays, written once per generation.

Whoosh reads a term's postings in Python, a posting at a time; for a word in a fifth of
the events that is tens of milliseconds, paid by every fresh worker (and after every new
generation) on the word's first use. Zipf's law makes those words few and their postings
most of the index, so each run writes, after its Whoosh commit, the postings of every
term of the scored fields in at least ``MIN_DOCS`` documents into
``<generation>/postings/``; searchers memory-map them (one copy in the page cache for all
worker processes) and read a term's postings as two slices::

    keys     S[T]     b"title killed", … sorted: field, a space, the term (utf-8)
    starts   int64[T+1]   term t's postings are docs[starts[t]:starts[t+1]]
    docs     int32[P]     live document numbers (the whole generation's), ascending
    weights  float16[P]   the term's Whoosh weight in each (``matcher.weight()``)

Only documents live in the generation are kept (a generation never changes, so neither
do they). A full build reads every segment; an incremental run (a new segment unless
it only deleted, some documents deleted) keeps the base generation's slices, drops the
documents it deleted and appends the new segment's postings: documents keep their
numbers and new ones come last, so slices stay sorted. Only the new segment's terms are
scanned; one that reaches ``MIN_DOCS`` only now is read from every segment. A
generation without the folder (written before it existed) simply has no table: every
term is read from Whoosh.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.index import open_dir

from indexer.columns import load_columns
from indexer.schema import GRAM_FIELDS, TEXT_FIELDS
from indexer.whoosh_compat import posting_arrays

POSTINGS = "postings"
# A term in this many documents is tabled: its Python walk costs a millisecond or more
# (4-8 µs of CPU a posting, measured on 2 busy cores), a slice of the table ~0.1 ms.
# Zipf: at 20k synthetic events the terms in 10+ documents hold 97% of all postings, so
# a lower bound adds terms to the table but few bytes.
MIN_DOCS = 200
TABLED_FIELDS = (*TEXT_FIELDS, *GRAM_FIELDS.values())  # the fields scoring reads

Docs = npt.NDArray[np.int32]
Weights = npt.NDArray[np.float32]
Leaves = list[tuple[Any, int]]  # (segment reader, its first document's number)
Tabled = Callable[[Leaves, str], list[bytes]]  # (segments, field) -> the terms to table


def _kept(dtype: type) -> dict[str, Any]:
    """How a field of the table is kept: ``postings/<name>.npy`` of *dtype*."""
    return {"dtype": dtype}


@dataclass(frozen=True, slots=True)
class PostingsTable:
    """The tabled terms of one generation (see the module docstring); each field is kept
    as ``postings/<name>.npy``."""

    keys: npt.NDArray[np.bytes_] = field(metadata=_kept(np.bytes_))
    starts: npt.NDArray[np.int64] = field(metadata=_kept(np.int64))
    docs: Docs = field(metadata=_kept(np.int32))
    # Whoosh's weights are frequencies times the analyzer's weight (quarters, halves and
    # wholes here): float16 holds those exactly below 512, in half the bytes (17 MB of the
    # 200k index). A table with a weight it cannot hold exactly is saved as float32.
    weights: npt.NDArray[np.float16 | np.float32] = field(metadata=_kept(np.float16))

    def find(
        self, fieldname: str, text: str
    ) -> tuple[Docs, npt.NDArray[np.float16 | np.float32]] | None:
        """The term's documents and weights (views of the table, the weights float16 or
        float32 as saved), or None if not tabled."""
        key = term_key(fieldname, text)
        if len(key) > self.keys.dtype.itemsize:  # longer than every key: searchsorted cuts it
            return None
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return None
        start, end = int(self.starts[at]), int(self.starts[at + 1])
        return self.docs[start:end], self.weights[start:end]

    def terms(self) -> list[tuple[str, str]]:
        """Every tabled (field, term)."""
        return [(f, t) for f, _, t in (k.decode().partition(" ") for k in self.keys)]


def term_key(fieldname: str, text: str) -> bytes:
    """A term's key in the table: field names have no spaces, so the first one splits."""
    return f"{fieldname} {text}".encode()


def load_postings(generation: Path) -> PostingsTable | None:
    """Memory-map the table of *generation*; None when it has none (an older one)."""
    folder = generation / POSTINGS
    if not folder.is_dir():
        return None
    return PostingsTable(
        **{f.name: np.load(folder / f"{f.name}.npy", mmap_mode="r") for f in fields(PostingsTable)}
    )


def _save(generation: Path, table: PostingsTable) -> None:
    folder = generation / POSTINGS
    folder.mkdir()
    for f in fields(PostingsTable):
        value = np.asarray(getattr(table, f.name))
        kept = value.astype(f.metadata["dtype"])
        if kept.dtype.kind == "f" and not np.array_equal(kept, value):  # not held exactly
            kept = value.astype(np.float32)
        np.save(folder / f"{f.name}.npy", kept)


def write_postings(generation: Path, base: Path | None = None) -> None:
    """Write *generation*'s table, after its Whoosh commit and its columns: from every
    segment, or (*base*: the generation an incremental run started from) from *base*'s
    table and the segment the run added."""
    live = np.asarray(load_columns(generation).live)
    old = load_postings(base) if base is not None else None
    with open_dir(str(generation)).reader() as reader:
        leaves = reader.leaf_readers()
        tabled: Tabled
        if old is None:
            added, tabled = leaves, _frequent
        else:  # documents keep their numbers: the base's end is where the new ones start
            assert base is not None
            start = load_columns(base).doc_count
            added = [(r, offset) for r, offset in leaves if offset >= start]
            tabled = _still_frequent(old, added)
        keys, parts = [], []
        for fieldname in TABLED_FIELDS:
            for term in tabled(leaves, fieldname) if fieldname in reader.schema else []:
                text = term.decode()
                kept = old.find(fieldname, text) if old is not None else None
                found = [kept] if kept is not None else []
                segments = added if kept is not None else leaves
                found += [_leaf_postings(r, offset, fieldname, term) for r, offset in segments]
                docs = np.concatenate([d for d, _ in found])
                keep = live[docs]
                keys.append(term_key(fieldname, text))
                parts.append((docs[keep], np.concatenate([w for _, w in found])[keep]))
    _save(generation, _table(keys, parts))


def _frequent(leaves: Leaves, fieldname: str) -> list[bytes]:
    """The field's terms in at least MIN_DOCS documents (deleted ones counted). Each
    segment's terms are read in one scan: the index-wide reader would look every term
    up in every segment, ~10x slower."""
    counts: Counter[bytes] = Counter()
    for reader, _ in leaves:
        for term, info in reader.iter_field(fieldname):
            counts[term] += info.doc_frequency()
    return [t for t, n in counts.items() if n >= MIN_DOCS]


def _still_frequent(old: PostingsTable, added: Leaves) -> Tabled:
    """:func:`_frequent` after an incremental run, scanning only the *added* segments'
    terms: Whoosh counts deleted documents until a merge (which incremental runs never
    do), so every term of *old* still qualifies, and a term that qualifies now and did
    not before is in an added segment."""

    def frequent(leaves: Leaves, fieldname: str) -> list[bytes]:
        tabled = [t.encode() for f, t in old.terms() if f == fieldname]
        known = set(tabled)
        counts: Counter[bytes] = Counter()
        for reader, _ in added:
            for term, info in reader.iter_field(fieldname):
                if term not in known:
                    counts[term] += info.doc_frequency()
        older = [r for r, _ in leaves[: len(leaves) - len(added)]]  # added: the last ones
        for term in list(counts):
            counts[term] += sum(r.doc_frequency(fieldname, term) for r in older)
        return [*tabled, *(t for t, n in counts.items() if n >= MIN_DOCS)]

    return frequent


def _leaf_postings(reader: Any, offset: int, fieldname: str, term: bytes) -> tuple[Docs, Weights]:
    """One segment's postings of the term (deleted documents too), numbered globally."""
    if (fieldname, term) not in reader:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    ids, weights = posting_arrays(reader.postings(fieldname, term))
    return (ids + offset).astype(np.int32), weights


def _table(keys: list[bytes], parts: list[tuple[Docs, Weights]]) -> PostingsTable:
    order = sorted(range(len(keys)), key=keys.__getitem__)
    counts = np.asarray([len(parts[i][0]) for i in order], np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def flat(which: int, dtype: type) -> Any:
        arrays = [parts[i][which] for i in order]
        return np.concatenate(arrays).astype(dtype) if arrays else np.empty(0, dtype)

    return PostingsTable(
        keys=np.asarray([keys[i] for i in order], np.bytes_) if keys else np.empty(0, "S1"),
        starts=starts,
        docs=flat(0, np.int32),
        weights=flat(1, np.float32),
    )
