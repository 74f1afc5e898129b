"""Seeded generator of a synthetic event archive in the real Markdown format, for benchmarks.

    python -m bench.synth OUT_DIR --events 200000 --seed 1 [--zh-share 0.1] [--writers N]

writes ``OUT_DIR/news/YYYY/MM/D/<slug>.md`` event pages plus, for every day that has events,
``index.md`` (the day listing) and an identical ``README.md``, then prints a one-line summary.
``generate(out, events, seed, zh_share)`` does the same from Python and returns the number of
events written.

The shape follows the real archives (see ``../shared/corpus/FORMAT.md``); the text is made up:

- dates 2003-01-01 .. 2019-12-31, more events in later years, at most 40 a day (raised only
  when the requested count would not fit), a few days empty;
- ~300 story headings built from word combinations, picked Zipf-like and mostly within their
  active years; ~15% of English events show no story heading;
- titles of 10-60 and summaries of 0-80 words drawn from a Zipf-weighted vocabulary of a few
  thousand words plus proper nouns (some accented), with the odd HTML entity and dropped accent;
- Chinese events (``zh_share``) built from a few hundred Simplified/Traditional words, with
  ``### 信息来源:``/``### 有关:``/``_消息:`` and ``/zh/news/…`` links;
- 1-3 sources from ~60 outlets (Zipf), ~2% wrapped in ``web.archive.org``, ~5% with an
  ``[IMG]`` suffix; 0-10 Related links to earlier events of the same story, ~5% of them to
  slugs that do not exist.

Everything comes from one ``random.Random(seed)``: the same arguments give byte-identical output
(whatever ``--writers``). Speed: words are sliced from a pre-drawn Zipf pool, and from 20,000
events on, two worker processes create the files while the main process generates. Files from
an earlier run into the same directory are overwritten, never deleted.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import multiprocessing
import random
import re
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

DESCRIPTION = "Write a seeded synthetic news-event archive for benchmarks."

FIRST_DAY = dt.date(2003, 1, 1)
LAST_DAY = dt.date(2019, 12, 31)
DAY_CAP = 40
STORY_COUNT = 300
ZH_STORY_COUNT = 80
HISTORY = 30
TOKEN_POOL = 1 << 21
MAX_STRIDE = 13
PARALLEL_FROM = 20_000
EN_SLUG_MAX = 140
ZH_SLUG_MAX = 60

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


def day_path(day: dt.date) -> str:
    """``2017/02/3``: month padded, day not."""
    return f"{day.year}/{day.month:02d}/{day.day}"


def day_label(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}-{day.day}"


# --------------------------------------------------------------------------------------------
# Stories.


@dataclass(frozen=True, slots=True)
class Story:
    name: str
    topic: str
    first_year: int
    last_year: int


def _english_story(rng: random.Random, lex: Lexicon) -> Story:
    """One story heading from a random template, with the years it is active."""
    year = rng.randint(2003, 2019)
    ci = rng.randrange(len(WORDS.countries))
    country, adj = WORDS.countries[ci]
    city, person, org = lex.cities.pick(rng), lex.people.pick(rng), lex.orgs.pick(rng)
    span = (year, min(2019, year + rng.randint(0, 1)))
    long_run = (year, min(2019, year + rng.randint(3, 10)))
    always = (2003, 2019)
    kind = rng.randrange(16)
    options: list[tuple[str, str, tuple[int, int]]] = [
        (f"{adj} Civil War", country, long_run),
        (f"War in {country} ({year}-present)", country, (year, 2019)),
        (f"{year} {adj} crisis", country, span),
        (f"{country} Airlines Flight {rng.randint(3, 999)}", country, span),
        (f"{year} {adj} general election", country, span),
        (f"{country}-{lex.countries.pick(rng)} relations", country, always),
        (f"Politics of {country}", country, always),
        (f"{year} {city} {rng.choice(['earthquake', 'bombing', 'attack', 'floods'])}", city, span),
        (
            f"{rng.choice(['Hurricane', 'Typhoon', 'Cyclone'])} {rng.choice(WORDS.first_names)}",
            "tropical cyclone",
            span,
        ),
        (f"{year} protests in {country}", country, span),
        (f"Presidency of {person}", person, long_run),
        (org, org, always),
        (country, country, always),
        (
            f"{adj} {rng.choice(['nuclear program', 'debt crisis', 'drug war', 'insurgency'])}",
            country,
            long_run,
        ),
        (
            f"{year} {rng.choice(['Summer Olympics', 'FIFA World Cup', 'Winter Olympics'])}",
            city,
            span,
        ),
        (f"{year} {adj} presidential election", country, span),
    ]
    name, topic, (first, last) = options[kind]
    return Story(name, topic, first, last)


def _chinese_story(rng: random.Random, lex: Lexicon) -> Story:
    year = rng.randint(2003, 2019)
    place = lex.zh_places.pick(rng)
    noun = rng.choice(WORDS.zh_story_nouns)
    options = [
        (f"{year}年{place}{noun}", (year, min(2019, year + 1))),
        (place, (2003, 2019)),
        (f"{place}{noun}", (year, min(2019, year + rng.randint(0, 6)))),
        (lex.zh_actors.pick(rng), (2003, 2019)),
    ]
    name, (first, last) = options[rng.randrange(len(options))]
    return Story(name, place, first, last)


def make_stories(rng: random.Random, count: int, zh: bool) -> list[Story]:
    """*count* distinct stories in rank order (rank 0 is the most frequent)."""
    lex = lexicon()
    found: dict[str, Story] = {}
    while len(found) < count:
        story = _chinese_story(rng, lex) if zh else _english_story(rng, lex)
        found.setdefault(story.name, story)
    return list(found.values())


def year_weights(stories: Sequence[Story]) -> dict[int, list[float]]:
    """Per year, cumulative Zipf weights with stories outside their years damped."""
    table: dict[int, list[float]] = {}
    for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
        weights = (
            (1.0 if s.first_year <= year <= s.last_year else 0.03) / (rank + 2) ** 1.0
            for rank, s in enumerate(stories)
        )
        table[year] = list(itertools.accumulate(weights))
    return table


# --------------------------------------------------------------------------------------------
# Days.


def day_counts(rng: random.Random, events: int) -> list[int]:
    """Events per day from FIRST_DAY to LAST_DAY, later years heavier, capped per day."""
    first = FIRST_DAY.toordinal()
    ndays = LAST_DAY.toordinal() - first + 1
    span = LAST_DAY.year - FIRST_DAY.year
    weights = []
    for i in range(ndays):
        year = dt.date.fromordinal(first + i).year
        base = 0.3 + 0.7 * (year - FIRST_DAY.year) / span
        weights.append(0.0 if rng.random() < 0.02 else base * rng.uniform(0.3, 1.7))
    active = sum(1 for w in weights if w > 0)
    cap = max(DAY_CAP, -(-events // active))
    cum = list(itertools.accumulate(weights))
    counts = [0] * ndays
    left = events
    while left:
        placed = 0
        for d in rng.choices(range(ndays), cum_weights=cum, k=left):
            if counts[d] < cap:
                counts[d] += 1
                placed += 1
        left -= placed
    return counts


# --------------------------------------------------------------------------------------------
# Events.


@dataclass(frozen=True, slots=True)
class Ref:
    """What a Related link needs to know about an earlier event."""

    day: str
    slug: str
    title: str
    topics: tuple[str, ...]


@dataclass(slots=True)
class Event:
    ref: Ref
    story: str
    show_story: bool
    summary: str
    zh: bool
    sources: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Stats:
    events: int = 0
    zh: int = 0
    days: int = 0
    files: int = 0

    def add(self, day_events: Sequence[Event], files: int) -> None:
        self.events += len(day_events)
        self.zh += sum(1 for ev in day_events if ev.zh)
        self.days += 1
        self.files += files


class Synth:
    """All generator state for one run: the Random, stories and per-story history."""

    def __init__(self, seed: int, zh_share: float) -> None:
        self.rng = random.Random(seed)
        self.lex = lexicon()
        self.zh_share = zh_share
        self.en_stories = make_stories(self.rng, STORY_COUNT, zh=False)
        self.zh_stories = make_stories(self.rng, ZH_STORY_COUNT, zh=True)
        self.en_cum = year_weights(self.en_stories)
        self.zh_cum = year_weights(self.zh_stories)
        self.history: dict[tuple[bool, int], list[Ref]] = {}
        self.tokens = self.lex.words.many(self.rng, TOKEN_POOL)

    def draw_words(self, n: int) -> list[str]:
        """*n* Zipf-distributed words: a strided slice of a pre-drawn pool (C speed); random
        offsets and strides keep word neighbours varied."""
        step = between(self.rng, 1, MAX_STRIDE)
        start = below(self.rng, len(self.tokens) - n * step)
        return self.tokens[start : start + n * step : step]

    # -- English text ------------------------------------------------------------------------

    def entity(self) -> tuple[str, bool]:
        """A proper noun, and whether it counts as a topic (adjectives do not)."""
        r = self.rng.random()
        lex = self.lex
        if r < 0.30:
            return lex.countries.pick(self.rng), True
        if r < 0.45:
            return lex.adjectives.pick(self.rng), False
        if r < 0.62:
            return lex.cities.pick(self.rng), True
        if r < 0.82:
            return lex.people.pick(self.rng), True
        return lex.orgs.pick(self.rng), True

    def en_text(self, n: int, lead: str | None, topics: list[str]) -> str:
        """About *n* words: Zipf words with proper nouns (and maybe a number) mixed in;
        proper nouns used go into *topics*."""
        rng = self.rng
        names = [lead] if lead else []
        for _ in range(max(1, n // 7) - len(names)):
            name, is_topic = self.entity()
            names.append(name)
            if is_topic:
                topics.append(name)
        if rng.random() < 0.3:
            names.append(f"at least {between(rng, 2, 300)}")
        return self._punctuate(self.mix(n, names))

    def mix(self, n: int, names: Sequence[str]) -> list[str]:
        """Zipf words with *names* inserted at random places, about *n* words in all."""
        taken = sum(name.count(" ") + 1 for name in names)
        words = self.draw_words(max(3, n - taken))
        for name in names:
            words.insert(below(self.rng, len(words) + 1), name)
        return words

    def _punctuate(self, words: list[str]) -> str:
        rng = self.rng
        for _ in range(len(words) // 12):
            i = between(rng, 1, len(words) - 1)
            words[i - 1] += ","
        if len(words) > 30 and rng.random() < 0.5:
            i = between(rng, 12, len(words) - 6)
            words[i - 1] = words[i - 1].rstrip(",") + "."
            words[i] = capitalize(words[i])
        words[0] = capitalize(words[0])
        words[-1] = words[-1].rstrip(",")
        return " ".join(words) + "."

    def en_title(self, story: Story, topics: list[str]) -> str:
        rng = self.rng
        n = int(rng.triangular(10, 60, 18))
        lead = story.topic if rng.random() < 0.7 else None
        if lead:
            topics.append(lead)
        text = self.en_text(n, lead, topics)
        r = rng.random()
        if r < 0.01:
            text = text.translate(self.lex.drop_accents)
        elif r < 0.02:
            text = text.replace(" ", "  ", 1)
        return text

    def en_summary(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return ""
        n = int(rng.triangular(3, 80, 18))
        words = self.mix(n, [self.entity()[0] for _ in range(n // 10)])
        if rng.random() < 0.08:
            i = below(rng, len(words))
            words[i] = f"&quot;{words[i]}&quot;"
        if rng.random() < 0.05:
            i = below(rng, len(words))
            words[i] += "&#039;s"
        text = self._punctuate(words)
        return text[:-1] if rng.random() < 0.15 else text

    # -- Chinese text ------------------------------------------------------------------------

    def zh_clause(self, topics: list[str]) -> str:
        rng, lex = self.rng, self.lex
        parts = [lex.zh_modifiers.pick(rng)] if rng.random() < 0.3 else []
        place = lex.zh_places.pick(rng)
        topics.append(place)
        parts.append(place)
        if rng.random() < 0.6:
            parts.append(lex.zh_actors.pick(rng))
        parts.append(lex.zh_verbs.pick(rng))
        parts.append(lex.zh_nouns.pick(rng))
        return "".join(parts)

    def zh_text(self, clauses: int, topics: list[str]) -> str:
        rng = self.rng
        parts = [self.zh_clause(topics) for _ in range(clauses)]
        if rng.random() < 0.4:
            parts.append(f"造成至少{between(rng, 2, 300)}人{pick(rng, ['死亡', '受伤', '喪生'])}")
        return "，".join(parts) + "。"

    def zh_title(self, story: Story, topics: list[str]) -> str:
        topics.append(story.topic)
        text = self.zh_text(between(self.rng, 1, 3), topics)
        return " " + text if self.rng.random() < 0.3 else text

    def zh_summary(self) -> str:
        r = self.rng.random()
        if r < 0.55:
            return ""
        if r < 0.8:
            return self.zh_text(between(self.rng, 2, 5), [])
        return self.en_summary()

    # -- Sources -----------------------------------------------------------------------------

    def url_words(self) -> str:
        words = self.draw_words(between(self.rng, 3, 9))
        return "-".join(w.replace(" ", "-") for w in words)

    def en_url(self, host: str, day: dt.date) -> str:
        rng = self.rng
        section = pick(rng, WORDS.sections)
        kind = below(rng, 4)
        if kind == 0:
            return f"https://{host}/news/{section}-{between(rng, 10**7, 10**8 - 1)}"
        if kind == 1:
            return f"https://{host}/{day:%Y/%m/%d}/{section}/{self.url_words()}.html"
        if kind == 2:
            return f"https://{host}/article/{self.url_words()}-id{rng.getrandbits(40):x}"
        return f"http://{host}/{section}/{day:%Y/%b/%d}/{self.url_words()}".lower()

    def zh_url(self, host: str, day: dt.date) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return f"https://{host}/news/{day:%Y%m%d}/{between(rng, 10**6, 10**7 - 1)}.html"
        return f"http://{host}/a/{day:%Y%m%d}-{rng.getrandbits(32):x}.html"

    def archive_ts(self, day: dt.date) -> str:
        rng = self.rng
        later = dt.date.fromordinal(day.toordinal() + between(rng, 0, 400))
        seconds = below(rng, 86_400)
        return f"{later:%Y%m%d}{seconds // 3600:02d}{seconds // 60 % 60:02d}{seconds % 60:02d}"

    def source_line(self, number: int, day: dt.date, zh: bool) -> str:
        rng = self.rng
        name, host = (self.lex.zh_outlets if zh else self.lex.outlets).pick(rng)
        url = self.zh_url(host, day) if zh else self.en_url(host, day)
        if rng.random() < 0.02:
            url = f"https://web.archive.org/web/{self.archive_ts(day)}/{url}"
        line = f"{number}. [{name}]({url})"
        if rng.random() < 0.05:
            media = host.split(".", 1)[1] if host.count(".") > 1 else host
            line += (
                f" [IMG](https://media.{media}/images/{day:%Y/%m}/{rng.getrandbits(64):016x}.jpg)"
            )
        return line

    def sources(self, day: dt.date, zh: bool) -> list[str]:
        r = self.rng.random()
        count = 1 if r < 0.7 else 2 if r < 0.92 else 3
        return [self.source_line(i, day, zh) for i in range(1, count + 1)]

    # -- Related -----------------------------------------------------------------------------

    def related(self, key: tuple[bool, int], story: str, zh: bool) -> list[str]:
        rng = self.rng
        past = self.history.get(key, [])
        r = rng.random()
        want = 0 if r < 0.2 else 10 if r < 0.7 else between(rng, 1, 9)
        picked = rng.sample(past, min(want, len(past)))
        return [self.related_line(i, ref, story, zh) for i, ref in enumerate(picked, 1)]

    def related_line(self, number: int, ref: Ref, story: str, zh: bool) -> str:
        limit = ZH_SLUG_MAX if zh else EN_SLUG_MAX
        slug = ref.slug
        if self.rng.random() < 0.05:
            slug = slugify(f"{story}-p{ref.title}", limit)
        prefix = "/zh/news" if zh else "/news"
        link = f"{number}. [{ref.title} ]({prefix}/{ref.day}/{slug}.md)"
        if zh:
            return f"{link} _消息: {ref.topics[0] if ref.topics else story}_"
        context = sorted({story, *ref.topics[:2]})
        return f"{link} _Context: {', '.join(context)}_"

    def remember(self, key: tuple[bool, int], ref: Ref) -> None:
        past = self.history.setdefault(key, [])
        past.append(ref)
        if len(past) > HISTORY:
            del past[0]

    # -- One event ---------------------------------------------------------------------------

    def day(self, day: dt.date, count: int) -> list[Event]:
        """The *count* events of one day, slugs unique within the day."""
        used: dict[str, int] = {}
        return [self.event(day, used) for _ in range(count)]

    def event(self, day: dt.date, used: dict[str, int]) -> Event:
        rng = self.rng
        zh = rng.random() < self.zh_share
        stories, cum = (self.zh_stories, self.zh_cum) if zh else (self.en_stories, self.en_cum)
        index = pick_index(rng, cum[day.year])
        story = stories[index]
        topics: list[str] = []
        title = self.zh_title(story, topics) if zh else self.en_title(story, topics)
        if not zh and rng.random() < 0.5:
            topics.append(pick(rng, WORDS.topic_nouns))
        slug = unique_slug(slugify(title, ZH_SLUG_MAX if zh else EN_SLUG_MAX), used)
        ref = Ref(day_path(day), slug, title, tuple(sorted(dict.fromkeys(topics))))
        ev = Event(
            ref=ref,
            story=story.name,
            show_story=zh or rng.random() >= 0.15,
            summary=self.zh_summary() if zh else self.en_summary(),
            zh=zh,
        )
        ev.sources = self.sources(day, zh)
        key = (zh, index)
        ev.related = self.related(key, story.name, zh)
        self.remember(key, ref)
        return ev


def unique_slug(slug: str, used: dict[str, int]) -> str:
    """*slug*, or *slug*-2, -3 … when the day already has it."""
    if slug not in used:
        used[slug] = 1
        return slug
    n = used[slug]
    while True:
        n += 1
        candidate = f"{slug}-{n}"
        if candidate not in used:
            used[slug] = n
            used[candidate] = 1
            return candidate


# --------------------------------------------------------------------------------------------
# Rendering.


def render_page(day: dt.date, ev: Event) -> str:
    parts = [f"### [{day_label(day)}](/news/{day_path(day)}/index.md)\n\n"]
    if ev.show_story:
        parts.append(f"##### {ev.story}\n")
    parts.append(f"# {ev.ref.title} \n\n{ev.summary}\n\n\n")
    if ev.zh:
        heading = "### 信息来源:"
    else:
        heading = "### Source:" if len(ev.sources) == 1 else "### Sources:"
    parts.append(f"{heading}\n\n" + "\n".join(ev.sources) + "\n")
    if ev.related:
        heading = "### 有关:" if ev.zh else "### Related:"
        parts.append(f"\n{heading}\n\n" + "\n".join(ev.related) + "\n")
    return "".join(parts)


def render_listing(day: dt.date, events: Sequence[Event]) -> str:
    path = day_path(day)
    parts = [f"## [{day_label(day)}](/news/{path}/index.md)\n\n"]
    for ev in events:
        link = f"({'/zh' if ev.zh else ''}/news/{path}/{ev.ref.slug}.md)"
        if ev.show_story:
            parts.append(f"##### {ev.story}\n")
        parts.append(f"### [{ev.ref.title} ]{link}\n")
        if ev.zh:
            continue
        if ev.summary:
            parts.append(f"{ev.summary}\n\n")
        else:
            parts.append(f"_Context: {', '.join(ev.ref.topics or (ev.story,))}_\n\n")
    previous = dt.date.fromordinal(day.toordinal() - 1)
    parts.append(f"## [Previous Day...](/news/{day_path(previous)}/index.md)\n\n")
    return "".join(parts)


def render_day(day: dt.date, events: Sequence[Event]) -> list[tuple[str, bytes]]:
    """(file name, UTF-8 content) for a day's pages, index.md and README.md."""
    files = [(f"{ev.ref.slug}.md", render_page(day, ev).encode()) for ev in events]
    listing = render_listing(day, events).encode()
    files += [("index.md", listing), ("README.md", listing)]
    return files


