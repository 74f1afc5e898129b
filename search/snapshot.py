"""One open index generation, and what is derived from it once per generation.

A :class:`Snapshot` holds a generation's Whoosh searcher (behind a lock: Whoosh readers
are not thread-safe), its memory-mapped columns, the cache of term arrays that
evaluation fills (:mod:`search.evaluate`), and every per-generation fact that requests
read, each a typed field computed on first use (``functools.cached_property``)::

    years, months   int16[N]   per document (deleted ones too): year; month 1-12 (int8)
    year_months     int32[N]   per document: year * 100 + month (201702)
    days            LiveDays   the days with live events, each day's events, in order
    day_range       (int,int)  first and last day number of all documents (recency)
    context_index   dict       context_key(name) -> context id; domain_index, place_index
    context_doc     int32[M]   the document of each context entry; domain_doc, place_doc
    context_counts  int64[C]   live entries per context
    place_counts    int64[P]   live events per place (country code)
    languages       tuple      language codes, most live events first

Each is a pure function of the columns, so two threads meeting a field's first use at
once may both compute it (Python 3.12 dropped ``cached_property``'s lock); they agree,
and one is kept. State that a module *above* this one derives from a snapshot (the
suggester, the spelling vocabulary, the story table) is declared in that module as a
:class:`Derived`, made once by one thread, and kept by the snapshot as these are.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.reading import ReaderClosed

from indexer.columns import Columns, distinct, load_columns, load_vocab, owners
from indexer.dates import calendar_parts, day_months, day_years
from indexer.event import Event
from indexer.postings import PostingsTable, load_postings
from indexer.schema import TEXT_FIELDS, TEXT_OF_GRAMS, context_key
from indexer.stored import StoredEvents, packed_events
from indexer.whoosh_compat import open_searcher, posting_positions
from search.evaluate import TermCache
from search.evaluate import evaluate as evaluate_query
from search.lru import LRU
from search.matches import Docs, Keys, Matches

CACHE_BYTES = 256 * 1024 * 1024  # per process, term arrays + phrase results
ENTRY_BYTES = 100  # what a cached value costs beyond its arrays

T = TypeVar("T")
CloseWords = Callable[["Snapshot", str, int, int], list[str]]
"""(snapshot, word, most edits, most words) -> the snapshot's vocabulary words near it."""


def _cost(value: Matches | Keys) -> int:
    return (value.nbytes if isinstance(value, Matches) else int(value.nbytes)) + ENTRY_BYTES


