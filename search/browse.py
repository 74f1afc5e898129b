"""Browsing without a query: one event, a story's timeline, a day, on this day, every
story by size, and the calendar (years -> months -> days, with counts)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.columns import distinct, link_key, owners
from indexer.dates import day_date, day_number
from indexer.event import Event
from indexer.places import place_name
from indexer.schema import context_key
from indexer.text import name_key
from search.errors import BadRequest, NotFound
from search.histogram import Histogram, finest
from search.matches import Docs
from search.params import YEARS
from search.snapshot import Derived, Snapshot

TIMELINE_PAGE = 100
_EVENT_ID = re.compile(r"^news/\d{4}/\d{2}/\d{1,2}/[^/\x00]{1,400}$")


def _make_id_lookup(snapshot: Snapshot) -> tuple[npt.NDArray[np.int64], Docs]:
    """Every id and alias of a live event (as :func:`~indexer.columns.link_key`), sorted,
    with the document holding each."""
    keys, owner = np.asarray(snapshot.columns.id_keys), owners(snapshot.columns.id_ptr)
    live = np.asarray(snapshot.columns.live)[owner]
    keys, owner = keys[live], owner[live]
    order = np.argsort(keys, kind="stable")
    return keys[order], owner[order]


id_lookup = Derived(_make_id_lookup)


def docnum_of(snapshot: Snapshot, event_id: str) -> int | None:
    """The live document of the event with this id or alias (a binary search)."""
    if not _EVENT_ID.match(event_id):
        return None
    keys, owner = id_lookup(snapshot)
    key = link_key(event_id)
    at = int(np.searchsorted(keys, key))
    return int(owner[at]) if at < len(keys) and keys[at] == key else None


def event(snapshot: Snapshot, event_id: str) -> Event:
    """The event with this id or alias (its ``id`` tells which is current)."""
    docnum = docnum_of(snapshot, event_id)
    if docnum is None:
        raise NotFound(f"no event with id {event_id[:200]!r}")
    return snapshot.events([docnum])[0]


@dataclass(frozen=True, slots=True)
class Timeline:
    context: str
    total: int
    per_year: dict[int, int]
    events: tuple[Event, ...]
    page: int
    pages: int
    timeline: Histogram  # the story's life: per year, or finer when it is short

    def to_dict(self) -> dict[str, Any]:
        return {
            "context": self.context,
            "total": self.total,
            "per_year": {str(y): n for y, n in self.per_year.items()},
            "page": self.page,
            "pages": self.pages,
            "events": [e.to_dict() for e in self.events],
            "timeline": self.timeline.to_dict(),
        }


def _chronological(snapshot: Snapshot, docs: Docs) -> Docs:
    day = np.asarray(snapshot.columns.day)[docs]
    return docs[np.lexsort((docs, day))]


def timeline(snapshot: Snapshot, context: str, page: int = 1) -> Timeline:
    cid = snapshot.context_index.get(context_key(context))
    if cid is None:
        raise NotFound(f"no story or topic named {context[:200]!r}")
    docs = snapshot.context_doc[np.asarray(snapshot.columns.context_ids) == cid]
    docs = _chronological(snapshot, distinct(docs[np.asarray(snapshot.columns.live)[docs]]))
    pages = max(1, -(-len(docs) // TIMELINE_PAGE))
    if not 1 <= page <= pages:
        raise BadRequest(f"page must be between 1 and {pages}, not {page}")
    years, counts = np.unique(snapshot.years[docs], return_counts=True)
    shown = docs[(page - 1) * TIMELINE_PAGE : page * TIMELINE_PAGE]
    return Timeline(
        snapshot.columns.contexts[cid],
        len(docs),
        {int(y): int(n) for y, n in zip(years, counts, strict=True)},
        tuple(snapshot.events(shown)),
        page,
        pages,
        finest(snapshot, docs),
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


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"day must be a date like 2017-02-03, not {text[:40]!r}") from None


def day(snapshot: Snapshot, date: str) -> Day:
    return _day(snapshot, day_number(parse_day(date)))


def _day(snapshot: Snapshot, number: int) -> Day:
    previous, following = snapshot.days.around(number)
    return Day(
        day_date(number),
        tuple(snapshot.events(snapshot.days.events(number))),
        day_date(previous) if previous is not None else None,
        day_date(following) if following is not None else None,
    )


def latest_days(snapshot: Snapshot, count: int) -> list[Day]:
    """The last *count* days with events, newest first."""
    return [_day(snapshot, int(n)) for n in snapshot.days.numbers[::-1][:count]]


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
    docs = snapshot.days.on(month, day_of_month)[::-1][:limit]  # newest first
    years: dict[int, list[Event]] = {}
    for item in snapshot.events(docs):
        years.setdefault(item.date.year, []).append(item)
    return OnThisDay(month, day_of_month, {y: tuple(reversed(es)) for y, es in years.items()})


STORIES_PAGE = 100


@dataclass(frozen=True, slots=True)
class StorySize:
    name: str
    count: int
    first: dt.date
    last: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "count": self.count,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Stories:
    """One page of the stories and topics whose name contains *name*, largest first."""

    name: str
    total: int  # stories matching *name*
    page: int
    pages: int
    stories: tuple[StorySize, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "stories": [s.to_dict() for s in self.stories],
        }


@dataclass(frozen=True, slots=True)
class _StoryTable:
    order: Any  # context ids with live events, largest first (ties by name)
    counts: Any  # per context id: live events, first day, last day
    first: Any
    last: Any
    keys: list[str]  # per context id, the name folded as suggestions fold it


def _make_story_table(snapshot: Snapshot) -> _StoryTable:
    cols = snapshot.columns
    owners = snapshot.context_doc
    live = np.asarray(cols.live)[owners]
    ids = np.asarray(cols.context_ids)[live]
    days = np.asarray(cols.day)[owners][live]
    size = len(cols.contexts)
    counts = snapshot.context_counts
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, ids, days)
    np.maximum.at(last, ids, days)
    names = cols.contexts
    order = sorted(np.flatnonzero(counts), key=lambda i: (-counts[i], names[i]))
    return _StoryTable(order, counts, first, last, [name_key(n) for n in names])


_story_table = Derived(_make_story_table)


def _make_by_size(snapshot: Snapshot) -> list[int]:
    """Context ids with live events, most first (ties: the first indexed first)."""
    counts = snapshot.context_counts
    order = np.argsort(-counts, kind="stable")
    ids: list[int] = order[counts[order] > 0].tolist()
    return ids


_by_size = Derived(_make_by_size)


def busiest_stories(snapshot: Snapshot, limit: int) -> list[tuple[str, int]]:
    """The *limit* stories with the most live events: (name, events), most first."""
    counts, names = snapshot.context_counts, snapshot.columns.contexts
    return [(names[i], int(counts[i])) for i in _by_size(snapshot)[:limit]]


def stories(snapshot: Snapshot, name: str = "", page: int = 1) -> Stories:
    table = _story_table(snapshot)
    wanted = name_key(name)
    ids = [i for i in table.order if wanted in table.keys[i]] if wanted else table.order
    pages = max(1, -(-len(ids) // STORIES_PAGE))
    if not 1 <= page <= pages:
        raise BadRequest(f"page must be between 1 and {pages}, not {page}")
    shown = ids[(page - 1) * STORIES_PAGE : page * STORIES_PAGE]
    names = snapshot.columns.contexts
    return Stories(
        name,
        len(ids),
        page,
        pages,
        tuple(
            StorySize(
                names[i],
                int(table.counts[i]),
                day_date(table.first[i]),
                day_date(table.last[i]),
            )
            for i in shown
        ),
    )


CALENDAR_YEARS = YEARS  # as the search's year filter, so each page can link to it
# A calendar period: "" (every year), "2017" (its months) or "2017-02" (its days).
_PERIOD = re.compile(r"^(?:(?P<year>\d{4})(?:-(?P<month>\d{2}))?)?$")
_UNITS = {0: ("year", "datetime64[Y]"), 4: ("month", "datetime64[M]"), 7: ("day", "datetime64[D]")}


@dataclass(frozen=True, slots=True)
class Calendar:
    """Events per year, per month of one year, or per day of one month."""

    period: str  # "", "2017" or "2017-02"
    counts: dict[str, int]  # "2017" / "2017-02" / "2017-02-03" -> events (none: left out)
    previous: str | None  # the nearest earlier period like *period* with events
    next: str | None

    @property
    def unit(self) -> str:
        return _UNITS[len(self.period)][0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "unit": self.unit,
            "total": sum(self.counts.values()),
            "counts": self.counts,
            "previous": self.previous,
            "next": self.next,
        }


def is_period(text: str) -> bool:
    """Whether *text* names a calendar period (a year or a month), not a day."""
    return bool(text) and _PERIOD.match(text) is not None


def _parse_period(text: str) -> np.datetime64 | None:
    match = _PERIOD.match(text)
    year = int(match["year"]) if match and match["year"] else CALENDAR_YEARS[0]
    month = int(match["month"]) if match and match["month"] else 1
    if match is None or not 1 <= month <= 12:
        raise BadRequest(f"expected a year like 2017 or a month like 2017-02, not {text[:40]!r}")
    if not CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1]:
        raise BadRequest(f"year must be between {CALENDAR_YEARS[0]} and {CALENDAR_YEARS[1]}")
    return np.datetime64(text) if text else None


def calendar(snapshot: Snapshot, period: str = "") -> Calendar:
    start = _parse_period(period)
    dates, counts = snapshot.days.dates, snapshot.days.counts
    unit = _UNITS[len(period)][1]
    previous = following = None
    if start is not None:
        outer = dates.astype(start.dtype)
        periods = distinct(outer)
        at = int(np.searchsorted(periods, start))
        previous = str(periods[at - 1]) if at > 0 else None
        after = at + int(at < len(periods) and periods[at] == start)
        following = str(periods[after]) if after < len(periods) else None
        inside = outer == start
        dates, counts = dates[inside], counts[inside]
    keys, where = np.unique(dates.astype(unit), return_inverse=True)
    sums = np.bincount(where, weights=counts, minlength=len(keys))
    return Calendar(
        period,
        {str(k): int(n) for k, n in zip(keys, sums, strict=True)},
        previous,
        following,
    )


PLACE_STORIES = 10  # a place page's busiest stories
PLACE_EVENTS = 20  # and its newest events
_PLACE_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class PlaceCount:
    code: str  # ISO 3166-1 alpha-2, "CN"
    name: str  # in English (pages show it in the reader's language)
    count: int  # live events naming it

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "count": self.count}


@dataclass(frozen=True, slots=True)
class StoryCount:
    name: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "count": self.count}


@dataclass(frozen=True, slots=True)
class Places:
    """Every place the live events name, busiest first (ties by code)."""

    total: int
    places: tuple[PlaceCount, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "places": [p.to_dict() for p in self.places]}


def places(snapshot: Snapshot) -> Places:
    counts, codes = snapshot.place_counts, snapshot.columns.places
    order = sorted(np.flatnonzero(counts).tolist(), key=lambda i: (-counts[i], codes[i]))
    return Places(
        len(order),
        tuple(PlaceCount(codes[i], place_name(codes[i], "en"), int(counts[i])) for i in order),
    )


@dataclass(frozen=True, slots=True)
class Place:
    """One place: how many events name it, when, in which stories, and the newest."""

    code: str
    name: str  # in English
    total: int
    per_year: dict[int, int]
    timeline: Histogram
    stories: tuple[StoryCount, ...]  # its busiest stories, with their events here
    events: tuple[Event, ...]  # the newest PLACE_EVENTS, newest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "total": self.total,
            "per_year": {str(y): n for y, n in self.per_year.items()},
            "timeline": self.timeline.to_dict(),
            "stories": [s.to_dict() for s in self.stories],
            "events": [e.to_dict() for e in self.events],
        }


def place(snapshot: Snapshot, code: str) -> Place:
    """Place *code* ("CN"); a code not two capital letters is refused, one that no live
    event names is not found."""
    if not _PLACE_CODE.match(code):
        raise BadRequest(f"a place is two capital letters (ISO 3166), not {code[:20]!r}")
    pid = snapshot.place_index.get(code)
    if pid is None or not snapshot.place_counts[pid]:
        raise NotFound(f"no events name the place {code!r}")
    cols = snapshot.columns
    docs = snapshot.place_doc[np.asarray(cols.place_ids) == pid]
    docs = _chronological(snapshot, distinct(docs[np.asarray(cols.live)[docs]]))
    years, counts = np.unique(snapshot.years[docs], return_counts=True)
    mask = np.zeros(snapshot.doc_total, dtype=np.bool_)
    mask[docs] = True
    in_place = mask[snapshot.context_doc]
    story_counts = np.bincount(np.asarray(cols.context_ids)[in_place], minlength=len(cols.contexts))
    busiest = sorted(np.flatnonzero(story_counts).tolist(), key=lambda i: (-story_counts[i], i))
    return Place(
        code,
        place_name(code, "en"),
        len(docs),
        {int(y): int(n) for y, n in zip(years, counts, strict=True)},
        finest(snapshot, docs),
        tuple(StoryCount(cols.contexts[i], int(story_counts[i])) for i in busiest[:PLACE_STORIES]),
        tuple(snapshot.events(docs[::-1][:PLACE_EVENTS])),
    )
