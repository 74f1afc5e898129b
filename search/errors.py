"""Errors raised by search; ``web`` maps each class to an HTTP status in one place.

SearchError                 a request search cannot answer
├── BadRequest              a parameter or query is refused (HTTP 400)
│   ├── QueryTooComplex     too long, too many clauses or too deeply nested
│   └── PageOutOfRange      paging past the deep-paging cap
├── NotFound                no such event, story or day (HTTP 404)
└── IndexUnavailable        no complete index generation to search (HTTP 503)
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


class BadRequest(SearchError):
    """A parameter has a value search refuses; the message names it."""


class QueryTooComplex(BadRequest):
    """The query is longer, has more clauses or nests deeper than the limits allow."""


class PageOutOfRange(BadRequest):
    """The page asked for lies beyond the deep-paging cap."""


class NotFound(SearchError):
    """The event, story or day asked for is not in the index."""


class IndexUnavailable(SearchError):
    """The index directory has no complete generation yet."""
