"""Completions for a typed prefix: story headings, title words and phrases, with counts.

What a reader is offered (:meth:`Suggester.show`) comes from the snapshot's entries
(:mod:`search.vocabulary`): story headings, English title words and frequent phrases,
and Chinese title words, each with the number of events its own search finds (the
query a picked suggestion runs, :attr:`Suggestion.query`) and the spellings titles
give it. They are computed once per snapshot, in the background, and kept as one list
sorted by folded key::

    keys     ["nicolas", "nicolas maduro", "nicosia", ..., "选举", "选举委员会", ...]
    weights  [   812,         1_203,          40,  ...,   665,      90,  ...]   (numpy)
    entries  [Entry(key, kind, count, spellings, search), ...]

so a keystroke is a binary search for its range, the best few weights of the range
(``argpartition``), and the spelling that keeps what was typed (``選`` gets ``選舉``
where the titles write it so, ``nicolás`` gets ``Nicolás Maduro``); answers are cached
per prefix. Until the entries are ready (~15-20 s of one core per 100k events after a
snapshot opens), keystrokes wait for them, but not past ``READY_WAIT`` seconds after
the build began; then they are offered story headings alone, whose counts the columns
give at once.

:meth:`Suggester.suggest` is the other answer: the vocabulary's own folded entries with
its title counts, built at once, which spelling uses to complete a word.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from whoosh.reading import ReaderClosed

from indexer.text import fold_letters, name_key
from search.snapshot import Derived, Snapshot
from search.vocabulary import Entry, build_entries, candidates, context_entries

__all__ = ["Suggester", "Suggestion", "shown_text", "suggest", "with_typed_accents"]

MAX_SUGGESTIONS = 10
CONTEXT_WEIGHT = 3  # a story heading outranks a word that finds as many events
CANDIDATES = 3  # entries ranked per suggestion wanted (repeated searches are skipped)
READY_WAIT = 3.0  # seconds after a snapshot's suggester is made that keystrokes wait for it
MAX_PREFIX = 64  # characters of a prefix that are matched

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    kind: str  # "context" | "phrase" | "word"
    count: int

    @property
    def query(self) -> str:
        """The query a picked suggestion runs: a story's events (``context:"…"``, a
        lookup of one term), or the phrase's or word's own words."""
        return f'context:"{self.text}"' if self.kind == "context" else self.text


class Table:
    """Entries sorted by folded key, each range's best found by weight."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        ordered = sorted(entries, key=lambda e: (e.key, e.kind))
        self.keys = [e.key for e in ordered]
        self.entries = ordered
        self.weights = np.fromiter((_weight(e) for e in ordered), np.int64, len(ordered))

    def best(self, key: str, limit: int) -> tuple[Entry, ...]:
        """The *limit* best entries under *key*, one per folded text and per search."""
        lo = bisect.bisect_left(self.keys, key)
        hi = bisect.bisect_left(self.keys, key + "\U0010ffff")
        wanted = min(limit * CANDIDATES, hi - lo)
        if wanted <= 0:
            return ()
        weights = self.weights[lo:hi]
        top = np.argpartition(-weights, wanted - 1)[:wanted] if wanted < hi - lo else None
        order = np.arange(hi - lo) if top is None else top
        ranked = order[np.lexsort((order, -weights[order]))]  # ties: key order
        texts: set[str] = set()
        searches: set[str] = set()
        found: list[Entry] = []
        for i in ranked.tolist():
            entry = self.entries[lo + i]
            if entry.key in texts or entry.search in searches:
                continue
            texts.add(entry.key)
            searches.add(entry.search)
            found.append(entry)
            if len(found) == limit:
                break
        return tuple(found)


def _weight(entry: Entry) -> int:
    return entry.count * (CONTEXT_WEIGHT if entry.kind == "context" else 1)


def with_typed_accents(text: str, typed: str) -> str:
    """*text* with the accents the user typed (in *text*'s case) over its start, when
    the two differ only by accents and case there."""
    if len(typed) > len(text):
        return text
    pairs = list(zip(text, typed, strict=False))  # text's first len(typed) letters
    if any(name_key(s) != name_key(t) for s, t in pairs):
        return text
    head = (_typed_letter(s, t) for s, t in pairs)
    return "".join(head) + text[len(typed) :]


