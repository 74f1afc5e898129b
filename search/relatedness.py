"""How much a related candidate shares with an event, and the reasons in words: pure
functions of values (no index), so each weight and reason is tested on its own.

    score(candidate, event, specific, words) -> (total, (Reason, ...))

    total = 3.0 * story specificity            if it is in the event's story
          + 2.0 * its rarest shared context's or filing heading's specificity
          + 3.0 * the share of the event's key-word weight its title holds
          + 0.6 * filed, for the explicit link, and again for a link back here
          + 0.5 * closeness in time

where a specificity (:func:`specificity`) is 0-1 and *filed* scales a link by the
heading the Related list files it under ("Spain" says little).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.analysis import analyze
from indexer.event import Event
from indexer.schema import context_key
from search.matches import Docs

REASON_WORDS = 3
MIN_STORY = 0.2  # a heading less specific than this ("中國") is no story of its own
MIN_CONTEXT = 0.2  # nor is a shared context a reason to tell
MIN_WORDS = 0.15  # share of the key words' weight that makes "similar words" a reason
TIME_SCALE_DAYS = 180  # closeness halves at this distance
SPAN_SCALE_DAYS = 1825  # a context whose events span five years counts half

# What each kind of sharing is worth (see score): the story is the strongest tie, then
# a rare shared context and the same words; the archive's link is a hint, not a verdict
# (the zh archive links many events by country alone).
WEIGHTS = {"story": 3.0, "context": 2.0, "words": 3.0, "linked": 0.6, "links here": 0.6}
TIME_WEIGHT = 0.5
LINK_FLOOR = 0.25  # what a link filed under the least specific heading keeps

_ID_DATE = re.compile(r"^news/(\d{4})/(\d{2})/(\d{1,2})/")


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an event is related: ``kind`` is "same story", "context" (``values``: the
    most specific shared context), "words" (``values``: the shared key words), "linked"
    (this event links to it) or "links here"."""

    kind: str
    values: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": list(self.values)}


@dataclass(slots=True)
class Candidate:
    """One candidate as gathered: what it is, and how it was found."""

    id: str
    title: str
    date: dt.date | None
    contexts: tuple[str, ...]
    in_archive: bool
    doc: int | None = None  # its document, when in the archive
    words: list[str] = field(default_factory=list)  # the event's key words its title holds
    sources: set[str] = field(default_factory=set)  # "linked", "links here", "similar"…
    headings: tuple[str, ...] = ()  # what either Related list files the link under


@dataclass(frozen=True, slots=True)
class KeyWords:
    """The event's key words: analysed term -> weight (Whoosh's key terms, normalised to
    sum 1), and the surface form of each as the event's title writes it."""

    weights: dict[str, float]
    surface: dict[str, str]
    docs: dict[str, Docs] = field(default_factory=dict)  # live documents whose title has it

    def shared(self, text: str) -> list[str]:
        """The key terms *text* holds, heaviest first."""
        terms = {t.text for t in analyze(text) if not t.stopped}
        return self._heaviest(t for t in self.weights if t in terms)

    def shared_by(self, docs: Docs) -> dict[int, list[str]]:
        """The key terms the title of each document in *docs* holds (no analysis: one
        sorted-array intersection per term)."""
        found: dict[int, list[str]] = {int(d): [] for d in docs}
        for term in self._heaviest(self.docs):
            for doc in docs[np.isin(docs, self.docs[term], assume_unique=True)]:
                found[int(doc)].append(term)
        return found

    def _heaviest(self, terms: Iterable[str]) -> list[str]:
        return sorted(terms, key=lambda t: -self.weights[t])


def specificity(count: int, live: int, span_days: int = 0) -> float:
    """How much sharing a context carried by *count* of *live* events, spread over
    *span_days*, says, 0-1: its idf over the largest idf, times how close in time its
    events are (a story lives for months; a country's events span the whole archive).
    1 for a context of one event; "中國" on 2.6 % of a decade's events, about 0.07."""
    if count <= 0:
        return 0.0
    rarity = 1.0 if live <= 1 else max(0.0, 1.0 - math.log(count) / math.log(live))
    return rarity / (1.0 + max(span_days, 0) / SPAN_SCALE_DAYS)


def closeness(a: dt.date | None, b: dt.date | None) -> float:
    """1 on the same day, 0.5 at TIME_SCALE_DAYS apart, towards 0 after; 0 when unknown."""
    if a is None or b is None:
        return 0.0
    return 1.0 / (1.0 + abs((a - b).days) / TIME_SCALE_DAYS)


def id_date(event_id: str) -> dt.date | None:
    """The date an event id carries (``news/2008/05/12/…``), for links the archive lacks."""
    found = _ID_DATE.match(event_id)
    if not found:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def score(
    candidate: Candidate, event: Event, specific: dict[str, float], words: KeyWords
) -> tuple[float, tuple[Reason, ...]]:
    """What *candidate* shares with *event*, and the reasons in words, strongest first.

    *specific* holds :func:`specificity` by context key of the event's contexts and of
    the headings its Related list files links under."""
    own = {context_key(c) for c in event.contexts}
    story = context_key(event.story) if event.story else None
    story_weight = specific.get(story, 0.0) if story else 0.0
    # the archive filed its link under these: a heading naming the story puts it there
    filed_under = (*candidate.contexts, *candidate.headings)
    same_story = story is not None and story in {context_key(c) for c in filed_under}
    topics = [c for c in candidate.contexts if context_key(c) in own]
    topics = [c for c in (*topics, *candidate.headings) if context_key(c) != story]
    ranked = sorted(((specific.get(context_key(c), 0.0), c) for c in topics), reverse=True)
    context, topic = ranked[0] if ranked else (0.0, "")
    filing = max((specific.get(context_key(h), 0.0) for h in candidate.headings), default=1.0)
    filed = LINK_FLOOR + (1 - LINK_FLOOR) * filing  # a link filed under "Spain" says little
    shared_words = candidate.words if candidate.in_archive else words.shared(candidate.title)
    overlap = sum(words.weights[t] for t in shared_words)
    total = (
        WEIGHTS["story"] * story_weight * same_story
        + WEIGHTS["context"] * context
        + WEIGHTS["words"] * overlap
        + filed * WEIGHTS["linked"] * ("linked" in candidate.sources)
        + filed * WEIGHTS["links here"] * ("links here" in candidate.sources)
        + TIME_WEIGHT * closeness(candidate.date, event.date)
    )
    why: list[Reason] = []
    if same_story and story_weight >= MIN_STORY:
        why.append(Reason("same story"))
    if context >= MIN_CONTEXT:
        why.append(Reason("context", (topic,)))
    if overlap >= MIN_WORDS:
        why.append(Reason("words", tuple(words.surface[t] for t in shared_words[:REASON_WORDS])))
    why += [Reason(s) for s in ("linked", "links here") if s in candidate.sources]
    return total, tuple(why)
