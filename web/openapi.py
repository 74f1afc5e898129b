"""The OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``).

Written by hand from the same constants the code validates with, and checked against
the real endpoints by tests (and by Schemathesis, see docs). Each operation's query
parameters here are also the only ones its endpoint accepts (:func:`query_parameters`,
used by ``web.api``): any other name is refused with 400.
"""

from __future__ import annotations

from typing import Any

from search.params import LANGS, MAX_PER_PAGE, MAX_QUERY_CHARS, SORTS

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _param(
    name: str,
    schema: dict[str, Any],
    description: str,
    where: str = "query",
    required: bool = False,
    explode: bool | None = None,
) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }
    if explode is not None:
        param["explode"] = explode
    return param


def _many(name: str, item: dict[str, Any], description: str) -> dict[str, Any]:
    return _param(name, {"type": "array", "items": item, "maxItems": 50}, description, explode=True)


def _ok(schema: str, description: str, with_404: bool = False) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": description,
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        },
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
        "400": PROBLEM,
        "429": PROBLEM,
        "503": PROBLEM,
    }
    if with_404:
        responses["404"] = PROBLEM
    return responses


EVENT_ID = _param(
    "id",
    {
        "type": "string",
        "pattern": r"^news/\d{4}/\d{2}/\d{1,2}/[^/]+$",
        "examples": [
            "news/2014/07/17/the-australian-senate-votes-to-abolish-the-carbon-pricing-scheme-"
            "introduced-two-years-earlier-making-australia-the-first-country-to-repeal-a"
        ],
    },
    "event id, e.g. news/2017/02/3/<slug>",
    where="path",
)

SEARCH_PARAMS = [
    _param(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_CHARS},
        'query: words (all required), "phrases", -exclusion, OR, (groups), context:, '
        "source:, lang:, date:YYYY[-MM[-DD]][..end], title:, prefix*, fuzzy~",
    ),
    _many("context", {"type": "string"}, "story heading or topic (OR within, AND across)"),
    _many("domain", {"type": "string"}, "source domain, e.g. bbc.co.uk"),
    _many("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "year"),
    _many("month", {"type": "string", "pattern": r"^\d{4}-\d{2}$"}, "month, e.g. 2017-02"),
    _many("lang", {"type": "string", "enum": list(LANGS)}, "language"),
    _param("from", {"type": "string", "format": "date"}, "first day (inclusive)"),
    _param("to", {"type": "string", "format": "date"}, "last day (inclusive)"),
    _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"}, "order"),
    _param(
        "page",
        {"type": "integer", "minimum": 1, "default": 1},
        "page number; results past the first 1000 are refused (400)",
    ),
    _param(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
        "results per page",
    ),
    _param("facets", {"type": "string", "enum": ["0", "1"], "default": "1"}, "compute facets"),
]

_EVENT = {
    "type": "object",
    "required": ["id", "date", "lang", "title", "summary", "contexts", "sources", "related"],
    "properties": {
        "id": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "lang": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "contexts": {"type": "array", "items": {"type": "string"}},
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "url", "domain"],
                "properties": {
                    "name": {"type": "string"},
                    "url": {"type": "string"},
                    "domain": {"type": "string"},
                },
            },
        },
        "images": {"type": "array", "items": {"type": "string"}},
        "related": {"type": "array", "items": {"type": "object"}},
        "aliases": {"type": "array", "items": {"type": "string"}},
        "position": {"type": "integer"},
        "listing_only": {"type": "boolean"},
    },
}
_FACET: dict[str, Any] = {
    "type": "object",
    "required": ["name", "values", "truncated"],
    "properties": {
        "name": {"type": "string", "enum": ["context", "domain", "year", "month", "lang"]},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["value", "label", "count", "selected", "toggle_url"],
                "properties": {
                    "value": {"type": "string"},
                    "label": {"type": "string", "description": 'as shown, e.g. "July 2014"'},
                    "count": {"type": "integer"},
                    "selected": {"type": "boolean"},
                    "toggle_url": {
                        "type": "string",
                        "format": "uri",
                        "description": "this search with the value selected, or unselected "
                        "when it is; every other parameter kept, page reset",
                    },
                },
            },
        },
        "truncated": {"type": "boolean"},
    },
}
_RELATED = {
    "type": "object",
    "required": ["id", "title", "date", "contexts", "reasons", "shared_contexts", "in_archive"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "date": {"type": ["string", "null"], "format": "date"},
        "contexts": {"type": "array", "items": {"type": "string"}},
        "reasons": {
            "type": "array",
            "items": {"type": "string", "enum": ["linked", "links here", "similar"]},
        },
        "shared_contexts": {"type": "array", "items": {"type": "string"}},
        "in_archive": {"type": "boolean"},
    },
}
_EVENTS = {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}

