"""Text analysis shared by indexing, query parsing and highlighting.

One tokenizer handles mixed text: runs of Han characters go through Traditional ->
Simplified folding (one character to one character, so highlight offsets stay true)
and jieba segmentation (``rjieba``); everything else is split into words. Each word is
then lower-cased, accent-folded (``López`` -> ``lopez``), and English words are stemmed
with Snowball, English stop words marked. Index and queries see the same words.

A segmenter glues words (``国际红十字会`` is one word, so is ``田北俊因``), so Han text
is also cut into character *grams* for a second field per text field (:func:`grams`).
A *chain* is a run of Han characters together with any word touching it (``6.8万``,
``G20峰会``); its *units* are its characters and those words, folded (``6.8``, ``万``).
Each chain gives the bigrams of its units at consecutive positions, and every Han
character once more on its own (a unigram)::

    "在國際紅十字會6.8万"  ->  units 在 国 际 红 十 字 会 6.8 万
                           ->  在国@0 国际@1 际红@2 红十@3 十字@4 字会@5 会6.8@6 6.8万@7
                               在@0 国@1 际@2 红@3 十@4 字@5 会@6 万@8

Chains are a position apart (a gap), so no phrase runs from one into the next. A word
then matches wherever it is a substring: as one bigram, or as the phrase of its bigrams
(``红十字会`` = ``红十 十字 字会`` at adjacent positions; :func:`query_grams`); a single
character as its unigram. (This replaces emitting the dictionary words inside a long
word at its position, ``亚拉巴马州`` -> ``巴马``: that found only dictionary words, and
scored Obama inside Alabama as a whole word.)

The work is one plain function, :func:`analyze`, which both the Whoosh analyzer (for
the index and queries) and the highlighter call, so they cannot disagree; doing it in
one pass instead of a chain of Whoosh filters also halves the analysis time per event.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Container, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import rjieba
import Stemmer
from whoosh.analysis import Token, Tokenizer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.support.charset import accent_map

# Han characters: CJK Unified Ideographs, Extension A, compatibility ideographs. The one
# definition of "Han text" (inside a regex [class]); every pattern for it is built from it.
HAN_CHARS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = HAN_CHARS
HAN_RUN = re.compile(rf"[{_HAN}]+")
_LETTERS = rf"[^\W{_HAN}]+"
# "U.S." stays one word; apostrophes split ("Kuczynski's" -> "Kuczynski", "s").
_WORD = rf"{_LETTERS}(?:\.{_LETTERS})*"
_RUNS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>{_WORD})")
_WORDS = re.compile(_WORD)  # the words of _RUNS alone: no Han run can hold one
_HAN_WORD = re.compile(rf"[{_HAN}0-9A-Za-z]")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_UNIT = re.compile(rf"[{_HAN}]|[^{_HAN}]+")
# Whoosh's stop list less words that are names in news: "US troops", "Theresa May".
# The one stop list: the index, title phrases and suggestions all leave these out.
STOP = frozenset(STOP_WORDS) - {"us", "may"}


class Term(NamedTuple):
    text: str
    start: int  # character offsets in the original text
    end: int
    pos: int  # word position
    stopped: bool


class Gram(NamedTuple):
    text: str
    start: int  # character offsets in the original text
    end: int
    pos: int  # gram position: a unit's index in its chain, chains a position apart


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


def fold_chars(text: str) -> str:
    """*text* folded character by character (to Simplified, lower-cased, unaccented),
    keeping its length, so that offsets in the folded text are offsets in *text*."""
    simplified = to_simplified(text)
    folded = fold(simplified)
    if len(folded) == len(text):
        return folded
    return "".join(f if len(f := fold(c)) == 1 else c for c in simplified)


def fold(word: str) -> str:
    """An index term's folding (see :mod:`indexer.text` for the others): lower-case and
    strip accents, including marks left by lower-casing ("İ"), and compatibility forms."""
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


def is_stop(word: str) -> bool:
    """Whether a folded word is left out of the index: a stop word or a lone letter."""
    return word in STOP or (len(word) < 2 and not word.isdigit())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return Stemmer.Stemmer("english", 50_000)


def _han_words(run: str, offset: int) -> Iterator[tuple[str, int, int]]:
    for word, start, end in rjieba.tokenize(to_simplified(run)):
        if _HAN_WORD.search(word):
            yield word, offset + start, offset + end


Unit = tuple[str, int, int, bool]  # folded text, start, end, whether a Han character


def _chains(text: str) -> Iterator[list[Unit]]:
    """The chains of *text*, each a list of its units."""
    chain: list[Unit] = []
    han = False
    end = -1
    for match in _RUNS.finditer(text):
        if match.start() != end and chain:
            if han:
                yield chain
            chain, han = [], False
        start, end = match.span()
        if match.lastgroup == "word":
            chain.append((fold(match.group()), start, end, False))
            continue
        folded = fold_chars(match.group())
        chain.extend((c, start + i, start + i + 1, True) for i, c in enumerate(folded))
        han = True
    if han:
        yield chain


def is_han(unit: str) -> bool:
    """Whether *unit* is one Han character."""
    return len(unit) == 1 and _HAN_CHAR.match(unit) is not None


def chain_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each chain of *text*."""
    return [(chain[0][1], chain[-1][2]) for chain in _chains(text)]


