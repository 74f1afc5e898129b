"""A search request as plain, validated values (from CLI flags or URL parameters).

Every request parameter is declared once here, as a :class:`Param` (name, type,
repeated or not, bounds, help). The rest is derived from these declarations:

    SEARCH_PARAMS ──> parse_request()        URL parameters -> SearchRequest
                 ├──> filters_of()           the ``filters`` a result echoes
                 ├──> eventsearch.cli        the ``search`` command's flags
                 ├──> web.pages              the search form's hidden fields, "clear all"
                 └──> web.openapi            the operations' parameters

The other routes' parameters (a story-name filter, a suggest prefix, a page of a list)
are declared beside them, so their bounds are also written once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from search.errors import BadRequest, PageOutOfRange, QueryTooComplex

MAX_QUERY_CHARS = 500
MAX_TEXT_CHARS = 100  # a suggest prefix, or text a story's or facet value's name contains
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
MAX_RESULTS = 1000  # deep-paging cap: browse by day or story past this
MAX_FILTER_VALUES = 50
MAX_PAGE = 10**6
YEARS = (1900, 2100)  # the years a filter (and a calendar page) may name
SORTS = ("relevance", "newest", "oldest")
LANGS = ("en", "zh")
GROUP_STORY = "story"  # group=story: one hit per story (search.threads.story_groups)
FALSE = ("0", "false", "no")  # of an on/off parameter; any other value is on
SHOWN = 40  # characters of a refused value that an error message quotes


@dataclass(frozen=True, slots=True)
class Param:
    """One request parameter: what it is called, what it takes, and what it is for.

    *kind* is ``str``, ``int``, ``bool`` (off when one of :data:`FALSE`) or
    ``dt.date``; a *repeated* one takes up to :data:`MAX_FILTER_VALUES` values, each
    checked. A ``str`` longer than *max_chars* is cut to it, or refused when *refuse_long*
    (with the message naming it *noun*).
    """

    name: str  # as in URLs, forms, the API and (as --name) the command line
    help: str
    kind: type = str
    repeated: bool = False
    filter: bool = False  # narrows the results: echoed in ``filters``, a removable chip
    field: str = ""  # SearchRequest's attribute, when not *name*
    default: Any = None  # a search parameter's is SearchRequest's (see SEARCH_PARAMS)
    low: int = 0  # an int's bounds (inclusive)
    high: int = 0
    choices: tuple[str, ...] = ()
    pattern: str = ""  # a regular expression the whole value matches
    like: str = ""  # an example of *pattern*, for its error message
    max_chars: int | None = None
    refuse_long: bool = False
    noun: str = ""  # how a refusal names it, when not by *name*

    @property
    def attr(self) -> str:
        return self.field or self.name

    @property
    def shown_default(self) -> Any:
        """The default as a URL would give it ("1" for on), or None when it is nothing."""
        if self.default in (None, "", ()):
            return None
        return ("1" if self.default else "0") if self.kind is bool else self.default

    def parse(self, value: str) -> Any:
        """One value, checked: a BadRequest names the parameter and the value."""
        if self.kind is bool:
            return value not in FALSE
        if self.kind is int:
            return _int(self.name, value, self.low, self.high)
        if self.kind is dt.date:
            return _date(self.name, value)
        return self._text(value)

    def _text(self, value: str) -> str:
        if self.choices and value not in self.choices:
            raise BadRequest(
                f"{self.name} must be one of {', '.join(self.choices)}, not {value[:SHOWN]!r}"
            )
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise BadRequest(f"{self.name} must look like {self.like}, not {value[:SHOWN]!r}")
        if self.max_chars is None or len(value) <= self.max_chars:
            return value
        if not self.refuse_long:
            return value[: self.max_chars]
        raise QueryTooComplex(
            f"{self.noun or self.name} is {len(value):,} characters; the limit is {self.max_chars}"
        )

    def read(self, values: list[str]) -> Any:
        """The parameter's value from the *values* given for it (empty ones left out):
        the last one, or every one (de-duplicated) when repeated; None when none."""
        if not self.repeated:
            return self.parse(values[-1]) if values else None
        cleaned = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
        if len(cleaned) > MAX_FILTER_VALUES:
            raise BadRequest(f"at most {MAX_FILTER_VALUES} values of {self.name}")
        return tuple(self.parse(v) for v in cleaned) if cleaned else None

    def get(self, params: Iterable[tuple[str, str]]) -> Any:
        """The parameter's value in URL-style *params*, or its default."""
        found = self.read([v for k, v in given(params) if k == self.name])
        return self.default if found is None else found

    def echo(self, value: Any) -> Any:
        """*value* (as SearchRequest holds it) as JSON has it."""
        if self.repeated:
            return list(value)
        return value.isoformat() if isinstance(value, dt.date) else value


