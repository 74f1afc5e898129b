"""Text analysis shared by indexing, query parsing and highlighting.

One tokenizer handles mixed text: runs of Han characters go through Traditional ->
Simplified folding (one character to one character, so highlight offsets stay true)
and jieba segmentation (``rjieba``); everything else is split into words. Filters then
lower-case, fold accents (``López`` -> ``lopez``), drop English stop words and stem
English words with Snowball. At index time Chinese words also emit the dictionary words
inside them (``亚拉巴马州`` -> ``亚拉巴马州``, ``巴马``, …) at the same position, so a query
for a shorter word still finds the longer one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

import rjieba
import Stemmer
from whoosh.analysis import Analyzer, Filter, LowercaseFilter, Token, Tokenizer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.support.charset import accent_map

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = rf"[^\W{_HAN}]+"
# "U.S." stays one word; apostrophes split ("Kuczynski's" -> "Kuczynski", "s").
_RUNS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>{_LETTERS}(?:\.{_LETTERS})*)")
_HAN_WORD = re.compile(rf"[{_HAN}0-9A-Za-z]")


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


class MixedTokenizer(Tokenizer):  # type: ignore[misc]
    """Words of Latin/other scripts by regex; Han runs by jieba after T->S folding."""

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
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in _RUNS.finditer(value):
            if match.lastgroup == "word":
                pieces: Iterator[tuple[str, int, int, bool]] = iter(
                    [(match.group(), match.start(), match.end(), False)]
                )
            else:
                pieces = _han_pieces(match.group(), match.start(), mode == "index")
            for text, start, end, inner in pieces:
                if not inner:
                    pos += 1
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos - 1
                if chars:
                    token.startchar, token.endchar = start_char + start, start_char + end
                yield token


def _han_pieces(run: str, offset: int, with_inner: bool) -> Iterator[tuple[str, int, int, bool]]:
    """(word, start, end, is_inner_word) for a run of Han characters."""
    simplified = to_simplified(run)
    words = [w for w in rjieba.tokenize(simplified) if _HAN_WORD.search(w[0])]
    for word, start, end in words:
        yield word, offset + start, offset + end, False
        if with_inner and end - start > 2:
            for inner, istart, iend in rjieba.tokenize(word, mode="search"):
                if iend - istart < end - start and iend - istart > 1:
                    yield inner, offset + start + istart, offset + start + iend, True


# Whoosh's list less words that are names in news: "US troops", "Theresa May".
STOP = frozenset(STOP_WORDS) - {"us", "may"}


class FoldFilter(Filter):  # type: ignore[misc]
    """Fold accents: Whoosh's accent map, then any combining mark left (the dot of "İ")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if not text.isascii():
                text = text.translate(accent_map)
                if not text.isascii():
                    text = "".join(
                        ch
                        for ch in unicodedata.normalize("NFKD", text)
                        if not unicodedata.combining(ch)
                    )
                    text = unicodedata.normalize("NFKC", text)
                token.text = text
            yield token


class EnglishFilter(Filter):  # type: ignore[misc]
    """Drop English stop words and stem English words; leave other scripts alone."""

    def __init__(self) -> None:
        self._stemmer: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the schema is pickled into every index; the C stemmer is rebuilt

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._stemmer = None

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    @property
    def stemmer(self) -> Any:
        if self._stemmer is None:
            self._stemmer = Stemmer.Stemmer("english", 50_000)
        return self._stemmer

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = self.stemmer.stemWord
        for token in tokens:
            text = token.text
            if text.isascii():
                if text in STOP or (len(text) < 2 and not text.isdigit()):
                    if token.removestops:
                        continue
                    token.stopped = True
                    yield token
                    continue
                if text.isalpha():
                    token.text = stem(text)
            yield token


def text_analyzer() -> Analyzer:
    """The analyzer for searchable text: index, queries and highlighting."""
    return MixedTokenizer() | LowercaseFilter() | FoldFilter() | EnglishFilter()


def plain_analyzer() -> Analyzer:
    """Unstemmed words (for spelling correction and suggestions)."""
    return MixedTokenizer() | LowercaseFilter() | FoldFilter()
