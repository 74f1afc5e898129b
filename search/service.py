"""The facade the CLI and the web use: one :class:`Search` per index directory."""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.reading import ReaderClosed

from indexer.dates import day_date
from indexer.event import Event
from search import browse, histogram, related, threads
from search.errors import NotFound
from search.facets import Mask, apply, compute_facets, filter_masks, filtered, name_ranks
from search.handle import REFRESH_SECONDS, RETIRE_SECONDS, IndexHandle
from search.highlight import highlight_summary, highlight_title
from search.lru import LRU
from search.matches import Matches
from search.params import GROUP_STORY, MAX_RESULTS, SearchRequest
from search.query import any_words, build_query, text_terms
from search.query_dates import DateSuggestion, date_suggestion
from search.ranking import priors, relevance_key
from search.results import Hit, SearchResult, StoryGroup, listed
from search.snapshot import CACHE_BYTES, Snapshot
from search.spelling import close_words, correct_query, spelling_words
from search.suggest import Suggestion, suggest, suggester

# Answers kept per Search (per worker process), by their estimated size in memory
# (SearchResult.nbytes): a count would let a few huge pages fill the memory. 0: no cache.
RESULT_CACHE_BYTES = 64 * 1024 * 1024
FEW_RESULTS = 3  # fewer than this and a correction is offered
WARM_UP_DELAY = 1.0  # seconds between opening a snapshot and building its lazy parts
# Events an export reads per hold of the Whoosh lock (~5 ms at 200,000 events).
EXPORT_BATCH = 100


def open_snapshot(generation: Path, cache_bytes: int = CACHE_BYTES) -> Snapshot:
    """A generation opened for searching: fuzzy words expand to the spelling vocabulary's
    close words, and its lazy parts start building in the background."""
    snapshot = Snapshot(generation, close_words, cache_bytes)
    warm_up(snapshot)
    return snapshot


def warm_up(snapshot: Snapshot) -> None:
    """Build the snapshot's lazy structures (suggestions, spelling vocabulary, story
    order, ranking priors, the facet values' name order) in the background, so no
    reader's keystroke, typo or first query pays for them (~2 s at 200k events)."""

    def work() -> None:
        # Let the first requests through before taking the GIL. A generation closed
        # meanwhile (replaced, or its Search closed) needs no warming; one closed or
        # removed by the indexer while warming stops there.
        if snapshot.whoosh_lock.wait_closed(WARM_UP_DELAY):
            return
        with contextlib.suppress(ReaderClosed, FileNotFoundError):
            suggester(snapshot)
            spelling_words(snapshot)
            threads.story_order(snapshot)
            priors(snapshot)
            for ranks in name_ranks.values():
                ranks(snapshot)

    threading.Thread(target=work, name=f"warm-{snapshot.name}", daemon=True).start()


def _date_suggestion(request: SearchRequest) -> DateSuggestion | None:
    """The date the query names, unless the request already filters by it."""
    found = date_suggestion(request.q)
    if found is None or (found.year in request.years and found.month in (None, *request.months)):
        return None
    return found


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
        self.handle = IndexHandle(
            Path(index_dir),
            functools.partial(open_snapshot, cache_bytes=term_cache_bytes),
            refresh_seconds=refresh_seconds,
            retire_seconds=retire_seconds,
        )
        self._cache: LRU[tuple[str, SearchRequest], SearchResult] = LRU(
            cache_bytes, getsizeof=SearchResult.nbytes
        )

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
        return self._cache.get((snapshot.name, request), lambda: self._search(snapshot, request))

    def _find(self, snapshot: Snapshot, request: SearchRequest) -> Found:
        """What *request* finds: as typed, else corrected, else any of its words."""
        interpretation = build_query(request.q)
        query, mode = interpretation.query, "all"
        masks = filter_masks(snapshot, request)
        matches = snapshot.evaluate(query)
        final = filtered(matches, masks)
        did_you_mean = corrected_from = None
        if len(final) < FEW_RESULTS and request.spell and interpretation.words:
            correction = correct_query(snapshot, request.q, interpretation.words)
            if correction:
                corrected = build_query(correction).query
                corrected_matches = snapshot.evaluate(corrected)
                corrected_final = filtered(corrected_matches, masks)
                if len(corrected_final) > len(final):
                    did_you_mean = correction
                    if not len(final):  # nothing for what was typed: show the correction
                        corrected_from, mode = request.q, "corrected"
                        query, matches, final = corrected, corrected_matches, corrected_final
        if not len(final) and request.q.strip():
            fallback = any_words(query)
            if fallback != query:
                fallback_matches = snapshot.evaluate(fallback)
                fallback_final = filtered(fallback_matches, masks)
                if len(fallback_final):
                    query, matches, final, mode = fallback, fallback_matches, fallback_final, "any"
        return Found(query, matches, masks, final, mode, did_you_mean, corrected_from)

    def _search(self, snapshot: Snapshot, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        query, matches, masks, final, mode, did_you_mean, corrected_from = self._find(
            snapshot, request
        )
        order, more, total = self._order(snapshot, final, request)
        terms = text_terms(query)
        hits = tuple(
            self._hit(snapshot, int(final.docs[i]), float(final.scores[i]), terms) for i in order
        )
        if request.group == GROUP_STORY:
            hits = tuple(
                replace(h, group=StoryGroup(h.event.story, n))
                for h, n in zip(hits, more, strict=True)
            )
        facets = compute_facets(snapshot, matches.docs, masks, request) if request.facets else []
        # A chosen day's timeline is its month's, so the other days stay a click away.
        single = histogram.single_day(request)
        shown = apply(matches.docs, masks, skip="date") if single else final.docs
        timeline = histogram.of_search(snapshot, shown, request)
        years = timeline if timeline.level == "years" and not single else None
        years = years or histogram.per_year(snapshot, final.docs)
        return SearchResult(
            request=request,
            total=total,
            total_events=len(final),
            hits=hits,
            facets=tuple(facets),
            took_ms=(time.perf_counter() - started) * 1000,
            interpreted=str(query),
            generation=snapshot.name,
            mode=mode,
            did_you_mean=did_you_mean,
            corrected_from=corrected_from,
            per_year={int(b.bucket): b.count for b in years.buckets if b.count},
            timeline=timeline,
            date_suggestion=_date_suggestion(request),
        )

    def _order(
        self, snapshot: Snapshot, matches: Matches, request: SearchRequest
    ) -> tuple[list[int], list[int], int]:
        """Positions (into *matches*) of the requested page, best first; with
        ``group=story``, of the best hit of each story, how many more of its story
        each stands for, and the number of groups (else of hits)."""
        end = min(request.offset + request.per_page, MAX_RESULTS)
        if not len(matches):  # nothing to rank: the priors are not even read
            return [], [], 0
        grouped = request.group == GROUP_STORY  # groups need every match in order
        key = self._key(snapshot, matches, request, None if grouped else end)
        if grouped:
            ranked = np.argsort(key, kind="stable")
            best, more = threads.story_groups(snapshot, matches.docs[ranked])
            shown = slice(request.offset, max(end, request.offset))
            return ranked[best[shown]].tolist(), more[shown].tolist(), len(best)
        return _ranked(key, request.offset, end), [], len(matches)

    def _key(
        self, snapshot: Snapshot, matches: Matches, request: SearchRequest, top: int | None
    ) -> npt.NDArray[np.float64]:
        """Per match, its sort key: the smallest first (with *top*, exact for the first
        *top* only)."""
        if request.sort == "relevance" and request.q.strip():
            return relevance_key(snapshot, matches, top)  # BM25 x importance (search.ranking)
        day = np.asarray(snapshot.columns.day)[matches.docs].astype(np.float64)
        if request.sort == "oldest":
            return day + matches.docs / 1e9
        return -day - matches.docs / 1e9  # newest, and the order of an empty query

    def _hit(self, snapshot: Snapshot, docnum: int, score: float, terms: set[str]) -> Hit:
        (event,) = snapshot.events((docnum,))
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
        order = _ranked(self._key(snapshot, final, request, limit), 0, limit) if len(final) else []
        docs = [int(final.docs[i]) for i in order]

        def batches() -> Iterator[list[Event]]:
            for start in range(0, len(docs), batch):  # the lock is held for one batch:
                yield snapshot.events(docs[start : start + batch])  # other requests interleave

        return len(final), batches()

    # -- everything else ----------------------------------------------------------
    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        return suggest(self.snapshot(), prefix, limit)

    def event(self, event_id: str) -> Event:
        return browse.event(self.snapshot(), event_id)

    def related(self, event_id: str) -> list[related.RelatedEvent]:
        snapshot = self.snapshot()
        return related.related_events(snapshot, browse.event(snapshot, event_id))

    def thread(self, event_id: str) -> threads.Thread | None:
        """The events just before and after this one in its story (search.threads)."""
        snapshot = self.snapshot()
        docnum = browse.docnum_of(snapshot, event_id)
        if docnum is None:
            raise NotFound(f"no event with id {event_id[:200]!r}")
        event = snapshot.events([docnum])[0]
        return threads.thread(snapshot, event, docnum)

    def timeline(self, context: str, page: int = 1) -> browse.Timeline:
        return browse.timeline(self.snapshot(), context, page)

    def places(self) -> browse.Places:
        return browse.places(self.snapshot())

    def place(self, code: str) -> browse.Place:
        return browse.place(self.snapshot(), code)

    def day(self, date: str) -> browse.Day:
        return browse.day(self.snapshot(), date)

    def on_this_day(self, month: int, day: int) -> browse.OnThisDay:
        return browse.on_this_day(self.snapshot(), month, day)

    def latest_days(self, count: int) -> list[browse.Day]:
        return browse.latest_days(self.snapshot(), count)

    def stats(self) -> dict[str, object]:
        snapshot = self.snapshot()
        days = snapshot.days.numbers
        return {
            "generation": snapshot.name,
            "events": snapshot.live_count,
            "first_day": str(day_date(days[0])) if len(days) else None,
            "last_day": str(day_date(days[-1])) if len(days) else None,
        }


def _ranked(key: npt.NDArray[np.float64], start: int, end: int) -> list[int]:
    """Positions of the *start*-th to *end*-th smallest of *key* (ties: first first)."""
    if start >= len(key) or end <= start:
        return []
    top = min(end, len(key))
    candidates = np.argpartition(key, top - 1)[:top] if top < len(key) else np.arange(len(key))
    ranked = candidates[np.argsort(key[candidates], kind="stable")]
    return [int(i) for i in ranked[start:end]]


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
