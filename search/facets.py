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
from search.matches import Docs, Matches
from search.params import SearchRequest
from search.snapshot import Derived, Snapshot

FACET_LIMIT = 20  # values shown per facet (selected values always shown)
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


def kept(docs: Docs, masks: dict[str, Mask], skip: str | None = None) -> Mask | None:
    """Which of *docs* every filter but *skip* keeps (None: all of them)."""
    keep = None
    for name, mask in masks.items():
        if name != skip:
            keep = mask[docs] if keep is None else keep & mask[docs]
    return keep


def apply(docs: Docs, masks: dict[str, Mask], skip: str | None = None) -> Docs:
    """The documents of *docs* every filter but *skip* keeps."""
    keep = kept(docs, masks, skip)
    return docs if keep is None else docs[keep]


def filtered(matches: Matches, masks: dict[str, Mask]) -> Matches:
    """The matches every filter keeps, with their scores."""
    keep = kept(matches.docs, masks)
    return matches if keep is None else Matches(matches.docs[keep], matches.scores[keep])


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


def _name_ranks(names: Sequence[str]) -> npt.NDArray[np.int64]:
    """Each name's place in code-point order, so that "most first, ties by name" is one
    integer key per value, sorted by numpy instead of a Python key per candidate."""
    order = sorted(range(len(names)), key=names.__getitem__)
    ranks = np.empty(len(names), np.int64)
    ranks[order] = np.arange(len(names), dtype=np.int64)
    return ranks


def _ranks_of(kind: str) -> Derived[npt.NDArray[np.int64]]:
    return Derived(lambda snapshot: _name_ranks(getattr(snapshot.columns, f"{kind}s")))


# The name order of the long facets' values, once per generation.
name_ranks = {kind: _ranks_of(kind) for kind in ("context", "domain", "place")}


def by_count(
    counts: npt.NDArray[np.int64], ranks: npt.NDArray[np.int64], limit: int | None = None
) -> npt.NDArray[np.int64]:
    """The values with a count, most first, ties by name (stable across index
    generations): all of them, or the first *limit*, exactly, in time linear in the
    values (the key ``rank - count * values`` is unique per value)."""
    nonzero = np.flatnonzero(counts)
    key = ranks[nonzero] - counts[nonzero].astype(np.int64) * len(ranks)
    if limit is not None and len(nonzero) > limit:
        top = np.argpartition(key, limit)[:limit]
        nonzero, key = nonzero[top], key[top]
    return nonzero[np.argsort(key)]


def _values(
    names: Sequence[str],
    counts: npt.NDArray[np.int64],
    selected: Chosen,
    limit: int,
    order: str = "count",
    label: Callable[[list[int]], dict[int, str]] | None = None,
    ranks: npt.NDArray[np.int64] | None = None,
) -> tuple[tuple[FacetValue, ...], bool]:
    """The top *limit* values by count (or all in name order), then every selected value
    not among them, each with its count; *label* renames the shown values; *ranks* is
    the names' order when known (:data:`name_ranks`)."""
    with_count = int(np.count_nonzero(counts))
    if order == "count":
        ids = by_count(counts, _name_ranks(names) if ranks is None else ranks, limit)
    else:
        ids = np.flatnonzero(counts)[:limit]
    shown = ids.tolist()
    labels = label([i for i in shown if i not in selected]) if label else {}
    values = [
        FacetValue(selected.get(i) or labels.get(i) or names[i], int(counts[i]), i in selected)
        for i in shown
    ]
    listed = set(shown)
    rest = sorted((value, key) for key, value in selected.items() if key not in listed)
    values += [FacetValue(v, int(counts[k]) if isinstance(k, int) else 0, True) for v, k in rest]
    return tuple(values), with_count > limit


class Selection:
    """Documents (unique numbers) whose entries several facets count: the entries of
    each CSR are found once, and, for many documents, through one mask over every
    document shared by all the facets (a mask costs a pass over every document and entry
    of the archive, so a search finding little, most searches, reads pointers instead:
    it would otherwise pay for the archive's size)."""

    def __init__(self, snapshot: Snapshot, docs: Docs) -> None:
        self.snapshot, self.docs = snapshot, docs
        self._mask: Mask | None = None
        self._entries: dict[str, Mask | npt.NDArray[np.int64]] = {}

    def entries(self, kind: str) -> Mask | npt.NDArray[np.int64]:
        """The entries of the *kind* CSR that belong to the documents: a mask over all
        entries, or their positions, read from the pointers."""
        if kind not in self._entries:
            self._entries[kind] = self._find(kind)
        return self._entries[kind]

    def _find(self, kind: str) -> Mask | npt.NDArray[np.int64]:
        snapshot, docs = self.snapshot, self.docs
        if len(docs) * SPARSE >= snapshot.doc_total:
            if self._mask is None:
                self._mask = np.zeros(snapshot.doc_total, dtype=np.bool_)
                self._mask[docs] = True
            return self._mask[_owners(snapshot, kind)]
        if not len(docs):
            return np.empty(0, np.int64)
        ptr = np.asarray(getattr(snapshot.columns, f"{kind}_ptr"))
        starts, ends = ptr[docs].astype(np.int64), ptr[docs + 1].astype(np.int64)
        sizes = ends - starts
        # Entry j of the k-th document is at starts[k] + j: one arange, shifted per document.
        shift = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        return shift + np.arange(int(sizes.sum()), dtype=np.int64)

    def counts(self, kind: str) -> npt.NDArray[np.int64]:
        """Per value of the *kind* facet, its entries among the documents."""
        cols = self.snapshot.columns
        ids = np.asarray(getattr(cols, f"{kind}_ids"))
        return np.bincount(ids[self.entries(kind)], minlength=len(getattr(cols, f"{kind}s")))


def context_spellings(snapshot: Snapshot, name: str) -> list[str]:
    """The spellings the events of context *name* use, when there are several (else
    none): ``["示例国", "示例國"]``."""
    number = snapshot.context_index.get(context_key(name))
    choices = snapshot.context_spelling_choices.get(number) if number is not None else None
    spellings = snapshot.columns.context_spellings
    return [] if choices is None else [spellings[s] for s in choices.tolist()]


def matching_spellings(
    snapshot: Snapshot, within: Selection
) -> Callable[[list[int]], dict[int, str]]:
    """Labels for contexts: of each one's spellings, the one most of *docs* use (ties:
    the index's label, then code-point order); computed only for the contexts shown."""

    def label(ids: list[int]) -> dict[int, str]:
        choices, cols = snapshot.context_spelling_choices, snapshot.columns
        several = [i for i in ids if i in choices]
        if not several:
            return {}
        entries = np.asarray(cols.context_spelling_ids)[within.entries("context")]
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
    every = Selection(snapshot, apply(docs, masks))  # under every filter: most facets'

    def under(name: str) -> Selection:  # under every filter but the facet's own
        return Selection(snapshot, apply(docs, masks, skip=name)) if name in masks else every

    context = under("context")
    values, truncated = _values(
        cols.contexts,
        context.counts("context"),
        chosen(snapshot.context_index, request.contexts, context_key),
        FACET_LIMIT,
        label=matching_spellings(snapshot, context),
        ranks=name_ranks["context"](snapshot),
    )
    facets = [Facet("context", values, truncated)]
    facets.append(_named_facet(snapshot, "domain", under("domain"), request.domains))
    facets.append(_named_facet(snapshot, "place", under("place"), request.places))
    facets.append(_year_facet(snapshot, under("year").docs, request.years))
    if len(request.years) == 1:
        in_year = under("month").docs
        in_year = in_year[snapshot.years[in_year] == request.years[0]]
        counts = np.bincount(snapshot.months[in_year], minlength=13)[1:]
        names = [f"{request.years[0]}-{m:02d}" for m in range(1, 13)]
        values, _ = _values(names, counts, _by_name(names, request.months), 12, order="name")
        facets.append(Facet("month", values, False))
    lang_counts = np.bincount(cols.lang[under("lang").docs], minlength=len(cols.langs))
    values, _ = _values(cols.langs, lang_counts, _by_name(cols.langs, request.langs), 10)
    facets.append(Facet("lang", values, False))
    return facets


def _named_facet(
    snapshot: Snapshot, kind: str, within: Selection, selected: Sequence[str]
) -> Facet:
    """A CSR facet whose values are their names as the request gives them (a domain,
    a place's code), counted over *within*."""
    index: Mapping[str, int] = getattr(snapshot, f"{kind}_index")
    names = getattr(snapshot.columns, f"{kind}s")
    values, truncated = _values(
        names,
        within.counts(kind),
        chosen(index, selected, str),
        FACET_LIMIT,
        ranks=name_ranks[kind](snapshot),
    )
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
