"""The OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``).

One record per operation: its path, summary, parameters and the body it answers with.
The query parameters are those of ``search.params`` (one table, which parsing, the CLI
and the pages also read); the bodies' schemas are made from the result types
(``web.schemas``). Each operation's query parameters are also the only ones its
endpoint accepts (:func:`query_parameters`, used by ``web.api``): any other name is
refused with 400.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any

from search import browse
from search.facet_values import LONG_FACETS
from search.params import FACET_TEXT, PAGE, SEARCH_PARAMS, STORY_NAME, SUGGEST_PREFIX, YEARS, Param
from web import schemas

SCRIPTS = ("Hans", "Hant")  # a reader's script: story names as the reader writes them
SCRIPT = Param(
    "script",
    "the reader's Chinese script: a story the archive spells both ways is named in it "
    "(its query finds either spelling)",
    choices=SCRIPTS,
)
PROBLEM = {"$ref": "#/components/responses/Problem"}


@dataclass(frozen=True, slots=True)
class PathParam:
    name: str
    help: str
    schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    """``GET`` *path* (as OpenAPI writes it, under ``/api/v1``): what it answers with."""

    path: str
    summary: str
    body: schemas.Body  # its 200 answer's (a result type, or a web.schemas.MERGED name)
    query: tuple[Param, ...] = ()
    path_params: tuple[PathParam, ...] = ()  # what they name the index may lack: a 404
    also: dict[str, str] = field(default_factory=dict)  # other statuses it answers
    download: str = ""  # a file's media type: its 200 is that file, *body* one row's

    @property
    def ref(self) -> str:
        return _ref(schemas.name_of(self.body))

    def content(self) -> dict[str, Any]:
        if not self.download:
            return {"application/json": {"schema": {"$ref": self.ref}}}
        # One row's schema as OpenAPI 3.2 names it for a sequence of JSON values
        # (itemSchema), here an extension: 3.1 has no word for it.
        row = {"x-itemSchema": {"$ref": self.ref}} if "json" in self.download else {}
        return {self.download: {"schema": {"type": "string"}, **row}}

    def parameters(self) -> list[dict[str, Any]]:
        inside = [_parameter(p.name, "path", p.schema, p.help) for p in self.path_params]
        return inside + [_query_parameter(p) for p in self.query]

    def responses(self) -> dict[str, Any]:
        headers = {"ETag": {"schema": {"type": "string"}}, **(DOWNLOAD if self.download else {})}
        answers: dict[str, Any] = {
            "200": {"description": self.summary, "headers": headers, "content": self.content()},
            "304": {"description": "Not modified (If-None-Match matched the ETag)"},
            **{status: {"description": text} for status, text in self.also.items()},
            "400": PROBLEM,
            "429": PROBLEM,
            "503": PROBLEM,
        }
        if self.path_params:
            answers["404"] = PROBLEM
        return answers


def _ref(name: str) -> str:
    return schemas.REF.format(name=name)


def _parameter(name: str, where: str, schema: dict[str, Any], help: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": help,
    }


def _query_parameter(param: Param) -> dict[str, Any]:
    described = _parameter(param.name, "query", schemas.param_schema(param), param.help)
    return {**described, "explode": True} if param.repeated else described


EVENT_ID = PathParam(
    "id",
    "event id, e.g. news/2017/02/3/<slug>",
    {
        "type": "string",
        "pattern": r"^news/\d{4}/\d{2}/\d{1,2}/[^/]+$",
        "examples": [
            "news/2014/07/17/the-australian-senate-votes-to-abolish-the-carbon-pricing-scheme-"
            "introduced-two-years-earlier-making-australia-the-first-country-to-repeal-a"
        ],
    },
)
STORY = PathParam(
    "name", "story or topic", {"type": "string", "minLength": 1, "examples": ["Syrian Civil War"]}
)
DAY = PathParam("date", "YYYY-MM-DD", {"type": "string", "format": "date"})
MONTH_DAY = PathParam(
    "month_day",
    "MM-DD",
    {
        "type": "string",
        # a real month-day: 02-29 yes, 04-31 no
        "pattern": (
            r"^(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2\d)"
            r"|(?:0[13-9]|1[0-2])-30|(?:0[13578]|1[02])-31)$"
        ),
        "examples": ["07-17"],
    },
)
PERIOD = PathParam(
    "period",
    f"YYYY or YYYY-MM (years {YEARS[0]} to {YEARS[1]}; others are refused with 400)",
    {
        "type": "string",
        "pattern": r"^\d{4}(?:-(?:0[1-9]|1[0-2]))?$",
        "examples": ["2017", "2017-02"],
    },
)
PLACE = PathParam(
    "code",
    "ISO 3166-1 alpha-2 country code (not two capital letters: 400; no events: 404)",
    {"type": "string", "examples": ["CN"]},
)
FACET = PathParam("name", "facet", {"type": "string", "enum": list(LONG_FACETS)})
# The search's parameters but its page: a facet's list has pages of its own.
OF_SEARCH = tuple(p for p in SEARCH_PARAMS if p.name != PAGE.name)

MAX_EXPORT_ROWS = 10_000
EXPORT_LIMIT = Param(
    "limit",
    "rows: the first this many results",
    int,
    low=1,
    high=MAX_EXPORT_ROWS,
    default=MAX_EXPORT_ROWS,
)
# What an export takes: the search's query, filters and order, and how many rows; it
# has no pages, and no facets to compute.
OF_EXPORT = (
    *(p for p in SEARCH_PARAMS if p.name not in (PAGE.name, "per_page", "facets")),
    EXPORT_LIMIT,
)
DOWNLOAD = {
    "X-Total-Count": {
        "description": "the results the search finds",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-Export-Truncated": {
        "description": "true when the file holds fewer rows than X-Total-Count (limit, "
        f"at most {MAX_EXPORT_ROWS:,}, cut it)",
        "schema": {"type": "string", "enum": ["true", "false"]},
    },
    "Content-Disposition": {
        "description": 'attachment; filename="events-<query>.<extension>"',
        "schema": {"type": "string"},
    },
}
EXPORT_NOTE = (
    f"; the first {MAX_EXPORT_ROWS:,} at most (past the paging cap), in the search's "
    "order, streamed; one row an event (ExportRow). Also at the same path outside /api/v1."
)

OPERATIONS = (
    Operation("/search", "Search events", schemas.SearchResult, SEARCH_PARAMS),
    Operation(
        "/events/{id}",
        "One event, with its story and related events, as its page shows it "
        "(an alias redirects with 301)",
        "EventPage",
        path_params=(EVENT_ID,),
        also={"301": "Moved to the current id"},
    ),
    Operation(
        "/events/{id}/related",
        "Related events",
        schemas.RelatedEvents,
        path_params=(EVENT_ID,),
    ),
    Operation(
        "/contexts/{name}",
        "A story's timeline",
        browse.Timeline,
        (PAGE,),
        path_params=(STORY,),
    ),
    Operation("/days/{date}", "A day's events", browse.Day, path_params=(DAY,)),
    Operation(
        "/on-this-day/{month_day}",
        "The same day across years",
        browse.OnThisDay,
        path_params=(MONTH_DAY,),
    ),
    Operation(
        "/suggest", "Completions for a prefix", schemas.Suggestions, (SUGGEST_PREFIX, SCRIPT)
    ),
    Operation("/overview", "Latest days, busiest stories, on this day", schemas.Overview),
    Operation(
        "/stories",
        "Every story and topic, largest first, found by part of its name",
        browse.Stories,
        (STORY_NAME, PAGE),
    ),
    Operation("/places", "Every country the events name, busiest first", browse.Places),
    Operation(
        "/places/{code}",
        "A country's events over time, its busiest stories and newest events",
        browse.Place,
        path_params=(PLACE,),
    ),
    Operation("/calendar", "Events per year", "Calendar"),
    Operation(
        "/calendar/{period}",
        "Events per month of a year, or per day of a month",
        "Calendar",
        path_params=(PERIOD,),
        also={"307": "an empty period: redirected to /calendar"},
    ),
    Operation(
        "/facets/{name}",
        "Every value of a long facet of a search, with counts, searchable and paged",
        "FacetValues",
        (*OF_SEARCH, FACET_TEXT, replace(PAGE, help="page of values")),
        path_params=(FACET,),
    ),
    Operation(
        "/search.csv",
        "A search's results as CSV (UTF-8 with a byte order mark, for spreadsheets; lists "
        "joined with ' | '; a cell starting with = + - @ is prefixed with ', so that "
        "spreadsheets take no cell for a formula)" + EXPORT_NOTE,
        schemas.ExportRow,
        OF_EXPORT,
        download="text/csv",
    ),
    Operation(
        "/search.jsonl",
        "A search's results as JSON Lines (one JSON object a line)" + EXPORT_NOTE,
        schemas.ExportRow,
        OF_EXPORT,
        download="application/x-ndjson",
    ),
)
OPERATION = {o.path: o for o in OPERATIONS}

DESCRIPTION = (
    "Search an archive of news events. Errors are problem+json. "
    "Each operation accepts only the query parameters listed for it: any other name (a "
    "typo such as `contxt`) is answered with 400 naming it, rather than silently ignored; "
    "names starting with `_` (cache-busters such as `_=1700000000`) are allowed and "
    "ignored. A parameter with an empty value (`page=`, as OpenSearch clients send for "
    "an optional template parameter) counts as not given."
)


def query_parameters(path: str) -> frozenset[str]:
    """The query parameter names operation *path* (e.g. ``/contexts/{name}``) accepts."""
    return frozenset(p.name for p in OPERATION[path].query)


@functools.cache
def paths() -> dict[str, Any]:
    return {
        o.path: {
            "get": {
                "summary": o.summary,
                "parameters": o.parameters(),
                "responses": o.responses(),
            }
        }
        for o in OPERATIONS
    }


@functools.cache
def components() -> dict[str, Any]:
    return schemas.components(o.body for o in OPERATIONS)


def spec(server: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "eventsearch API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": f"{server}/api/v1"}],
        "paths": paths(),
        "components": {
            "schemas": components(),
            "responses": {
                "Problem": {
                    "description": "An error (RFC 9457)",
                    "content": {"application/problem+json": {"schema": {"$ref": _ref("Problem")}}},
                }
            },
        },
    }
