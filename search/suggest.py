"""Completions for a typed prefix: story headings, frequent title phrases and words.

Built once per snapshot as one list sorted by a folded key, so a keystroke is a binary
search plus a scan of the matching range; answers are cached per prefix.

What a completion shows is checked against the index, once per entry and snapshot:

- its ``count`` is the number of events its own search (:attr:`Suggestion.query`, what
  a picked suggestion runs) finds, not the vocabulary's count of titles holding it;
- a phrase or word is shown as the archive's titles write it (``Nicolás Maduro``, not
  the folded ``nicolas maduro`` the vocabulary keeps), in the spelling the user typed
  when the archive has it, and with the user's accents laid over it when it has not.

Checking costs one evaluation of the entry's query the first time a keystroke shows it
(milliseconds; the postings it reads stay in the engine's cache for the search that
follows a pick); keystrokes after that, and repeated prefixes, cost a dictionary lookup.
Once built, a background thread checks the best-ranked entries (those the first letters
of a word show), so a new generation's first keystrokes do not pay for them.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from whoosh.analysis.filters import STOP_WORDS
from whoosh.support.charset import accent_map

from indexer.analysis import to_simplified
from indexer.columns import _WORD as TITLE_WORD  # the words vocab.json counts
from search.query import build_query

if TYPE_CHECKING:
    from search.engine import Docs, Scores, Snapshot

    # a query -> how it was interpreted, the events it finds and their scores, as the
    # search service finds them
    Matcher = Callable[[str], tuple[str, Docs, Scores]]
    Titles = Callable[[Iterable[int]], list[str]]

MAX_SUGGESTIONS = 10
CONTEXT_WEIGHT = 3  # a story heading outranks a phrase that occurs as often
MAX_ENTRIES = 50_000  # most frequent phrases and words kept (vocab.json is sorted by count)
CANDIDATES = 3  # entries ranked per suggestion wanted (repeats and misses are skipped)
SPELLING_SAMPLES = 8  # best-scoring matches whose titles show how the archive writes a word
CHECKED_ENTRIES = 32_768  # entries whose exact count and spellings are kept per snapshot
# Checked in the background once built: 8-15 s of one core at 100k events, after which a
# cold keystroke's p95 is ~30 ms instead of ~150 ms (the first letters show these).
WARM_ENTRIES = 1_000

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


@dataclass(frozen=True, slots=True)
class Checked:
    """An entry as the index answers it: its exact count and how titles write it."""

    suggestion: Suggestion  # count: events its query finds
    spellings: tuple[str, ...]  # most frequent first; () for story headings
    interpreted: str  # its query as parsed (say and says run one search)


def fold(text: str) -> str:
    return to_simplified(text.casefold().translate(accent_map)).strip()


def spellings(folded: str, titles: Iterable[str]) -> tuple[str, ...]:
    """How *titles* write the vocabulary entry *folded*, most frequent first. A title's
    first word is capitalised whatever it is, so it counts only when nothing else does."""
    size, inside, first = len(folded.split()), Counter[str](), Counter[str]()
    for title in titles:
        words = TITLE_WORD.findall(title)
        keys = [fold(w) for w in words]
        for i in range(len(words) - size + 1):
            if " ".join(keys[i : i + size]) == folded:
                (inside if i else first)[" ".join(words[i : i + size])] += 1
    return tuple(text for text, _ in (inside or first).most_common())


def with_typed_accents(text: str, typed: str) -> str:
    """*text* with the accents the user typed (in *text*'s case) over its start, when
    the two differ only by accents and case there."""
    if len(typed) > len(text):
        return text
    pairs = list(zip(text, typed, strict=False))  # text's first len(typed) letters
    if any(fold(s) != fold(t) for s, t in pairs):
        return text
    head = (_typed_letter(s, t) for s, t in pairs)
    return "".join(head) + text[len(typed) :]


def _typed_letter(shown: str, typed: str) -> str:
    """*typed* in *shown*'s case when the user typed an accent, else *shown* (also for
    a Traditional character typed where the archive writes the Simplified one)."""
    lower = typed.casefold()
    if lower.translate(accent_map) == lower:  # no accent: the archive's letter stays
        return shown
    return typed.upper() if shown.isupper() else typed.lower()


def shown_text(checked: Checked, typed: str) -> str:
    """The completion for *typed*: the archive's spelling that keeps what was typed."""
    options = checked.spellings or (checked.suggestion.text,)
    wanted = typed.casefold()
    for option in options:
        if option.casefold().startswith(wanted):
            return option
    return with_typed_accents(options[0], typed)


