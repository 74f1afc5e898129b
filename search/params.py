"""A search request as plain, validated values (from CLI flags or URL parameters)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from search.errors import BadRequest, PageOutOfRange, QueryTooComplex

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
MAX_RESULTS = 1000  # deep-paging cap: browse by day or story past this
MAX_FILTER_VALUES = 50
SORTS = ("relevance", "newest", "oldest")
LANGS = ("en", "zh")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    q: str = ""
    contexts: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    months: tuple[str, ...] = ()  # "2017-02"
    langs: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    facets: bool = True
    spell: bool = True  # offer and apply spelling corrections

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


MAX_PAGE = 10**6


def given(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parameters that carry a value. An empty one means "not given": OpenSearch
    clients fill an optional template parameter they do not know (``page={startPage?}``)
    with the empty string, and forms send their empty fields."""
    return [(key, value) for key, value in params if value.strip()]


def page_number(value: str) -> int:
    """A ``page`` parameter, validated (also used by story timelines); empty: page 1."""
    return _int("page", value, 1, MAX_PAGE) if value.strip() else 1


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value[:40]!r}") from None
    if not low <= number <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, not {number}")
    return number


def _date(name: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2017-02-03, not {value[:40]!r}") from None


def _values(name: str, values: list[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(cleaned) > MAX_FILTER_VALUES:
        raise BadRequest(f"at most {MAX_FILTER_VALUES} values of {name}")
    return cleaned


def parse_request(params: Iterable[tuple[str, str]]) -> SearchRequest:
    """URL-style parameters -> SearchRequest; repeated keys select several values.

    Keys: q, context, domain, year, month, lang, from, to, sort, page, per_page, facets;
    a key with an empty value counts as absent (see :func:`given`).
    """
    multi: dict[str, list[str]] = {}
    for key, value in given(params):
        multi.setdefault(key, []).append(value)

    def one(key: str, default: str = "") -> str:
        return multi.get(key, [default])[-1]

    q = one("q")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryTooComplex(f"query is {len(q):,} characters; the limit is {MAX_QUERY_CHARS}")
    sort = one("sort", "relevance")
    if sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {sort[:40]!r}")
    langs = _values("lang", multi.get("lang", []))
    if bad := [v for v in langs if v not in LANGS]:
        raise BadRequest(f"lang must be one of {', '.join(LANGS)}, not {bad[0][:40]!r}")
    months = _values("month", multi.get("month", []))
    if bad := [m for m in months if not _MONTH.match(m)]:
        raise BadRequest(f"month must look like 2017-02, not {bad[0][:40]!r}")
    per_page = _int("per_page", one("per_page", str(DEFAULT_PER_PAGE)), 1, MAX_PER_PAGE)
    page = page_number(one("page", "1"))
    if page * per_page > MAX_RESULTS and (page - 1) * per_page >= MAX_RESULTS:
        raise PageOutOfRange(
            f"page {page} is past the first {MAX_RESULTS} results; narrow the search "
            "or browse by day or story"
        )
    return SearchRequest(
        q=q,
        contexts=_values("context", multi.get("context", [])),
        domains=_values("domain", multi.get("domain", [])),
        years=tuple(_int("year", y, 1900, 2100) for y in _values("year", multi.get("year", []))),
        months=months,
        langs=langs,
        date_from=_date("from", one("from")) if "from" in multi else None,
        date_to=_date("to", one("to")) if "to" in multi else None,
        sort=sort,
        page=page,
        per_page=per_page,
        facets=one("facets", "1") not in ("0", "false", "no"),
    )