SCHEMAS: dict[str, Any] = {
    "Event": _EVENT,
    "EventPage": {
        "description": "The event page's data: the event, its story and ranked related events",
        "allOf": [
            {"$ref": "#/components/schemas/Event"},
            {
                "type": "object",
                "required": ["story", "related_events"],
                "properties": {
                    "story": {"type": ["string", "null"], "description": "its story heading"},
                    "related_events": {
                        "type": "array",
                        "description": "as the page lists them (also /events/{id}/related)",
                        "items": {"$ref": "#/components/schemas/RelatedEvent"},
                    },
                },
            },
        ],
    },
    "Facet": _FACET,
    "RelatedEvent": _RELATED,
    "SearchResult": {
        "type": "object",
        "required": [
            "query",
            "total",
            "page",
            "per_page",
            "pages",
            "hits",
            "facets",
            "took_ms",
            "mode",
            "interpreted",
        ],
        "properties": {
            "query": {"type": "string"},
            "interpreted": {"type": "string"},
            "mode": {"type": "string", "enum": ["all", "any", "corrected"]},
            "did_you_mean": {"type": ["string", "null"]},
            "corrected_from": {"type": ["string", "null"]},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "sort": {"type": "string"},
            "filters": {"type": "object"},
            "took_ms": {"type": "number"},
            "generation": {"type": "string"},
            "hits": {
                "type": "array",
                "items": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Event"},
                        {
                            "type": "object",
                            "required": ["highlight", "truncated"],
                            "properties": {
                                "highlight": {
                                    "type": "object",
                                    "properties": {
                                        "title": {"type": "string"},
                                        "summary": {"type": "string"},
                                    },
                                },
                                "truncated": {
                                    "type": "boolean",
                                    "description": "title, summary or lists were cut to keep "
                                    "the hit small; /events/{id} has the whole event",
                                },
                            },
                        },
                    ]
                },
            },
            "facets": {"type": "array", "items": {"$ref": "#/components/schemas/Facet"}},
            "per_year": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    },
    "Related": {
        "type": "object",
        "required": ["id", "related"],
        "properties": {
            "id": {"type": "string"},
            "related": {"type": "array", "items": {"$ref": "#/components/schemas/RelatedEvent"}},
        },
    },
    "Timeline": {
        "type": "object",
        "required": ["context", "total", "per_year", "events"],
        "properties": {
            "context": {"type": "string"},
            "total": {"type": "integer"},
            "per_year": {"type": "object"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "events": _EVENTS,
        },
    },
    "Day": {
        "type": "object",
        "required": ["date", "previous", "next", "events"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "previous": {"type": ["string", "null"]},
            "next": {"type": ["string", "null"]},
            "events": _EVENTS,
        },
    },
    "OnThisDay": {
        "type": "object",
        "required": ["month", "day", "years"],
        "properties": {
            "month": {"type": "integer"},
            "day": {"type": "integer"},
            "years": {"type": "object"},
        },
    },
    "Suggestions": {
        "type": "object",
        "required": ["query", "suggestions"],
        "properties": {
            "query": {"type": "string"},
            "suggestions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["text", "kind", "count", "query"],
                    "properties": {
                        "text": {"type": "string"},
                        "count": {
                            "type": "integer",
                            "description": "the total that searching `query` finds",
                        },
                        "kind": {"type": "string", "enum": ["context", "phrase", "word"]},
                        "query": {
                            "type": "string",
                            "description": 'what to search for (a story: context:"…", its events)',
                        },
                    },
                },
            },
        },
    },
    "Stories": {
        "type": "object",
        "required": ["name", "total", "page", "pages", "stories"],
        "properties": {
            "name": {"type": "string", "description": "the name filter given"},
            "total": {"type": "integer", "description": "stories whose name matches"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "stories": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "count", "first", "last"],
                    "properties": {
                        "name": {"type": "string"},
                        "count": {"type": "integer"},
                        "first": {"type": "string", "format": "date"},
                        "last": {"type": "string", "format": "date"},
                    },
                },
            },
        },
    },
    "Calendar": {
        "type": "object",
        "required": ["period", "unit", "total", "counts", "previous", "next"],
        "properties": {
            "period": {"type": "string", "description": "'' (all years), YYYY or YYYY-MM"},
            "unit": {"type": "string", "enum": ["year", "month", "day"]},
            "total": {"type": "integer"},
            "counts": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "events per year, month or day of the period",
            },
            "previous": {"type": ["string", "null"]},
            "next": {"type": ["string", "null"]},
        },
    },
    "FacetValues": {
        "type": "object",
        "required": ["name", "contains", "total", "page", "pages", "values"],
        "properties": {
            "name": {"type": "string", "enum": ["context", "domain"]},
            "contains": {"type": "string"},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "query": {"type": "string"},
            "values": {
                "type": "array",
                "items": {
                    **_FACET["properties"]["values"]["items"],
                    "required": ["value", "count", "selected", "toggle_url"],
                },
            },
        },
    },
    "Overview": {
        "type": "object",
        "required": ["stats", "latest_days", "busiest_stories", "on_this_day"],
    },
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
        },
    },
}


