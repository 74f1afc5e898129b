"""Browsing without a query: one event, a story's timeline, a day, on this day."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.columns import EPOCH
from indexer.event import Event
from indexer.schema import context_key, from_stored
from search.engine import Docs, Snapshot
from search.errors import BadRequest, NotFound

TIMELINE_PAGE = 100
_EVENT_ID = re.compile(r"^news/\d{4}/\d{2}/\d{1,2}/[^/\x00]{1,400}$")


def _date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def docnum_of(snapshot: Snapshot, event_id: str) -> int | None:
    if not _EVENT_ID.match(event_id):
        return None
    docs = snapshot.evaluate(wq.Term("ids", event_id)).docs
    return int(docs[0]) if len(docs) else None


def load_events(snapshot: Snapshot, docs: Any) -> list[Event]:
    with snapshot.whoosh_lock:
        return [from_stored(snapshot.searcher.stored_fields(int(d))) for d in docs]


def event(snapshot: Snapshot, event_id: str) -> Event:
    """The event with this id or alias (its ``id`` tells which is current)."""
    docnum = docnum_of(snapshot, event_id)
    if docnum is None:
        raise NotFound(f"no event with id {event_id[:200]!r}")
    return load_events(snapshot, [docnum])[0]


@dataclass(frozen=True, slots=True)
class Timeline:
    context: str
    total: int
    per_year: dict[int, int]
    events: tuple[Event, ...]
    page: int
    pages: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "context": self.context,
            "total": self.total,
            "per_year": {str(y): n for y, n in self.per_year.items()},
            "page": self.page,
            "pages": self.pages,
            "events": [e.to_dict() for e in self.events],
        }


def _chronological(snapshot: Snapshot, docs: Docs) -> Docs:
    day = np.asarray(snapshot.columns.day)[docs]
    return docs[np.lexsort((docs, day))]


def timeline(snapshot: Snapshot, context: str, page: int = 1) -> Timeline:
    cid = snapshot.context_index.get(context_key(context))
    if cid is None:
        raise NotFound(f"no story or topic named {context[:200]!r}")
    docs = snapshot.context_doc[np.asarray(snapshot.columns.context_ids) == cid]
    docs = _chronological(snapshot, np.unique(docs[np.asarray(snapshot.columns.live)[docs]]))
    pages = max(1, -(-len(docs) // TIMELINE_PAGE))
    if not 1 <= page <= pages:
        raise BadRequest(f"page must be between 1 and {pages}, not {page}")
    years, counts = np.unique(snapshot.years[docs], return_counts=True)
    shown = docs[(page - 1) * TIMELINE_PAGE : page * TIMELINE_PAGE]
    return Timeline(
        snapshot.columns.contexts[cid],
        len(docs),
        {int(y): int(n) for y, n in zip(years, counts, strict=True)},
        tuple(load_events(snapshot, shown)),
        page,
        pages,
    )


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date
    events: tuple[Event, ...]
    previous: dt.date | None
    next: dt.date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "previous": self.previous.isoformat() if self.previous else None,
            "next": self.next.isoformat() if self.next else None,
            "events": [e.to_dict() for e in self.events],
        }


def _event_days(snapshot: Snapshot) -> list[int]:
    def make() -> list[int]:
        days = np.asarray(snapshot.columns.day)[np.asarray(snapshot.columns.live)]
        return [int(d) for d in np.unique(days)]

    return snapshot.derived("event_days", make)


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"day must be a date like 2017-02-03, not {text[:40]!r}") from None


def day(snapshot: Snapshot, date: str) -> Day:
    when = parse_day(date)
    number = (when - EPOCH).days
    cols = snapshot.columns
    docs = np.flatnonzero((np.asarray(cols.day) == number) & np.asarray(cols.live)).astype(np.int32)
    days = _event_days(snapshot)
    before = bisect.bisect_left(days, number)
    after = bisect.bisect_right(days, number)
    return Day(
        when,
        tuple(load_events(snapshot, docs)),
        _date_of(days[before - 1]) if before > 0 else None,
        _date_of(days[after]) if after < len(days) else None,
    )


@dataclass(frozen=True, slots=True)
class OnThisDay:
    month: int
    day: int
    years: dict[int, tuple[Event, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "day": self.day,
            "years": {str(y): [e.to_dict() for e in es] for y, es in self.years.items()},
        }


def on_this_day(snapshot: Snapshot, month: int, day_of_month: int, limit: int = 200) -> OnThisDay:
    try:
        dt.date(2000, month, day_of_month)  # a leap year accepts 02-29
    except ValueError:
        raise BadRequest(f"no such day: month {month}, day {day_of_month}") from None
    dates = np.asarray(snapshot.columns.day).astype("datetime64[D]")
    dom = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    mask = (snapshot.months == month) & (dom == day_of_month) & np.asarray(snapshot.columns.live)
    docs = np.flatnonzero(mask).astype(np.int32)
    docs = _chronological(snapshot, docs)[::-1][:limit]
    years: dict[int, list[Event]] = {}
    for item in load_events(snapshot, docs):
        years.setdefault(item.date.year, []).append(item)
    return OnThisDay(month, day_of_month, {y: tuple(reversed(es)) for y, es in years.items()})
