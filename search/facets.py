"""Facet counts over numpy columns, in one documented shape.

Shape (the JSON API and the HTML sidebar both use it)::

    {"name": "context",
     "values": [{"value": "Syrian Civil War", "count": 412, "selected": true}, ...],
     "truncated": false}

Multi-select: values of one facet are OR-ed, facets are AND-ed, and each facet's counts
ignore that facet's own selection, so an unticked value shows how many it would add.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.columns import EPOCH
from indexer.schema import context_key
from search.engine import Docs, Snapshot
from search.params import SearchRequest

FACET_LIMIT = 20  # values shown per facet (selected values always shown)
CANDIDATES = 1000  # values ranked exactly; past this, only the top counts are sorted
Mask = npt.NDArray[np.bool_]
FACET_NAMES = ("context", "domain", "year", "month", "lang")


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]
    truncated: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "values": [
                {"value": v.value, "count": v.count, "selected": v.selected} for v in self.values
            ],
            "truncated": self.truncated,
        }


def _csr_mask(snapshot: Snapshot, kind: str, wanted: list[int]) -> Mask:
    ids = getattr(snapshot.columns, f"{kind}_ids")
    owners = snapshot.context_doc if kind == "context" else snapshot.domain_doc
    mask = np.zeros(snapshot.doc_total, dtype=np.bool_)
    mask[owners[np.isin(ids, wanted)]] = True
    return mask


def _day(date: dt.date) -> int:
    return (date - EPOCH).days


def filter_masks(snapshot: Snapshot, request: SearchRequest) -> dict[str, Mask]:
    """One boolean mask per facet group that the request restricts."""
    cols, masks = snapshot.columns, {}
    if request.contexts:
        index = snapshot.context_index
        masks["context"] = _csr_mask(
            snapshot,
            "context",
            [index[context_key(c)] for c in request.contexts if context_key(c) in index],
        )
    if request.domains:
        wanted = [i for i, d in enumerate(cols.domains) if d in set(request.domains)]
        masks["domain"] = _csr_mask(snapshot, "domain", wanted)
    if request.years:
        masks["year"] = np.isin(snapshot.years, list(request.years))
    if request.months:
        years_months = snapshot.years.astype(np.int32) * 100 + snapshot.months
        wanted = [int(m[:4]) * 100 + int(m[5:7]) for m in request.months]
        masks["month"] = np.isin(years_months, wanted)
    if request.langs:
        codes = [i for i, name in enumerate(cols.langs) if name in request.langs]
        masks["lang"] = np.isin(cols.lang, codes)
    if request.date_from or request.date_to:
        day = cols.day
        low = _day(request.date_from) if request.date_from else -(10**9)
        high = _day(request.date_to) if request.date_to else 10**9
        masks["date"] = (day >= low) & (day <= high)
    return masks


def apply(docs: Docs, masks: dict[str, Mask], skip: str | None = None) -> Docs:
    keep = np.ones(len(docs), dtype=np.bool_)
    for name, mask in masks.items():
        if name != skip:
            keep &= mask[docs]
    return docs[keep]


def _values(
    names: list[str],
    counts: npt.NDArray[np.int64],
    selected: set[str],
    limit: int,
    order: str = "count",
) -> tuple[tuple[FacetValue, ...], bool]:
    nonzero = np.flatnonzero(counts)
    if order == "count":  # most first, ties by name (stable across index generations)
        if len(nonzero) > CANDIDATES:
            nonzero = nonzero[np.argpartition(-counts[nonzero], CANDIDATES)[:CANDIDATES]]
        nonzero = np.asarray(sorted(nonzero, key=lambda i: (-counts[i], names[i])), dtype=np.int64)
    shown = list(nonzero[:limit])
    shown_names = {names[i] for i in shown}
    values = [FacetValue(names[i], int(counts[i]), names[i] in selected) for i in shown]
    values += [FacetValue(s, 0, True) for s in sorted(selected - shown_names)]
    return tuple(values), len(nonzero) > limit


def _csr_counts(snapshot: Snapshot, kind: str, docs: Docs) -> npt.NDArray[np.int64]:
    ids = np.asarray(getattr(snapshot.columns, f"{kind}_ids"))
    owners = snapshot.context_doc if kind == "context" else snapshot.domain_doc
    names = getattr(snapshot.columns, f"{kind}s")
    mask = np.zeros(snapshot.doc_total, dtype=np.bool_)
    mask[docs] = True
    return np.bincount(ids[mask[owners]], minlength=len(names))


def compute_facets(
    snapshot: Snapshot, docs: Docs, masks: dict[str, Mask], request: SearchRequest
) -> list[Facet]:
    """Counts for each facet over *docs* (query matches before filters)."""
    cols, facets = snapshot.columns, []
    for kind, chosen in (("context", request.contexts), ("domain", request.domains)):
        counts = _csr_counts(snapshot, kind, apply(docs, masks, skip=kind))
        names = getattr(cols, f"{kind}s")
        if kind == "context":  # selections are case-insensitive; show the index's spelling
            chosen = tuple(
                cols.contexts[snapshot.context_index[context_key(c)]]
                if context_key(c) in snapshot.context_index
                else c
                for c in chosen
            )
        values, truncated = _values(names, counts, set(chosen), FACET_LIMIT)
        facets.append(Facet(kind, values, truncated))
    year_docs = apply(docs, masks, skip="year")
    years = snapshot.years[year_docs]
    if len(years):
        low = int(years.min())
        counts = np.bincount(years - low)
        names = [str(low + i) for i in range(len(counts))]
        values, _ = _values(names, counts, {str(y) for y in request.years}, 1000, order="name")
        facets.append(Facet("year", tuple(reversed(values)), False))
    else:
        facets.append(
            Facet("year", tuple(FacetValue(str(y), 0, True) for y in request.years), False)
        )
    if len(request.years) == 1:
        in_year = apply(docs, masks, skip="month")
        in_year = in_year[snapshot.years[in_year] == request.years[0]]
        counts = np.bincount(snapshot.months[in_year], minlength=13)[1:]
        names = [f"{request.years[0]}-{m:02d}" for m in range(1, 13)]
        values, _ = _values(names, counts, set(request.months), 12, order="name")
        facets.append(Facet("month", values, False))
    lang_counts = np.bincount(cols.lang[apply(docs, masks, skip="lang")], minlength=len(cols.langs))
    values, _ = _values(cols.langs, lang_counts, set(request.langs), 10)
    facets.append(Facet("lang", values, False))
    return facets
