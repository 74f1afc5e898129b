"""The events of ``bench.synth``: story headings with the years they are active, and
:class:`Synth`, which makes each day's events (titles, summaries, sources, Related links) from
one ``random.Random(seed)``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.lexicon import (
    WORDS,
    Lexicon,
    below,
    between,
    capitalize,
    lexicon,
    pick,
    pick_index,
    slugify,
)

FIRST_DAY = dt.date(2003, 1, 1)
LAST_DAY = dt.date(2019, 12, 31)
STORY_COUNT = 300
ZH_STORY_COUNT = 80
HISTORY = 30
TOKEN_POOL = 1 << 21
MAX_STRIDE = 13
EN_SLUG_MAX = 140
ZH_SLUG_MAX = 60


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
