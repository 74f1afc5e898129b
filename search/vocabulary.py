"""What suggestions offer, computed once per snapshot: entries with exact counts.

An entry is a story heading, a title word (English, or a Chinese word as titles are
segmented) or a frequent English title phrase. For each one this module finds, once:

- the **count**: the number of live events that the entry's query finds (the query a
  picked suggestion runs). A story's query is ``context:"Name"``, a lookup of one term,
  so its count is the story's live events in the columns. A word's or phrase's query
  is its own text, parsed by :func:`~search.query.build_query` as the search box parses
  it; its count is the size of that query's document set, computed from the postings
  of its terms (read once each, without scores: :class:`DocSets`). So a count is what
  following the suggestion finds, by construction, and a keystroke only looks it up.
- the **spellings**: how the archive's titles write it (``Nicolás Maduro`` for the
  folded ``nicolas maduro``; ``選舉`` and ``选举`` for ``选举``), most frequent first, from
  one pass over the stored titles (:func:`scan_titles`).

Entries are keyed by :func:`~indexer.text.name_key` (lower case, no accents, Simplified), so a
prefix typed in either script finds them; the spelling shown is chosen per keystroke.
The work (measured with ``python -m bench.suggest``) is ~15 s of one core for the real
zh archive (9k events, 13k Chinese words, gram phrases evaluated by the engine) and ~17 s
for 100k synthetic events (55k entries: reading the titles ~3 s, their spellings ~5 s,
the counts ~8 s); it runs in the background after a snapshot opens (see
:mod:`search.suggest`), holding the Whoosh lock a term or 256 titles at a time.
"""

from __future__ import annotations

import itertools
from collections import Counter, OrderedDict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import rjieba
from whoosh import query as wq

from indexer.analysis import HAN_RUN, STOP, is_stop, to_simplified
from indexer.columns import TITLE_WORD, distinct
from indexer.schema import context_key
from indexer.text import name_key
from indexer.whoosh_compat import posting_ids
from search.errors import SearchError
from search.matches import Docs
from search.query import build_query
from search.snapshot import Snapshot

MAX_ENTRIES = 50_000  # most frequent of each kind kept (phrases, English words, Chinese words)
MIN_HAN_TITLES = 2  # a Chinese word must recur in titles (a single one is mostly a mis-cut)
MAX_PHRASE_WORDS = 3  # vocab.json counts 2- and 3-word phrases
DOC_SETS_BYTES = 64 * 1024 * 1024  # term document sets kept while counting
DENSE = 16  # a set of more than 1/16 of the documents is united or met with a mask
MASK_BYTES = 32 * 1024 * 1024  # masks of such sets kept while counting
LOCK_TITLES = 256  # stored titles read per hold


@dataclass(frozen=True, slots=True)
class Entry:
    key: str  # folded: what a typed prefix is matched against
    kind: str  # "context" | "phrase" | "word"
    count: int  # live events its query finds
    spellings: tuple[str, ...]  # as the archive writes it, most frequent first
    search: str  # its query as parsed: entries with one search are offered once


# -- spellings: one pass over the titles ------------------------------------------------


@dataclass(slots=True)
class TitleScan:
    """Spellings of the wanted English keys, and the Chinese words of titles.

    ``inside`` counts a spelling where it does not start its title, ``first`` where it
    does: a title's first word is capitalised whatever it is, so it counts only when
    nothing else does. Single words are counted as written (``Counter.update``, the
    scan's hot path) and grouped by folded key at the end (:meth:`group_words`)."""

    inside: dict[str, Counter[str]] = field(default_factory=dict)
    first: dict[str, Counter[str]] = field(default_factory=dict)
    han_titles: Counter[str] = field(default_factory=Counter)  # folded word -> titles
    inside_words: Counter[str] = field(default_factory=Counter)  # as written
    first_words: Counter[str] = field(default_factory=Counter)

    def spellings(self, key: str) -> tuple[str, ...]:
        counts = self.inside.get(key) or self.first.get(key) or Counter()
        return tuple(text for text, _ in counts.most_common())

    def add(self, key: str, text: str, inside: bool) -> None:
        kept = self.inside if inside else self.first
        counts = kept.get(key)
        if counts is None:
            counts = kept[key] = Counter()
        counts[text] += 1

    def group_words(self, wanted: set[str], folded: dict[str, str]) -> None:
        for words, inside in ((self.inside_words, True), (self.first_words, False)):
            for text, n in words.items():
                key = folded.get(text) or folded.setdefault(text, name_key(text))
                if key in wanted:
                    kept = self.inside if inside else self.first
                    kept.setdefault(key, Counter())[text] += n
        self.inside_words, self.first_words = Counter(), Counter()


