"""Completions for a typed prefix: story headings, frequent title phrases and words.

Built once per snapshot as one list sorted by a folded key, so a keystroke is a binary
search plus a scan of the matching range; short prefixes (whose ranges are long) keep
their top answers in a small cache.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from whoosh.analysis.filters import STOP_WORDS
from whoosh.support.charset import accent_map

from indexer.analysis import to_simplified

if TYPE_CHECKING:
    from search.engine import Snapshot

MAX_SUGGESTIONS = 10
CONTEXT_WEIGHT = 3  # a story heading outranks a phrase that occurs as often
MAX_ENTRIES = 50_000  # most frequent phrases and words kept (vocab.json is sorted by count)


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    kind: str  # "context" | "phrase" | "word"
    count: int


def fold(text: str) -> str:
    return to_simplified(text.casefold().translate(accent_map)).strip()


class Suggester:
    def __init__(self, entries: list[tuple[str, Suggestion]]) -> None:
        entries.sort(key=lambda e: e[0])
        self.keys = [k for k, _ in entries]
        self.items = [s for _, s in entries]
        self.cached = lru_cache(maxsize=4096)(self._scan)

    def _scan(self, prefix: str, limit: int) -> tuple[Suggestion, ...]:
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix + "\U0010ffff")
        best = heapq.nlargest(limit * 3, range(lo, hi), key=self._rank)
        seen: set[str] = set()
        result = []
        for i in best:
            key = self.keys[i]
            if key in seen:
                continue
            seen.add(key)
            result.append(self.items[i])
            if len(result) == limit:
                break
        return tuple(result)

    def _rank(self, i: int) -> int:
        item = self.items[i]
        return item.count * (CONTEXT_WEIGHT if item.kind == "context" else 1)

    def suggest(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        key = " ".join(fold(prefix).split())
        if not key:
            return []
        return list(self.cached(key[:64], limit))


def build_suggester(snapshot: Snapshot) -> Suggester:
    cols = snapshot.columns
    counts = np.bincount(
        np.asarray(cols.context_ids)[np.asarray(cols.live)[snapshot.context_doc]],
        minlength=len(cols.contexts),
    )
    entries = [
        (fold(name), Suggestion(name, "context", int(counts[i])))
        for i, name in enumerate(cols.contexts)
        if counts[i]
    ]
    vocab = snapshot.vocab
    entries += [
        (fold(p), Suggestion(p, "phrase", n))
        for p, n in itertools.islice(vocab["phrases"].items(), MAX_ENTRIES)
        if p.split()[0] not in STOP_WORDS and p.split()[-1] not in STOP_WORDS
    ]
    entries += [
        (fold(w), Suggestion(w, "word", n))
        for w, n in itertools.islice(vocab["words"].items(), MAX_ENTRIES)
        if len(w) > 1 and w not in STOP_WORDS
    ]
    return Suggester(entries)


def suggester(snapshot: Snapshot) -> Suggester:
    return snapshot.derived("suggester", lambda: build_suggester(snapshot))


def suggest(snapshot: Snapshot, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    return suggester(snapshot).suggest(prefix, limit)