class ReadLock:
    """The lock every read of a snapshot's Whoosh reader holds; once the snapshot is
    closed, taking it raises ``ReaderClosed``. A read after close would otherwise make
    Whoosh open a segment file again (lazily) that nothing closes: a background
    builder still running when its generation is retired."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.closed = False
        self._closing = threading.Event()

    def __enter__(self) -> ReadLock:
        self._lock.acquire()
        if self.closed:
            self._lock.release()
            raise ReaderClosed("this index generation was closed")
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def close(self, close_reader: Callable[[], None]) -> None:
        with self._lock:
            if not self.closed:
                self.closed = True
                self._closing.set()
                close_reader()

    def wait_closed(self, seconds: float) -> bool:
        """Sleep up to *seconds*, woken by close(): whether it was closed."""
        return self._closing.wait(seconds)


class Snapshot:
    """One open generation: Whoosh searcher, columns, caches. Safe to share by threads.

    *close_words* is how fuzzy clauses expand (:func:`search.spelling.close_words`):
    passed in, since spelling reads this snapshot's vocabulary and so sits above it.
    Term arrays and phrase matches are kept in *cache_bytes*."""

    def __init__(
        self, generation: Path, close_words: CloseWords, cache_bytes: int = CACHE_BYTES
    ) -> None:
        self.generation = generation
        self.name = generation.name
        self.index, self.searcher = open_searcher(generation)
        self.reader = self.searcher.reader()
        self.whoosh_lock = ReadLock()  # Whoosh readers are not thread-safe
        # A snapshot dropped without close() (a Search never closed) still closes the
        # files its reader opened, instead of leaving them to the garbage collector.
        self._finalizer = weakref.finalize(self, self.whoosh_lock.close, self.searcher.close)
        self.columns: Columns = load_columns(generation)
        self.table: PostingsTable | None = load_postings(generation)  # frequent terms
        self.stored = StoredEvents.load(generation)  # how its documents keep events
        self._packed = packed_events(self.reader)
        self.schema = self.index.schema
        self.doc_total = self.columns.doc_count
        self.live_count = int(np.count_nonzero(self.columns.live))
        self.cache: TermCache = LRU(cache_bytes, getsizeof=_cost)
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
        self._close_words = close_words
        self._derived: dict[Derived[Any], Any] = {}
        self._derive_lock = threading.RLock()  # a maker may use another Derived

    def events(self, docs: Iterable[int]) -> list[Event]:
        """The events of these document numbers, read in one hold of the Whoosh lock and
        decompressed outside it."""
        with self.whoosh_lock:
            packed = [self._packed[int(d)] for d in docs]
        return [self.stored.unpack(p) for p in packed]

    def evaluate(self, query: wq.Query) -> Matches:
        """All live documents matching *query*, with BM25F scores."""
        return evaluate_query(query, self, self._fuzzy)

    def _fuzzy(self, word: str, maxdist: int, limit: int) -> list[str]:
        return self._close_words(self, word, maxdist, limit)

    def close(self) -> None:
        self._finalizer()

    # -- reading postings (search.evaluate.Source) ----------------------------------
    def postings(
        self, field: str, text: str, weighted: bool
    ) -> tuple[Docs, npt.NDArray[np.float32]]:
        """The live documents holding the term, and (if *weighted*, else nothing) its
        weight in each: from the generation's table if the term is frequent, else by
        walking Whoosh's postings."""
        tabled = self.table.find(field, text) if self.table is not None else None
        if tabled is not None:  # copies: callers may own what they are given
            if self.whoosh_lock.closed:  # as any read after close
                raise ReaderClosed("this index generation was closed")
            found, found_tf = tabled
            copied = np.array(found_tf, np.float32) if weighted else np.empty(0, np.float32)
            return np.array(found), copied
        ids: list[int] = []
        weights: list[float] = []
        with self.whoosh_lock:
            if (field, text) in self.reader:
                matcher = self.reader.postings(field, text)
                while matcher.is_active():
                    ids.append(matcher.id())
                    if weighted:
                        weights.append(matcher.weight())
                    matcher.next()
        docs = np.asarray(ids, dtype=np.int32)
        keep = np.asarray(self.columns.live)[docs] if len(docs) else np.empty(0, bool)
        tf = np.asarray(weights, dtype=np.float32)
        return docs[keep], tf[keep] if weighted else tf

    def positions(self, field: str, text: str) -> Keys:
        """The term's occurrences in live documents, as sorted keys document << 32 | position."""
        parts = []
        with self.whoosh_lock:
            for reader, offset in self.reader.leaf_readers():
                if (field, text) in reader:
                    docs, counts, positions = posting_positions(reader.postings(field, text))
                    parts.append((np.repeat(docs + offset, counts) << 32) | positions)
        if not parts:
            return np.empty(0, np.int64)
        keys: Keys = np.concatenate(parts)
        live: Keys = keys[np.asarray(self.columns.live)[keys >> 32]]
        return live

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[str]:
        """The first *limit* terms of *field* that start with *prefix*."""
        terms: list[str] = []
        with self.whoosh_lock:
            for term in self.reader.expand_prefix(field, prefix):
                terms.append(term.decode() if isinstance(term, bytes) else term)
                if len(terms) >= limit:
                    break
        return terms

    def whoosh_docs(self, query: wq.Query) -> Docs:
        """The live documents Whoosh's own searcher finds for *query*, sorted."""
        with self.whoosh_lock:
            docs = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int32)
        docs.sort()
        return docs

    # -- per-generation facts, computed on first use ---------------------------------
    @cached_property
    def vocab(self) -> dict[str, dict[str, int]]:
        """Title words and phrases with their counts (``vocab.json``)."""
        return load_vocab(self.generation)

    @cached_property
    def live_docs(self) -> Docs:
        return np.flatnonzero(self.columns.live).astype(np.int32)

    @cached_property
    def years(self) -> npt.NDArray[np.int16]:
        return day_years(self.columns.day)

    @cached_property
    def months(self) -> npt.NDArray[np.int8]:
        return day_months(self.columns.day)

    @cached_property
    def year_months(self) -> npt.NDArray[np.int32]:
        return self.years.astype(np.int32) * 100 + self.months

    @cached_property
    def days(self) -> LiveDays:
        return LiveDays.of(self.live_docs, np.asarray(self.columns.day))

    @cached_property
    def day_range(self) -> tuple[int, int]:
        """The first and last day number of all documents (deleted ones too): the scale
        of a match's recency."""
        day = np.asarray(self.columns.day)
        return (int(day.min()), int(day.max())) if len(day) else (0, 0)

    @cached_property
    def context_doc(self) -> Docs:
        """For each entry of context_ids, the document it belongs to."""
        return owners(self.columns.context_ptr)

    @cached_property
    def domain_doc(self) -> Docs:
        return owners(self.columns.domain_ptr)

    @cached_property
    def place_doc(self) -> Docs:
        return owners(self.columns.place_ptr)

    @cached_property
    def place_index(self) -> dict[str, int]:
        """A place's id by its country code (\"CN\")."""
        return {name: i for i, name in enumerate(self.columns.places)}

    @cached_property
    def place_counts(self) -> npt.NDArray[np.int64]:
        """Per place id, its live events."""
        return self._live_entries("place")

    def _live_entries(self, kind: str) -> npt.NDArray[np.int64]:
        """Per id of the *kind* CSR (context, place), its entries in live documents."""
        cols, owners = self.columns, getattr(self, f"{kind}_doc")
        live = np.asarray(cols.live)[owners]
        ids = np.asarray(getattr(cols, f"{kind}_ids"))[live]
        return np.bincount(ids, minlength=len(getattr(cols, f"{kind}s")))

    @cached_property
    def context_index(self) -> dict[str, int]:
        """A context's id by its :func:`~indexer.schema.context_key`."""
        return {context_key(name): i for i, name in enumerate(self.columns.contexts)}

    @cached_property
    def domain_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.columns.domains)}

    @cached_property
    def context_counts(self) -> npt.NDArray[np.int64]:
        """Per context id, its entries in live documents."""
        return self._live_entries("context")

    @cached_property
    def context_spelling_choices(self) -> dict[int, npt.NDArray[np.int64]]:
        """Contexts spelled more than one way -> the spellings (ids) their events use."""
        cols = self.columns
        many = max(len(cols.context_spellings), 1)
        pairs = distinct(
            np.asarray(cols.context_ids, np.int64) * many + np.asarray(cols.context_spelling_ids)
        )
        contexts, spellings = pairs // many, pairs % many
        starts = np.flatnonzero(np.r_[True, contexts[1:] != contexts[:-1]])
        groups = np.split(spellings, starts[1:])
        return {int(contexts[s]): g for s, g in zip(starts, groups, strict=True) if len(g) > 1}

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The languages of the live events ("zh", "en"), most events first."""
        cols = self.columns
        codes = np.asarray(cols.lang)[np.asarray(cols.live)]
        counts = np.bincount(codes, minlength=len(cols.langs))
        return tuple(str(cols.langs[i]) for i in np.argsort(-counts, kind="stable") if counts[i])


@dataclass(frozen=True, slots=True)
class LiveDays:
    """The days with live events and their events, by day number::

    numbers  [17198, 17200, 17201]         day numbers with live events, sorted
    counts   [3,     5,     1]             their live events
    starts   [0,     3,     8,    9]       where each day's events start in docs
    docs     [4 7 9 | 1 2 3 5 8 | 6]       live documents by day, then by number
    months / days_of_month                 of each day, for on-this-day lookups
    """

    numbers: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    docs: Docs
    months: npt.NDArray[np.int8]
    days_of_month: npt.NDArray[np.int8]

    @classmethod
    def of(cls, live: Docs, day: npt.NDArray[np.int32]) -> LiveDays:
        live_day = day[live]
        order = np.argsort(live_day, kind="stable")  # live is sorted: ties stay by number
        numbers, counts = np.unique(live_day, return_counts=True)
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        _, months, days_of_month = calendar_parts(numbers)
        days = numbers.astype(np.int64)  # as datetime64[D] counts them: dates is a view
        return cls(days, counts, starts, live[order], months, days_of_month)

    @property
    def dates(self) -> npt.NDArray[np.datetime64]:
        """The days as ``datetime64[D]``: a view of the same numbers."""
        return self.numbers.view("datetime64[D]")

    def events(self, number: int) -> Docs:
        """The live documents of day *number*, by document number."""
        at = int(np.searchsorted(self.numbers, number))
        if at == len(self.numbers) or self.numbers[at] != number:
            return self.docs[:0]
        return self.docs[self.starts[at] : self.starts[at + 1]]

    def on(self, month: int, day: int) -> Docs:
        """The live documents of that day of the year, every year: oldest first."""
        found = np.flatnonzero((self.months == month) & (self.days_of_month == day))
        parts = [self.docs[self.starts[i] : self.starts[i + 1]] for i in found]
        return np.concatenate(parts) if parts else self.docs[:0]

    def around(self, number: int) -> tuple[int | None, int | None]:
        """The nearest days with live events before and after day *number*."""
        before = int(np.searchsorted(self.numbers, number, "left"))
        after = int(np.searchsorted(self.numbers, number, "right"))
        previous = int(self.numbers[before - 1]) if before > 0 else None
        following = int(self.numbers[after]) if after < len(self.numbers) else None
        return previous, following


class Derived(Generic[T]):
    """Per-generation state that a module above this one derives from a snapshot:
    declared once where it is made, typed, made on first use by one thread while others
    wait, and kept by the snapshot (so it goes with its generation)::

        suggester = Derived(build_suggester)        # search/suggest.py
        suggester(snapshot).show("nic")
    """

    def __init__(self, make: Callable[[Snapshot], T]) -> None:
        self.make = make

    def __call__(self, snapshot: Snapshot) -> T:
        kept = snapshot._derived
        if self not in kept:
            with snapshot._derive_lock:
                if self not in kept:
                    kept[self] = self.make(snapshot)
        return cast(T, kept[self])
