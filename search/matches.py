"""Document sets with scores, their algebra, and BM25: pure functions over numpy arrays.

A query's answer is a :class:`Matches`: sorted unique document numbers with one score
each. Clauses combine by set algebra (:func:`union` adds the scores of alternatives,
:func:`intersect` those of required parts, :func:`exclude` keeps the first set's), and a
phrase of character grams is found by :func:`consecutive` over position keys::

    Matches  docs   [  3,   8,   21 ]   int32, sorted, unique
             scores [1.2, 0.4,  2.9 ]   float32
    Keys            [3 << 32 | 0, 3 << 32 | 7, 8 << 32 | 2, ...]   document << 32 | position

Nothing here reads an index: :mod:`search.evaluate` turns postings into these values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

K1, B = 1.2, 0.75  # Whoosh's BM25F defaults
# A union of at least 1/8 as many postings as the documents they span is counted over
# that span (two passes) rather than sorted (n log n): 75,000 postings over 200,000
# documents, 1.2 -> 0.4 ms, with the same sums (bincount adds in the same order).
DENSE = 8

Docs = npt.NDArray[np.int32]
Scores = npt.NDArray[np.float32]
Keys = npt.NDArray[np.int64]  # document << 32 | position, sorted


@dataclass(frozen=True, slots=True)
class Matches:
    """Sorted unique document numbers with their scores."""

    docs: Docs
    scores: Scores

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def nbytes(self) -> int:
        """Memory the arrays hold (what a cache of matches is bounded by)."""
        return int(self.docs.nbytes + self.scores.nbytes)


def empty() -> Matches:
    return Matches(np.empty(0, np.int32), np.empty(0, np.float32))


def unscored(docs: Docs) -> Matches:
    """*docs* (sorted, unique) all scoring zero: a filter, not a match on words."""
    return Matches(docs, np.zeros(len(docs), np.float32))


def union(parts: list[Matches]) -> Matches:
    """Documents in any of *parts*, each scoring the sum of its scores there."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    if len(parts) == 1:
        return parts[0]
    docs = np.concatenate([p.docs for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    span = int(docs.max()) + 1
    if len(docs) * DENSE < span:  # a few documents: sort them
        unique, inverse = np.unique(docs, return_inverse=True)
        return Matches(unique.astype(np.int32), np.bincount(inverse, scores).astype(np.float32))
    # Many (a common word's OR, a prefix): count over the documents' range, no sort.
    present = np.zeros(span, dtype=np.bool_)
    present[docs] = True
    unique = np.flatnonzero(present)
    summed = np.bincount(docs, scores, minlength=span)[unique]
    return Matches(unique.astype(np.int32), summed.astype(np.float32))


def intersect(parts: list[Matches]) -> Matches:
    """Documents in all of *parts* (at least one), each scoring the sum of its scores;
    from the smallest part, stopping once nothing is left."""
    parts = sorted(parts, key=len)
    result = parts[0]
    for part in parts[1:]:
        if not len(result):
            break
        docs, ia, ib = np.intersect1d(result.docs, part.docs, True, True)
        result = Matches(docs.astype(np.int32), result.scores[ia] + part.scores[ib])
    return result


def exclude(a: Matches, b: Matches) -> Matches:
    """The documents of *a* that are not in *b*, with their scores in *a*."""
    keep = np.isin(a.docs, b.docs, assume_unique=True, invert=True)
    return Matches(a.docs[keep], a.scores[keep])


def consecutive(occurrences: list[Keys]) -> Keys:
    """Where the grams of a phrase occur one after another: the keys at which
    ``occurrences[0]`` starts, ``occurrences[1]`` one position on, and so on. Checked
    from the rarest gram, a binary search per candidate."""
    rarest = min(range(len(occurrences)), key=lambda i: len(occurrences[i]))
    starts = occurrences[rarest] - rarest
    for i, keys in enumerate(occurrences):
        if i == rarest or not len(starts):
            continue
        wanted = starts + i
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        starts = starts[keys[at] == wanted] if len(keys) else starts[:0]
    return starts


def in_order(occurrences: list[Keys], slop: int) -> Keys:
    """Where the words of a phrase occur in order, each 1 to *slop* positions after the
    one before (*slop* 1: adjacent; more, to step over the stop words a query dropped):
    the keys of the last word's occurrences that end such a chain. What Whoosh's
    ``Phrase`` (an ordered ``SpanNear2``, ``mindist`` 1) matches, from sorted keys: a
    key one to *slop* on from another stays in its document (positions < 2 ** 32)."""
    ends = occurrences[0]
    for keys in occurrences[1:]:
        if not len(ends):
            break
        reached = np.zeros(len(keys), dtype=np.bool_)
        for step in range(1, slop + 1):
            reached |= np.isin(keys, ends + step, assume_unique=True)
        ends = keys[reached]
    return ends


def bm25(
    tf: npt.NDArray[Any],
    length: npt.NDArray[Any],
    avg_length: float,
    total: int,
    boost: float = 1.0,
) -> Scores:
    """BM25 partial scores of one term in the documents it occurs in: *tf* its weights
    there, *length* their field lengths, over *total* documents whose field averages
    *avg_length* (Whoosh's BM25F, with its idf)."""
    idf = math.log(total / (len(tf) + 1)) + 1.0
    norm = K1 * ((1 - B) + B * length.astype(np.float32) / avg_length)
    tf = tf.astype(np.float32)
    score: Scores = (boost * idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32)
    return score
