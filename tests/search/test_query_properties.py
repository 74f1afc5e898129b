"""Any string in: a Whoosh query or a SearchError out, and the query runs quickly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from search.errors import SearchError
from search.params import parse_request
from search.query import build_query
from search.service import Search

PIECES = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "-",
        "OR",
        "AND",
        "*",
        "~",
        ":",
        "context:",
        "date:",
        "source:",
        "lang:",
        "title:",
        "..",
        "2017-02",
        "syria",
        "圣殿山",
        "López",
        " ",
        "\x00",
        "\u202e",
        "a" * 50,
    ]
)
QUERIES = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join))
TIME_BOUND = 2.0  # seconds; a query anywhere near this is a bug


@pytest.fixture(scope="module")
def service(example_index: Path) -> Iterator[Search]:
    with Search(example_index) as opened:
        yield opened


@settings(max_examples=500, deadline=None)
@given(QUERIES)
def test_any_string_builds_a_query_or_raises_search_error(text: str) -> None:
    try:
        interpretation = build_query(text)
    except SearchError as error:
        assert str(error)
        return
    assert isinstance(interpretation.query, wq.Query)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(QUERIES)
def test_any_query_runs_within_the_time_bound(service: Search, text: str) -> None:
    started = time.perf_counter()
    try:
        result = service.search(parse_request([("q", text)]))
    except SearchError:
        return
    assert time.perf_counter() - started < TIME_BOUND
    assert result.total >= len(result.hits)
