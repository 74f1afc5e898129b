"""Evaluating Whoosh query objects with numpy over one index generation.

Whoosh stays the index of record; what it does per posting in Python, we do once per
generation: a term's postings become two arrays (document numbers, BM25F partial
scores) the first time the term is used, kept in the generation's cache, and every later
query combines arrays with the set algebra of :mod:`search.matches`. A phrase is found
from its words' positions, read a block at a time (phrases of words by :func:`in_order`,
which steps over the gaps stop words leave, phrases of character grams by
:func:`consecutive`), and cached the same way. Prefix and fuzzy clauses expand to vocabulary terms,
``QUERY_EXPANSION`` at most for all the clauses of one query together, so a query's
first use reads a bounded number of postings lists.

Each query class has its rule, registered with :func:`functools.singledispatch`; a
class without one (anything Whoosh adds) is left to Whoosh's own searcher. What
evaluation reads is a :class:`Source` (the open generation,
:class:`search.snapshot.Snapshot`), and which words a fuzzy clause means is asked of an
:data:`Expander` passed in (the snapshot's spelling vocabulary, :mod:`search.spelling`):
both come from above, so this module imports neither.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import singledispatch
from typing import Any, Protocol, TypeVar, cast

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from indexer.columns import Columns, distinct
from indexer.dates import day_number
from indexer.schema import TEXT_FIELDS, TEXT_OF_GRAMS
from search.lru import LRU
from search.matches import (
    Docs,
    Keys,
    Matches,
    bm25,
    consecutive,
    empty,
    exclude,
    in_order,
    intersect,
    union,
    unscored,
)
from search.query import analyze

PHRASE_BOOST = 1.5  # a phrase match outranks the same words scattered
MAX_EXPANSION = 200  # terms a prefix or fuzzy clause may expand to
QUERY_EXPANSION = 400  # ... and all such clauses of one query together (see expansion_share)
FAR = 10**9  # a day number past any date: an open end of a date range

Expander = Callable[[str, int, int], Sequence[str]]
"""Fuzzy expansion: (word, most edits, most words) -> the vocabulary's words near it."""

TermCache = LRU[Hashable, Matches | Keys]
T = TypeVar("T", Matches, Keys)


class Source(Protocol):
    """What evaluation reads from one generation (:class:`search.snapshot.Snapshot`):
    postings of live documents only, and the statistics BM25 needs."""

    cache: TermCache
    columns: Columns
    live_count: int
    avg_length: dict[str, float]  # per text field, over live documents
    boosts: dict[str, float]  # per text and gram field

    @property
    def live_docs(self) -> Docs: ...

    def postings(
        self, field: str, text: str, weighted: bool
    ) -> tuple[Docs, npt.NDArray[np.float32]]:
        """The live documents holding the term, and (if *weighted*, else nothing) its
        weight in each."""

    def positions(self, field: str, text: str) -> Keys:
        """The term's occurrences in live documents, as sorted keys document << 32 | position."""

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[str]:
        """The first *limit* terms of *field* that start with *prefix*."""

    def whoosh_docs(self, query: wq.Query) -> Docs:
        """The live documents Whoosh's own searcher finds for *query*, sorted."""


def evaluate(query: wq.Query, source: Source, fuzzy: Expander) -> Matches:
    """All live documents of *source* matching *query*, with BM25F scores."""
    return _matches(query, _Run(source, fuzzy, expansion_share(query)))


