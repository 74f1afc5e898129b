"""Per-generation arrays beside the Whoosh segments, for the search hot path.

Whoosh iterates postings in pure Python; counting facets or filtering by date that way
costs as much as the matching itself. So every run also writes these arrays (indexed by
Whoosh document number) into ``<generation>/columns/``; searchers memory-map them, so
several worker processes share one copy in the page cache. :class:`Columns` declares
them, each with its file, type and meaning; saving, loading and the empty set of columns
follow from that one declaration.

A context's display name is the spelling most live events use (``示例国`` over
``示例國``), recomputed from ``context_spelling_ids`` whenever rows are appended or
deleted, so full and incremental runs agree.

``vocab.json`` holds title words and phrases with their counts (spelling and
suggestions). Rows are collected while events are written (:class:`ColumnRows`), so a
full build never re-reads the index and an incremental run (which appends one segment
and never renumbers older documents) only appends rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.analysis import STOP, is_han
from indexer.dates import day_number
from indexer.event import Event
from indexer.schema import TEXT_FIELDS, context_key
from indexer.text import fold_letters

COLUMNS = "columns"
META = "meta.json"  # the names the id arrays index
MIN_PHRASE_COUNT = 3  # a title phrase must recur to be suggested
TITLE_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")  # the words vocab.json counts

IntArray = npt.NDArray[np.int32]
KeyArray = npt.NDArray[np.int64]


def link_key(event_id: str) -> int:
    """An event id as a signed 64-bit number (BLAKE2b), the form in which Related links
    meet the ids they name (``id_keys``, ``link_keys``): the graph is joined in numpy at
    load time instead of through Whoosh's term lists. Two of a million ids share a key
    with odds of about 1 in 10^7; they would add one spurious link, never lose one."""
    digest = hashlib.blake2b(event_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def title_words(title: str) -> list[str]:
    """Folded words of a title (letters only; Han text is not spell-checked)."""
    return [w for w in TITLE_WORD.findall(fold_letters(title)) if not is_han(w[0])]


def _phrases(words: list[str]) -> list[str]:
    """2- and 3-word title phrases that neither start nor end with a stop word."""
    return [
        " ".join(words[i : i + n])
        for n in (2, 3)
        for i in range(len(words) - n + 1)
        if words[i] not in STOP and words[i + n - 1] not in STOP
    ]


@dataclass(slots=True)
class ColumnRows:
    """Column values for consecutive new documents, in the order they were added."""

    day: list[int] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    contexts: list[list[str]] = field(default_factory=list)
    domains: list[list[str]] = field(default_factory=list)
    places: list[list[str]] = field(default_factory=list)
    ids: list[list[int]] = field(default_factory=list)
    links: list[list[int]] = field(default_factory=list)
    words: Counter[str] = field(default_factory=Counter)
    phrases: Counter[str] = field(default_factory=Counter)

    def add(self, event: Event, places: tuple[str, ...] = ()) -> None:
        self.day.append(day_number(event.date))
        self.lang.append(event.lang)
        self.contexts.append(list(event.contexts))
        self.domains.append(list(event.domains))
        self.places.append(list(places))
        self.ids.append([link_key(i) for i in event.all_ids])
        self.links.append([link_key(r.id) for r in event.related])
        words = title_words(event.title)
        self.words.update(set(words))
        self.phrases.update(set(_phrases(words)))

    def prune(self) -> None:
        """Drop phrases seen once (most of them): they cannot become suggestions unless
        they recur, and a full build's counters would otherwise take gigabytes."""
        self.phrases = Counter({p: n for p, n in self.phrases.items() if n > 1})

    def extend(self, other: ColumnRows) -> None:
        self.day += other.day
        self.lang += other.lang
        self.contexts += other.contexts
        self.domains += other.domains
        self.places += other.places
        self.ids += other.ids
        self.links += other.links
        self.words.update(other.words)
        self.phrases.update(other.phrases)

    def __len__(self) -> int:
        return len(self.day)


_ARRAY, _POINTERS, _LENGTHS, _NAMES = "array", "pointers", "lengths", "names"
BoolArray = npt.NDArray[np.bool_]
Lengths = dict[str, npt.NDArray[np.uint16]]


