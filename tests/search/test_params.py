"""Request parameters are validated into a SearchRequest or refused with a message."""

from __future__ import annotations

import datetime as dt

import pytest

from search.errors import BadRequest, PageOutOfRange, QueryTooComplex
from search.params import MAX_RESULTS, SearchRequest, given, page_number, parse_request


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
