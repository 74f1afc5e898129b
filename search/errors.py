"""Errors raised by search, each with the HTTP status it answers as (``status``, which
``web.errors`` reads: the one mapping).

SearchError                 a request search cannot answer                        400
├── BadRequest              a parameter or query is refused                      400
│   ├── QueryTooComplex     too long, too many clauses or too deeply nested      400
│   └── PageOutOfRange      paging past the deep-paging cap                      400
├── NotFound                no such event, story or day                          404
└── IndexUnavailable        no complete index generation to search               503
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "IndexUnavailable",
    "NotFound",
    "PageOutOfRange",
    "QueryTooComplex",
    "SearchError",
]


class SearchError(Exception):
    """Base class: the message is meant for the person who made the request."""

    status = 400


class BadRequest(SearchError):
    """A parameter has a value search refuses; the message names it."""


class QueryTooComplex(BadRequest):
    """The query is longer, has more clauses or nests deeper than the limits allow."""


class PageOutOfRange(BadRequest):
    """The page asked for lies beyond the deep-paging cap."""


class NotFound(SearchError):
    """The event, story or day asked for is not in the index."""

    status = 404


class IndexUnavailable(SearchError):
    """The index directory has no complete generation yet."""

    status = 503