def write_files(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (folder / name).write_bytes(data)


def default_writers(events: int) -> int:
    """Writer processes worth starting: none for small runs, two for big ones."""
    return 0 if events < PARALLEL_FROM else 2


class Writer:
    """Writes days, in worker processes when *processes* > 0 (creating 200k small files costs
    as much as generating their text), with a bounded backlog to keep memory flat.

    Workers come from ``forkserver`` (``spawn`` where that is missing): forking a process
    that has threads is deprecated, and callers (test runners, servers) may have some.
    """

    def __init__(self, processes: int, backlog: int = 64) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if processes > 0:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            self.pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
        self.pending: deque[Future[None]] = deque()
        self.backlog = backlog

    def submit(self, folder: Path, files: list[tuple[str, bytes]]) -> None:
        if self.pool is None:
            write_files(folder, files)
            return
        self.pending.append(self.pool.submit(write_files, folder, files))
        while len(self.pending) > self.backlog:
            self.pending.popleft().result()

    def close(self) -> None:
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------------------------
# Entry points.


def run(
    out: Path, events: int, seed: int = 1, zh_share: float = 0.1, writers: int | None = None
) -> Stats:
    """Generate the archive under *out* and return what was written. *writers*: worker
    processes for file output (default: none below PARALLEL_FROM events, else two); the
    output is the same whatever the number."""
    synth = Synth(seed, zh_share)
    stats = Stats()
    counts = day_counts(synth.rng, events) if events > 0 else []
    writer = Writer(default_writers(events) if writers is None else writers)
    try:
        for offset, count in enumerate(counts):
            if count:
                day = dt.date.fromordinal(FIRST_DAY.toordinal() + offset)
                day_events = synth.day(day, count)
                files = render_day(day, day_events)
                writer.submit(out / "news" / day_path(day), files)
                stats.add(day_events, len(files))
    finally:
        writer.close()
    return stats


def generate(
    out: Path, events: int, seed: int = 1, zh_share: float = 0.1, *, writers: int | None = None
) -> int:
    """Write *events* synthetic events under *out*/news; return the number written."""
    return run(out, events, seed, zh_share, writers).events


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=DESCRIPTION)
    parser.add_argument("out", type=Path, help="output directory (news/ is created inside)")
    parser.add_argument("--events", type=int, default=200_000, help="events to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--zh-share", type=float, default=0.1, help="share of Chinese events")
    parser.add_argument(
        "--writers", type=int, default=None, help="file-writing processes (default: auto)"
    )
    args = parser.parse_args(argv)
    if args.events < 0 or not 0.0 <= args.zh_share <= 1.0:
        parser.error("--events must be >= 0 and --zh-share within 0..1")
    if args.writers is not None and args.writers < 0:
        parser.error("--writers must be >= 0")
    start = time.perf_counter()
    stats = run(args.out, args.events, args.seed, args.zh_share, args.writers)
    print(
        f"synth: {stats.events} events ({stats.zh} zh) on {stats.days} days, "
        f"{stats.files} files in {args.out} (seed {args.seed}) "
        f"in {time.perf_counter() - start:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