def scan_titles(titles: Iterable[str], wanted: set[str]) -> TitleScan:
    """Spellings of the *wanted* folded words and phrases (of up to three words), and
    every Chinese word of *titles* (as the index segments them) with its spellings."""
    scan = TitleScan()
    starts = {key.split()[0] for key in wanted if " " in key}  # a phrase's first word
    folded: dict[str, str] = {}  # a word as written -> folded (words repeat)
    for title in titles:
        words = TITLE_WORD.findall(title)
        if not words:
            continue
        scan.first_words[words[0]] += 1
        scan.inside_words.update(words[1:])
        keys = [folded.get(w) or folded.setdefault(w, name_key(w)) for w in words]
        for i in [i for i, key in enumerate(keys) if key in starts]:
            for end in range(i + 2, min(i + MAX_PHRASE_WORDS, len(words)) + 1):
                phrase = " ".join(keys[i:end])
                if phrase in wanted:
                    scan.add(phrase, " ".join(words[i:end]), inside=i > 0)
        if HAN_RUN.search(title):
            scan.han_titles.update(_han_words(title, scan))
    scan.group_words(wanted, folded)
    return scan


def _han_words(title: str, scan: TitleScan) -> set[str]:
    """The Chinese words of *title* (folded), their spellings added to *scan*."""
    found = set()
    for run in HAN_RUN.finditer(title):
        for word, start, end in rjieba.tokenize(to_simplified(run.group())):
            if end - start > 1 and HAN_RUN.fullmatch(word):
                scan.add(word, run.group()[start:end], inside=True)
                found.add(word)
    return found


def stored_titles(snapshot: Snapshot) -> Iterator[str]:
    """The titles of the live events, read in short holds of the Whoosh lock."""
    docs = snapshot.live_docs
    for start in range(0, len(docs), LOCK_TITLES):
        yield from (e.title for e in snapshot.events(docs[start : start + LOCK_TITLES]))


# -- counts: document sets of parsed queries ---------------------------------------------


