"""Related events: what an event links to, what links to it, and what resembles it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.event import Event
from indexer.text import fold_key
from search.browse import docnum_of, load_events
from search.snapshot import Snapshot

MAX_BACKLINKS = 20
MIN_BEFORE_SIMILAR = 5  # fewer linked events than this and similar ones are added
SIMILAR = 5


@dataclass(frozen=True, slots=True)
class RelatedEvent:
    id: str
    title: str
    date: dt.date | None
    contexts: tuple[str, ...]
    reasons: tuple[str, ...]  # "linked", "links here", "similar"
    shared_contexts: tuple[str, ...]
    in_archive: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "contexts": list(self.contexts),
            "reasons": list(self.reasons),
            "shared_contexts": list(self.shared_contexts),
            "in_archive": self.in_archive,
        }


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    keys = {fold_key(c) for c in b}
    return tuple(c for c in a if fold_key(c) in keys)


class _Collector:
    def __init__(self, source: Event) -> None:
        self.source = source
        self.items: dict[str, RelatedEvent] = {}

    def add(self, event: Event, reason: str) -> None:
        if event.id == self.source.id:
            return
        known = self.items.get(event.id)
        if known:
            if reason not in known.reasons:
                self.items[event.id] = _with_reason(known, reason)
            return
        self.items[event.id] = RelatedEvent(
            event.id,
            event.title,
            event.date,
            event.contexts,
            (reason,),
            _shared(event.contexts, self.source.contexts),
            True,
        )


def _with_reason(item: RelatedEvent, reason: str) -> RelatedEvent:
    from dataclasses import replace

    return replace(item, reasons=(*item.reasons, reason))


def related_events(snapshot: Snapshot, event: Event) -> list[RelatedEvent]:
    collector = _Collector(event)
    for link in event.related:
        docnum = docnum_of(snapshot, link.id)
        if docnum is None:
            collector.items.setdefault(
                link.id,
                RelatedEvent(
                    link.id,
                    link.text,
                    None,
                    link.contexts,
                    ("linked",),
                    _shared(link.contexts, event.contexts),
                    False,
                ),
            )
        else:
            collector.add(load_events(snapshot, [docnum])[0], "linked")
    backlinks = snapshot.evaluate(wq.Or([wq.Term("links", i) for i in event.all_ids])).docs
    newest = backlinks[np.argsort(-np.asarray(snapshot.columns.day)[backlinks], kind="stable")]
    for linking in load_events(snapshot, newest[:MAX_BACKLINKS]):
        collector.add(linking, "links here")
    if len(collector.items) < MIN_BEFORE_SIMILAR:
        for similar in _similar(snapshot, event):
            collector.add(similar, "similar")
    return list(collector.items.values())


def _similar(snapshot: Snapshot, event: Event) -> list[Event]:
    docnum = docnum_of(snapshot, event.id)
    if docnum is None:
        return []
    text = " ".join((event.title, *event.contexts))
    with snapshot.whoosh_lock:
        hits = snapshot.searcher.more_like(docnum, "title", text=text, top=SIMILAR, numterms=8)
        docs = [hit.docnum for hit in hits]
    return load_events(snapshot, docs)
