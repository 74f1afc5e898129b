"""What the archive knows about an event's importance, as static priors per generation.

A broad query (``boston bombing``, ``地震``) matches the event itself and many later
side notes with much the same words; BM25 alone cannot tell them apart. The archive
can, in three ways, each computed once per generation (:data:`priors`, a
:class:`~search.snapshot.Derived`) from the index, never per request:

- **backlinks**: how many live events list it among their Related links (the ``links``
  field's postings, as :mod:`search.related` finds "links here");
- **sources**: how many outlets (registrable domains) it cites (the domain column);
- **opens its story**: it is the first event, by date, of a story heading (its first
  context) that has two or more events.

They combine into one factor per document, ``1 + BACKLINKS * b + SOURCES * s +
OPENS * o``, where ``b`` and ``s`` are ``log(1 + n) / log(1 + cap)`` capped at 1: a
bounded multiplicative boost (at most ``MAX_FACTOR``), so the words still decide and
a much better match is never overtaken by a famous event. Recency stays a tie-breaker
(``RECENCY_WEIGHT``): the newest event scores at most that share above the oldest, less
than one signal is worth, so a later side note does not bury the event. docs/ranking.md
describes the whole order and how the weights were measured.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from search.matches import Matches
from search.snapshot import Derived, Snapshot

BACKLINKS = 0.6  # the most linked events score up to 60% higher
BACKLINK_CAP = 20  # ... reached at this many events linking to it
SOURCES = 0.15  # many sources: up to 15%
SOURCE_CAP = 8
OPENS = 0.1  # the first event of its story: 10%
MAX_FACTOR = 1.0 + BACKLINKS + SOURCES + OPENS
RECENCY_WEIGHT = 0.05  # the newest event scores at most 5% above the oldest
TERM_BATCH = 4096  # terms read per hold of the Whoosh lock


@dataclass(frozen=True, slots=True)
class Priors:
    """Per document (deleted ones too, as 0): the signals and the factor they make."""

    backlinks: npt.NDArray[np.int32]
    sources: npt.NDArray[np.int32]
    opens_story: npt.NDArray[np.bool_]
    factor: npt.NDArray[np.float64]


def scaled(counts: npt.NDArray[np.int32], cap: int) -> npt.NDArray[np.float64]:
    """0 for none, 1 for *cap* or more, log-scaled between."""
    return np.minimum(np.log1p(counts.astype(np.float64)) / math.log1p(cap), 1.0)


def combine(
    backlinks: npt.NDArray[np.int32],
    sources: npt.NDArray[np.int32],
    opens_story: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float64]:
    """The factor each document's score is multiplied by: 1 to ``MAX_FACTOR``."""
    return (
        1.0
        + BACKLINKS * scaled(backlinks, BACKLINK_CAP)
        + SOURCES * scaled(sources, SOURCE_CAP)
        + OPENS * opens_story
    )


def backlink_counts(snapshot: Snapshot) -> npt.NDArray[np.int32]:
    """Per document: the live events whose Related list links to it (by id or alias).

    Read from the term dictionaries, not the postings: a ``links`` term is a linked id
    and its document frequency the events linking to it (postings are read only in a
    segment with deletions, to count live events); an ``ids`` term of one document
    names its document (``min_id``). ~0.2 s at 9,000 events, against ~4 s by postings."""
    live = np.asarray(snapshot.columns.live)
    linking: Counter[bytes] = Counter()
    owners: dict[bytes, list[int]] = {}
    with snapshot.whoosh_lock:
        leaves = list(snapshot.reader.leaf_readers())
    for leaf, offset in leaves:
        deletions = leaf.has_deletions()
        for term, info in _terms(snapshot, leaf, "links"):
            if deletions:
                with snapshot.whoosh_lock:
                    found = np.fromiter(leaf.postings("links", term).all_ids(), np.int64)
                linking[term] += int(np.count_nonzero(live[found + offset]))
            else:
                linking[term] += info.doc_frequency()
        for term, info in _terms(snapshot, leaf, "ids"):
            if info.doc_frequency() == 1:
                docs = [info.min_id()]
            else:
                with snapshot.whoosh_lock:
                    docs = list(leaf.postings("ids", term).all_ids())
            owners.setdefault(term, []).extend(offset + d for d in docs)
    counts = np.zeros(snapshot.doc_total, np.int32)
    for term, events in linking.items():
        for doc in owners.get(term, ()):
            if live[doc]:
                counts[doc] += events
    return counts


def _terms(snapshot: Snapshot, leaf: Any, field: str) -> Iterator[tuple[bytes, Any]]:
    """A segment's terms of *field* with their term infos, read in batches under the
    Whoosh lock, so searches go on between batches."""
    if field not in leaf.schema:
        return
    terms = leaf.iter_field(field)
    while True:
        with snapshot.whoosh_lock:
            batch = list(itertools.islice(terms, TERM_BATCH))
        yield from batch
        if len(batch) < TERM_BATCH:
            return


def source_counts(snapshot: Snapshot) -> npt.NDArray[np.int32]:
    """Per document: the outlets (registrable domains) it cites."""
    return np.diff(np.asarray(snapshot.columns.domain_ptr)).astype(np.int32)


def story_openers(snapshot: Snapshot) -> npt.NDArray[np.bool_]:
    """Per document: whether it is the earliest live event of its story heading (first
    context; ties by document number), among headings with two or more live events."""
    cols = snapshot.columns
    ptr = np.asarray(cols.context_ptr)
    docs = snapshot.live_docs
    has = ptr[docs + 1] > ptr[docs]
    docs = docs[has]
    opens = np.zeros(snapshot.doc_total, np.bool_)
    if not len(docs):
        return opens
    heading = np.asarray(cols.context_ids)[ptr[docs]]
    day = np.asarray(cols.day)[docs]
    order = np.lexsort((docs, day, heading))  # by heading, then day, then number
    heading, docs = heading[order], docs[order]
    first = np.r_[True, heading[1:] != heading[:-1]]
    size = np.diff(np.r_[np.flatnonzero(first), len(heading)])
    opens[docs[first][size >= 2]] = True
    return opens


def _make_priors(snapshot: Snapshot) -> Priors:
    backlinks, sources = backlink_counts(snapshot), source_counts(snapshot)
    opens = story_openers(snapshot)
    return Priors(backlinks, sources, opens, combine(backlinks, sources, opens))


priors = Derived(_make_priors)


def relevance_key(snapshot: Snapshot, matches: Matches) -> npt.NDArray[np.float64]:
    """Sort key of *matches* by relevance (smallest first): BM25 times the priors'
    factor, times at most ``1 + RECENCY_WEIGHT`` for the newest."""
    day = np.asarray(snapshot.columns.day)[matches.docs].astype(np.float64)
    first, last = snapshot.day_range
    recency = (day - float(first)) / max(float(last - first), 1.0)
    return -relevance(matches.scores, priors(snapshot).factor[matches.docs], recency)


def relevance(
    scores: npt.NDArray[np.float32],
    factor: npt.NDArray[np.float64],
    recency: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """A match's relevance: BM25 *scores* x the priors' *factor* x at most ``1 +
    RECENCY_WEIGHT`` for *recency* 1 (the newest day of the generation; 0 the oldest)."""
    return scores * factor * (1.0 + RECENCY_WEIGHT * recency)
