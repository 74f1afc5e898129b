"""A year or month in a query, found as a date filter to offer: values, no index."""

from __future__ import annotations

import pytest

from search.query_dates import DateSuggestion, date_suggestion


@pytest.mark.parametrize(
    ("query", "rest", "year", "month"),
    [
        ("earthquake 2011", "earthquake", 2011, None),
        ("2011 earthquake", "earthquake", 2011, None),
        ("floods march 2010", "floods", 2010, "2010-03"),
        ("floods 2010 March", "floods", 2010, "2010-03"),
        ("Sept 2001 attacks", "attacks", 2001, "2001-09"),
        ("2016年 地震", "地震", 2016, None),
        ("2016年地震", "地震", 2016, None),
        ("2010年3月 洪水", "洪水", 2010, "2010-03"),
        ("洪水 2010年12月", "洪水", 2010, "2010-12"),
        ('"tour de france" 2012', '"tour de france"', 2012, None),
        ("context:Syria 2013", "context:Syria", 2013, None),
        ("(flood OR storm) 1998", "(flood OR storm)", 1998, None),
    ],
)
def test_a_year_or_month_in_the_words_is_offered_as_a_filter(
    query: str, rest: str, year: int, month: str | None
) -> None:
    assert date_suggestion(query) == DateSuggestion(rest, year, month)


@pytest.mark.parametrize(
    "query",
    [
        "2011",  # nothing else to search for
        "march 2011",
        "2016年",
        "2011 OR",
        "earthquake",
        '"census 2011"',  # part of a phrase
        "earthquake date:2011",  # already a filter
        "earthquake -2011",  # excluded
        "earthquake 2011 2012",  # two dates: which?
        "boeing 737",  # not a year of the archive's range
        "earthquake 1800",
        "earthquake 2101",
        "earthquake 20110",
        "地震 2010年13月",  # no such month
        "title:2011 earthquake",
        "",
    ],
)
def test_no_date_is_offered_unless_one_plain_year_leaves_a_query(query: str) -> None:
    assert date_suggestion(query) is None


@pytest.mark.parametrize(
    "query", ["2011" * 200, "march " * 60 + "2011 x", "年" * 400, "\x00 2011 \u200b x", '"2011 x']
)
def test_hostile_queries_do_not_crash(query: str) -> None:
    date_suggestion(query)
