"""Evaluating Whoosh queries with numpy over one index generation.

Whoosh stays the index of record; what it does per posting in Python, we do once per
searcher: a term's postings become two arrays (document numbers, BM25F partial scores)
the first time the term is used, kept in an LRU cache, and every later query combines
arrays with vectorised set operations. Phrases are checked by Whoosh (positions) and
cached the same way. Filters and facets read the memory-mapped ``columns``. Prefix and
fuzzy clauses expand to vocabulary terms, ``QUERY_EXPANSION`` at most for all the clauses
of one query together, so a query's first use reads a bounded number of postings lists.

:class:`Snapshot` is one open generation; :class:`IndexHandle` hands out the current
snapshot and swaps in a new one when an indexing run publishes a new generation.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from indexer import store
from indexer.columns import EPOCH, Columns, load_columns, load_vocab
from indexer.schema import TEXT_FIELDS, TEXT_OF_GRAMS, context_key
from indexer.whoosh_compat import NullQueryType, open_searcher
from search.errors import IndexUnavailable

log = logging.getLogger("eventsearch.search")

K1, B = 1.2, 0.75  # Whoosh's BM25F defaults
PHRASE_BOOST = 1.5  # a phrase match outranks the same words scattered
MAX_EXPANSION = 200  # terms a prefix or fuzzy clause may expand to
QUERY_EXPANSION = 400  # ... and all such clauses of one query together (see expansion_share)
CACHE_BYTES = 256 * 1024 * 1024  # per process, term arrays + phrase results
REFRESH_SECONDS = 1.0  # how often CURRENT is checked for a new generation
RETIRE_SECONDS = 30.0  # an old snapshot is closed this long after a new one opens
WARM_UP_DELAY = 1.0  # seconds between opening a snapshot and building its lazy parts

T = TypeVar("T")
Docs = npt.NDArray[np.int32]
Scores = npt.NDArray[np.float32]
Keys = npt.NDArray[np.int64]  # document << 32 | position, sorted
Cached = TypeVar("Cached", "Matches", Keys)


@dataclass(frozen=True, slots=True)
class Matches:
    """Sorted unique document numbers with their scores."""

    docs: Docs
    scores: Scores

    def __len__(self) -> int:
        return len(self.docs)


def _empty() -> Matches:
    return Matches(np.empty(0, np.int32), np.empty(0, np.float32))


def union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    docs = np.concatenate([p.docs for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    unique, inverse = np.unique(docs, return_inverse=True)
    return Matches(unique.astype(np.int32), np.bincount(inverse, scores).astype(np.float32))


def intersect(parts: list[Matches]) -> Matches:
    parts = sorted(parts, key=len)
    result = parts[0]
    for part in parts[1:]:
        if not len(result):
            break
        docs, ia, ib = np.intersect1d(result.docs, part.docs, True, True)
        result = Matches(docs.astype(np.int32), result.scores[ia] + part.scores[ib])
    return result


def _alternatives(query: wq.Or) -> list[wq.Query]:
    """The subqueries of an ``Or``, nested ``Or``s flattened (scores add up either way;
    one union of many arrays is cheaper than many of few)."""
    flat: list[wq.Query] = []
    for sub in query.subqueries:
        flat.extend(_alternatives(sub) if type(sub) is wq.Or else [sub])
    return flat


def expansion_share(query: wq.Query, total: int | None = None) -> int:
    """Terms each prefix or fuzzy clause of *query* may expand to: an equal share of
    *total* (``QUERY_EXPANSION``), so that forty prefixes read no more postings than a few.
    Decided from the query alone, before evaluation, so no answer depends on the cache."""
    budget = QUERY_EXPANSION if total is None else total
    clauses = sum(isinstance(leaf, wq.Prefix | wq.FuzzyTerm) for leaf in query.leaves())
    return max(1, min(MAX_EXPANSION, budget // max(clauses, 1)))


def consecutive(occurrences: list[Keys]) -> Keys:
    """Where the grams of a phrase occur one after another: the keys (see
    :meth:`Snapshot._gram_keys`) at which ``occurrences[0]`` starts, ``occurrences[1]`` one
    position on, and so on. Checked from the rarest gram, a binary search per candidate."""
    rarest = min(range(len(occurrences)), key=lambda i: len(occurrences[i]))
    starts = occurrences[rarest] - rarest
    for i, keys in enumerate(occurrences):
        if i == rarest or not len(starts):
            continue
        wanted = starts + i
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        starts = starts[keys[at] == wanted] if len(keys) else starts[:0]
    return starts


def exclude(a: Matches, b: Matches) -> Matches:
    keep = np.isin(a.docs, b.docs, assume_unique=True, invert=True)
    return Matches(a.docs[keep], a.scores[keep])


class _LRU:
    def __init__(self, budget: int) -> None:
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.budget, self.used = budget, 0
        self.lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Cached]) -> Cached:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                found: Cached = self.items[key]
                return found
        value = make()  # outside the lock: another thread may make the same key meanwhile
        with self.lock:
            if key in self.items:  # ... and then its copy is kept, and counted, once
                self.items.move_to_end(key)
                kept: Cached = self.items[key]
                return kept
            self.items[key] = value
            self.used += _nbytes(value)
            while self.used > self.budget and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.used -= _nbytes(old)
        return value


def _nbytes(value: Matches | Keys) -> int:
    if isinstance(value, Matches):
        return value.docs.nbytes + value.scores.nbytes + 100
    return int(value.nbytes) + 100


class Snapshot:
    """One open generation: Whoosh searcher, columns, caches. Safe to share by threads."""

    def __init__(self, generation: Path) -> None:
        self.generation = generation
        self.name = generation.name
        self.index, self.searcher = open_searcher(generation)
        self.reader = self.searcher.reader()
        self.whoosh_lock = threading.RLock()  # Whoosh readers are not thread-safe
        self.columns: Columns = load_columns(generation)
        self.schema = self.index.schema
        self.doc_total = self.columns.doc_count
        self.live_count = int(np.count_nonzero(self.columns.live))
        self.cache = _LRU(CACHE_BYTES)
        self.avg_length = {
            f: max(float(np.mean(self.columns.lengths[f][self.columns.live])), 1.0)
            if self.live_count
            else 1.0
            for f in TEXT_FIELDS
        }
        self.boosts = {
            f: float(getattr(self.schema[f].format, "field_boost", 1.0) or 1.0)
            for f in (*TEXT_FIELDS, *TEXT_OF_GRAMS)
            if f in self.schema
        }
        self._derived: dict[str, Any] = {}
        self._derive_lock = threading.RLock()
        self._vocab: dict[str, dict[str, int]] | None = None

    # -- derived per-document arrays, computed on first use ------------------------
    def derived(self, name: str, make: Callable[[], T]) -> T:
        """A value computed from this snapshot once, on first use."""
        if name not in self._derived:
            with self._derive_lock:  # one thread computes; the others wait for it
                if name not in self._derived:
                    self._derived[name] = make()
        value: T = self._derived[name]
        return value

    @property
    def live_docs(self) -> Docs:
        return self.derived("live_docs", lambda: np.flatnonzero(self.columns.live).astype(np.int32))

    @property
    def years(self) -> npt.NDArray[np.int16]:
        def make() -> Any:
            dates = np.asarray(self.columns.day).astype("datetime64[D]")
            return (dates.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16)

        return self.derived("years", make)

    @property
    def months(self) -> npt.NDArray[np.int8]:
        def make() -> Any:
            dates = np.asarray(self.columns.day).astype("datetime64[D]")
            return (dates.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int8)

        return self.derived("months", make)

    def _owners(self, ptr: Any) -> Docs:
        ptr = np.asarray(ptr)
        return np.repeat(np.arange(len(ptr) - 1, dtype=np.int32), np.diff(ptr))

    @property
    def context_doc(self) -> Docs:
        """For each entry of context_ids, the document it belongs to."""
        return self.derived("context_doc", lambda: self._owners(self.columns.context_ptr))

    @property
    def domain_doc(self) -> Docs:
        return self.derived("domain_doc", lambda: self._owners(self.columns.domain_ptr))

    @property
    def context_index(self) -> dict[str, int]:
        def make() -> dict[str, int]:
            return {context_key(name): i for i, name in enumerate(self.columns.contexts)}

        return self.derived("context_index", make)

    @property
    def vocab(self) -> dict[str, dict[str, int]]:
        if self._vocab is None:
            self._vocab = load_vocab(self.generation)
        return self._vocab

    def close(self) -> None:
        with self.whoosh_lock:
            self.searcher.close()

    # -- evaluation ---------------------------------------------------------------
    def evaluate(self, query: wq.Query) -> Matches:
        """All live documents matching *query*, with BM25F scores."""
        return self._eval(query, expansion_share(query))

    def _eval(self, query: wq.Query, share: int) -> Matches:
        """*query* evaluated; *share*: terms each of its prefix or fuzzy clauses may
        expand to."""
        if isinstance(query, NullQueryType):
            return _empty()
        method = getattr(self, f"_eval_{type(query).__name__}", None)
        if method is None:
            return self._eval_whoosh(query)
        result: Matches = method(query, share)
        return result

    def _eval_Every(self, query: wq.Every, share: int) -> Matches:
        docs = self.live_docs
        return Matches(docs, np.zeros(len(docs), np.float32))

    def _eval_And(self, query: wq.And, share: int) -> Matches:
        """Clause by clause, stopping at the first that leaves no document in common (a
        long pasted sentence rarely has all its words anywhere: its fallback reads them)."""
        parts: list[Matches] = []
        common: Docs | None = None
        for sub in query.subqueries:
            part = self._eval(sub, share)
            parts.append(part)
            common = part.docs if common is None else np.intersect1d(common, part.docs, True)
            if not len(common):
                return _empty()
        return intersect(parts)

    def _eval_Or(self, query: wq.Or, share: int) -> Matches:
        return union([self._eval(q, share) for q in _alternatives(query)])

    def _eval_AndNot(self, query: wq.AndNot, share: int) -> Matches:
        return exclude(self._eval(query.a, share), self._eval(query.b, share))

    def _eval_Term(self, query: wq.Term, share: int = 0) -> Matches:
        return self.cache.get(
            ("term", query.fieldname, query.text),
            lambda: self._postings(query.fieldname, query.text),
        )

    def _eval_DateRange(self, query: wq.DateRange, share: int) -> Matches:
        start = (query.startdate.date() - EPOCH).days if query.startdate else -(10**9)
        end = (query.enddate.date() - EPOCH).days if query.enddate else 10**9
        day = self.columns.day
        docs = np.flatnonzero((day >= start) & (day <= end) & self.columns.live).astype(np.int32)
        return Matches(docs, np.zeros(len(docs), np.float32))

    def _eval_Prefix(self, query: wq.Prefix, share: int) -> Matches:
        def make() -> Matches:
            with self.whoosh_lock:
                terms = []
                for term in self.reader.expand_prefix(query.fieldname, query.text):
                    terms.append(term.decode() if isinstance(term, bytes) else term)
                    if len(terms) >= share:
                        break
            return self._union_of(query.fieldname, terms)

        return self.cache.get(("prefix", query.fieldname, query.text, share), make)

    def _eval_FuzzyTerm(self, query: wq.FuzzyTerm, share: int) -> Matches:
        from search.spelling import close_words

        def make() -> Matches:
            from search.query import analyze

            words = close_words(self, query.text, query.maxdist, limit=share)
            terms = dict.fromkeys(t for w in [query.text, *words] for t, _ in analyze(w))
            return self._union_of(query.fieldname, list(terms)[:share])

        key = ("fuzzy", query.fieldname, query.text, query.maxdist, share)
        return self.cache.get(key, make)

    def _eval_Phrase(self, query: wq.Phrase, share: int) -> Matches:
        if query.fieldname not in TEXT_OF_GRAMS:
            return self._eval_whoosh(query)
        field, words = query.fieldname, tuple(query.words)
        return self.cache.get(("grams", field, words), lambda: self._gram_phrase(field, words))

    def _gram_phrase(self, field: str, words: tuple[str, ...]) -> Matches:
        """A phrase of bigrams (a substring), scored like one term: BM25 of how often it
        occurs, over the documents it occurs in."""
        occurrences = [self._gram_keys(field, w) for w in dict.fromkeys(words)]
        if not all(len(o) for o in occurrences):
            return _empty()
        by_word = dict(zip(dict.fromkeys(words), occurrences, strict=True))
        starts = consecutive([by_word[w] for w in words])
        docs, counts = np.unique(starts >> 32, return_counts=True)
        return self._bm25(field, docs.astype(np.int32), counts * self.boosts[field])

    def _gram_keys(self, field: str, text: str) -> Keys:
        """One gram's occurrences in live documents, as sorted keys document << 32 | position."""

        def make() -> Keys:
            docs: list[int] = []
            counts: list[int] = []
            positions: list[int] = []
            with self.whoosh_lock:
                if (field, text) not in self.reader:
                    return np.empty(0, np.int64)
                matcher = self.reader.postings(field, text)
                while matcher.is_active():
                    found = matcher.value_as("positions")
                    docs.append(matcher.id())
                    counts.append(len(found))
                    positions.extend(found)
                    matcher.next()
            owner = np.repeat(np.asarray(docs, np.int64), counts)
            keys = (owner << 32) | np.asarray(positions, np.int64)
            return keys[np.asarray(self.columns.live)[owner]] if len(keys) else keys

        return self.cache.get(("gram keys", field, text), make)

    def _union_of(self, field: str, terms: list[str]) -> Matches:
        """The documents with any of *terms* in *field* (an expanded clause)."""
        return union([self._eval_Term(wq.Term(field, t)) for t in terms])

    def _eval_whoosh(self, query: wq.Query) -> Matches:
        """Anything else (phrases): Whoosh finds the documents, once per snapshot."""

        def make() -> Matches:
            with self.whoosh_lock:
                docs = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int32)
            docs.sort()
            # Score the phrase by its words (deleted documents drop out here too).
            terms = [wq.Term(t[0], t[1]) for t in query.iter_all_terms()]
            scored = intersect([self._eval_Term(t) for t in terms]) if terms else _empty()
            keep = np.isin(scored.docs, docs, assume_unique=True)
            return (
                Matches(scored.docs[keep], scored.scores[keep] * PHRASE_BOOST)
                if terms
                else Matches(docs, np.zeros(len(docs), np.float32))
            )

        return self.cache.get(("whoosh", repr(query)), make)

    def _postings(self, field: str, text: str) -> Matches:
        """One term's postings as arrays, with BM25F partial scores for text fields."""
        with self.whoosh_lock:
            if (field, text) not in self.reader:
                return _empty()
            matcher = self.reader.postings(field, text)
            ids: list[int] = []
            freqs: list[float] = []
            scored = field in TEXT_FIELDS or field in TEXT_OF_GRAMS
            while matcher.is_active():
                ids.append(matcher.id())
                if scored:
                    freqs.append(matcher.weight())
                matcher.next()
        docs = np.asarray(ids, dtype=np.int32)
        keep = np.asarray(self.columns.live)[docs] if len(docs) else np.empty(0, bool)
        docs = docs[keep]
        if not scored:
            return Matches(docs, np.zeros(len(docs), np.float32))
        return self._bm25(field, docs, np.asarray(freqs, dtype=np.float32)[keep])

    def _bm25(self, field: str, docs: Docs, tf: npt.NDArray[Any]) -> Matches:
        """BM25F partial scores of one term (or gram phrase) with weights *tf* in *docs*.
        A gram field is normalised by its text field's length: the same text, in words."""
        text_field = TEXT_OF_GRAMS.get(field, field)
        length = np.asarray(self.columns.lengths[text_field])[docs].astype(np.float32)
        idf = math.log(self.live_count / (len(docs) + 1)) + 1.0
        norm = K1 * ((1 - B) + B * length / self.avg_length[text_field])
        tf = tf.astype(np.float32)
        score = self.boosts[field] * idf * tf * (K1 + 1) / (tf + norm)
        return Matches(docs, score.astype(np.float32))


