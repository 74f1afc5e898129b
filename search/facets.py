"""Facet counts over numpy columns, in one documented shape.

Shape (the JSON API and the HTML sidebar both use it)::

    {"name": "context",
     "values": [{"value": "Syrian Civil War", "count": 412, "selected": true}, ...],
     "truncated": false}

Multi-select: values of one facet are OR-ed, facets are AND-ed, and each facet's counts
ignore that facet's own selection, so an unticked value shows how many it would add.
A selected value is always listed, with its real count, and as the request spelled it
(so a link that drops it from the request finds it there). Any other context is listed
by the spelling most of the counted events use (``示例国``, not ``示例國``): contexts
are one value per :func:`~indexer.schema.context_key`, spelled several ways.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.dates import day_number
from indexer.schema import context_key
from search.matches import Docs
from search.params import SearchRequest
from search.snapshot import Snapshot

FACET_LIMIT = 20  # values shown per facet (selected values always shown)
CANDIDATES = 1000  # values ranked exactly; past this, only the top counts are sorted
SPARSE = 8  # facets of fewer than 1/8 of the documents read their entries by pointer
Mask = npt.NDArray[np.bool_]
FACET_NAMES = ("context", "domain", "place", "year", "month", "lang")


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


def _owners(snapshot: Snapshot, kind: str) -> Docs:
    """The document of each entry of the *kind* CSR (context, domain, place)."""
    owners: Docs = getattr(snapshot, f"{kind}_doc")
    return owners


def _csr_mask(snapshot: Snapshot, kind: str, wanted: list[int]) -> Mask:
    ids = getattr(snapshot.columns, f"{kind}_ids")
    owners = _owners(snapshot, kind)
    mask = np.zeros(snapshot.doc_total, dtype=np.bool_)
    mask[owners[np.isin(ids, wanted)]] = True
    return mask


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
        index = snapshot.domain_index
        wanted = [index[d] for d in request.domains if d in index]
        masks["domain"] = _csr_mask(snapshot, "domain", wanted)
    if request.places:
        index = snapshot.place_index
        wanted = [index[p] for p in request.places if p in index]
        masks["place"] = _csr_mask(snapshot, "place", wanted)
    if request.years:
        masks["year"] = np.isin(snapshot.years, list(request.years))
    if request.months:
        wanted = [int(m[:4]) * 100 + int(m[5:7]) for m in request.months]
        masks["month"] = np.isin(snapshot.year_months, wanted)
    if request.langs:
        codes = [i for i, name in enumerate(cols.langs) if name in request.langs]
        masks["lang"] = np.isin(cols.lang, codes)
    if request.date_from or request.date_to:
        day = cols.day
        low = day_number(request.date_from) if request.date_from else -(10**9)
        high = day_number(request.date_to) if request.date_to else 10**9
        masks["date"] = (day >= low) & (day <= high)
    return masks


def apply(docs: Docs, masks: dict[str, Mask], skip: str | None = None) -> Docs:
    keep = np.ones(len(docs), dtype=np.bool_)
    for name, mask in masks.items():
        if name != skip:
            keep &= mask[docs]
    return docs[keep]


# A facet's selected values: index in the facet's names (a value it lacks: the value
# itself) -> the value as the request spelled it.
Chosen = dict[int | str, str]


def chosen(index: Mapping[str, int], requested: Iterable[str], key: Callable[[str], str]) -> Chosen:
    """The request's values of one facet by their index in the facet's names; a value the
    index does not know keys itself. The first spelling of one value is kept."""
    found: Chosen = {}
    for value in requested:
        found.setdefault(index.get(key(value), value), value)
    return found


def _values(
    names: Sequence[str],
    counts: npt.NDArray[np.int64],
    selected: Chosen,
    limit: int,
    order: str = "count",
    label: Callable[[list[int]], dict[int, str]] | None = None,
) -> tuple[tuple[FacetValue, ...], bool]:
    """The top *limit* values by count (or all in name order), then every selected value
    not among them, each with its count; *label* renames the shown values."""
    nonzero = np.flatnonzero(counts)
    if order == "count":  # most first, ties by name (stable across index generations)
        if len(nonzero) > CANDIDATES:
            nonzero = nonzero[np.argpartition(-counts[nonzero], CANDIDATES)[:CANDIDATES]]
        # Sorted as Python ints: a key indexing numpy per candidate costs 10x more.
        pairs = zip((-counts[nonzero]).tolist(), nonzero.tolist(), strict=True)
        ranked = sorted(pairs, key=lambda pair: (pair[0], names[pair[1]]))
        nonzero = np.asarray([i for _, i in ranked], dtype=np.int64)
    shown = [int(i) for i in nonzero[:limit]]
    labels = label([i for i in shown if i not in selected]) if label else {}
    values = [
        FacetValue(selected.get(i) or labels.get(i) or names[i], int(counts[i]), i in selected)
        for i in shown
    ]
    listed = set(shown)
    rest = sorted((value, key) for key, value in selected.items() if key not in listed)
    values += [FacetValue(v, int(counts[k]) if isinstance(k, int) else 0, True) for v, k in rest]
    return tuple(values), len(nonzero) > limit


def _entries(snapshot: Snapshot, kind: str, docs: Docs) -> Mask | npt.NDArray[np.int64]:
    """The entries of the *kind* CSR that belong to *docs* (unique document numbers): a
    mask over all entries, or for a few documents their positions, read from the
    pointers. A mask costs a pass over every document and entry of the archive, so a
    search finding nothing or little (most searches) would pay for the archive's size."""
    if len(docs) * SPARSE >= snapshot.doc_total:
        owners = _owners(snapshot, kind)
        mask = np.zeros(snapshot.doc_total, dtype=np.bool_)
        mask[docs] = True
        return mask[owners]
    if not len(docs):
        return np.empty(0, np.int64)
    ptr = np.asarray(getattr(snapshot.columns, f"{kind}_ptr"))
    starts, ends = ptr[docs].astype(np.int64), ptr[docs + 1].astype(np.int64)
    sizes = ends - starts
    # Entry j of the k-th document is at starts[k] + j: one arange, shifted per document.
    shift = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
    return shift + np.arange(int(sizes.sum()), dtype=np.int64)


