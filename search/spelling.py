""" "Did you mean": corrections from the index's own vocabulary of title words."""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer.text import fold_letters, has_han
from search.snapshot import Derived, Snapshot
from search.suggest import suggester

MIN_WORD = 3
MIN_PREFIX = 4  # a word this long that starts a known word is completed, not corrected
COMPLETIONS = 30  # suggestions looked through for a word (contexts and phrases come too)


def _spelling_words(snapshot: Snapshot) -> tuple[list[str], list[int]]:
    """The title words and their counts, as two lists (what rapidfuzz searches)."""
    items = list(snapshot.vocab["words"].items())
    return [w for w, _ in items], [n for _, n in items]


spelling_words = Derived(_spelling_words)


def complete_word(snapshot: Snapshot, prefix: str) -> str | None:
    """The most frequent known word that *prefix* begins ("flood" -> "floodwaters"),
    looked up in the suggester's sorted vocabulary."""
    for suggestion in suggester(snapshot).suggest(prefix, COMPLETIONS):
        if suggestion.kind == "word" and suggestion.text != prefix:
            return suggestion.text
    return None


def close_words(snapshot: Snapshot, word: str, maxdist: int, limit: int = 10) -> list[str]:
    """Vocabulary words within *maxdist* edits of *word*, most frequent first."""
    words, counts = spelling_words(snapshot)
    folded = fold_letters(word)
    found = process.extract(
        folded, words, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=limit * 5
    )
    ranked = sorted(found, key=lambda item: (item[1], -counts[item[2]]))
    return [w for w, _, _ in ranked if w != folded][:limit]


def correct_word(snapshot: Snapshot, word: str) -> str | None:
    """The likeliest intended word for a word the index does not know, else None."""
    lowered = fold_letters(word)
    if len(lowered) < MIN_WORD or has_han(lowered) or not lowered.isalpha():
        return None
    if lowered in snapshot.vocab["words"]:
        return None
    if len(lowered) >= MIN_PREFIX and (completion := complete_word(snapshot, lowered)):
        return completion  # the start of a longer word, more likely than a typo
    maxdist = 1 if len(lowered) <= 4 else 2
    words, counts = spelling_words(snapshot)
    found = process.extract(
        lowered, words, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=20
    )
    if not found:
        return None
    best = min(found, key=lambda item: (item[1], -counts[item[2]]))
    return str(best[0])


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
