""" "Did you mean": corrections from the index's own vocabulary of title words.

A word's candidates are the vocabulary's words within a few edits of it, found by
rapidfuzz's Levenshtein distance. Comparing a word with the whole vocabulary costs
~70 ns a word (0.3 ms for 4,500 words, several ms for the 100k of a large archive), for
each unknown word of a query, and a query that finds nothing asks for all its words.
So the vocabulary is kept once per generation (:data:`spelling_words`) with two numpy
columns that bound the distance from below, and only the words they leave are
compared::

    words    ["police", "killed", ..., "qwerty"]     title words, most frequent first
    counts   [ 90_210,   61_034,  ...,       1]
    order    [   ...,  positions of the words, shortest first  ...]
    lengths  [ 3, 3, ..., 6, 6, ...]                 in that order: a word's window of
    letters  [ 0b1..., ...]                          lengths is a slice (edits >= the
                                                     length difference); uint64, a bit
                                                     per letter the word holds

Each edit (insert, delete, substitute) adds at most one letter a word lacked and
removes at most one it had, so within *d* edits at most *d* letters of each word are
missing from the other; letters share bits only past ``a``-``z``, which can only hide a
difference, never invent one (the bound stays a lower bound). A made-up word leaves
almost nothing to compare; a typo, the words of about its length that share its letters.
(A symmetric-delete index, as SymSpell keeps, would answer in microseconds, but holds
~40 deletes per word for two edits: hundreds of MB in Python at 100k words.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer.text import fold_letters, has_han
from search.snapshot import Derived, Snapshot
from search.suggest import suggester

MIN_WORD = 3
MIN_PREFIX = 4  # a word this long that starts a known word is completed, not corrected
COMPLETIONS = 30  # suggestions looked through for a word (contexts and phrases come too)
LETTER_BITS = 64  # a-z have a bit each; any other letter shares one of the other 38


@dataclass(frozen=True, slots=True)
class SpellingVocabulary:
    """The title words with their counts, and what bounds their distance to a word."""

    words: list[str]
    counts: list[int]
    order: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    letters: npt.NDArray[np.uint64]

    @classmethod
    def of(cls, counted: dict[str, int]) -> SpellingVocabulary:
        words = list(counted)
        lengths = np.fromiter(map(len, words), np.int64, len(words))
        letters = np.fromiter(map(letter_bits, words), np.uint64, len(words))
        order = np.argsort(lengths, kind="stable")
        return cls(words, list(counted.values()), order, lengths[order], letters[order])

    def within(self, word: str, maxdist: int) -> list[tuple[str, int, int]]:
        """(word, edits, position) of each vocabulary word within *maxdist* edits of
        *word*: fewest edits first, then the most frequent, then vocabulary order."""
        lo = int(np.searchsorted(self.lengths, len(word) - maxdist, "left"))
        hi = int(np.searchsorted(self.lengths, len(word) + maxdist, "right"))
        letters, bits = self.letters[lo:hi], np.uint64(letter_bits(word))
        near = _at_most(letters & ~bits, maxdist) & _at_most(bits & ~letters, maxdist)
        positions = self.order[lo:hi][near].tolist()
        choices = [self.words[i] for i in positions]
        found = process.extract(
            word, choices, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
        )
        hits = [(w, int(edits), positions[i]) for w, edits, i in found]
        return sorted(hits, key=lambda hit: (hit[1], -self.counts[hit[2]], hit[2]))


def letter_bits(word: str) -> int:
    """A bit per distinct letter of *word* (``a``-``z`` each their own)."""
    bits = 0
    for char in word:
        code = ord(char) - 97
        bits |= 1 << (code if 0 <= code < 26 else 26 + ord(char) % (LETTER_BITS - 26))
    return bits


def _at_most(bits: npt.NDArray[np.uint64], count: int) -> npt.NDArray[np.bool_]:
    """Whether each of *bits* has at most *count* bits set (clearing the lowest *count*
    times leaves nothing; numpy's ``bitwise_count`` needs numpy 2)."""
    left = bits.copy()
    for _ in range(count):
        left &= left - np.uint64(1)
    few: npt.NDArray[np.bool_] = left == 0
    return few


spelling_words = Derived(lambda snapshot: SpellingVocabulary.of(snapshot.vocab["words"]))


def complete_word(snapshot: Snapshot, prefix: str) -> str | None:
    """The most frequent known word that *prefix* begins ("flood" -> "floodwaters"),
    looked up in the suggester's sorted vocabulary."""
    for suggestion in suggester(snapshot).suggest(prefix, COMPLETIONS):
        if suggestion.kind == "word" and suggestion.text != prefix:
            return suggestion.text
    return None


def close_words(snapshot: Snapshot, word: str, maxdist: int, limit: int = 10) -> list[str]:
    """Vocabulary words within *maxdist* edits of *word*, fewest edits first, then most
    frequent first."""
    folded = fold_letters(word)
    found = spelling_words(snapshot).within(folded, maxdist)
    return [w for w, _, _ in found if w != folded][:limit]


def correct_word(snapshot: Snapshot, word: str) -> str | None:
    """The likeliest intended word for a word the index does not know, else None: of
    the known words fewest edits away, the most frequent."""
    lowered = fold_letters(word)
    if len(lowered) < MIN_WORD or has_han(lowered) or not lowered.isalpha():
        return None
    if lowered in snapshot.vocab["words"]:
        return None
    if len(lowered) >= MIN_PREFIX and (completion := complete_word(snapshot, lowered)):
        return completion  # the start of a longer word, more likely than a typo
    maxdist = 1 if len(lowered) <= 4 else 2
    found = spelling_words(snapshot).within(lowered, maxdist)
    return found[0][0] if found else None


def correct_query(snapshot: Snapshot, text: str, words: tuple[str, ...]) -> str | None:
    """*text* with unknown words replaced by corrections; None when nothing changes."""
    corrected = text
    changed = False
    for word in words:
        better = correct_word(snapshot, word)
        if better:
            corrected = corrected.replace(word, better, 1)
            changed = True
    return corrected if changed else None
