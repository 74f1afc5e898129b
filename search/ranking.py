"""What the archive knows about an event's importance: priors per generation, and the
links among a query's own matches.

A broad query (``boston bombing``, ``地震``) matches the event itself and many later
side notes with much the same words; BM25 alone cannot tell them apart. The archive
can, from two signals:

- **links from the other matches** (per query): how many of the query's matching events
  list it among their Related links. The aftershocks, the aid and the death toll of an
  earthquake all link back to the quake, and all match ``earthquake``; that the whole
  archive links to an event says less (a country's first event of a year is linked by
  everything about that country, whatever the query). This is Kleinberg's idea of
  authority within the query's result set (HITS), counted once per query over a link graph
  joined once per generation from columns the indexer writes (:data:`link_graph`);
- **sources** (per generation, :data:`priors`): how many outlets (registrable domains) it
  cites (the domain column).

They combine into one factor per match, ``1 + LINKS * l + SOURCES * s``, where ``l`` and
``s`` are ``log(1 + n) / log(1 + cap)`` capped at 1: a bounded multiplicative boost (at
most ``MAX_FACTOR``), so the words still decide and a much better match is never
overtaken by a famous event. Recency stays a tie-breaker (``RECENCY_WEIGHT``).

Counting every event linking to it (the whole archive's backlinks, 0.6 of the score)
lifted the broad queries as much but cost half-remembered known-item searches 3 points of
success@1 (their target is any event, rarely a famous one), and whether an event opens its
story did not help broad queries at all; docs/ranking.md has the measurements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from indexer.columns import distinct, owners
from search.browse import id_lookup
from search.matches import Docs, Matches
from search.snapshot import Derived, Snapshot

LINKS = 0.3  # an event linked by many of the other matches scores up to 30% higher
LINK_CAP = 5  # ... reached at this many matching events linking to it
SOURCES = 0.15  # many sources: up to 15%
SOURCE_CAP = 8
MAX_FACTOR = 1.0 + LINKS + SOURCES
RECENCY_WEIGHT = 0.05  # the newest event scores at most 5% above the oldest
PRUNE_ABOVE = 8  # matches per wanted hit past which only those able to reach them are ranked


@dataclass(frozen=True, slots=True)
class LinkGraph:
    """The archive's Related links between live events, as document numbers, held by
    the linked event: the events linking to document ``d`` are
    ``sources[ptr[d]:ptr[d + 1]]`` (sorted, no repeats, no self-links; a link by id or
    by alias counts once). By target, because every question asked of it is "who links
    here": backlinks, an event page's "links here", and the ranking's links among the
    matches, which needs them for the few matches that can reach the page only."""

    ptr: npt.NDArray[np.int64]
    sources: Docs

    def linking_to(self, doc: int) -> Docs:
        """The documents linking to *doc*, sorted."""
        return self.sources[self.ptr[doc] : self.ptr[doc + 1]]

    def backlinks(self) -> npt.NDArray[np.int32]:
        """Per document: the live events linking to it."""
        return np.diff(self.ptr).astype(np.int32)

    def links_among(self, docs: Docs, to: Docs | None = None) -> npt.NDArray[np.int32]:
        """Per document of *to* (default: *docs*): how many of *docs* (sorted, unique),
        itself aside, link to it."""
        to = docs if to is None else to
        starts = self.ptr[to]
        counts = self.ptr[to + 1] - starts
        if not counts.sum():
            return np.zeros(len(to), np.int32)
        # The sources of every doc of *to*, gathered without a Python loop, kept where
        # they are among *docs*: a mask over all documents, 20x faster than a binary
        # search of *docs* per source (2.5 ms against 51 ms for 30,000 docs at 200k).
        at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        among = np.zeros(len(self.ptr) - 1, bool)
        among[docs] = True
        holder = np.repeat(np.arange(len(to)), counts)
        return np.bincount(holder[among[self.sources[at]]], minlength=len(to)).astype(np.int32)


@dataclass(frozen=True, slots=True)
class Priors:
    """Per document (deleted ones too, as 0): the signals known before any query."""

    backlinks: npt.NDArray[np.int32]  # all live events linking to it (the ranking counts
    sources: npt.NDArray[np.int32]  # only the matching ones: LinkGraph.links_among)


def scaled(counts: npt.NDArray[np.int32], cap: int) -> npt.NDArray[np.float64]:
    """0 for none, 1 for *cap* or more, log-scaled between."""
    return np.minimum(np.log1p(counts.astype(np.float64)) / math.log1p(cap), 1.0)


def combine(
    links: npt.NDArray[np.int32], sources: npt.NDArray[np.int32]
) -> npt.NDArray[np.float64]:
    """The factor a match's score is multiplied by: 1 to ``MAX_FACTOR``."""
    return 1.0 + LINKS * scaled(links, LINK_CAP) + SOURCES * scaled(sources, SOURCE_CAP)


