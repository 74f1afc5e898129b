"""Request parameters are validated into a SearchRequest or refused with a message."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from search.errors import BadRequest, PageOutOfRange, QueryTooComplex
from search.params import (
    FILTERS,
    MAX_FILTER_VALUES,
    MAX_QUERY_CHARS,
    MAX_RESULTS,
    MAX_TEXT_CHARS,
    SEARCH_PARAM,
    SEARCH_PARAMS,
    STORY_NAME,
    YEARS,
    Param,
    SearchRequest,
    check_query,
    filters_of,
    given,
    page_number,
    parse_request,
)
from search.query import build_query


def test_repeated_keys_select_several_values() -> None:
    request = parse_request(
        [
            ("q", "flood"),
            ("context", "Floods"),
            ("context", "Monsoon"),
            ("year", "2014"),
            ("lang", "en"),
            ("from", "2014-01-01"),
            ("sort", "newest"),
            ("per_page", "20"),
        ]
    )
    assert request.contexts == ("Floods", "Monsoon")
    assert request.years == (2014,)
    assert request.date_from == dt.date(2014, 1, 1)
    assert (request.sort, request.per_page) == ("newest", 20)


@pytest.mark.parametrize(
    ("params", "error", "names"),
    [
        ([("page", "0")], BadRequest, "page"),
        ([("page", "-3")], BadRequest, "page"),
        ([("page", "99999999999999999999")], BadRequest, "page"),
        ([("page", "abc")], BadRequest, "page"),
        ([("per_page", "101")], BadRequest, "per_page"),
        ([("page", str(MAX_RESULTS // 10 + 1))], PageOutOfRange, "1000"),
        ([("sort", "random")], BadRequest, "sort"),
        ([("lang", "fr")], BadRequest, "lang"),
        ([("month", "2017-2")], BadRequest, "month"),
        ([("year", "20x7")], BadRequest, "year"),
        ([("from", "yesterday")], BadRequest, "from"),
        ([("q", "x" * 10_000)], QueryTooComplex, "limit"),
    ],
)
def test_bad_parameters_are_refused_naming_the_value(
    params: list[tuple[str, str]], error: type[Exception], names: str
) -> None:
    with pytest.raises(error, match=names):
        parse_request(params)


def test_last_page_within_the_cap_is_allowed() -> None:
    assert parse_request([("page", str(MAX_RESULTS // 10))]).page == MAX_RESULTS // 10


KEYS = ("q", "context", "domain", "year", "month", "lang", "from", "to", "sort", "page",
        "per_page", "facets")  # fmt: skip


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("empty", ["", " ", "\t"])
def test_an_empty_value_means_the_parameter_was_not_given(key: str, empty: str) -> None:
    # OpenSearch clients send page={startPage?} as "page=" (an optional parameter they do
    # not know is the empty string); forms send their empty fields.
    assert parse_request([("q", "flood"), (key, empty)]) == parse_request([("q", "flood")])


def test_every_empty_parameter_at_once_is_the_default_request() -> None:
    assert parse_request([(key, "") for key in KEYS]) == SearchRequest()


def test_an_empty_repeat_does_not_undo_a_value() -> None:
    request = parse_request([("page", "2"), ("page", ""), ("sort", "oldest"), ("sort", "")])
    assert (request.page, request.sort) == (2, "oldest")


@pytest.mark.parametrize(("value", "page"), [("", 1), ("  ", 1), ("3", 3)])
def test_page_number_of_an_empty_page_is_the_first(value: str, page: int) -> None:
    assert page_number(value) == page


def test_given_drops_only_empty_values() -> None:
    assert given([("q", ""), ("page", "2"), ("lang", " "), ("q", "x")]) == [
        ("page", "2"),
        ("q", "x"),
    ]


# -- the parameter table ----------------------------------------------------------------


def test_every_request_field_but_spell_is_a_parameter_of_the_table() -> None:
    fields = {f.name for f in dataclasses.fields(SearchRequest)} - {"spell"}
    assert {p.attr for p in SEARCH_PARAMS} == fields


def test_the_table_takes_its_defaults_from_the_request() -> None:
    blank = SearchRequest()
    assert all(p.default == getattr(blank, p.attr) for p in SEARCH_PARAMS)
    assert SEARCH_PARAM["sort"].default == "relevance" and SEARCH_PARAM["per_page"].default == 10


def test_the_filters_echo_names_every_filter_as_urls_do() -> None:
    request = parse_request([("year", "2014"), ("lang", "en"), ("from", "2014-07-01"), ("q", "x")])
    assert filters_of(request) == {
        "context": [],
        "domain": [],
        "place": [],
        "year": [2014],
        "month": [],
        "lang": ["en"],
        "from": "2014-07-01",
        "to": None,
    }
    assert list(filters_of(request)) == [p.name for p in FILTERS]


def test_a_repeated_parameter_takes_at_most_so_many_distinct_values() -> None:
    many = [("context", f"story {i}") for i in range(MAX_FILTER_VALUES)]
    assert len(parse_request([*many, *many]).contexts) == MAX_FILTER_VALUES
    with pytest.raises(BadRequest, match=f"at most {MAX_FILTER_VALUES} values of context"):
        parse_request([*many, ("context", "one more")])


@pytest.mark.parametrize(
    ("param", "value", "parsed"),
    [
        (SEARCH_PARAM["year"], " 2014", 2014),
        (SEARCH_PARAM["from"], "2014-07-17 ", dt.date(2014, 7, 17)),
        (SEARCH_PARAM["facets"], "no", False),
        (SEARCH_PARAM["facets"], "yes", True),
        (STORY_NAME, "x" * (MAX_TEXT_CHARS + 5), "x" * MAX_TEXT_CHARS),  # cut, not refused
    ],
)
def test_a_parameter_parses_by_its_kind(param: Param, value: str, parsed: object) -> None:
    assert param.parse(value) == parsed


def test_years_are_bounded_as_declared() -> None:
    assert parse_request([("year", str(YEARS[0])), ("year", str(YEARS[1]))]).years == YEARS
    with pytest.raises(BadRequest, match=f"between {YEARS[0]} and {YEARS[1]}"):
        parse_request([("year", str(YEARS[1] + 1))])


def test_the_query_limit_is_one_check_shared_with_the_query_parser() -> None:
    with pytest.raises(QueryTooComplex, match=f"limit is {MAX_QUERY_CHARS}") as parsed:
        parse_request([("q", "x" * (MAX_QUERY_CHARS + 1))])
    with pytest.raises(QueryTooComplex) as built:
        build_query("x" * (MAX_QUERY_CHARS + 1))
    assert str(parsed.value) == str(built.value) == "query is 501 characters; the limit is 500"
    assert check_query("x" * MAX_QUERY_CHARS) == "x" * MAX_QUERY_CHARS


def test_a_place_is_two_capital_letters_and_repeats() -> None:
    assert parse_request([("place", "CN"), ("place", "FR")]).places == ("CN", "FR")
    for bad in ("cn", "CHN", "C1"):
        with pytest.raises(BadRequest):
            parse_request([("place", bad)])
