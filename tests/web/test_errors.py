"""Errors -> HTTP: each error's status from its class, JSON or a page decided once."""

from __future__ import annotations

import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request

from search.errors import (
    BadRequest,
    IndexUnavailable,
    NotFound,
    PageOutOfRange,
    QueryTooComplex,
    SearchError,
)
from web.errors import RateLimited, WebError, status_for, wants_json


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SearchError("x"), 400),
        (BadRequest("x"), 400),
        (QueryTooComplex("x"), 400),
        (PageOutOfRange("x"), 400),
        (NotFound("x"), 404),
        (IndexUnavailable("x"), 503),
        (RateLimited(7), 429),
        (WebError("x"), 500),
        (HTTPException(405), 405),
        (ValueError("x"), 500),
        (OSError("disk"), 500),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v),
)
def test_each_error_answers_with_the_status_its_class_declares(
    error: BaseException, status: int
) -> None:
    assert status_for(error) == status


def test_a_rate_limited_answer_says_when_to_come_back() -> None:
    limited = RateLimited(7)

    assert limited.headers == {"Retry-After": "7"} and limited.retry_after == 7
    assert "7 s" in str(limited)


def request(path: str, accept: str = "") -> Request:
    headers = [(b"accept", accept.encode())] if accept else []
    return Request({"type": "http", "path": path, "headers": headers, "query_string": b""})


@pytest.mark.parametrize(
    ("path", "accept", "json"),
    [
        ("/api/v1/search", "", True),
        ("/suggest", "", True),
        ("/search", "application/json", True),
        ("/search", "text/html,application/xhtml+xml", False),
        ("/events/x", "", False),
        ("/suggestions", "", False),
    ],
)
def test_json_or_a_page_is_decided_by_path_then_accept(path: str, accept: str, json: bool) -> None:
    assert wants_json(request(path, accept)) is json
