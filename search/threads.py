"""Story threads: the events just before and after one in its story, and results grouped
by story.

An event's thread is its story heading (the first context) when other events share it
and it is specific; else the most specific context it shares (the one carried by the
fewest events), leaving out contexts so broad they say little ("United States"). Each
generation keeps every context's events in story order (day, then archive order, which
the document numbers keep), so a thread is two bisections, not a scan::

    keys     [d<<32|n ...]  per context id, a slice: its live documents' (day, number)
    starts   int64[C+1]     where each context's slice starts in keys
    story    int32[N]       per document, its story heading's context id (-1: none)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from indexer.event import Event
from indexer.schema import context_key
from search.matches import Docs
from search.snapshot import Derived, Snapshot

THREAD_SIDE = 3  # events shown before and after
BROAD_SHARE = 0.05  # a context carried by more than this share of the events is too broad
BROAD_FLOOR = 100  # ... unless it has at most this many (small archives)
ThreadKind = Literal["story", "context"]


@dataclass(frozen=True, slots=True)
class ThreadEvent:
    id: str
    date: dt.date
    title: str
    lang: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "title": self.title,
            "lang": self.lang,
        }


@dataclass(frozen=True, slots=True)
class Thread:
    """The nearest events of one story around an event, oldest first on each side."""

    story: str  # the story heading or context the thread follows, as the event spells it
    kind: ThreadKind  # "story": its heading; "context": its most specific shared context
    total: int  # live events of that story, the event included
    before: tuple[ThreadEvent, ...]
    after: tuple[ThreadEvent, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "kind": self.kind,
            "total": self.total,
            "before": [e.to_dict() for e in self.before],
            "after": [e.to_dict() for e in self.after],
        }


@dataclass(frozen=True, slots=True)
class StoryOrder:
    keys: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    story: npt.NDArray[np.int32]

    def members(self, cid: int) -> npt.NDArray[np.int64]:
        return self.keys[self.starts[cid] : self.starts[cid + 1]]


def _make_story_order(snapshot: Snapshot) -> StoryOrder:
    cols = snapshot.columns
    owners = snapshot.context_doc.astype(np.int64)
    ids = np.asarray(cols.context_ids, np.int64)
    live = np.asarray(cols.live)[owners]
    owners, ids = owners[live], ids[live]
    keys = (np.asarray(cols.day, np.int64)[owners] << 32) | owners
    order = np.lexsort((keys, ids))
    counts = np.bincount(ids, minlength=len(cols.contexts))
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    ptr = np.asarray(cols.context_ptr, np.int64)
    has = ptr[1:] > ptr[:-1]
    story = np.full(len(ptr) - 1, -1, np.int32)
    story[has] = np.asarray(cols.context_ids)[ptr[:-1][has]]
    return StoryOrder(keys[order], starts, story)


story_order = Derived(_make_story_order)


def too_broad(snapshot: Snapshot, count: int) -> bool:
    return count > max(BROAD_SHARE * snapshot.live_count, BROAD_FLOOR)


def _followed(snapshot: Snapshot, event: Event) -> tuple[str, int, ThreadKind] | None:
    """The context the event's thread follows (as the event spells it, and its id), and
    why; None when it shares none that is specific enough."""
    counts = snapshot.context_counts
    found = [(name, snapshot.context_index.get(context_key(name))) for name in event.contexts]
    usable = [
        (at, name, cid)
        for at, (name, cid) in enumerate(found)
        if cid is not None and counts[cid] > 1 and not too_broad(snapshot, int(counts[cid]))
    ]
    if not usable:
        return None
    if usable[0][0] == 0:
        return usable[0][1], usable[0][2], "story"
    _, name, cid = min(usable, key=lambda u: (counts[u[2]], u[0]))
    return name, cid, "context"


def thread(snapshot: Snapshot, event: Event, docnum: int, side: int = THREAD_SIDE) -> Thread | None:
    """*event*'s thread (*docnum* its document), *side* events each way; None without one."""
    followed = _followed(snapshot, event)
    if followed is None:
        return None
    name, cid, kind = followed
    members = story_order(snapshot).members(cid)
    key = (int(snapshot.columns.day[docnum]) << 32) | docnum
    at = int(np.searchsorted(members, key))
    before = members[max(0, at - side) : at]
    after = (
        members[at + 1 : at + 1 + side]
        if at < len(members) and members[at] == key
        else members[at : at + side]
    )
    return Thread(
        name,
        kind,
        len(members),
        _events(snapshot, before),
        _events(snapshot, after),
    )


def _events(snapshot: Snapshot, keys: npt.NDArray[np.int64]) -> tuple[ThreadEvent, ...]:
    events = snapshot.events(keys & 0xFFFFFFFF)
    return tuple(ThreadEvent(e.id, e.date, e.title, e.lang) for e in events)


def story_groups(
    snapshot: Snapshot, ranked: Docs
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Of documents *ranked* best first: where the best of each story is (an event
    without one is a story of its own), best first, and how many more of its story
    *ranked* holds."""
    story = story_order(snapshot).story[ranked].astype(np.int64)
    alone = story < 0
    story[alone] = -1 - ranked[alone].astype(np.int64)
    _, first, sizes = np.unique(story, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return first[order].astype(np.int64), (sizes[order] - 1).astype(np.int64)