class DocSets:
    """The live documents a parsed query finds, as the engine would, without scores.

    Terms are read straight from the postings, ``And`` and ``Or`` are intersections and
    unions of sorted arrays; anything else (a phrase of character grams) is evaluated by
    the engine itself. Terms and unions (a word in any field) are kept while there is
    room: phrases share their words."""

    def __init__(self, snapshot: Snapshot, budget: int = DOC_SETS_BYTES) -> None:
        self.snapshot = snapshot
        self.live = np.asarray(snapshot.columns.live)
        self.kept: OrderedDict[Hashable, Docs] = OrderedDict()
        self.budget, self.used = budget, 0
        self.lexicons: dict[tuple[int, str], frozenset[bytes]] = {}
        self.masks: OrderedDict[Hashable, npt.NDArray[np.bool_]] = OrderedDict()

    def _lexicon(self, leaf: int, reader: Any, fieldname: str) -> frozenset[bytes]:
        """The terms of *fieldname* in one segment: most words are absent from most
        fields, and a miss costs as much as a hit to look up in Whoosh's table."""
        key = (leaf, fieldname)
        if key not in self.lexicons:
            found = reader.lexicon(fieldname) if fieldname in reader.schema else ()
            self.lexicons[key] = frozenset(found)
        return self.lexicons[key]

    def of(self, query: wq.Query) -> Docs:
        if any(isinstance(q, wq.Prefix | wq.FuzzyTerm) for q in query.leaves()):
            return self.snapshot.evaluate(query).docs  # their expansion depends on the whole
        return self._of(query)

    def _of(self, query: wq.Query) -> Docs:
        if isinstance(query, wq.And):  # not kept: phrases are counted once each
            return self._intersection([(search_key(q), self._of(q)) for q in query.subqueries])
        key = search_key(query)
        if key in self.kept:
            self.kept.move_to_end(key)
            return self.kept[key]
        if isinstance(query, wq.Term):
            docs = self._read(query.fieldname, query.text)
        elif isinstance(query, wq.Or):
            docs = self._union([self._of(q) for q in query.subqueries])
        else:
            docs = self.snapshot.evaluate(query).docs
        self._keep(key, docs)
        return docs

    def _keep(self, key: Hashable, docs: Docs) -> None:
        self.kept[key] = docs
        self.used += docs.nbytes
        while self.used > self.budget and len(self.kept) > 1:
            self.used -= self.kept.popitem(last=False)[1].nbytes

    def _intersection(self, parts: list[tuple[Hashable, Docs]]) -> Docs:
        """Documents in all *parts* ((key, set) each), from the smallest; a set of many
        documents is looked up in a mask of it, kept while there is room (the words of
        frequent phrases recur)."""
        parts = sorted(parts, key=lambda p: len(p[1]))
        found = parts[0][1]
        for key, part in parts[1:]:
            if not len(found):
                break
            dense = len(part) * DENSE > len(self.live)
            found = found[self._mask(key, part)[found]] if dense else _within(found, part)
        return found

    def _mask(self, key: Hashable, docs: Docs) -> npt.NDArray[np.bool_]:
        if key in self.masks:
            self.masks.move_to_end(key)
            return self.masks[key]
        mask = self.masks[key] = np.zeros(len(self.live), bool)
        mask[docs] = True
        while len(self.masks) * len(self.live) > MASK_BYTES and len(self.masks) > 1:
            self.masks.popitem(last=False)
        return mask

    def _union(self, parts: list[Docs]) -> Docs:
        parts = [p for p in parts if len(p)]
        if len(parts) <= 1:
            return parts[0] if parts else _none()
        if sum(map(len, parts)) * DENSE < len(self.live):
            return distinct(np.concatenate(parts))
        mask = np.zeros(len(self.live), bool)  # many documents: no sort
        for part in parts:
            mask[part] = True
        return np.flatnonzero(mask).astype(np.int32)

    def _read(self, fieldname: str, text: str) -> Docs:
        """The term's live documents: a slice of the generation's postings table when
        the term is frequent (at 1M events, re-reading the frequent words from Whoosh,
        as the budget above evicts them, took most of the suggester's build), else read
        from Whoosh a block at a time."""
        table = self.snapshot.table
        tabled = table.find(fieldname, text) if table is not None else None
        if tabled is not None:
            return tabled[0]  # live documents only, numbered as here
        parts = []
        term = text.encode("utf-8")
        with self.snapshot.whoosh_lock:
            for leaf, (reader, base) in enumerate(self.snapshot.reader.leaf_readers()):
                if term in self._lexicon(leaf, reader, fieldname):
                    parts.append(posting_ids(reader.postings(fieldname, text)) + base)
        docs = np.concatenate(parts).astype(np.int32) if parts else _none()  # leaves in order
        return docs[self.live[docs]] if len(docs) else docs


def search_key(query: wq.Query) -> str:
    """*query* written so that queries finding the same documents by the same terms
    read the same: ``And`` and ``Or`` without order or repeats (``syria syria`` is
    ``syria``, ``maduro nicolas`` is ``nicolas maduro``)."""
    if isinstance(query, wq.Term):
        return f"{query.fieldname}:{query.text}"
    if isinstance(query, wq.Or | wq.And):
        parts = sorted({search_key(q) for q in query.subqueries})
        return parts[0] if len(parts) == 1 else f"{type(query).__name__}({' '.join(parts)})"
    return repr(query)