def warm_up(snapshot: Snapshot) -> None:
    """Build the snapshot's lazy structures (suggestions, spelling vocabulary) in the
    background, so no reader's keystroke or typo pays for them (~2 s at 200k events)."""

    def work() -> None:
        from search.spelling import spelling_words
        from search.suggest import suggester

        time.sleep(WARM_UP_DELAY)  # let the first requests through before taking the GIL
        suggester(snapshot)
        spelling_words(snapshot)

    threading.Thread(target=work, name=f"warm-{snapshot.name}", daemon=True).start()


class IndexHandle:
    """The current snapshot of an index directory, refreshed when CURRENT changes."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        now = time.monotonic()
        snapshot = self._snapshot
        if snapshot is not None and now - self._checked < REFRESH_SECONDS:
            return snapshot
        with self._lock:
            self._checked = now
            generation = store.current_generation(self.index_dir)
            if generation is None:
                if self._snapshot is not None:
                    return self._snapshot
                raise IndexUnavailable(
                    f"no index at {self.index_dir}; run `eventsearch index` first"
                )
            if self._snapshot is None or self._snapshot.name != generation.name:
                if store.needs_rebuild(self.index_dir):
                    raise IndexUnavailable(
                        f"the index at {self.index_dir} was built by another version of "
                        "eventsearch; run `eventsearch index` again"
                    )
                try:
                    fresh = Snapshot(generation)
                except Exception as exc:  # vanished, unreadable, damaged: keep what works
                    log.warning("cannot open index generation %s: %s", generation, exc)
                    if self._snapshot is None:
                        raise IndexUnavailable(
                            f"cannot open index generation {generation.name}: {exc}"
                        ) from None
                    return self._snapshot
                warm_up(fresh)
                if self._snapshot is not None:  # requests in flight may still use it
                    timer = threading.Timer(RETIRE_SECONDS, self._snapshot.close)
                    timer.daemon = True
                    timer.start()
                self._snapshot = fresh
            return self._snapshot

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