def grams(text: str) -> Iterator[Gram]:
    """The grams of *text* for the gram fields: per chain, the bigrams of its units and
    the unigram of each Han character (see the module docstring), chains a position apart."""
    base = 0
    for chain in _chains(text):
        for i, (unit, start, end, han) in enumerate(chain):
            if i + 1 < len(chain):
                following, _, next_end, _ = chain[i + 1]
                yield Gram(unit + following, start, next_end, base + i)
            if han:
                yield Gram(unit, start, end, base + i)
        base += len(chain) + 1


def gram_positions(text: str) -> dict[str, list[int]]:
    """Each gram of *text* with its positions: exactly what :class:`GramAnalyzer` yields,
    without a Token per gram (as :func:`index_positions` is for words)."""
    found: dict[str, list[int]] = {}
    base = 0
    for chain in _chains(text):
        units = [unit for unit, _, _, _ in chain]
        for i, pair in enumerate(itertools.pairwise(units), base):
            found.setdefault(pair[0] + pair[1], []).append(i)
        for i, (unit, _, _, han) in enumerate(chain, base):
            if han:
                found.setdefault(unit, []).append(i)
        base += len(chain) + 1
    return found


def query_grams(text: str) -> list[list[str]]:
    """What must occur in a gram field for *text* to be a substring there: per chain, its
    bigrams in order (a phrase), or its unigram when the chain is one character."""
    found = []
    for chain in _chains(text):
        units = [unit for unit, _, _, _ in chain]
        found.append([a + b for a, b in itertools.pairwise(units)] if len(units) > 1 else units)
    return found


def gram_text(words: list[str]) -> str:
    """The text a phrase of bigrams (from :func:`query_grams`) spells: ``["红十", "十字",
    "字会"]`` -> ``红十字会``. Units are recovered from the text: each Han character is a
    unit, and so is each run of other characters between them."""
    if not words:
        return ""
    return words[0] + "".join(_units(word)[-1] for word in words[1:])


def _units(text: str) -> list[str]:
    return [u for u in _UNIT.findall(text) if u]


def analyze(text: str, *, stem: bool = True) -> Iterator[Term]:
    """The terms of *text*, in order. Stop words come out marked ``stopped``."""
    pos = -1
    for match in _RUNS.finditer(text):
        if match.lastgroup == "word":
            pos += 1
            raw = match.group()
            found = _TERM_CACHE.get(raw) if stem else None
            if found is None:
                found = _term(raw, stem)
            yield Term(found[0], match.start(), match.end(), pos, found[1])
            continue
        for word, start, end in _han_words(match.group(), match.start()):
            pos += 1
            yield Term(fold(word), start, end, pos, False)


def word_spans(text: str, terms: Container[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each word of *text* outside Han runs whose term, as :func:`analyze`
    makes it, is in *terms*, in order: what a highlight marks for terms without Han
    text, found without segmenting Han runs (none of their words could be one) or making
    a :class:`Term` per word."""
    for match in _WORDS.finditer(text):
        raw = match.group()
        found = _TERM_CACHE.get(raw) or _term(raw, True)
        if found[0] in terms:
            yield match.span()


def _term(raw: str, stem: bool) -> tuple[str, bool]:
    """One non-Han word as :func:`analyze` yields it: its term, and whether it is a
    stop word (kept unstemmed); with *stem*, remembered in ``_TERM_CACHE``."""
    word, stopped = fold(raw), False
    if not stem:
        return word, stopped
    if word.isascii():
        if is_stop(word):
            stopped = True
        elif word.isalpha():
            word = _stemmer().stemWord(word)
    if len(_TERM_CACHE) >= _WORD_CACHE_MAX:
        _TERM_CACHE.clear()
    _TERM_CACHE[raw] = (word, stopped)
    return word, stopped


# Queries, highlights and related events analyze the same words again and again (each
# hit's title and summary, 20 per results page): a word's term is looked up, not folded
# and stemmed each time. Bounded as _WORD_CACHE is, below.
_TERM_CACHE: dict[str, tuple[str, bool]] = {}


# A plain dict, emptied when full, not an LRU: looked up inline, once per indexed word,
# it is the build's hot path (index_positions takes 1.2x as long with functools.lru_cache
# and 2.7x with cachetools), and one run's words fit; what matters is that it is bounded.
_WORD_CACHE: dict[str, str | None] = {}
_WORD_CACHE_MAX = 200_000


def _index_word(raw: str) -> str | None:
    """What :func:`analyze` makes of one non-Han word when indexing (None: a stop word)."""
    word = fold(raw)
    if word.isascii():
        if is_stop(word):
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
        for word, _, _ in _han_words(match.group(), match.start()):
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
        for term in analyze(value, stem=self.stem):
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


class GramAnalyzer(Tokenizer):  # type: ignore[misc]
    """:func:`grams` as a Whoosh analyzer, for the gram fields."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GramAnalyzer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for gram in grams(value):
            token.text, token.stopped, token.boost = gram.text, False, 1.0
            if keeporiginal:
                token.original = value[gram.start : gram.end]
            if positions:
                token.pos = start_pos + gram.pos
            if chars:
                token.startchar, token.endchar = start_char + gram.start, start_char + gram.end
            yield token


def text_analyzer() -> EventAnalyzer:
    """The analyzer for searchable text: index, queries and highlighting."""
    return EventAnalyzer(stem=True)


def plain_analyzer() -> EventAnalyzer:
    """Folded but unstemmed words, stop words kept."""
    return EventAnalyzer(stem=False)
