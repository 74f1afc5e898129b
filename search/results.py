"""Result values returned by ``search.service`` (and serialised by the API as-is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.event import Event
from search.facets import Facet
from search.params import SearchRequest


@dataclass(frozen=True, slots=True)
class Hit:
    event: Event
    title_html: str  # HTML-safe, matches in <mark>
    summary_html: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.event.to_dict(),
            "highlight": {"title": self.title_html, "summary": self.summary_html},
            "score": round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    took_ms: float
    interpreted: str
    generation: str
    mode: str = "all"  # "all" words, "any" word fallback, or "corrected"
    did_you_mean: str | None = None
    corrected_from: str | None = None
    per_year: dict[int, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        from search.params import MAX_RESULTS

        shown = min(self.total, MAX_RESULTS)
        return max(1, -(-shown // self.request.per_page))

    def to_dict(self) -> dict[str, Any]:
        r = self.request
        return {
            "query": r.q,
            "interpreted": self.interpreted,
            "mode": self.mode,
            "did_you_mean": self.did_you_mean,
            "corrected_from": self.corrected_from,
            "total": self.total,
            "page": r.page,
            "per_page": r.per_page,
            "pages": self.pages,
            "sort": r.sort,
            "filters": {
                "context": list(r.contexts),
                "domain": list(r.domains),
                "year": list(r.years),
                "month": list(r.months),
                "lang": list(r.langs),
                "from": r.date_from.isoformat() if r.date_from else None,
                "to": r.date_to.isoformat() if r.date_to else None,
            },
            "took_ms": round(self.took_ms, 2),
            "generation": self.generation,
            "hits": [h.to_dict() for h in self.hits],
            "facets": [f.to_dict() for f in self.facets],
            "per_year": {str(y): n for y, n in sorted(self.per_year.items())},
        }
