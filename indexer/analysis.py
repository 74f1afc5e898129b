"""Text analysis shared by indexing, query parsing and highlighting.

One tokenizer handles mixed text: runs of Han characters go through Traditional ->
Simplified folding (one character to one character, so highlight offsets stay true)
and jieba segmentation (``rjieba``); everything else is split into words. Each word is
then lower-cased, accent-folded (``López`` -> ``lopez``), and English words are stemmed
with Snowball, English stop words marked. At index time Chinese words also emit the
dictionary words inside them (``亚拉巴马州`` -> ``亚拉巴马州``, ``巴马``, …) at the same
position, so a query for a shorter word still finds the longer one.

The work is one plain function, :func:`analyze`, which both the Whoosh analyzer (for
the index and queries) and the highlighter call, so they cannot disagree; doing it in
one pass instead of a chain of Whoosh filters also halves the analysis time per event.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import rjieba
import Stemmer
from whoosh.analysis import Token, Tokenizer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.support.charset import accent_map

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = rf"[^\W{_HAN}]+"
# "U.S." stays one word; apostrophes split ("Kuczynski's" -> "Kuczynski", "s").
_RUNS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>{_LETTERS}(?:\.{_LETTERS})*)")
_HAN_WORD = re.compile(rf"[{_HAN}0-9A-Za-z]")
# Whoosh's stop list less words that are names in news: "US troops", "Theresa May".
STOP = frozenset(STOP_WORDS) - {"us", "may"}


class Term(NamedTuple):
    text: str
    start: int  # character offsets in the original text
    end: int
    pos: int  # word position (inner Han words share their word's position)
    stopped: bool


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Traditional -> Simplified, single characters only (from OpenCC's dictionary)."""
    text = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1:
            table[ord(source)] = target
    return table


def to_simplified(text: str) -> str:
    return text.translate(t2s_table())


def fold(word: str) -> str:
    """Lower-case and strip accents, including marks left by lower-casing ("İ")."""
    word = word.lower()
    if word.isascii():
        return word
    word = word.translate(accent_map)
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = unicodedata.normalize(
            "NFKC", "".join(c for c in decomposed if not unicodedata.combining(c))
        )
    return word


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return Stemmer.Stemmer("english", 50_000)


def _han_words(run: str, offset: int, with_inner: bool) -> Iterator[tuple[str, int, int, bool]]:
    simplified = to_simplified(run)
    for word, start, end in rjieba.tokenize(simplified):
        if not _HAN_WORD.search(word):
            continue
        yield word, offset + start, offset + end, False
        if with_inner and end - start > 2:
            for inner, istart, iend in rjieba.tokenize(word, mode="search"):
                if 1 < iend - istart < end - start:
                    yield inner, offset + start + istart, offset + start + iend, True


def analyze(text: str, *, stem: bool = True, index: bool = False) -> Iterator[Term]:
    """The terms of *text*, in order. Stop words come out marked ``stopped``."""
    stem_word = _stemmer().stemWord
    pos = -1
    for match in _RUNS.finditer(text):
        if match.lastgroup == "word":
            word = fold(match.group())
            pos += 1
            stopped = False
            if stem and word.isascii():
                if word in STOP or (len(word) < 2 and not word.isdigit()):
                    stopped = True
                elif word.isalpha():
                    word = stem_word(word)
            yield Term(word, match.start(), match.end(), pos, stopped)
            continue
        for word, start, end, inner in _han_words(match.group(), match.start(), index):
            if not inner:
                pos += 1
            yield Term(fold(word), start, end, pos, False)


_WORD_CACHE: dict[str, str | None] = {}
_WORD_CACHE_MAX = 200_000


def _index_word(raw: str) -> str | None:
    """What :func:`analyze` makes of one non-Han word when indexing (None: a stop word)."""
    word = fold(raw)
    if word.isascii():
        if word in STOP or (len(word) < 2 and not word.isdigit()):
            return None
        if word.isalpha():
            word = _stemmer().stemWord(word)
    return word


def index_positions(text: str) -> dict[str, list[int]]:
    """Each indexed term of *text* with its word positions: exactly what the Whoosh
    analyzer yields at index time, without a Token per word (the build's hot path).
    Words repeat across events, so their folded and stemmed forms are memoised."""
    found: dict[str, list[int]] = {}
    cache = _WORD_CACHE
    if len(cache) > _WORD_CACHE_MAX:
        cache.clear()
    pos = -1
    for match in _RUNS.finditer(text):
        if match.lastgroup == "word":
            raw = match.group()
            pos += 1
            try:
                word = cache[raw]
            except KeyError:
                word = cache[raw] = _index_word(raw)
            if word is not None:
                found.setdefault(word, []).append(pos)
            continue
        for word, _, _, inner in _han_words(match.group(), match.start(), True):
            if not inner:
                pos += 1
            found.setdefault(fold(word), []).append(pos)
    return found


class EventAnalyzer(Tokenizer):  # type: ignore[misc]
    """:func:`analyze` as a Whoosh analyzer (a tokenizer needing no filters)."""

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EventAnalyzer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((type(self), self.stem))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for term in analyze(value, stem=self.stem, index=mode == "index"):
            if term.stopped and removestops:
                continue
            token.text = term.text
            token.stopped = term.stopped
            token.boost = 1.0
            if keeporiginal:
                token.original = value[term.start : term.end]
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar, token.endchar = start_char + term.start, start_char + term.end
            yield token


def text_analyzer() -> EventAnalyzer:
    """The analyzer for searchable text: index, queries and highlighting."""
    return EventAnalyzer(stem=True)


def plain_analyzer() -> EventAnalyzer:
    """Folded but unstemmed words, stop words kept."""
    return EventAnalyzer(stem=False)
