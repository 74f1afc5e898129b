"""Errors -> HTTP, in one place: status codes and the problem+json shape.

    SearchError           BadRequest 400, NotFound 404, IndexUnavailable 503
    HTTPException         its own status (404 for unknown paths, 405, ...)
    RateLimited           429 with Retry-After

API paths answer ``application/problem+json`` (RFC 9457)::

    {"type": "about:blank", "title": "Bad Request", "status": 400,
     "detail": "page must be between 1 and 1000000, not 0", "instance": "/api/v1/search"}

Pages answer a friendly HTML page with the same message.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from search.errors import BadRequest, IndexUnavailable, NotFound, SearchError

PROBLEM_JSON = "application/problem+json"


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after


def status_for(exc: BaseException) -> int:
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, RateLimited):
        return 429
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, BadRequest):
        return 400
    if isinstance(exc, IndexUnavailable):
        return 503
    if isinstance(exc, SearchError):
        return 400
    return 500


def message_for(exc: BaseException, status: int) -> str:
    if isinstance(exc, HTTPException):
        return str(exc.detail) if exc.detail else HTTPStatus(status).phrase
    if status == 500:
        return "Something went wrong on our side; the error has been logged."
    return str(exc)


def problem(request: Request, status: int, detail: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }


def problem_response(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse(
        problem(request, status, detail),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )
