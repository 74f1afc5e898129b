"""Result values returned by ``search.service`` (and serialised by the API as-is).

A hit carries its event *as listed*: title and summary cut to ``TEXT_CHARS`` and each
list to ``HIT_LIST_ITEMS``, with ``truncated`` saying so, so that one huge page costs a
results page (and the result cache) no more than a real one. The whole event is
``Search.event(id)``, the event page and ``/api/v1/events/{id}``.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from typing import Any

from indexer.event import Event
from search.facets import Facet
from search.highlight import TEXT_CHARS, clip
from search.histogram import Histogram
from search.params import SearchRequest, filters_of
from search.query_dates import DateSuggestion

HIT_LIST_ITEMS = 20  # contexts, sources, images, related, aliases of a hit; real ones <= 10
# Estimated bytes of the Python objects around the strings (see SearchResult.nbytes).
HIT_OVERHEAD = 2_000
ITEM_OVERHEAD = 200
RESULT_OVERHEAD = 4_000


def listed(event: Event) -> tuple[Event, bool]:
    """*event* as a hit carries it, and whether anything was cut."""
    shown = dataclasses.replace(
        event,
        title=clip(event.title, TEXT_CHARS),
        summary=clip(event.summary, TEXT_CHARS),
        contexts=event.contexts[:HIT_LIST_ITEMS],
        sources=event.sources[:HIT_LIST_ITEMS],
        images=event.images[:HIT_LIST_ITEMS],
        related=event.related[:HIT_LIST_ITEMS],
        aliases=event.aliases[:HIT_LIST_ITEMS],
    )
    return shown, shown != event


@dataclass(frozen=True, slots=True)
class StoryGroup:
    """With ``group=story``, the story a hit stands for (None: an event without one,
    its own group) and how many more matching events of it the results leave out."""

    story: str | None
    more: int


@dataclass(frozen=True, slots=True)
class Hit:
    event: Event  # as listed (see the module docstring)
    title_html: str  # HTML-safe, matches in <mark>
    summary_html: str
    score: float
    truncated: bool = False  # the event's text or lists were cut for the listing
    group: StoryGroup | None = None  # only when results are grouped by story

    def to_dict(self) -> dict[str, Any]:
        grouped = {} if self.group is None else {"group": dataclasses.asdict(self.group)}
        return {
            **self.event.to_dict(),
            "truncated": self.truncated,
            "highlight": {"title": self.title_html, "summary": self.summary_html},
            "score": round(self.score, 4),
            **grouped,
        }

    def strings(self) -> list[str]:
        """Every string the hit holds (for its size in memory)."""
        e = self.event
        return [
            e.id,
            e.title,
            e.summary,
            self.title_html,
            self.summary_html,
            *e.contexts,
            *e.images,
            *e.aliases,
            *(text for s in e.sources for text in (s.name, s.url, s.domain)),
            *(text for r in e.related for text in (r.id, r.text, *r.contexts)),
        ]


@dataclass(frozen=True, slots=True)
class SearchResult:
    request: SearchRequest
    total: int  # matching events; with ``group=story``, their stories (groups)
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    took_ms: float
    interpreted: str
    generation: str
    mode: str = "all"  # "all" words, "any" word fallback, or "corrected"
    did_you_mean: str | None = None
    corrected_from: str | None = None
    per_year: dict[int, int] = field(default_factory=dict)
    timeline: Histogram = field(default_factory=lambda: Histogram("years", ()))
    date_suggestion: DateSuggestion | None = None
    total_events: int = -1  # matching events, grouped or not (-1: as total)

    @property
    def events(self) -> int:
        """Matching events (``total`` counts stories when grouped)."""
        return self.total if self.total_events < 0 else self.total_events

    @property
    def pages(self) -> int:
        from search.params import MAX_RESULTS

        shown = min(self.total, MAX_RESULTS)
        return max(1, -(-shown // self.request.per_page))

    def nbytes(self) -> int:
        """An estimate of the memory this result holds (for the result cache's budget):
        its strings exactly, the objects around them by a constant each."""
        hits = sum(HIT_OVERHEAD + sum(map(sys.getsizeof, h.strings())) for h in self.hits)
        values = [v for f in self.facets for v in f.values]
        facets = sum(ITEM_OVERHEAD + sys.getsizeof(v.value) for v in values)
        buckets = len(self.per_year) + len(self.timeline.buckets)
        texts = sys.getsizeof(self.interpreted) + ITEM_OVERHEAD * buckets
        return RESULT_OVERHEAD + texts + hits + facets

    def to_dict(self) -> dict[str, Any]:
        r = self.request
        return {
            "query": r.q,
            "interpreted": self.interpreted,
            "mode": self.mode,
            "did_you_mean": self.did_you_mean,
            "corrected_from": self.corrected_from,
            "total": self.total,
            "total_events": self.events,
            "group": r.group or None,
            "page": r.page,
            "per_page": r.per_page,
            "pages": self.pages,
            "sort": r.sort,
            "filters": filters_of(r),
            "took_ms": round(self.took_ms, 2),
            "generation": self.generation,
            "hits": [h.to_dict() for h in self.hits],
            "facets": [f.to_dict() for f in self.facets],
            "per_year": {str(y): n for y, n in sorted(self.per_year.items())},
            "timeline": self.timeline.to_dict(),
            "date_suggestion": self.date_suggestion.to_dict() if self.date_suggestion else None,
        }