def expansion_share(query: wq.Query, total: int | None = None) -> int:
    """Terms each prefix or fuzzy clause of *query* may expand to: an equal share of
    *total* (``QUERY_EXPANSION``), so that forty prefixes read no more postings than a few.
    Decided from the query alone, before evaluation, so no answer depends on the cache."""
    budget = QUERY_EXPANSION if total is None else total
    clauses = sum(isinstance(leaf, wq.Prefix | wq.FuzzyTerm) for leaf in query.leaves())
    return max(1, min(MAX_EXPANSION, budget // max(clauses, 1)))


@dataclass(frozen=True, slots=True)
class _Run:
    """One evaluation: where it reads, how fuzzy words expand, and *share*, the terms
    each prefix or fuzzy clause of the query may expand to."""

    source: Source
    fuzzy: Expander
    share: int


@singledispatch
def _matches(query: wq.Query, run: _Run) -> Matches:
    """A query class without a rule of its own: Whoosh finds the documents. (Whoosh's
    empty query is the public instance ``NullQuery``, which Whoosh itself tests by
    identity; its class is private, so it is recognised here the same way.)"""
    if query is wq.NullQuery:
        return empty()
    return _by_whoosh(query, run.source)


@_matches.register(wq.Every)
def _every(query: wq.Every, run: _Run) -> Matches:
    return unscored(run.source.live_docs)


@_matches.register(wq.And)
def _and(query: wq.And, run: _Run) -> Matches:
    """Clause by clause, stopping at the first that leaves no document in common (a
    long pasted sentence rarely has all its words anywhere: its fallback reads them)."""
    parts: list[Matches] = []
    common: Docs | None = None
    for sub in query.subqueries:
        part = _matches(sub, run)
        parts.append(part)
        common = part.docs if common is None else np.intersect1d(common, part.docs, True)
        if not len(common):
            return empty()
    return intersect(parts)


@_matches.register(wq.Or)
def _or(query: wq.Or, run: _Run) -> Matches:
    """The union, scores added; a boosted ``Or`` (a word's synonyms, search.synonyms)
    scales its scores by its boost."""
    found = union([_matches(q, run) for q in _alternatives(query)])
    return found if query.boost == 1 else Matches(found.docs, found.scores * query.boost)


def _alternatives(query: wq.Or) -> list[wq.Query]:
    """The subqueries of an ``Or``, nested ``Or``s flattened (scores add up either way;
    one union of many arrays is cheaper than many of few)."""
    flat: list[wq.Query] = []
    for sub in query.subqueries:
        flat.extend(_alternatives(sub) if type(sub) is wq.Or and sub.boost == 1 else [sub])
    return flat


@_matches.register(wq.AndNot)
def _and_not(query: wq.AndNot, run: _Run) -> Matches:
    return exclude(_matches(query.a, run), _matches(query.b, run))


@_matches.register(wq.Not)
def _not(query: wq.Not, run: _Run) -> Matches:
    return exclude(unscored(run.source.live_docs), _matches(query.query, run))


@_matches.register(wq.Term)
def _term(query: wq.Term, run: _Run) -> Matches:
    return _term_matches(run.source, query.fieldname, query.text)


@_matches.register(wq.DateRange)
def _date_range(query: wq.DateRange, run: _Run) -> Matches:
    start = day_number(query.startdate) if query.startdate else -FAR
    end = day_number(query.enddate) if query.enddate else FAR
    cols = run.source.columns
    day = cols.day
    return unscored(np.flatnonzero((day >= start) & (day <= end) & cols.live).astype(np.int32))


@_matches.register(wq.Prefix)
def _prefix(query: wq.Prefix, run: _Run) -> Matches:
    source, field, share = run.source, query.fieldname, run.share

    def make() -> Matches:
        return _union_of(source, field, source.expand_prefix(field, query.text, share))

    return _cached(source, ("prefix", field, query.text, share), make)


@_matches.register(wq.FuzzyTerm)
def _fuzzy(query: wq.FuzzyTerm, run: _Run) -> Matches:
    source, field, share = run.source, query.fieldname, run.share

    def make() -> Matches:
        words = run.fuzzy(query.text, query.maxdist, share)
        terms = dict.fromkeys(t for w in [query.text, *words] for t, _ in analyze(w))
        return _union_of(source, field, list(terms)[:share])

    return _cached(source, ("fuzzy", field, query.text, query.maxdist, share), make)


@_matches.register(wq.Phrase)
def _phrase(query: wq.Phrase, run: _Run) -> Matches:
    source, field, words = run.source, query.fieldname, tuple(query.words)
    if field not in TEXT_OF_GRAMS:
        key = ("words", field, words, query.slop)
        return _cached(source, key, lambda: _word_phrase(source, query))
    return _cached(source, ("grams", field, words), lambda: _gram_phrase(source, field, words))


def _term_matches(source: Source, field: str, text: str) -> Matches:
    """One term's live documents, with BM25F partial scores in text and gram fields."""

    def make() -> Matches:
        scored = field in TEXT_FIELDS or field in TEXT_OF_GRAMS
        docs, weights = source.postings(field, text, weighted=scored)
        if not len(docs):  # most terms of most fields (a word of no summary, say)
            return empty()
        return _scored(source, field, docs, weights) if scored else unscored(docs)

    return _cached(source, ("term", field, text), make)


def _union_of(source: Source, field: str, terms: list[str]) -> Matches:
    """The documents with any of *terms* in *field* (an expanded clause)."""
    return union([_term_matches(source, field, t) for t in terms])


def _gram_phrase(source: Source, field: str, words: tuple[str, ...]) -> Matches:
    """A phrase of bigrams (a substring), scored like one term: BM25 of how often it
    occurs, over the documents it occurs in."""
    unique = tuple(dict.fromkeys(words))
    occurrences = [_positions(source, field, w) for w in unique]
    if not all(len(o) for o in occurrences):
        return empty()
    by_word = dict(zip(unique, occurrences, strict=True))
    starts = consecutive([by_word[w] for w in words])
    docs, counts = np.unique(starts >> 32, return_counts=True)
    return _scored(source, field, docs.astype(np.int32), counts * source.boosts[field])


def _word_phrase(source: Source, query: wq.Phrase) -> Matches:
    """A phrase of words, found from their positions (:func:`in_order`), scored by its
    words and boosted as a phrase."""
    field, words = query.fieldname, list(query.words)
    if not words:
        return empty()
    scored = intersect([_term_matches(source, f, t) for f, t in query.iter_all_terms()])
    if not len(scored):
        return scored
    occurrences = [_positions(source, field, w) for w in words]
    docs = distinct(in_order(occurrences, query.slop) >> 32)
    keep = np.isin(scored.docs, docs, assume_unique=True)
    return Matches(scored.docs[keep], scored.scores[keep] * PHRASE_BOOST)


def _positions(source: Source, field: str, text: str) -> Keys:
    return _cached(source, ("positions", field, text), lambda: source.positions(field, text))


def _by_whoosh(query: wq.Query, source: Source) -> Matches:
    """Whoosh finds the documents (a phrase of words: positions), once per generation;
    they score by their words, boosted as a phrase."""

    def make() -> Matches:
        docs = source.whoosh_docs(query)
        terms = [(field, text) for field, text in query.iter_all_terms()]
        if not terms:
            return unscored(docs)
        scored = intersect([_term_matches(source, field, text) for field, text in terms])
        keep = np.isin(scored.docs, docs, assume_unique=True)  # deleted ones drop out too
        return Matches(scored.docs[keep], scored.scores[keep] * PHRASE_BOOST)

    return _cached(source, ("whoosh", repr(query)), make)


def _scored(source: Source, field: str, docs: Docs, tf: npt.NDArray[Any]) -> Matches:
    """BM25F partial scores of one term (or gram phrase) with weights *tf* in *docs*.
    A gram field is normalised by its text field's length: the same text, in words."""
    text_field = TEXT_OF_GRAMS.get(field, field)
    length = np.asarray(source.columns.lengths[text_field])[docs]
    scores = bm25(
        tf, length, source.avg_length[text_field], source.live_count, source.boosts[field]
    )
    return Matches(docs, scores)


def _cached(source: Source, key: Hashable, make: Callable[[], T]) -> T:
    """The value kept for *key*, else ``make()``; a key's first part says what it holds
    (``"positions"``: :data:`Keys`, the others :class:`Matches`), so its type is *make*'s."""
    return cast(T, source.cache.get(key, make))
