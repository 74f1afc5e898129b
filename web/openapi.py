"""The OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``).

Written by hand from the same constants the code validates with, and checked against
the real endpoints by tests (and by Schemathesis, see docs)."""

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
_FACET = {
    "type": "object",
    "required": ["name", "values", "truncated"],
    "properties": {
        "name": {"type": "string", "enum": ["context", "domain", "year", "month", "lang"]},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["value", "count", "selected"],
                "properties": {
                    "value": {"type": "string"},
                    "count": {"type": "integer"},
                    "selected": {"type": "boolean"},
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
                    "properties": {
                        "text": {"type": "string"},
                        "count": {"type": "integer"},
                        "kind": {"type": "string", "enum": ["context", "phrase", "word"]},
                    },
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


def spec(server: str) -> dict[str, Any]:
    def get(
        summary: str, params: list[dict[str, Any]], responses: dict[str, Any]
    ) -> dict[str, Any]:
        return {"get": {"summary": summary, "parameters": params, "responses": responses}}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "eventsearch API",
            "version": "1",
            "description": "Search an archive of news events. Errors are problem+json.",
        },
        "servers": [{"url": f"{server}/api/v1"}],
        "paths": {
            "/search": get("Search events", SEARCH_PARAMS, _ok("SearchResult", "Results")),
            "/events/{id}": get(
                "One event (an alias redirects with 301)",
                [EVENT_ID],
                {
                    **_ok("Event", "The event", True),
                    "301": {"description": "Moved to the current id"},
                },
            ),
            "/events/{id}/related": get(
                "Related events", [EVENT_ID], _ok("Related", "Related events", True)
            ),
            "/contexts/{name}": get(
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
            "/days/{date}": get(
                "A day's events",
                [
                    _param("date", {"type": "string", "format": "date"}, "YYYY-MM-DD", "path"),
                ],
                _ok("Day", "The day", True),
            ),
            "/on-this-day/{month_day}": get(
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
            "/suggest": get(
                "Completions for a prefix",
                [
                    _param("q", {"type": "string", "maxLength": 100}, "prefix"),
                ],
                _ok("Suggestions", "Suggestions"),
            ),
            "/overview": get(
                "Latest days, busiest stories, on this day", [], _ok("Overview", "Overview")
            ),
        },
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
