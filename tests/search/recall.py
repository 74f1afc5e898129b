"""Recall of Chinese word search, measured against a plain substring scan.

The reference is what Ctrl-F would find: an event *contains* a word when the word is a
substring of its title or summary, both folded to Simplified (``to_simplified``) and
lower-cased. An event is *found* when the word, typed as a query, matches it. Then, over
the sampled words::

    micro = sum |found & containing| / sum |containing|
    macro = mean over words of |found & containing| / |containing|

The words are the archive's own: jieba words (two or more Han characters) of titles and
story headings, sampled with a fixed seed, plus every story heading or topic of 2-6 Han
characters. Used by ``tests/search/test_zh_recall.py`` and by ``bench/knownitem.py``.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import rjieba

from indexer.analysis import to_simplified
from indexer.event import Event
from search.query import build_query
from search.snapshot import Snapshot

HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
SAMPLE_WORDS = 300
SEED = 7
CONTEXT_CHARS = (2, 6)


@dataclass(frozen=True, slots=True)
class Doc:
    """One live document: its number in the index, the event, and the scanned text."""

    number: int
    event: Event
    text: str  # title + summary, folded


@dataclass(frozen=True, slots=True)
class Recall:
    words: int
    containing: int  # sum over words of the events containing it
    found: int  # ... of which the query found
    micro: float
    macro: float
    missed: dict[str, tuple[int, int]]  # word -> (found, containing), the incomplete ones


def scan_text(text: str) -> str:
    return to_simplified(text).casefold()


def live_docs(snapshot: Snapshot) -> list[Doc]:
    """Every live event of *snapshot* with its document number."""
    numbers = snapshot.live_docs.tolist()
    return [
        Doc(number, event, scan_text(f"{event.title}\n{event.summary}"))
        for number, event in zip(numbers, snapshot.events(numbers), strict=True)
    ]


def _han_words(text: str) -> Iterator[str]:
    for word in rjieba.cut(to_simplified(text)):
        if HAN_WORD.fullmatch(word):
            yield word


def sample_words(docs: Iterable[Doc], n: int = SAMPLE_WORDS, seed: int = SEED) -> list[str]:
    """*n* distinct jieba words of titles and story headings (fixed seed), then every
    context of 2-6 Han characters; in that order, without repeats."""
    docs = list(docs)
    words: set[str] = set()
    contexts: set[str] = set()
    for doc in docs:
        words.update(_han_words(doc.event.title))
        if doc.event.story:
            words.update(_han_words(doc.event.story))
        for context in doc.event.contexts:
            folded = scan_text(context).strip()
            low, high = CONTEXT_CHARS
            if low <= len(folded) <= high and HAN_WORD.fullmatch(folded):
                contexts.add(folded)
    sampled = random.Random(seed).sample(sorted(words), min(n, len(words)))
    return list(dict.fromkeys([*sampled, *sorted(contexts)]))


class Scan:
    """The substring scan: every document's folded text in one string, so that finding a
    word is a few ``str.find`` calls rather than one ``in`` per document."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        docs = list(docs)
        self.numbers = [doc.number for doc in docs]
        self.text = "\x00".join(doc.text for doc in docs)  # no word holds a NUL
        self.starts = list(itertools.accumulate((len(d.text) + 1 for d in docs[:-1]), initial=0))

    def containing(self, word: str) -> set[int]:
        """Document numbers of the events whose title or summary contains *word*."""
        folded = scan_text(word)
        found: set[int] = set()
        at = self.text.find(folded) if folded else -1
        while at != -1:
            found.add(self.numbers[bisect.bisect_right(self.starts, at) - 1])
            at = self.text.find(folded, at + 1)
        return found


def containing(docs: Iterable[Doc], word: str) -> set[int]:
    return Scan(docs).containing(word)


def found_by_query(snapshot: Snapshot) -> Callable[[str], set[int]]:
    def found(word: str) -> set[int]:
        return {int(d) for d in snapshot.evaluate(build_query(word).query).docs}

    return found


def measure(docs: list[Doc], words: Iterable[str], found: Callable[[str], set[int]]) -> Recall:
    """Recall of *found* against the substring scan of *docs*, for *words* (a word that
    no title or summary contains is skipped)."""
    scan = Scan(docs)
    total_containing = total_found = 0
    ratios: list[float] = []
    missed: dict[str, tuple[int, int]] = {}
    for word in words:
        expected = scan.containing(word)
        if not expected:
            continue
        hit = len(found(word) & expected)
        total_containing += len(expected)
        total_found += hit
        ratios.append(hit / len(expected))
        if hit < len(expected):
            missed[word] = (hit, len(expected))
    return Recall(
        words=len(ratios),
        containing=total_containing,
        found=total_found,
        micro=total_found / total_containing if total_containing else 1.0,
        macro=sum(ratios) / len(ratios) if ratios else 1.0,
        missed=missed,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.search.recall INDEX_DIR``: the figures, for the words sampled and
    for the story headings, and the words found least completely."""
    import argparse

    from search.service import Search

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", help="index directory (holds CURRENT)")
    parser.add_argument("--words", type=int, default=SAMPLE_WORDS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    with Search(args.index) as search:
        snapshot = search.snapshot()
        docs = live_docs(snapshot)
        words = sample_words(docs, args.words, args.seed)
        found = found_by_query(snapshot)
        for name, subset in [
            ("all", words),
            ("jieba words", words[: args.words]),
            ("headings", words[args.words :]),
        ]:
            r = measure(docs, subset, found)
            print(
                f"{name}: {r.words} words, micro {r.micro:.4f} ({r.found}/{r.containing}), "
                f"macro {r.macro:.4f}, {len(r.missed)} incomplete"
            )
        r = measure(docs, words, found)
        worst = sorted(r.missed.items(), key=lambda item: item[1][0] - item[1][1])
        print("least complete:", ", ".join(f"{w} {a}/{b}" for w, (a, b) in worst[:15]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
