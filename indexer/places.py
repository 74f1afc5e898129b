"""The places of an event: country codes from its story heading, contexts and title.

    text ─ key() ─▶ folded text ─ Aho-Corasick, leftmost-longest ─▶ names
         ─ checks (word edges, capitals, people's names, segmentation) ─▶ codes
         ─ choices (``Paris``: France unless the event names the United States) ─▶ codes

The names and what they mean come from :mod:`indexer.gazetteer`. One automaton holds
them all, Latin and Han; the longest name at a place wins, so ``South Sudan`` is not
``Sudan`` and ``Indian Ocean`` (not a place) hides ``Indian``. A Latin name must stand as
a word and start with a capital as written (``turkey``, ``chad`` are not places; ``US``
only in capitals); a city, or a country that is also a first name, must not follow a
capitalised word (``Michael Jordan``). A city followed by ``, `` and another place is in
that place (``Paris, Texas``; ``Atlanta, Georgia``). Han names that are often parts of
other words (``马里`` in ``马里奥``) count only where jieba's segmentation cuts.

Built once, on first use (~2 s, the city list), then read-only: safe to share between
threads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import ahocorasick_rs
import pycountry
import rjieba
from babel import Locale

from indexer.analysis import HAN_CHARS
from indexer.gazetteer import KOSOVO, Name, key, names
from indexer.place_names import LEAD_WORDS, STORM_WORDS

# A Han place name may end inside a segmented word when the word goes on with one of
# these ("伊德利卜省": jieba cuts "伊 德利 卜省").
HAN_SUFFIXES = frozenset("省市州县区镇村岛湾港城")
NAME_DOTS = "·‧・•"  # between the parts of a foreign name in Chinese
_DOT_BEFORE = re.compile(f"[{NAME_DOTS}][{HAN_CHARS}]{{0,2}}$")
# The words right beside a Latin name, a single space away (looked for this far back:
# searching a whole long text for each name would cost its length squared).
WORD_REACH = 40
_WORD_BEFORE = re.compile(r"([^\W\d_]+) $")
_WORD_AFTER = re.compile(r" ([^\W\d_]+)")
_DOT_AFTER = re.compile(f"[{HAN_CHARS}]{{0,2}}[{NAME_DOTS}]")
# The languages a place's name can be shown in, as CLDR locales.
LANGUAGES = ("en", "zh_Hans", "zh_Hant")
# CLDR's short names ("alt=short"), which babel does not ship, where the standard name
# is a long formal one ("Hong Kong SAR China").
SHORT_NAMES: dict[str, dict[str, str]] = {
    "HK": {"en": "Hong Kong", "zh_Hans": "香港", "zh_Hant": "香港"},
    "MO": {"en": "Macao", "zh_Hans": "澳门", "zh_Hant": "澳門"},
    "PS": {"en": "Palestine", "zh_Hans": "巴勒斯坦", "zh_Hant": "巴勒斯坦"},
}

Match = tuple[Name, int, int]  # what, start, end (in the text)


class _Matcher:
    def __init__(self, table: dict[str, Name]) -> None:
        self.names = list(table.values())
        self.automaton = ahocorasick_rs.AhoCorasick(
            list(table), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )

    def matches(self, text: str) -> list[Match]:
        folded = key(text)
        found = [
            (self.names[i], start, end)
            for i, start, end in self.automaton.find_matches_as_indexes(folded)
        ]
        cuts: set[int] | None = None
        kept = []
        for name, start, end in found:
            if name.cased:
                if not _stands(name, text, start, end):
                    continue
            elif _in_personal_name(folded, start, end):
                continue
            elif name.segmented:
                if cuts is None:
                    cuts = _cuts(folded)
                if not _cut_at(cuts, folded, start, end):
                    continue
            kept.append((name, start, end))
        return kept


@cache
def _matcher() -> _Matcher:
    return _Matcher(names())


def _cuts(folded: str) -> set[int]:
    return {edge for _, start, end in rjieba.tokenize(folded) for edge in (start, end)}


def _in_personal_name(folded: str, start: int, end: int) -> bool:
    """Whether *start*:*end* is in a foreign person's name, a name-dot at most two Han
    characters away ("多米尼克·德维尔潘", "伊拉克利·奥克鲁阿什维利"), or a storm's."""
    before, after = folded[max(0, start - 3) : start], folded[end : end + 3]
    if _DOT_BEFORE.search(before) or _DOT_AFTER.match(after):
        return True
    return folded[:start].endswith(STORM_WORDS)


def _cut_at(cuts: set[int], folded: str, start: int, end: int) -> bool:
    """Whether segmentation cuts *folded* at *start* and at (or one suffix after) *end*."""
    return start in cuts and (end in cuts or folded[end : end + 1] in HAN_SUFFIXES)


def _stands(name: Name, text: str, start: int, end: int) -> bool:
    """Whether a Latin name matched at *start*:*end* of *text* is that place here."""
    if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
        return False
    written = text[start:end]
    if name.exact:
        return written == name.cased
    if name.cased[0].isupper() and not written[0].isupper():
        return False
    if name.city or name.personal:
        before = _WORD_BEFORE.search(text, max(0, start - WORD_REACH), start)
        if before and _capitalised(before.group(1)):
            return False
    after = _WORD_AFTER.match(text, end) if name.personal else None
    return not (after and _capitalised(after.group(1)))


def _capitalised(word: str) -> bool:
    return word[0].isupper() and word not in LEAD_WORDS


def places_of(contexts: Sequence[str], story: str | None, title: str) -> tuple[str, ...]:
    """The sorted country codes that an event's story heading, contexts and title name."""
    found: set[str] = set()
    choices: list[Name] = []
    for text in dict.fromkeys(t for t in (story, *contexts, title) if t):
        matches = _matcher().matches(text)
        skip = False
        for i, (name, _, end) in enumerate(matches):
            if skip:
                skip = False
                continue
            then = matches[i + 1] if i + 1 < len(matches) else None
            if name.city and then and then[0].codes and text[end : then[1]] == ", ":
                both = set(name.codes) & set(then[0].codes) if then[0].either else set()
                found.update(both)  # "Atlanta, Georgia": the Georgia Atlanta is in
                skip = bool(both)
                continue
            if name.either:
                choices.append(name)
            else:
                found.update(name.codes)
    for choice in choices:
        if not found.intersection(choice.codes) and choice.default:
            found.add(choice.default)
    return tuple(sorted(found))


def is_place(code: str) -> bool:
    """Whether *code* is a place :func:`places_of` can give: an ISO 3166-1 alpha-2
    code, or XK (Kosovo)."""
    return code in _codes()


@cache
def _codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {KOSOVO}


def place_name(code: str, language: str) -> str:
    """The name of place *code* for a reader of *language* (``en``, ``zh_Hans``,
    ``zh_Hant``; others read English): CLDR's, the names readers see in their software.
    A code that is not a place (:func:`is_place`) is returned as it is."""
    if not is_place(code):
        return code
    locale = language if language in LANGUAGES else "en"
    short = SHORT_NAMES.get(code, {}).get(locale)
    return short or Locale.parse(locale).territories.get(code, code)