class Suggester:
    """Two answers for a prefix: :meth:`suggest`, the vocabulary's own entries (cheap, as
    spelling uses them to complete a word), and :meth:`show`, what a reader is offered:
    each entry checked against the index (see the module docstring)."""

    def __init__(
        self, entries: list[tuple[str, Suggestion]], matcher: Matcher, titles: Titles
    ) -> None:
        entries.sort(key=lambda e: e[0])
        self.keys = [k for k, _ in entries]
        self.items = [s for _, s in entries]
        self.matcher, self.titles = matcher, titles
        self.cached = lru_cache(maxsize=4096)(self._scan)
        self.shown = lru_cache(maxsize=4096)(self._scan_checked)
        self.checked = lru_cache(maxsize=CHECKED_ENTRIES)(self._check)

    def _check(self, i: int) -> Checked | None:
        """Entry *i* with its exact count (None when its query finds nothing: following
        it would show a correction or nothing) and the spellings of its best matches."""
        item = self.items[i]
        interpreted, docs, scores = self.matcher(item.query)
        if not len(docs):
            return None
        found = replace(item, count=len(docs))
        if item.kind == "context":  # a heading is shown as written
            return Checked(found, (), interpreted)
        best = docs[np.argsort(-scores, kind="stable")[:SPELLING_SAMPLES]]
        written = spellings(self.keys[i], self.titles(int(d) for d in best))
        return Checked(found, written, interpreted)

    def _candidates(self, prefix: str, limit: int) -> Iterator[int]:
        """Entries under *prefix*, best-ranked first, one per folded text."""
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix + "\U0010ffff")
        seen: set[str] = set()
        for i in heapq.nlargest(limit * CANDIDATES, range(lo, hi), key=self._rank):
            if self.keys[i] not in seen:
                seen.add(self.keys[i])
                yield i

    def _scan(self, prefix: str, limit: int) -> tuple[Suggestion, ...]:
        best = itertools.islice(self._candidates(prefix, limit), limit)
        return tuple(self.items[i] for i in best)

    def _scan_checked(self, prefix: str, limit: int) -> tuple[Checked, ...]:
        searches: set[str] = set()  # interpreted queries already offered (say, says)
        result = []
        for i in self._candidates(prefix, limit):
            checked = self.checked(i)
            if checked is None or checked.interpreted in searches:
                continue
            searches.add(checked.interpreted)
            result.append(checked)
            if len(result) == limit:
                break
        return tuple(sorted(result, key=lambda c: _weight(c.suggestion), reverse=True))

    def _rank(self, i: int) -> int:
        return _weight(self.items[i])

    def warm(self, entries: int = WARM_ENTRIES) -> None:
        """Check the *entries* best-ranked entries now, before a keystroke needs them."""
        try:
            for i in heapq.nlargest(entries, range(len(self.items)), key=self._rank):
                self.checked(i)
        except Exception:  # e.g. the snapshot was closed meanwhile: keystrokes check lazily
            log.debug("suggestions warm-up stopped", exc_info=True)

    def suggest(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        """The vocabulary's entries under *prefix*, as it keeps them (folded, its counts)."""
        key = " ".join(fold(prefix).split())
        return list(self.cached(key[:64], limit)) if key else []

    def show(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
        """What a reader typing *prefix* is offered: exact counts, the archive's spelling."""
        typed = " ".join(prefix.split())
        key = " ".join(fold(typed).split())
        if not key:
            return []
        return [
            replace(c.suggestion, text=shown_text(c, typed)) for c in self.shown(key[:64], limit)
        ]


def _weight(item: Suggestion) -> int:
    return item.count * (CONTEXT_WEIGHT if item.kind == "context" else 1)


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
    built = Suggester(entries, _matcher(snapshot), _titles(snapshot))
    name = f"suggest-warm-{snapshot.name}"
    threading.Thread(target=built.warm, name=name, daemon=True).start()
    return built


def _matcher(snapshot: Snapshot) -> Matcher:
    # A query that finds anything is answered with exactly what it finds (the spelling
    # and any-word fallbacks of search.service step in only when it finds nothing), so
    # this count is the total the suggestion's search URL reports.
    def matches(query: str) -> tuple[str, Docs, Scores]:
        parsed = build_query(query).query
        found = snapshot.evaluate(parsed)
        return str(parsed), found.docs, found.scores

    return matches


def _titles(snapshot: Snapshot) -> Titles:
    def titles(docs: Iterable[int]) -> list[str]:
        with snapshot.whoosh_lock:
            return [str(snapshot.searcher.stored_fields(d)["title"]) for d in docs]

    return titles


def suggester(snapshot: Snapshot) -> Suggester:
    return snapshot.derived("suggester", lambda: build_suggester(snapshot))


def suggest(snapshot: Snapshot, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """What a reader typing *prefix* is offered (:meth:`Suggester.show`)."""
    return suggester(snapshot).show(prefix, limit)
