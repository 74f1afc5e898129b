"""The vocabulary of ``bench.synth``: word lists read from ``bench/data/synth/``, invented
and derived words, Zipf-weighted picks, slugs. Seed-independent (its own fixed seeds), so that
every archive, whatever its seed, draws from the same words and the benchmark queries of
``bench/data/queries.toml`` find them.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# --------------------------------------------------------------------------------------------
# Word lists: invented combinations of ordinary words and names (no archive text), one item a
# line in bench/data/synth/ (``name<TAB>value`` pairs in the .tsv files). The order of each list
# is part of the generator: it sets the Zipf ranks and what a seeded draw picks.

DATA = Path(__file__).resolve().parent / "data" / "synth"


def _items(path: Path) -> list[str]:
    """The lines of *path*, less the ``#`` comment lines."""
    lines = path.read_text("utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def _load(name: str) -> list[Any]:
    """The list a field of :class:`WordLists` names: ``zh_outlets`` is ``zh-outlets.tsv``
    (pairs) or else ``zh-outlets.txt``."""
    stem = DATA / name.replace("_", "-")
    if stem.with_suffix(".tsv").exists():
        lines = _items(stem.with_suffix(".tsv"))
        return [(left, right) for left, _, right in (line.partition("\t") for line in lines)]
    return _items(stem.with_suffix(".txt"))


@dataclass(frozen=True, slots=True)
class WordLists:
    """Every list of bench/data/synth/, each read from the file named after its field."""

    function_words: list[str]
    news_words: list[str]
    countries: list[tuple[str, str]]  # (country, adjective)
    cities: list[str]
    first_names: list[str]
    last_names: list[str]
    organizations: list[str]
    topic_nouns: list[str]
    outlets: list[tuple[str, str]]  # (name, host)
    zh_outlets: list[tuple[str, str]]
    sections: list[str]  # of English outlets' URLs
    zh_places: list[str]
    zh_actors: list[str]
    zh_verbs: list[str]
    zh_nouns: list[str]
    zh_modifiers: list[str]
    zh_story_nouns: list[str]


WORDS = WordLists(**{f.name: _load(f.name) for f in fields(WordLists)})

# The prefixes of derived words, and the sounds invented words are made of.
PREFIXES = ["re", "un", "pre", "over", "counter", "inter", "sub", "non", "anti", "post", "co",
            "semi", "multi", "mis", "out", "under"]  # fmt: skip
ONSETS = ["b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s",
          "st", "t", "tr", "v", "w", "z", "sh", "ch"]  # fmt: skip
VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
CODAS = ["", "", "n", "r", "l", "s", "t", "m", "nd", "st"]

# --------------------------------------------------------------------------------------------
# Small helpers.


def below(rng: random.Random, n: int) -> int:
    """A random int in 0..n-1 (``randrange`` without its argument checks, several times faster)."""
    return int(rng.random() * n)


def between(rng: random.Random, low: int, high: int) -> int:
    """A random int in low..high inclusive."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def pick_index(rng: random.Random, cum: Sequence[float]) -> int:
    """An index drawn by cumulative weights (``random.choices`` for one item, faster)."""
    hi = len(cum) - 1
    return bisect.bisect(cum, rng.random() * cum[hi], 0, hi)


class Zipf(Generic[T]):
    """Items with Zipf-like weights 1/(rank+offset)**s; picks use the caller's Random."""

    __slots__ = ("cum", "items")

    def __init__(self, items: Sequence[T], s: float = 1.0, offset: float = 1.0) -> None:
        self.items: list[T] = list(items)
        self.cum: list[float] = list(
            itertools.accumulate(1.0 / (i + offset) ** s for i in range(len(self.items)))
        )

    def pick(self, rng: random.Random) -> T:
        return self.items[pick_index(rng, self.cum)]

    def many(self, rng: random.Random, k: int) -> list[T]:
        return rng.choices(self.items, cum_weights=self.cum, k=k)


def _syllable_word(rng: random.Random) -> str:
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 3))]
    return "".join(parts) + rng.choice(CODAS)


def _build_vocabulary() -> list[str]:
    """~3,900 words, most frequent first: function words, news words, prefixed, invented."""
    rng = random.Random(0x5EED)
    head = list(dict.fromkeys(WORDS.function_words + WORDS.news_words))
    known = set(head)
    derived: list[str] = []
    bases = WORDS.news_words[:400]
    while len(derived) < 1500:
        word = rng.choice(PREFIXES) + rng.choice(bases)
        if word not in known:
            known.add(word)
            derived.append(word)
    invented: list[str] = []
    while len(invented) < 1700:
        word = _syllable_word(rng)
        if word not in known:
            known.add(word)
            invented.append(word)
    rng.shuffle(derived)
    return head + derived + invented


def _fold_table(texts: Sequence[str]) -> dict[int, str]:
    """Accented letter -> ASCII base letter, for every accented letter in *texts*."""
    table: dict[int, str] = {}
    for char in set("".join(texts)):
        base = unicodedata.normalize("NFKD", char)[0]
        if ord(char) > 127 and base.isascii():
            table[ord(char)] = base
    return table


@dataclass(frozen=True, slots=True)
class Lexicon:
    words: Zipf[str]
    countries: Zipf[str]
    adjectives: Zipf[str]
    cities: Zipf[str]
    people: Zipf[str]
    orgs: Zipf[str]
    outlets: Zipf[tuple[str, str]]
    zh_outlets: Zipf[tuple[str, str]]
    zh_places: Zipf[str]
    zh_actors: Zipf[str]
    zh_verbs: Zipf[str]
    zh_nouns: Zipf[str]
    zh_modifiers: Zipf[str]
    fold: dict[int, str]
    drop_accents: dict[int, None]


@cache
def lexicon() -> Lexicon:
    """The word lists, built once (independent of the seed, so queries stay comparable)."""
    rng = random.Random(0xC0FFEE)
    people = [f"{rng.choice(WORDS.first_names)} {rng.choice(WORDS.last_names)}" for _ in range(900)]
    people = list(dict.fromkeys(people))
    names = [c for c, _ in WORDS.countries] + WORDS.cities + WORDS.first_names + WORDS.last_names
    fold = _fold_table(names)
    return Lexicon(
        words=Zipf(_build_vocabulary(), s=1.1, offset=2.7),
        countries=Zipf([c for c, _ in WORDS.countries], s=0.9),
        adjectives=Zipf([a for _, a in WORDS.countries], s=0.9),
        cities=Zipf(WORDS.cities, s=0.9),
        people=Zipf(people, s=0.8),
        orgs=Zipf(WORDS.organizations, s=0.9),
        outlets=Zipf(WORDS.outlets, s=1.0),
        zh_outlets=Zipf(WORDS.zh_outlets, s=1.0),
        zh_places=Zipf(WORDS.zh_places, s=0.8),
        zh_actors=Zipf(WORDS.zh_actors, s=0.8),
        zh_verbs=Zipf(WORDS.zh_verbs, s=0.7),
        zh_nouns=Zipf(WORDS.zh_nouns, s=0.7),
        zh_modifiers=Zipf(WORDS.zh_modifiers, s=0.7),
        fold=fold,
        drop_accents=dict.fromkeys(fold),
    )


_NON_SLUG = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def slugify(text: str, limit: int) -> str:
    """Lower-case, hyphenated, accents folded, Chinese kept, cut at *limit* characters."""
    slug = _NON_SLUG.sub("-", text.translate(lexicon().fold).lower()).strip("-")
    return slug[:limit].rstrip("-") or "event"


def capitalize(word: str) -> str:
    return word[:1].upper() + word[1:]
