"""Timelines and dates in queries on the real zh archive (skipped where absent)."""

from __future__ import annotations

from search.params import parse_request
from search.service import Search


def test_zh_timeline_drills_down_and_each_level_adds_up(zh_search: Search) -> None:
    everything = zh_search.search(parse_request([]))
    years = everything.timeline
    assert years.level == "years" and years.total == everything.total
    year = max(years.buckets, key=lambda b: b.count)
    in_year = zh_search.search(parse_request([("year", year.bucket)]))
    assert in_year.timeline.level == "months" and in_year.timeline.total == year.count
    month = max(in_year.timeline.buckets, key=lambda b: b.count)
    in_month = zh_search.search(parse_request([("year", year.bucket), ("month", month.bucket)]))
    assert in_month.timeline.level == "days" and in_month.timeline.total == month.count
    day = max(in_month.timeline.buckets, key=lambda b: b.count)
    on_day = zh_search.search(parse_request([("from", day.bucket), ("to", day.bucket)]))
    assert on_day.total == day.count > 0


def test_zh_year_in_a_query_is_offered_and_narrows_to_it(zh_search: Search) -> None:
    typed = zh_search.search(parse_request([("q", "2016年 地震")]))
    offer = typed.date_suggestion
    assert offer is not None and (offer.query, offer.year, offer.month) == ("地震", 2016, None)
    narrowed = zh_search.search(parse_request([("q", offer.query), ("year", "2016")]))
    assert narrowed.total > 0
    assert {b.bucket for b in narrowed.timeline.buckets if b.count} <= {
        f"2016-{m:02d}" for m in range(1, 13)
    }
    month = zh_search.search(parse_request([("q", "2010年3月 洪水")])).date_suggestion
    assert month is not None and month.month == "2010-03"
