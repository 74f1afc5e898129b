"""Events over time at one level: per year, per month of one year, or per day of one
month. The chart of a search (narrowed by its date filters), of a story and of the whole
archive; the web layer adds to each bucket the URL that narrows to it.

Shape (the JSON API's ``timeline``)::

    {"level": "months",
     "buckets": [{"bucket": "2011-01", "count": 4, "url": "…"}, …, {"bucket": "2011-12", …}]}

Every bucket from the first to the last (years with events; all twelve months; every day
of the month) is listed, empty ones with count 0, so a chart has its gaps. Counts are
``np.bincount`` over the snapshot's per-document years, months and day numbers: a pass
over the matches, without sorting them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from indexer.dates import day_number
from search.matches import Docs
from search.params import SearchRequest
from search.snapshot import Derived, Snapshot

Level = Literal["years", "months", "days"]


@dataclass(frozen=True, slots=True)
class Bucket:
    bucket: str  # "2011", "2011-03" or "2011-03-11"
    count: int
    url: str = ""  # the search narrowed to it (filled by the web layer)

    def to_dict(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "count": self.count, "url": self.url}


@dataclass(frozen=True, slots=True)
class Histogram:
    level: Level
    buckets: tuple[Bucket, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "buckets": [b.to_dict() for b in self.buckets]}

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets)


def per_year(snapshot: Snapshot, docs: Docs) -> Histogram:
    """Events of *docs* per year, first year to last (none: no buckets)."""
    if not len(docs):
        return Histogram("years", ())
    years = snapshot.years[docs]
    first = int(years.min())
    counts = np.bincount(years - first)
    return Histogram("years", tuple(Bucket(str(first + i), int(n)) for i, n in enumerate(counts)))


def per_month(snapshot: Snapshot, docs: Docs, year: int) -> Histogram:
    """Events of *docs* in each month of *year*."""
    inside = docs[snapshot.years[docs] == year]
    counts = np.bincount(snapshot.months[inside], minlength=13)[1:]
    return Histogram(
        "months", tuple(Bucket(f"{year}-{m:02d}", int(n)) for m, n in enumerate(counts, 1))
    )


def per_day(snapshot: Snapshot, docs: Docs, year: int, month: int) -> Histogram:
    """Events of *docs* on each day of that month."""
    first = day_number(dt.date(year, month, 1))
    length = calendar.monthrange(year, month)[1]
    offsets = np.asarray(snapshot.columns.day)[docs].astype(np.int64) - first
    offsets = offsets[(offsets >= 0) & (offsets < length)]
    counts = np.bincount(offsets, minlength=length)
    return Histogram(
        "days",
        tuple(Bucket(f"{year}-{month:02d}-{d:02d}", int(n)) for d, n in enumerate(counts, 1)),
    )


def level_of(request: SearchRequest) -> Level:
    """The timeline a search shows: the days of its one month, the months of its one
    year, else years."""
    if len(request.months) == 1 and _month(request.months[0]) is not None:
        return "days"
    return "months" if len(request.years) == 1 else "years"


def _month(text: str) -> tuple[int, int] | None:
    """ "2011-03" -> (2011, 3); None for one the calendar lacks ("2011-13" passes the
    parameter's pattern, and finds nothing)."""
    year, month = int(text[:4]), int(text[5:7])
    return (year, month) if year >= 1 and 1 <= month <= 12 else None


def single_day(request: SearchRequest) -> bool:
    """Whether the search's dates are one day (a day of its timeline was chosen)."""
    return request.date_from is not None and request.date_from == request.date_to


def of_search(snapshot: Snapshot, docs: Docs, request: SearchRequest) -> Histogram:
    """The timeline of a search's *docs* (those of a chosen day's month, at the day level)."""
    level = level_of(request)
    if level == "days":
        year, month = _month(request.months[0]) or (0, 0)
        return per_day(snapshot, docs, year, month)
    if level == "months":
        return per_month(snapshot, docs, request.years[0])
    return per_year(snapshot, docs)


def finest(snapshot: Snapshot, docs: Docs) -> Histogram:
    """The most detailed timeline that still shows all of *docs*: years, or the months
    of their one year, or the days of their one month (a story's life, the archive)."""
    years = per_year(snapshot, docs)
    if len(years.buckets) != 1:
        return years
    year = int(years.buckets[0].bucket)
    months = per_month(snapshot, docs, year)
    busy = [b for b in months.buckets if b.count]
    if len(busy) != 1:
        return months
    return per_day(snapshot, docs, year, int(busy[0].bucket[5:7]))


archive = Derived(lambda snapshot: finest(snapshot, snapshot.live_docs))
"""The whole archive's timeline (the home page), once per generation."""