def _get(summary: str, params: list[dict[str, Any]], responses: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


PATHS: dict[str, Any] = {
    "/search": _get("Search events", SEARCH_PARAMS, _ok("SearchResult", "Results")),
    "/events/{id}": _get(
        "One event, with its story and related events, as its page shows it "
        "(an alias redirects with 301)",
        [EVENT_ID],
        {
            **_ok("EventPage", "The event", True),
            "301": {"description": "Moved to the current id"},
        },
    ),
    "/events/{id}/related": _get(
        "Related events", [EVENT_ID], _ok("Related", "Related events", True)
    ),
    "/contexts/{name}": _get(
        "A story's timeline",
        [
            _param(
                "name",
                {"type": "string", "minLength": 1, "examples": ["Syrian Civil War"]},
                "story or topic",
                "path",
            ),
            _param("page", {"type": "integer", "minimum": 1, "default": 1}, "page"),
        ],
        _ok("Timeline", "Timeline", True),
    ),
    "/days/{date}": _get(
        "A day's events",
        [
            _param("date", {"type": "string", "format": "date"}, "YYYY-MM-DD", "path"),
        ],
        _ok("Day", "The day", True),
    ),
    "/on-this-day/{month_day}": _get(
        "The same day across years",
        [
            _param(
                "month_day",
                {
                    "type": "string",
                    # a real month-day: 02-29 yes, 04-31 no
                    "pattern": (
                        r"^(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2\d)"
                        r"|(?:0[13-9]|1[0-2])-30|(?:0[13578]|1[02])-31)$"
                    ),
                    "examples": ["07-17"],
                },
                "MM-DD",
                "path",
            ),
        ],
        _ok("OnThisDay", "Events", True),
    ),
    "/suggest": _get(
        "Completions for a prefix",
        [
            _param("q", {"type": "string", "maxLength": 100}, "prefix"),
            _param(
                "script",
                {"type": "string", "enum": ["Hans", "Hant"]},
                "the reader's Chinese script: a story the archive spells both ways is named "
                "in it (its query finds either spelling)",
            ),
        ],
        _ok("Suggestions", "Suggestions"),
    ),
    "/overview": _get("Latest days, busiest stories, on this day", [], _ok("Overview", "Overview")),
    "/stories": _get(
        "Every story and topic, largest first, found by part of its name",
        [
            _param("name", {"type": "string", "maxLength": 100}, "part of the story's name"),
            _param("page", {"type": "integer", "minimum": 1, "default": 1}, "page"),
        ],
        _ok("Stories", "Stories"),
    ),
    "/calendar": _get("Events per year", [], _ok("Calendar", "Years")),
    "/calendar/{period}": _get(
        "Events per month of a year, or per day of a month",
        [
            _param(
                "period",
                {
                    "type": "string",
                    "pattern": r"^(?:19\d\d|20\d\d|2100)(?:-(?:0[1-9]|1[0-2]))?$",
                    "examples": ["2017", "2017-02"],
                },
                "YYYY or YYYY-MM (years 1900 to 2100)",
                "path",
            )
        ],
        {
            **_ok("Calendar", "Months or days", True),
            "307": {"description": "an empty period: redirected to /calendar"},
        },
    ),
    "/facets/{name}": _get(
        "Every value of a long facet of a search, with counts, searchable and paged",
        [
            _param("name", {"type": "string", "enum": ["context", "domain"]}, "facet", "path"),
            *[p for p in SEARCH_PARAMS if p["name"] != "page"],
            _param("facet_q", {"type": "string", "maxLength": 100}, "part of a value"),
            _param("page", {"type": "integer", "minimum": 1, "default": 1}, "page of values"),
        ],
        _ok("FacetValues", "Values", True),
    ),
}

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
    params = PATHS[path]["get"]["parameters"]
    return frozenset(p["name"] for p in params if p["in"] == "query")


def spec(server: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "eventsearch API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": f"{server}/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "Problem": {
                    "description": "An error (RFC 9457)",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
        },
    }