def _within(found: Docs, part: Docs) -> Docs:
    """The documents of *found* that *part* holds (both sorted)."""
    if not len(part):
        return _none()
    at = np.minimum(np.searchsorted(part, found), len(part) - 1)
    kept: Docs = found[part[at] == found]
    return kept


def _none() -> Docs:
    return np.empty(0, np.int32)


# -- the entries ---------------------------------------------------------------------


def context_entries(snapshot: Snapshot) -> list[Entry]:
    """Story headings with their live events, spelt as the events spell them. An event
    naming a story twice (two spellings) counts once, as the ``context`` term does."""
    cols = snapshot.columns
    owners = snapshot.context_doc
    live = np.asarray(cols.live)[owners]
    docs, ids = owners[live].astype(np.int64), np.asarray(cols.context_ids)[live]
    spelt = np.asarray(cols.context_spelling_ids)[live]
    size, spelt_size = len(cols.contexts), max(len(cols.context_spellings), 1)
    counts = np.bincount(distinct(docs * size + ids) % size, minlength=size) if size else ids
    pairs, uses = np.unique(ids.astype(np.int64) * spelt_size + spelt, return_counts=True)
    written: dict[int, list[tuple[int, str]]] = {}
    for pair, n in zip(pairs.tolist(), uses.tolist(), strict=True):
        context, spelling = divmod(pair, spelt_size)
        written.setdefault(context, []).append((-n, cols.context_spellings[spelling]))
    entries = []
    for i, name in enumerate(cols.contexts):
        if counts[i] and _context_query_finds(name):
            spellings = tuple(dict.fromkeys([name, *(s for _, s in sorted(written[i]))]))
            search = f"context:{context_key(name)}"
            entries.append(Entry(name_key(name), "context", int(counts[i]), spellings, search))
    return entries


def _context_query_finds(name: str) -> bool:
    """Whether ``context:"name"`` is a lookup of the term the index holds for *name*: a
    quote would end the value early, and a comma is indexed as a space."""
    return '"' not in name and "," not in name and bool(context_key(name))


def text_entries(snapshot: Snapshot, scan: TitleScan, sets: DocSets) -> list[Entry]:
    """Phrases and words of the titles, each counted by the search its text runs."""
    searches: dict[str, int] = {}  # parsed query -> events (say, says: one search)
    entries = []
    for key, kind in candidates(snapshot, scan):
        spellings = scan.spellings(key) or (key,)
        try:
            parsed = build_query(spellings[0]).query
        except SearchError:
            continue
        search = search_key(parsed)
        if search not in searches:
            searches[search] = len(sets.of(parsed))
        if searches[search]:
            entries.append(Entry(key, kind, searches[search], spellings, search))
    return entries


def candidates(snapshot: Snapshot, scan: TitleScan | None = None) -> Iterator[tuple[str, str]]:
    """(folded text, kind) of the title phrases and words worth completing to."""
    vocab = snapshot.vocab
    for phrase in itertools.islice(vocab["phrases"], MAX_ENTRIES):
        words = phrase.split()
        if words[0] not in STOP and words[-1] not in STOP:
            yield name_key(phrase), "phrase"
    for word in itertools.islice(vocab["words"], MAX_ENTRIES):
        if not is_stop(word):
            yield name_key(word), "word"
    if scan is not None:
        frequent = (w for w, n in scan.han_titles.most_common(MAX_ENTRIES) if n >= MIN_HAN_TITLES)
        yield from ((word, "word") for word in frequent)


def build_entries(snapshot: Snapshot) -> list[Entry]:
    """Every entry of the snapshot, with its exact count and spellings (the slow part:
    run it in the background)."""
    wanted = {key for key, _ in candidates(snapshot)}
    scan = scan_titles(stored_titles(snapshot), wanted)
    return context_entries(snapshot) + text_entries(snapshot, scan, DocSets(snapshot))
