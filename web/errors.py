"""Errors -> HTTP, in one place: status codes, problem+json or a page, and the response.

Every error carries the status it answers as, so the mapping is one attribute:

    search.errors.SearchError   ``status``: BadRequest 400, NotFound 404, IndexUnavailable 503
    WebError                    ``status``: raised by the web layer itself
    └── RateLimited             429, with Retry-After
    HTTPException (Starlette)   its ``status_code`` (404 for unknown paths, 405, ...)
    anything else               500, logged

API paths, ``/suggest`` and requests that accept JSON answer ``application/problem+json``
(RFC 9457); other requests get a page with the same message::

    {"type": "about:blank", "title": "Bad Request", "status": 400,
     "detail": "page must be between 1 and 1000000, not 0", "instance": "/api/v1/search"}
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from search.errors import SearchError
from web import reader

__all__ = ["RateLimited", "WebError", "error_response", "status_for", "wants_json"]

log = logging.getLogger("eventsearch")
PROBLEM_JSON = "application/problem+json"
JSON_PREFIXES = ("/api/",)  # the versioned API
JSON_PATHS = ("/suggest",)  # OpenSearch suggestions, which browsers read as JSON
ACCEPT_CHARS = 40  # of the Accept header looked at for "json"


class WebError(Exception):
    """Base class of the errors the web layer raises itself."""

    status = 500


class RateLimited(WebError):
    """Raised for a client past its request budget (:class:`web.middleware.RateLimit`)."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


def status_for(exc: BaseException) -> int:
    if isinstance(exc, HTTPException):
        return exc.status_code
    return exc.status if isinstance(exc, SearchError | WebError) else 500


def wants_json(request: Request) -> bool:
    """Whether an answer to *request* (an error above all) is JSON rather than a page."""
    path = request.url.path
    accept = request.headers.get("accept", "")[:ACCEPT_CHARS]
    return path.startswith(JSON_PREFIXES) or path in JSON_PATHS or "json" in accept


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


def error_response(request: Request, exc: BaseException) -> Response:
    """Every error as HTTP: problem+json when :func:`wants_json`, a page otherwise."""
    status = status_for(exc)
    detail = message_for(exc, status)
    headers = dict(getattr(exc, "headers", None) or {})  # Allow on a 405, Retry-After
    if status >= 500:
        log.error("error answering %s: %r", request.url.path, exc, exc_info=exc)
    if wants_json(request):
        return problem_response(request, status, detail, headers or None)
    # The page says what happened in the reader's language; a detail beyond the status's
    # own name (the HTTP phrase, or the generic 500 message) is shown as the API has it.
    generic = detail == HTTPStatus(status).phrase or status == 500
    return reader.page(
        request,
        "error.html",
        {
            "status": status,
            "detail": None if generic else detail,
            "retry_after": getattr(exc, "retry_after", None),
            "q": "",
        },
        status=status,
        headers=headers or None,
    )


async def handle_error(request: Request, exc: Exception) -> Response:
    return error_response(request, exc)