def _kept(kind: str, dtype: type = np.int32, absent: str | None = None) -> dict[str, Any]:
    """How a column is kept: ``_ARRAY``, ``<name>.npy`` of *dtype*; ``_POINTERS``, the
    same of a CSR pointer array (N+1 entries); ``_LENGTHS``, ``len_<field>.npy`` per text
    field; ``_NAMES``, a list in ``meta.json``. *absent*: the column loaded in its place
    from generations written before it existed (the columns with one came together)."""
    return {"kind": kind, "dtype": dtype, "absent": absent}


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns of one generation, for N documents and M context (or domain) entries."""

    live: BoolArray = field(metadata=_kept(_ARRAY, np.bool_))  # [N] False for deleted ones
    day: IntArray = field(metadata=_kept(_ARRAY))  # [N] the date as days since 1970-01-01
    lang: npt.NDArray[np.uint8] = field(metadata=_kept(_ARRAY, np.uint8))  # [N] into langs
    # [N+1] CSR: the entries of document d are context_ids[context_ptr[d]:context_ptr[d+1]]
    context_ptr: IntArray = field(metadata=_kept(_POINTERS))
    context_ids: IntArray = field(metadata=_kept(_ARRAY))  # [M] index into contexts
    domain_ptr: IntArray = field(metadata=_kept(_POINTERS))  # [N+1] likewise for domains
    domain_ids: IntArray = field(metadata=_kept(_ARRAY))  # [M] index into domains
    place_ptr: IntArray = field(metadata=_kept(_POINTERS))  # [N+1] likewise for places
    place_ids: IntArray = field(metadata=_kept(_ARRAY))  # [M] index into places
    # [N+1] CSR of link_key()s: each document's own id and aliases, and the ids its
    # Related list points to (search.ranking joins them into the link graph)
    id_ptr: IntArray = field(metadata=_kept(_POINTERS))
    id_keys: KeyArray = field(metadata=_kept(_ARRAY, np.int64))
    link_ptr: IntArray = field(metadata=_kept(_POINTERS))
    link_keys: KeyArray = field(metadata=_kept(_ARRAY, np.int64))
    # [N] per text field: its length in tokens (BM25 length normalisation)
    lengths: Lengths = field(metadata=_kept(_LENGTHS, np.uint16))
    langs: list[str] = field(metadata=_kept(_NAMES))
    contexts: list[str] = field(metadata=_kept(_NAMES))  # the spelling most live events use
    domains: list[str] = field(metadata=_kept(_NAMES))
    places: list[str] = field(metadata=_kept(_NAMES))  # ISO 3166 alpha-2 codes
    # [M] each context entry as its event spells it: index into context_spellings
    context_spelling_ids: IntArray = field(metadata=_kept(_ARRAY, absent="context_ids"))
    context_spellings: list[str] = field(metadata=_kept(_NAMES, absent="contexts"))

    @property
    def doc_count(self) -> int:
        return len(self.live)


def _declared(*kinds: str) -> list[Field[Any]]:
    return [f for f in fields(Columns) if f.metadata["kind"] in kinds]


class _Names:
    """Interned names; with *fold*, spellings of one context_key share an id."""

    def __init__(self, names: list[str], fold: bool = False) -> None:
        self.names = list(names)
        self.fold = fold
        self.ids = {self._key(n): i for i, n in enumerate(self.names)}

    def _key(self, name: str) -> str:
        return context_key(name) if self.fold else name

    def __call__(self, name: str) -> int:
        key = self._key(name)
        if key not in self.ids:
            self.ids[key] = len(self.names)
            self.names.append(name)
        return self.ids[key]


def _append_csr(
    ptr: Any, ids: Any, rows: list[list[int]], dtype: type = np.int32
) -> tuple[IntArray, Any]:
    counts = np.fromiter((len(r) for r in rows), dtype=np.int32, count=len(rows))
    new_ptr = np.concatenate([np.asarray(ptr, np.int32), int(ptr[-1]) + np.cumsum(counts)])
    flat: Any = np.fromiter((v for r in rows for v in r), dtype=dtype, count=int(counts.sum()))
    return new_ptr.astype(np.int32), np.concatenate([np.asarray(ids, dtype), flat])


def empty_columns() -> Columns:
    return Columns(**{f.name: _empty(f) for f in fields(Columns)})


def _empty(column: Field[Any]) -> Any:
    kind, dtype = column.metadata["kind"], column.metadata["dtype"]
    if kind == _NAMES:
        return []
    if kind == _LENGTHS:
        return {f: np.zeros(0, dtype) for f in TEXT_FIELDS}
    return np.zeros(1 if kind == _POINTERS else 0, dtype)


def extend_columns(
    base: Columns,
    deleted: npt.NDArray[np.int64],
    rows: ColumnRows,
    lengths: dict[str, npt.NDArray[np.uint16]],
) -> Columns:
    """*base* with *deleted* documents dropped from ``live`` and *rows* appended."""
    langs, contexts, domains = _Names(base.langs), _Names(base.contexts, True), _Names(base.domains)
    places = _Names(base.places)
    spellings = _Names(base.context_spellings)
    live = np.concatenate([np.asarray(base.live), np.ones(len(rows), np.bool_)])
    live[deleted] = False
    context_ptr, context_ids = _append_csr(
        base.context_ptr, base.context_ids, [[contexts(c) for c in r] for r in rows.contexts]
    )
    _, spelling_ids = _append_csr(
        base.context_ptr,
        base.context_spelling_ids,
        [[spellings(c) for c in r] for r in rows.contexts],
    )
    labels = most_used_spellings(
        contexts.names, spellings.names, context_ids, spelling_ids, live[owners(context_ptr)]
    )
    domain_ptr, domain_ids = _append_csr(
        base.domain_ptr, base.domain_ids, [[domains(d) for d in r] for r in rows.domains]
    )
    place_ptr, place_ids = _append_csr(
        base.place_ptr, base.place_ids, [[places(p) for p in r] for r in rows.places]
    )
    id_ptr, id_keys = _append_csr(base.id_ptr, base.id_keys, rows.ids, np.int64)
    link_ptr, link_keys = _append_csr(base.link_ptr, base.link_keys, rows.links, np.int64)
    return Columns(
        live=live,
        day=np.concatenate([np.asarray(base.day), np.asarray(rows.day, np.int32)]),
        lang=np.concatenate(
            [np.asarray(base.lang), np.asarray([langs(x) for x in rows.lang], np.uint8)]
        ),
        context_ptr=context_ptr, context_ids=context_ids,
        domain_ptr=domain_ptr, domain_ids=domain_ids,
        place_ptr=place_ptr, place_ids=place_ids,
        id_ptr=id_ptr, id_keys=id_keys, link_ptr=link_ptr, link_keys=link_keys,
        lengths={f: np.concatenate([np.asarray(base.lengths[f]), lengths[f]]) for f in TEXT_FIELDS},
        langs=langs.names, contexts=labels, domains=domains.names, places=places.names,
        context_spelling_ids=spelling_ids, context_spellings=spellings.names,
    )  # fmt: skip


def distinct(values: npt.ArrayLike) -> npt.NDArray[Any]:
    """The sorted distinct values, as ``np.unique(values)`` gives them. NumPy 2.3 and
    later answer a plain ``np.unique`` through a hash table, which is measured 100 times
    slower than sorting here (1.2 million int64: 1.05 s against 11 ms; 30,000: 3 ms
    against 0.1 ms), so every plain unique in the pipeline goes through this sort."""
    ordered = np.sort(np.asarray(values).ravel())
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def owners(ptr: IntArray) -> IntArray:
    """For each CSR entry, the document it belongs to."""
    return np.repeat(np.arange(len(ptr) - 1, dtype=np.int32), np.diff(ptr)).astype(np.int32)


def most_used_spellings(
    names: list[str],
    spellings: list[str],
    ids: IntArray,
    spelling_ids: IntArray,
    counted: npt.NDArray[np.bool_],
) -> list[str]:
    """*names* with each context renamed to the spelling most *counted* entries give it
    (ties: the first in code-point order, so the order events were added never matters);
    a context no counted entry names keeps its name."""
    labels = list(names)
    context, spelling = np.asarray(ids)[counted], np.asarray(spelling_ids)[counted]
    if not len(context) or not spellings:
        return labels
    pairs, uses = np.unique(
        context.astype(np.int64) * len(spellings) + spelling, return_counts=True
    )
    context, spelling = pairs // len(spellings), pairs % len(spellings)
    alphabetical = np.argsort(np.argsort(np.asarray(spellings, dtype=object)))
    order = np.lexsort((alphabetical[spelling], -uses, context))
    first = order[np.r_[True, context[order][1:] != context[order][:-1]]]
    for c, s in zip(context[first].tolist(), spelling[first].tolist(), strict=True):
        labels[c] = spellings[s]
    return labels


def save_columns(generation: Path, columns: Columns) -> None:
    folder = generation / COLUMNS
    folder.mkdir(exist_ok=True)
    arrays: dict[str, Any] = {
        f.name: getattr(columns, f.name) for f in _declared(_ARRAY, _POINTERS)
    }
    arrays.update((f"len_{f}", a) for f, a in columns.lengths.items())
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", np.asarray(array))
    meta = {f.name: getattr(columns, f.name) for f in _declared(_NAMES)}
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")


def save_vocab(generation: Path, base: dict[str, dict[str, int]] | None, rows: ColumnRows) -> None:
    words = Counter(base["words"]) if base else Counter()
    phrases = Counter(base["phrases"]) if base else Counter()
    words.update(rows.words)
    phrases.update(rows.phrases)
    vocab = {
        "words": dict(words.most_common()),
        "phrases": {p: n for p, n in phrases.most_common() if n >= MIN_PHRASE_COUNT},
    }
    (generation / COLUMNS / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")


def load_columns(generation: Path) -> Columns:
    """Memory-map the arrays of *generation* (cheap: nothing is read until used)."""
    folder = generation / COLUMNS
    meta = json.loads((folder / META).read_text("utf-8"))

    def kept(column: Field[Any]) -> bool:
        return column.name in meta or (folder / f"{column.name}.npy").exists()

    # The columns declared with a stand-in came in one version: any missing, all are.
    old = not all(kept(f) for f in fields(Columns) if f.metadata["absent"])

    def value(column: Field[Any]) -> Any:
        kind, name = column.metadata["kind"], column.name
        if old and column.metadata["absent"]:
            name = column.metadata["absent"]
        if kind == _NAMES:
            return meta[name]
        if kind == _LENGTHS:
            return {f: np.load(folder / f"len_{f}.npy", mmap_mode="r") for f in TEXT_FIELDS}
        return np.load(folder / f"{name}.npy", mmap_mode="r")

    return Columns(**{f.name: value(f) for f in fields(Columns)})


def load_vocab(generation: Path) -> dict[str, dict[str, int]]:
    data: dict[str, dict[str, int]] = json.loads(
        (generation / COLUMNS / "vocab.json").read_text("utf-8")
    )
    return data
