"""Related events, ranked by what they share with the event, each with the reasons why.

Candidates come from five places, each bounded so an event page stays cheap::

    linked       the event's own Related links (in the archive or not)   all of them
    links here   events whose Related links point at it                  newest MAX_BACKLINKS
    same story   events under its story heading                          nearest MAX_STORY in time
    contexts     events sharing a specific (rare) context of it          nearest MAX_CONTEXT each
    similar      best BM25F on its title's key words (Whoosh's key terms)  top SIMILAR

and each is scored by :func:`search.relatedness.score` from what it shares: the story,
its rarest shared context (a context few events carry, for a short time, says more than a
country), the event's key words, closeness in time and the explicit link. A link to a page the
archive lacks has only its link text, its heading in the Related list and the date in its
address, and is scored on those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from indexer.analysis import analyze
from indexer.event import Event, Related
from indexer.schema import context_key
from search.browse import docnum_of
from search.matches import Docs
from search.ranking import link_graph
from search.relatedness import Candidate, KeyWords, Reason, id_date, score, specificity
from search.snapshot import Derived, Snapshot

MAX_BACKLINKS = 20
MAX_STORY = 8  # nearest events of the same story
MAX_CONTEXT = 4  # nearest events of each specific shared context
MAX_CONTEXTS = 4  # the event's rarest contexts looked up
RARE_SHARE = 0.02  # a context on more than this share of events is not looked up
SIMILAR = 10
KEY_TERMS = 12
COMMON_WORD_SHARE = 0.03  # a word in more titles than this (发生, killed) is no topic
MAX_EXTRA = 10  # events shown beyond the linked ones and the ones linking here
MIN_EXTRA_SCORE = 0.6  # an unlinked candidate must share at least this much


@dataclass(frozen=True, slots=True)
class RelatedEvent:
    id: str
    title: str
    date: dt.date | None
    contexts: tuple[str, ...]
    reasons: tuple[str, ...]  # "linked", "links here", "similar"
    shared_contexts: tuple[str, ...]
    in_archive: bool
    why: tuple[Reason, ...] = ()  # strongest first
    score: float = 0.0  # what it shares with the event; the list is in this order

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "contexts": list(self.contexts),
            "reasons": list(self.reasons),
            "shared_contexts": list(self.shared_contexts),
            "in_archive": self.in_archive,
            "why": [r.to_dict() for r in self.why],
            "score": round(self.score, 3),
        }


def context_spans(snapshot: Snapshot) -> npt.NDArray[np.int32]:
    """Per context id, the days between the 10th and 90th percentile of its live events'
    dates (0 for a context of one event): how long it lives as a story."""
    cols = snapshot.columns
    owners = snapshot.context_doc
    live = np.asarray(cols.live)[owners]
    ids = np.asarray(cols.context_ids)[live]
    days = np.asarray(cols.day)[owners[live]]
    order = np.lexsort((days, ids))
    ids, days = ids[order], days[order]
    contexts = np.arange(len(cols.contexts))
    starts = np.searchsorted(ids, contexts, "left")
    counts = np.searchsorted(ids, contexts, "right") - starts
    spans = np.zeros(len(contexts), np.int32)
    has = counts > 0
    low = starts[has] + (counts[has] - 1) // 10
    high = starts[has] + (counts[has] - 1) * 9 // 10
    spans[has] = days[high] - days[low]
    return spans


_spans = Derived(context_spans)


def related_events(snapshot: Snapshot, event: Event) -> list[RelatedEvent]:
    """The event's related events, most shared first: every linked event and every one
    linking here, then up to MAX_EXTRA others sharing at least MIN_EXTRA_SCORE and a
    reason to tell."""
    docnum = docnum_of(snapshot, event.id)
    specific = _specificity(snapshot, event.contexts)
    words = key_words(snapshot, event)
    gathered = _gather(snapshot, event, docnum, specific, words)
    headings = {h for c in gathered.values() for h in c.headings}
    specific = {**_specificity(snapshot, headings), **specific}
    ranked: list[RelatedEvent] = []
    for candidate in gathered.values():
        total, why = score(candidate, event, specific, words)
        ranked.append(_related(candidate, event, total, why))
    ranked.sort(key=lambda r: (-r.score, r.id))
    kept: list[RelatedEvent] = []
    extra = 0
    for item in ranked:
        explicit = "linked" in item.reasons or "links here" in item.reasons
        if not explicit:
            if extra >= MAX_EXTRA or item.score < MIN_EXTRA_SCORE or not item.why:
                continue
            extra += 1
        kept.append(item)
    return kept


def _related(
    candidate: Candidate, event: Event, total: float, why: tuple[Reason, ...]
) -> RelatedEvent:
    own = {context_key(c) for c in event.contexts}
    reasons = [s for s in ("linked", "links here") if s in candidate.sources]
    return RelatedEvent(
        candidate.id,
        candidate.title,
        candidate.date if candidate.in_archive else None,  # an address's date is a guess
        candidate.contexts,
        tuple(reasons or ["similar"]),
        tuple(c for c in candidate.contexts if context_key(c) in own),
        candidate.in_archive,
        why,
        total,
    )


def key_words(snapshot: Snapshot, event: Event) -> KeyWords:
    """The event title's key terms by Whoosh's model (frequent here, rare in the archive),
    without numbers and one-letter terms (a magnitude or a count is not a topic)."""
    with snapshot.whoosh_lock:
        terms = snapshot.searcher.key_terms_from_text("title", event.title, numterms=KEY_TERMS)
        frequency = {t: snapshot.reader.doc_frequency("title", t) for t, _ in terms}
    shares = {t: n / max(snapshot.doc_total, 1) for t, n in frequency.items()}
    kept = {
        t: w
        for t, w in terms
        if len(t) > 1 and not any(ch.isdigit() for ch in t) and shares[t] <= COMMON_WORD_SHARE
    }
    total = sum(kept.values()) or 1.0
    surface: dict[str, str] = {}
    for term in analyze(event.title):
        surface.setdefault(term.text, event.title[term.start : term.end])
    weights = {t: w / total for t, w in kept.items() if t in surface}
    docs = {t: snapshot.evaluate(wq.Term("title", t)).docs for t in weights}
    return KeyWords(weights, surface, docs)


def _specificity(snapshot: Snapshot, names: Iterable[str]) -> dict[str, float]:
    """The specificity of each context named (the event's own, and the headings its
    Related list files links under), by context key; unknown names are left out."""
    counts, index, spans = snapshot.context_counts, snapshot.context_index, _spans(snapshot)
    found = {}
    for name in names:
        key = context_key(name)
        at = index.get(key)
        if at is not None:
            found[key] = specificity(int(counts[at]), snapshot.live_count, int(spans[at]))
    return found


def _gather(
    snapshot: Snapshot,
    event: Event,
    docnum: int | None,
    specific: dict[str, float],
    words: KeyWords,
) -> dict[str, Candidate]:
    """Every candidate by id: linked ones first, then the docs found other ways."""
    found: dict[str, Candidate] = {}
    sources: dict[int, set[str]] = {}
    headings: dict[int, tuple[str, ...]] = {}
    for link in event.related:
        linked = docnum_of(snapshot, link.id)
        if linked is None:
            if link.id not in found:
                found[link.id] = _outside(link)
        else:
            sources.setdefault(linked, set()).add("linked")
            headings[linked] = (*headings.get(linked, ()), *link.contexts)
    day = np.asarray(snapshot.columns.day)
    own_day = int(day[docnum]) if docnum is not None else 0
    graph = link_graph(snapshot)
    backlinks = graph.linking_to(docnum) if docnum is not None else np.zeros(0, np.int32)
    newest = backlinks[np.argsort(-day[backlinks], kind="stable")][:MAX_BACKLINKS]
    for doc in newest:
        sources.setdefault(int(doc), set()).add("links here")
    for doc in _context_neighbours(snapshot, event, specific, own_day):
        sources.setdefault(doc, set()).add("context")
    for doc in _similar(snapshot, words, docnum):
        sources.setdefault(doc, set()).add("similar")
    if docnum is not None:
        sources.pop(docnum, None)
    docs = sorted(sources)
    held = words.shared_by(np.asarray(docs, np.int32))
    for doc, other in zip(docs, snapshot.events(docs), strict=True):
        if other.id == event.id:
            continue
        candidate = found.setdefault(
            other.id, Candidate(other.id, other.title, other.date, other.contexts, True, doc)
        )
        candidate.sources |= sources[doc]
        candidate.words = held[doc]
        candidate.headings += headings.get(doc, ())
        if "links here" in candidate.sources:  # what its Related list files us under
            candidate.headings += _headings_towards(other, event.all_ids)
    return found


def _headings_towards(linking: Event, ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(h for link in linking.related if link.id in ids for h in link.contexts)


def _outside(link: Related) -> Candidate:
    return Candidate(
        link.id,
        link.text,
        id_date(link.id),
        (),
        in_archive=False,
        sources={"linked"},
        headings=tuple(link.contexts),
    )


def _context_neighbours(
    snapshot: Snapshot, event: Event, specific: dict[str, float], own_day: int
) -> list[int]:
    """The events nearest in time to the event among those of its story, and of each of
    its rarest contexts (the ones on at most RARE_SHARE of the archive)."""
    rare_count = max(RARE_SHARE * snapshot.live_count, 2.0)
    counts, index = snapshot.context_counts, snapshot.context_index
    story = context_key(event.story) if event.story else None
    own = [context_key(c) for c in event.contexts if context_key(c) in specific]
    keys = [k for k in own if k == story or counts[index[k]] <= rare_count]
    keys = sorted(keys, key=lambda k: (k != story, -specific[k]))[: MAX_CONTEXTS + 1]
    day = np.asarray(snapshot.columns.day)
    found: list[int] = []
    for key in keys:
        docs: Docs = snapshot.evaluate(wq.Term("context", key)).docs
        nearest = docs[np.argsort(np.abs(day[docs] - own_day), kind="stable")]
        found += [int(d) for d in nearest[: MAX_STORY if key == story else MAX_CONTEXT]]
    return found


def _similar(snapshot: Snapshot, words: KeyWords, docnum: int | None) -> list[int]:
    """The SIMILAR documents whose titles score best on the event's key words (each
    word's BM25F score times its weight): more-like-this on the numpy evaluator, whose
    term arrays are cached, rather than a Whoosh search per page."""
    if docnum is None or not words.weights:
        return []
    found = [(snapshot.evaluate(wq.Term("title", t)), w) for t, w in words.weights.items()]
    docs = np.concatenate([m.docs for m, _ in found])
    scores = np.concatenate([m.scores * w for m, w in found])
    unique, slots = np.unique(docs, return_inverse=True)
    totals = np.bincount(slots, weights=scores, minlength=len(unique))
    totals[unique == docnum] = -1.0
    best = np.argsort(-totals, kind="stable")[:SIMILAR]
    return [int(d) for d in unique[best] if totals[np.searchsorted(unique, d)] > 0]