def _csr_counts(snapshot: Snapshot, kind: str, docs: Docs) -> npt.NDArray[np.int64]:
    ids = np.asarray(getattr(snapshot.columns, f"{kind}_ids"))
    names = getattr(snapshot.columns, f"{kind}s")
    return np.bincount(ids[_entries(snapshot, kind, docs)], minlength=len(names))


def context_spellings(snapshot: Snapshot, name: str) -> list[str]:
    """The spellings the events of context *name* use, when there are several (else
    none): ``["示例国", "示例國"]``."""
    number = snapshot.context_index.get(context_key(name))
    choices = snapshot.context_spelling_choices.get(number) if number is not None else None
    spellings = snapshot.columns.context_spellings
    return [] if choices is None else [spellings[s] for s in choices.tolist()]


def matching_spellings(snapshot: Snapshot, docs: Docs) -> Callable[[list[int]], dict[int, str]]:
    """Labels for contexts: of each one's spellings, the one most of *docs* use (ties:
    the index's label, then code-point order); computed only for the contexts shown."""

    def label(ids: list[int]) -> dict[int, str]:
        choices, cols = snapshot.context_spelling_choices, snapshot.columns
        several = [i for i in ids if i in choices]
        if not several:
            return {}
        entries = np.asarray(cols.context_spelling_ids)[_entries(snapshot, "context", docs)]
        uses = np.bincount(entries, minlength=len(cols.context_spellings))
        spell = cols.context_spellings
        best = {
            i: min(
                choices[i].tolist(),
                key=lambda s: (-uses[s], spell[s] != cols.contexts[i], spell[s]),
            )
            for i in several
        }
        return {i: spell[s] for i, s in best.items()}

    return label


def compute_facets(
    snapshot: Snapshot, docs: Docs, masks: dict[str, Mask], request: SearchRequest
) -> list[Facet]:
    """Counts for each facet over *docs* (query matches before filters)."""
    cols = snapshot.columns
    context_docs = apply(docs, masks, skip="context")
    values, truncated = _values(
        cols.contexts,
        _csr_counts(snapshot, "context", context_docs),
        chosen(snapshot.context_index, request.contexts, context_key),
        FACET_LIMIT,
        label=matching_spellings(snapshot, context_docs),
    )
    facets = [Facet("context", values, truncated)]
    facets.append(
        _named_facet(snapshot, "domain", apply(docs, masks, skip="domain"), request.domains)
    )
    facets.append(_named_facet(snapshot, "place", apply(docs, masks, skip="place"), request.places))
    facets.append(_year_facet(snapshot, apply(docs, masks, skip="year"), request.years))
    if len(request.years) == 1:
        in_year = apply(docs, masks, skip="month")
        in_year = in_year[snapshot.years[in_year] == request.years[0]]
        counts = np.bincount(snapshot.months[in_year], minlength=13)[1:]
        names = [f"{request.years[0]}-{m:02d}" for m in range(1, 13)]
        values, _ = _values(names, counts, _by_name(names, request.months), 12, order="name")
        facets.append(Facet("month", values, False))
    lang_counts = np.bincount(cols.lang[apply(docs, masks, skip="lang")], minlength=len(cols.langs))
    values, _ = _values(cols.langs, lang_counts, _by_name(cols.langs, request.langs), 10)
    facets.append(Facet("lang", values, False))
    return facets


def _named_facet(snapshot: Snapshot, kind: str, docs: Docs, selected: Sequence[str]) -> Facet:
    """A CSR facet whose values are their names as the request gives them (a domain,
    a place's code), counted over *docs*."""
    index: Mapping[str, int] = getattr(snapshot, f"{kind}_index")
    names = getattr(snapshot.columns, f"{kind}s")
    counts = _csr_counts(snapshot, kind, docs)
    values, truncated = _values(names, counts, chosen(index, selected, str), FACET_LIMIT)
    return Facet(kind, values, truncated)


def _year_facet(snapshot: Snapshot, docs: Docs, selected: Sequence[int]) -> Facet:
    """Every year with events, newest first (a selected year without any is still listed)."""
    years = snapshot.years[docs]
    low = int(years.min()) if len(years) else 0
    counts = np.bincount(years - low) if len(years) else np.zeros(0, np.int64)
    names = [str(low + i) for i in range(len(counts))]
    values, _ = _values(names, counts, _by_name(names, map(str, selected)), 1000, order="name")
    return Facet("year", tuple(reversed(values)), False)


def _positions(names: Sequence[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}


def _by_name(names: Sequence[str], requested: Iterable[str]) -> Chosen:
    return chosen(_positions(names), requested, str)
