"""The facade the CLI and the web use: one :class:`Search` per index directory."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
from cachetools import LRUCache
from whoosh import query as wq

from indexer.columns import EPOCH
from indexer.event import Event
from indexer.schema import from_stored
from search import browse, related
from search.engine import (
    CACHE_BYTES,
    REFRESH_SECONDS,
    RETIRE_SECONDS,
    IndexHandle,
    Matches,
    Snapshot,
)
from search.facets import Mask, apply, compute_facets, filter_masks
from search.highlight import highlight_summary, highlight_title
from search.params import MAX_RESULTS, SearchRequest
from search.query import any_words, build_query, text_terms
from search.results import Hit, SearchResult, listed
from search.spelling import correct_query
from search.suggest import Suggestion, suggest

# Answers kept per Search (per worker process), by their estimated size in memory
# (SearchResult.nbytes): a count would let a few huge pages fill the memory. 0: no cache.
RESULT_CACHE_BYTES = 64 * 1024 * 1024
RECENCY_WEIGHT = 0.15  # the newest event scores at most 15% above the oldest
# Events an export reads per hold of the Whoosh lock (~5 ms at 200,000 events).
EXPORT_BATCH = 100
FEW_RESULTS = 3  # fewer than this and a correction is offered


class Search:
    """Answers every question about one index directory; safe to share between threads."""

    def __init__(
        self,
        index_dir: Path | str,
        cache_bytes: int = RESULT_CACHE_BYTES,
        *,
        term_cache_bytes: int = CACHE_BYTES,
        refresh_seconds: float = REFRESH_SECONDS,
        retire_seconds: float = RETIRE_SECONDS,
    ) -> None:
        """Answers kept in *cache_bytes* (0: none); each generation's term arrays and
        phrase matches in *term_cache_bytes*. CURRENT is read again after *refresh_seconds*;
        a replaced generation is closed *retire_seconds* later (requests in flight on it
        finish first)."""
        self.handle = IndexHandle(Path(index_dir))
        # Issue 14: IndexHandle takes these three once search/engine.py is split; until the
        # lead wires them through, that module's constants of the same names rule.
        self.term_cache_bytes = term_cache_bytes
        self.refresh_seconds, self.retire_seconds = refresh_seconds, retire_seconds
        self._cache: LRUCache[tuple[str, SearchRequest], SearchResult] = LRUCache(
            cache_bytes, getsizeof=SearchResult.nbytes
        )
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def snapshot(self) -> Snapshot:
        return self.handle.current()

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> Search:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- search -------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        snapshot = self.snapshot()
        key = (snapshot.name, request)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._search(snapshot, request)
        with self._lock, contextlib.suppress(ValueError):  # larger than the whole budget
            self._cache[key] = result
        return result

    def _find(self, snapshot: Snapshot, request: SearchRequest) -> Found:
        """What *request* finds: as typed, else corrected, else any of its words."""
        interpretation = build_query(request.q)
        query, mode = interpretation.query, "all"
        masks = filter_masks(snapshot, request)
        matches = snapshot.evaluate(query)
        docs = apply(matches.docs, masks)
        did_you_mean = corrected_from = None
        if len(docs) < FEW_RESULTS and request.spell and interpretation.words:
            correction = correct_query(snapshot, request.q, interpretation.words)
            if correction:
                corrected = build_query(correction).query
                corrected_matches = snapshot.evaluate(corrected)
                corrected_docs = apply(corrected_matches.docs, masks)
                if len(corrected_docs) > len(docs):
                    did_you_mean = correction
                    if not len(docs):  # nothing for what was typed: show the correction
                        corrected_from, mode = request.q, "corrected"
                        query, matches, docs = corrected, corrected_matches, corrected_docs
        if not len(docs) and request.q.strip():
            fallback = any_words(query)
            if fallback != query:
                fallback_matches = snapshot.evaluate(fallback)
                if len(apply(fallback_matches.docs, masks)):
                    query, matches, mode = fallback, fallback_matches, "any"
                    docs = apply(matches.docs, masks)
        keep = np.isin(matches.docs, docs, assume_unique=True)
        final = Matches(matches.docs[keep], matches.scores[keep])
        return Found(query, matches, masks, final, mode, did_you_mean, corrected_from)

    def _search(self, snapshot: Snapshot, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        query, matches, masks, final, mode, did_you_mean, corrected_from = self._find(
            snapshot, request
        )
        order = self._order(snapshot, final, request)
        terms = text_terms(query)
        hits = tuple(
            self._hit(snapshot, int(final.docs[i]), float(final.scores[i]), terms) for i in order
        )
        facets = compute_facets(snapshot, matches.docs, masks, request) if request.facets else []
        years = snapshot.years[final.docs]
        per_year = {
            int(y): int(n) for y, n in zip(*np.unique(years, return_counts=True), strict=True)
        }
        return SearchResult(
            request=request,
            total=len(final),
            hits=hits,
            facets=tuple(facets),
            took_ms=(time.perf_counter() - started) * 1000,
            interpreted=str(query),
            generation=snapshot.name,
            mode=mode,
            did_you_mean=did_you_mean,
            corrected_from=corrected_from,
            per_year=per_year,
        )

    def _order(self, snapshot: Snapshot, matches: Matches, request: SearchRequest) -> list[int]:
        """Positions (into *matches*) of the requested page, best first."""
        end = min(request.offset + request.per_page, MAX_RESULTS)
        return self._ranked(snapshot, matches, request, request.offset, end)

    def _ranked(
        self, snapshot: Snapshot, matches: Matches, request: SearchRequest, start: int, end: int
    ) -> list[int]:
        """Positions (into *matches*) of results *start* to *end* in *request*'s order."""
        if start >= len(matches) or end <= start:
            return []
        day = np.asarray(snapshot.columns.day)[matches.docs].astype(np.float64)
        if request.sort == "relevance" and request.q.strip():
            span = max(float(snapshot.columns.day.max() - snapshot.columns.day.min()), 1.0)
            recency = (day - float(snapshot.columns.day.min())) / span
            key = -(matches.scores * (1.0 + RECENCY_WEIGHT * recency))
        elif request.sort == "oldest":
            key = day + matches.docs / 1e9
        else:  # newest, and the order of an empty query
            key = -day - matches.docs / 1e9
        top = min(end, len(matches))
        candidates = np.argpartition(key, top - 1)[:top] if top < len(key) else np.arange(len(key))
        ranked = candidates[np.argsort(key[candidates], kind="stable")]
        return [int(i) for i in ranked[start:end]]

    def _hit(self, snapshot: Snapshot, docnum: int, score: float, terms: set[str]) -> Hit:
        with snapshot.whoosh_lock:
            fields = snapshot.searcher.stored_fields(docnum)
        event = from_stored(fields)
        shown, truncated = listed(event)
        return Hit(
            shown,
            highlight_title(shown.title, terms),
            highlight_summary(event.summary, terms),  # a match may be past the cut
            score,
            truncated,
        )

    # -- export -------------------------------------------------------------------
    def export(
        self, request: SearchRequest, limit: int, batch: int = EXPORT_BATCH
    ) -> tuple[int, Iterator[list[Event]]]:
        """The total *request* finds, and its first *limit* events (past the paging cap,
        its paging ignored) in the order its pages list them, whole (not cut as hits
        are), read *batch* at a time as the iterator is consumed. The events come from
        the generation current now, even if another is published meanwhile."""
        snapshot = self.snapshot()
        final = self._find(snapshot, request).final
        order = self._ranked(snapshot, final, request, 0, limit)
        docs = [int(final.docs[i]) for i in order]

        def batches() -> Iterator[list[Event]]:
            for start in range(0, len(docs), batch):
                with snapshot.whoosh_lock:  # held for one batch: other requests interleave
                    stored = [
                        snapshot.searcher.stored_fields(d) for d in docs[start : start + batch]
                    ]
                yield [from_stored(fields) for fields in stored]

        return len(final), batches()

    # -- everything else ----------------------------------------------------------
    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        return suggest(self.snapshot(), prefix, limit)

    def event(self, event_id: str) -> Event:
        return browse.event(self.snapshot(), event_id)

    def related(self, event_id: str) -> list[related.RelatedEvent]:
        snapshot = self.snapshot()
        return related.related_events(snapshot, browse.event(snapshot, event_id))

    def timeline(self, context: str, page: int = 1) -> browse.Timeline:
        return browse.timeline(self.snapshot(), context, page)

    def day(self, date: str) -> browse.Day:
        return browse.day(self.snapshot(), date)

    def on_this_day(self, month: int, day: int) -> browse.OnThisDay:
        return browse.on_this_day(self.snapshot(), month, day)

    def stats(self) -> dict[str, object]:
        snapshot = self.snapshot()
        days = np.asarray(snapshot.columns.day)[np.asarray(snapshot.columns.live)]
        return {
            "generation": snapshot.name,
            "events": snapshot.live_count,
            "first_day": str(EPOCH.fromordinal(EPOCH.toordinal() + int(days.min())))
            if len(days)
            else None,
            "last_day": str(EPOCH.fromordinal(EPOCH.toordinal() + int(days.max())))
            if len(days)
            else None,
        }


class Found(NamedTuple):
    """What a request finds: *matches* of its *query* (before the filters' *masks*),
    *final* after them; *mode* and the correction as :class:`SearchResult` has them."""

    query: wq.Query
    matches: Matches
    masks: dict[str, Mask]
    final: Matches
    mode: str
    did_you_mean: str | None
    corrected_from: str | None
