"""Every value of one long facet of a search, not only its top ones: what a facet's
"Show all" lists, searchable by name and paged.

Stories (``context``) and outlets (``domain``) run to thousands of values and places
(``place``) to about two hundred; years, months and languages always come whole with the
search. A place is found by its code or by its name in any of the interface's languages
(``china``, ``中国``, ``中國`` all find ``CN``). The counts are those of the
sidebar (:mod:`search.facets`): the search's matches under every filter but this
facet's own, so an unticked value says how many events it would add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer.places import LANGUAGES, place_name
from indexer.text import name_key
from search.errors import BadRequest, NotFound
from search.facets import FacetValue, Selection, apply, by_count, filter_masks, name_ranks
from search.matches import Docs
from search.query import any_words, build_query
from search.results import SearchResult
from search.snapshot import Snapshot

LONG_FACETS = ("context", "domain", "place")
FACET_PAGE = 100


@dataclass(frozen=True, slots=True)
class FacetValues:
    name: str
    contains: str  # the text searched for in the values' names ("" for all)
    total: int  # values with events that contain it
    page: int
    pages: int
    values: tuple[FacetValue, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "contains": self.contains,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "values": [
                {"value": v.value, "count": v.count, "selected": v.selected} for v in self.values
            ],
        }


def matched_docs(snapshot: Snapshot, result: SearchResult) -> Docs:
    """The documents *result*'s query matched before filters, read the way the search
    read it: as typed, as corrected, or with any of its words."""
    typed = result.request.q
    text = result.did_you_mean if result.mode == "corrected" and result.did_you_mean else typed
    query = build_query(text).query
    if result.mode == "any":
        query = any_words(query)
    return snapshot.evaluate(query).docs


def facet_values(
    snapshot: Snapshot, result: SearchResult, name: str, contains: str = "", page: int = 1
) -> FacetValues:
    if name not in LONG_FACETS:
        raise NotFound(f"no list of values for {name[:40]!r}; try {' or '.join(LONG_FACETS)}")
    request = result.request
    docs = apply(matched_docs(snapshot, result), filter_masks(snapshot, request), skip=name)
    counts = Selection(snapshot, docs).counts(name)
    names: list[str] = getattr(snapshot.columns, f"{name}s")
    wanted = name_key(contains)
    ids = by_count(counts, name_ranks[name](snapshot)).tolist()
    if wanted:
        ids = [i for i in ids if any(wanted in name_key(n) for n in _names(name, names[i]))]
    pages = max(1, -(-len(ids) // FACET_PAGE))
    if not 1 <= page <= pages:
        raise BadRequest(f"page must be between 1 and {pages}, not {page}")
    selected = {"context": request.contexts, "domain": request.domains, "place": request.places}
    chosen = {name_key(v) for v in selected[name]}
    shown = ids[(page - 1) * FACET_PAGE : page * FACET_PAGE]
    values = tuple(
        FacetValue(names[i], int(counts[i]), name_key(names[i]) in chosen) for i in shown
    )
    return FacetValues(name, contains, len(ids), page, pages, values)


def _names(facet: str, value: str) -> list[str]:
    """What a reader may type to find *value*: itself, and a place's names."""
    if facet != "place":
        return [value]
    return [value, *(place_name(value, language) for language in LANGUAGES)]