def _named(
    keys: npt.NDArray[np.int64], links: npt.NDArray[np.int64], first: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Per link, the events holding its key (*first*: where it sorts into *keys*). When
    no key is held twice that is 0 or 1, read without a second search (0.2 s at 200k)."""
    if len(keys) and not (keys[1:] == keys[:-1]).any():
        held: npt.NDArray[np.bool_] = keys[np.minimum(first, len(keys) - 1)] == links
        return held.astype(np.int64)
    after: npt.NDArray[np.int64] = np.searchsorted(keys, links, "right")
    return after - first


def _make_link_graph(snapshot: Snapshot) -> LinkGraph:
    """Joined from the columns the indexer writes, in numpy: each live event's Related
    ids (``link_keys``) against every live event's own ids and aliases
    (:data:`~search.browse.id_lookup`). 0.26-0.33 s at 200,000 events, where reading
    Whoosh's term lists took 85 s of CPU."""
    columns = snapshot.columns
    keys, owner = id_lookup(snapshot)
    link_keys = np.asarray(columns.link_keys)
    first = np.searchsorted(keys, link_keys, "left")
    named = _named(keys, link_keys, first)
    src = np.repeat(owners(columns.link_ptr), named).astype(np.int64)
    dst = owner[np.repeat(first - np.cumsum(named) + named, named) + np.arange(named.sum())]
    dst = dst.astype(np.int64)
    keep = (src != dst) & np.asarray(columns.live)[src]
    pairs = distinct(dst[keep] * snapshot.doc_total + src[keep])  # by target, then source
    dst, src = pairs // snapshot.doc_total, pairs % snapshot.doc_total
    ptr = np.zeros(snapshot.doc_total + 1, np.int64)
    np.cumsum(np.bincount(dst, minlength=snapshot.doc_total), out=ptr[1:])
    return LinkGraph(ptr, src.astype(np.int32))


link_graph = Derived(_make_link_graph)


def source_counts(snapshot: Snapshot, docs: Docs | None = None) -> npt.NDArray[np.int32]:
    """Per document (of *docs*, else of the generation): the outlets (registrable
    domains) it cites."""
    ptr = np.asarray(snapshot.columns.domain_ptr)
    if docs is None:
        return np.diff(ptr).astype(np.int32)
    return (ptr[docs + 1] - ptr[docs]).astype(np.int32)


def _make_priors(snapshot: Snapshot) -> Priors:
    return Priors(link_graph(snapshot).backlinks(), source_counts(snapshot))


priors = Derived(_make_priors)


def relevance_key(
    snapshot: Snapshot, matches: Matches, top: int | None = None
) -> npt.NDArray[np.float64]:
    """Sort key of *matches* by relevance (smallest first): BM25 times the importance
    factor (links from the other matches, sources), times at most ``1 + RECENCY_WEIGHT``
    for the newest.

    With *top*, only the keys of the best *top* are exact, and the order among the rest
    is not kept: a match that could not reach them even with every link counted keys
    ``inf``. So the links among the matches are counted for the few that can, not for
    all (4-7 ms of a common word's 20 ms at 200,000 events)."""
    day = np.asarray(snapshot.columns.day)[matches.docs].astype(np.float64)
    first, last = snapshot.day_range
    recency = (day - float(first)) / max(float(last - first), 1.0)
    docs, scores = matches.docs, matches.scores
    sources = source_counts(snapshot, docs)
    graph = link_graph(snapshot)
    if top is None or len(docs) <= PRUNE_ABOVE * max(top, 1):
        return -relevance(scores, combine(graph.links_among(docs), sources), recency)
    none, most = np.zeros(len(docs), np.int32), np.full(len(docs), LINK_CAP, np.int32)
    lowest = relevance(scores, combine(none, sources), recency)  # no link counted
    bar = np.partition(lowest, len(docs) - top)[len(docs) - top]  # top-th best lowest
    able = np.flatnonzero(relevance(scores, combine(most, sources), recency) >= bar)
    links = graph.links_among(docs, docs[able])
    key = np.full(len(docs), np.inf)
    key[able] = -relevance(scores[able], combine(links, sources[able]), recency[able])
    return key


def relevance(
    scores: npt.NDArray[np.float32],
    factor: npt.NDArray[np.float64],
    recency: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """A match's relevance: BM25 *scores* x the importance *factor* x at most ``1 +
    RECENCY_WEIGHT`` for *recency* 1 (the newest day of the generation; 0 the oldest)."""
    return scores * factor * (1.0 + RECENCY_WEIGHT * recency)