@dataclass(frozen=True, slots=True)
class SearchRequest:
    q: str = ""
    contexts: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # ISO 3166 alpha-2 country codes, "CN"
    years: tuple[int, ...] = ()
    months: tuple[str, ...] = ()  # "2017-02"
    langs: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = SORTS[0]
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    facets: bool = True
    spell: bool = True  # offer and apply spelling corrections
    group: str = ""  # "story": the best hit of each story; total and pages count stories

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


PAGE = Param("page", "page", int, low=1, high=MAX_PAGE, default=1)
QUERY = Param(
    "q",
    'query: words (all required), "phrases", -exclusion, OR, (groups), context:, '
    "source:, lang:, date:YYYY[-MM[-DD]][..end], title:, prefix*, fuzzy~",
    max_chars=MAX_QUERY_CHARS,
    refuse_long=True,
    noun="query",
)


def _of_request(*params: Param) -> tuple[Param, ...]:
    """*params* with the defaults of the SearchRequest attributes they set."""
    blank = SearchRequest()
    return tuple(replace(p, default=getattr(blank, p.attr)) for p in params)


SEARCH_PARAMS = _of_request(
    QUERY,
    Param(
        "context",
        "story heading or topic (OR within, AND across)",
        repeated=True,
        filter=True,
        field="contexts",
    ),
    Param("domain", "source domain, e.g. bbc.co.uk", repeated=True, filter=True, field="domains"),
    Param(
        "place",
        "country named by the event, ISO 3166 code, e.g. CN",
        repeated=True,
        filter=True,
        field="places",
        pattern=r"[A-Z]{2}",
        like="CN",
    ),
    Param(
        "year", "year", int, repeated=True, filter=True, field="years", low=YEARS[0], high=YEARS[1]
    ),
    Param(
        "month",
        "month, e.g. 2017-02",
        repeated=True,
        filter=True,
        field="months",
        pattern=r"\d{4}-\d{2}",
        like="2017-02",
    ),
    Param("lang", "language", repeated=True, filter=True, field="langs", choices=LANGS),
    Param("from", "first day (inclusive)", dt.date, filter=True, field="date_from"),
    Param("to", "last day (inclusive)", dt.date, filter=True, field="date_to"),
    Param("sort", "order", choices=SORTS),
    replace(PAGE, help=f"page number; results past the first {MAX_RESULTS} are refused"),
    Param("per_page", "results per page", int, low=1, high=MAX_PER_PAGE),
    Param("facets", "compute facets", bool),
    Param(
        "group",
        "story: the best hit of each story, with how many more it has; total and "
        "paging then count stories",
        choices=(GROUP_STORY,),
    ),
)
FILTERS = tuple(p for p in SEARCH_PARAMS if p.filter)
SEARCH_PARAM = {p.name: p for p in SEARCH_PARAMS}

# Text the browse pages match names against, and a prefix to complete: longer is cut.
STORY_NAME = Param("name", "part of the story's name", max_chars=MAX_TEXT_CHARS, default="")
FACET_TEXT = Param("facet_q", "part of a value", max_chars=MAX_TEXT_CHARS, default="")
SUGGEST_PREFIX = Param("q", "prefix", max_chars=MAX_TEXT_CHARS, default="")


def given(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parameters that carry a value. An empty one means "not given": OpenSearch
    clients fill an optional template parameter they do not know (``page={startPage?}``)
    with the empty string, and forms send their empty fields."""
    return [(key, value) for key, value in params if value.strip()]


def page_number(value: str) -> int:
    """A ``page`` parameter, validated (also used by story timelines); empty: page 1."""
    return int(PAGE.get([("page", value)]))


def check_query(text: str) -> str:
    """*text* if a query may be that long, else QueryTooComplex (also checked by
    ``search.query.build_query`` for requests made without parsing)."""
    return str(QUERY.parse(text))


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value[:SHOWN]!r}") from None
    if not low <= number <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, not {number}")
    return number


def _date(name: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2017-02-03, not {value[:SHOWN]!r}") from None


def parse_request(params: Iterable[tuple[str, str]]) -> SearchRequest:
    """URL-style parameters -> SearchRequest; repeated keys select several values.

    Keys: the names in :data:`SEARCH_PARAMS`; a key with an empty value counts as
    absent (see :func:`given`); other keys are not this function's business.
    """
    multi: dict[str, list[str]] = {}
    for key, value in given(params):
        multi.setdefault(key, []).append(value)
    values = {p.attr: p.read(multi[p.name]) for p in SEARCH_PARAMS if p.name in multi}
    request = SearchRequest(**{k: v for k, v in values.items() if v is not None})
    _check_depth(request.page, request.per_page)
    return request


def _check_depth(page: int, per_page: int) -> None:
    if page * per_page > MAX_RESULTS and (page - 1) * per_page >= MAX_RESULTS:
        raise PageOutOfRange(
            f"page {page} is past the first {MAX_RESULTS} results; narrow the search "
            "or browse by day or story"
        )


def filters_of(request: SearchRequest) -> dict[str, Any]:
    """The filters of *request*, as a result echoes them (named as in URLs)."""
    return {p.name: p.echo(getattr(request, p.attr)) for p in FILTERS}