def _typed_letter(shown: str, typed: str) -> str:
    """*typed* in *shown*'s case when the user typed an accent, else *shown* (also for
    a Traditional character typed where the archive writes the Simplified one)."""
    if fold_letters(typed) == typed.casefold():  # no accent: the archive's letter stays
        return shown
    return typed.upper() if shown.isupper() else typed.lower()


def shown_text(spellings: Sequence[str], typed: str) -> str:
    """The completion for *typed*: the archive's spelling that keeps what was typed
    (its script, its accents), else the most frequent one with the typed accents."""
    wanted = typed.casefold()
    for option in spellings:
        if option.casefold().startswith(wanted):
            return option
    return with_typed_accents(spellings[0], typed)


class Suggester:
    """Two answers for a prefix: :meth:`suggest`, the vocabulary's own entries (cheap, as
    spelling uses them to complete a word), and :meth:`show`, what a reader is offered
    (see the module docstring)."""

    def __init__(self, vocabulary: Sequence[Entry], stories: Sequence[Entry]) -> None:
        self.vocabulary = Table(vocabulary)
        self.stories = Table(stories)  # what show() offers until the entries are ready
        self.table: Table | None = None
        self.ready = threading.Event()
        self.waited_until = time.monotonic() + READY_WAIT
        self.cached = lru_cache(maxsize=4096)(self.vocabulary.best)
        self.shown = lru_cache(maxsize=8192)(self._best_shown)

    def fill(self, make: Callable[[], Sequence[Entry]]) -> None:
        """Compute the entries readers are offered (the slow part); on failure (e.g. the
        snapshot was closed meanwhile) story headings stay all that is offered."""
        try:
            self.table = Table(make())
        except ReaderClosed:  # a newer generation replaced this one meanwhile: no loss
            log.debug("suggestions: generation closed before its entries were built")
        except Exception:
            log.warning("suggestions: entries not built", exc_info=True)
        finally:
            self.shown.cache_clear()
            self.ready.set()

    def _best_shown(self, key: str, limit: int) -> tuple[Entry, ...]:
        return (self.table or self.stories).best(key, limit)

    def suggest(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        """The vocabulary's entries under *prefix*, as it keeps them (folded, its counts)."""
        key = name_key(prefix)
        found = self.cached(key[:MAX_PREFIX], limit) if key else ()
        return [Suggestion(e.spellings[0], e.kind, e.count) for e in found]

    def show(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        """What a reader typing *prefix* is offered: exact counts, the archive's spelling."""
        typed = " ".join(prefix.split())
        key = name_key(typed)
        if not key:
            return []
        if not self.ready.is_set():
            self.ready.wait(max(0.0, self.waited_until - time.monotonic()))
        key = key[:MAX_PREFIX]
        found = self.shown(key, limit) if self.ready.is_set() else self.stories.best(key, limit)
        return [Suggestion(shown_text(e.spellings, typed), e.kind, e.count) for e in found]


def build_suggester(snapshot: Snapshot) -> Suggester:
    """The vocabulary at once; the entries readers are offered in a background thread."""
    stories = context_entries(snapshot)
    counts = {"phrase": snapshot.vocab["phrases"], "word": snapshot.vocab["words"]}
    vocabulary = [*stories]
    for key, kind in candidates(snapshot):
        vocabulary.append(Entry(key, kind, counts[kind].get(key, 0), (key,), key))
    built = Suggester(vocabulary, stories)
    name = f"suggest-{snapshot.name}"
    thread = threading.Thread(
        target=built.fill, args=(lambda: build_entries(snapshot),), name=name, daemon=True
    )
    thread.start()
    return built


suggester = Derived(build_suggester)  # one per snapshot, made on first use (or warm-up)


def suggest(snapshot: Snapshot, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """What a reader typing *prefix* is offered (:meth:`Suggester.show`)."""
    return suggester(snapshot).show(prefix, limit)
