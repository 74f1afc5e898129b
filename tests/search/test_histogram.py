"""Timelines over the example archive: every bucket listed, counts that add up, the level
a search's date filters choose."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from indexer.dates import day_date
from search import histogram
from search.params import SearchRequest, parse_request
from search.service import Search
from search.snapshot import Snapshot


@pytest.fixture(scope="module")
def service(example_index: Path) -> Iterator[Search]:
    with Search(example_index) as search:
        yield search


@pytest.fixture
def snapshot(service: Search) -> Snapshot:  # the example's one generation
    return service.snapshot()


def dates(snapshot: Snapshot) -> list[str]:
    return [day_date(d).isoformat() for d in np.asarray(snapshot.columns.day)[snapshot.live_docs]]


def counts(chart: histogram.Histogram) -> dict[str, int]:
    return {b.bucket: b.count for b in chart.buckets}


def test_years_run_first_to_last_with_empty_years_as_zero(snapshot: Snapshot) -> None:
    chart = histogram.per_year(snapshot, snapshot.live_docs)
    expected = Counter(day[:4] for day in dates(snapshot))
    years = range(int(min(expected)), int(max(expected)) + 1)
    assert chart.level == "years"
    assert counts(chart) == {str(y): expected.get(str(y), 0) for y in years}
    assert histogram.per_year(snapshot, snapshot.live_docs[:0]).buckets == ()


def test_months_of_a_year_and_days_of_a_month_add_up(snapshot: Snapshot) -> None:
    expected = Counter(day[:7] for day in dates(snapshot))
    months = histogram.per_month(snapshot, snapshot.live_docs, 2017)
    assert [b.bucket for b in months.buckets] == [f"2017-{m:02d}" for m in range(1, 13)]
    assert counts(months) == {m: expected.get(m, 0) for m in counts(months)}
    days = histogram.per_day(snapshot, snapshot.live_docs, 2017, 7)
    assert [b.bucket for b in days.buckets][::30] == ["2017-07-01", "2017-07-31"]
    by_day = Counter(dates(snapshot))
    assert counts(days) == {d: by_day.get(d, 0) for d in counts(days)}
    assert days.total == expected["2017-07"] > 0
    assert len(histogram.per_day(snapshot, snapshot.live_docs, 2016, 2).buckets) == 29


@pytest.mark.parametrize(
    ("params", "level"),
    [
        ([], "years"),
        ([("year", "2017"), ("year", "2016")], "years"),
        ([("year", "2017")], "months"),
        ([("year", "2017"), ("month", "2017-07")], "days"),
        ([("month", "2017-07")], "days"),
        ([("month", "2017-13")], "years"),  # no such month: nothing to show by day
        ([("year", "2017"), ("month", "2017-03"), ("month", "2017-07")], "months"),
    ],
)
def test_the_date_filters_choose_the_level(params: list[tuple[str, str]], level: str) -> None:
    assert histogram.level_of(parse_request(params)) == level


def test_a_chosen_day_keeps_its_months_other_days_on_the_timeline(service: Search) -> None:
    month = service.search(parse_request([("month", "2017-07")]))
    busy = [b for b in month.timeline.buckets if b.count]
    day = busy[0].bucket
    chosen = service.search(parse_request([("month", "2017-07"), ("from", day), ("to", day)]))
    assert chosen.total == busy[0].count
    assert chosen.timeline == month.timeline  # the month's days, not only the chosen one


def test_a_search_counts_its_matches_after_every_filter(service: Search) -> None:
    everything = service.search(SearchRequest())
    assert everything.timeline.total == everything.total
    assert counts(everything.timeline) == {
        b.bucket: b.count for b in histogram.archive(service.snapshot()).buckets
    }
    context = everything.facets[0].values[0].value
    narrowed = service.search(SearchRequest(contexts=(context,), years=(2017,)))
    assert narrowed.timeline.level == "months"
    assert narrowed.timeline.total == narrowed.total < everything.total


def test_finest_shows_a_short_story_by_month_or_day(snapshot: Snapshot) -> None:
    day = np.asarray(snapshot.columns.day)
    years = snapshot.years
    in_2017 = snapshot.live_docs[years[snapshot.live_docs] == 2017]
    assert histogram.finest(snapshot, in_2017).level == "months"
    july = in_2017[snapshot.months[in_2017] == 7]
    assert histogram.finest(snapshot, july).level == "days"
    one = snapshot.live_docs[day[snapshot.live_docs] == day[snapshot.live_docs[0]]]
    assert histogram.finest(snapshot, one).total == len(one)
    assert histogram.finest(snapshot, snapshot.live_docs).level == "years"


def test_the_archive_timeline_is_made_once_per_generation(snapshot: Snapshot) -> None:
    assert histogram.archive(snapshot) is histogram.archive(snapshot)
