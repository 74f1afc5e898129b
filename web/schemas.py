"""The JSON bodies of ``/api/v1`` as types, and the JSON Schemas made from them (the
OpenAPI description's ``components``), so the description cannot drift from the code.

A body that is a result dataclass as it is (``Event``, ``Day``, ``Stories``, …) has
the schema msgspec reads from the dataclass's own fields and type hints. What the API
puts beside one (a hit's highlight, a facet value's ``toggle_url``) is a TypedDict
here, merged with it into one flat object:

    Hit          = Event       + HitFields        (the event's own fields at the top)
    EventPage    = Event       + EventPageFields  (its sources each a CitedSource)
    CitedSource  = Source      + SourceLinks      (a source's copies at the Internet Archive)
    FacetValue   = FacetValue  + FacetLinks
    FacetValues  = FacetValues + FacetValuesQuery
    Calendar     = Calendar    + CalendarTotals   (its properties ``unit``, ``total``)
    Suggestion   = Suggestion  + SuggestionQuery  (its property ``query``)
    Filters      = the filters of search.params.SEARCH_PARAMS, as a result echoes them

Every key a serialiser writes is required (ours write ``None`` rather than leave a key
out), except those a TypedDict marks ``NotRequired``. ``tests/web/test_schemas.py``
checks real answers of every route against these schemas, allowing no other key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal, NotRequired, TypedDict

import msgspec

from indexer.event import Event, Source
from search import browse, facet_values, facets, histogram, related, results, suggest, threads
from search.params import FILTERS, MAX_FILTER_VALUES, Param
from search.query_dates import DateSuggestion

REF = "#/components/schemas/{name}"


def _note(text: str, **schema: Any) -> msgspec.Meta:
    return msgspec.Meta(description=text, extra_json_schema=schema or None)


class Highlight(TypedDict):
    title: str  # HTML-safe, matches in <mark>
    summary: str


class HitFields(TypedDict):
    truncated: Annotated[
        bool,
        _note(
            "title, summary or lists were cut to keep the hit small; /events/{id} has "
            "the whole event"
        ),
    ]
    highlight: Annotated[Highlight, _note("title and summary as HTML, matches in <mark>")]
    score: float
    group: NotRequired[Annotated[HitGroup, _note("with group=story only")]]


class HitGroup(TypedDict):
    story: Annotated[str | None, _note("the story heading the hit stands for (None: it has none)")]
    more: Annotated[int, _note("matching events of that story besides this one")]
    url: Annotated[
        str | None,
        _note(
            "this search narrowed to that story (its context filter), ungrouped; None when "
            "there are no more",
            format="uri",
        ),
    ]


class FacetLinks(TypedDict):
    label: NotRequired[Annotated[str, _note('as shown, e.g. "July 2014" (in a search\'s facets)')]]
    toggle_url: Annotated[
        str,
        _note(
            "this search with the value selected, or unselected when it is; every other "
            "parameter kept, page reset",
            format="uri",
        ),
    ]


class FacetValuesQuery(TypedDict):
    query: Annotated[str, _note("the search's query")]


class CalendarTotals(TypedDict):
    unit: Literal["year", "month", "day"]
    total: int


class SuggestionQuery(TypedDict):
    query: Annotated[str, _note('what to search for (a story: context:"…", its events)')]


class SourceLinks(TypedDict):
    archive_url: Annotated[
        str | None,
        _note(
            "its copies at the Internet Archive (https://web.archive.org/web/*/<url>, of "
            "the original when url is already an archive's copy); null when url is not "
            "an http(s) link"
        ),
    ]


class CitedSource(TypedDict):
    """A source as an event page lists it (written from Source and SourceLinks)."""


class Citation(TypedDict):
    permalink: Annotated[str, _note("the event's page, absolute", format="uri")]
    text: Annotated[str, _note("a plain-text citation of its first source (else of its page)")]
    wikipedia: Annotated[
        str, _note("the same as a Wikipedia {{cite news}} template, with an access-date")
    ]


class EventPageFields(TypedDict):
    story: Annotated[str | None, _note("its story heading")]
    related_events: Annotated[
        list[related.RelatedEvent],
        _note("as the page lists them (also /events/{id}/related)"),
    ]
    thread: Annotated[
        threads.Thread | None,
        _note(
            "the nearest events before and after it in its story (kind 'story'), or where "
            "it has none, in its most specific shared context (kind 'context')"
        ),
    ]
    sources: list[CitedSource]
    citation: Citation


class ExportSource(TypedDict):
    name: str
    url: Annotated[str | None, _note("null when the archive's address is not an http(s) link")]


class ExportRow(TypedDict):
    """One event of an export: a line of /search.jsonl; in /search.csv, a row whose
    columns are these (sources as two columns, sources and source_urls), each list
    joined with " | "."""

    id: str
    date: dt.date
    title: str
    story: str | None
    contexts: list[str]
    sources: list[ExportSource]
    permalink: Annotated[str, _note("the event's page, absolute", format="uri")]


class SearchResult(TypedDict):
    query: str
    interpreted: str
    mode: Literal["all", "any", "corrected"]
    did_you_mean: str | None
    corrected_from: str | None
    total: Annotated[int, _note("matching events; with group=story, their stories (groups)")]
    total_events: Annotated[int, _note("matching events, grouped or not")]
    group: Annotated[Literal["story"] | None, _note("how hits are grouped (None: not)")]
    page: int
    per_page: int
    pages: int
    sort: str
    filters: Filters
    took_ms: float
    generation: str
    hits: list[results.Hit]
    facets: list[facets.Facet]
    per_year: dict[str, int]
    timeline: Annotated[
        histogram.Histogram,
        _note("matches per year; with one year chosen per month, with one month per day"),
    ]
    date_suggestion: Annotated[
        DateSuggestion | None,
        _note("a year or month written in the query, offered as a filter instead"),
    ]


class Filters(TypedDict):
    """The search's filters, named as in URLs (written from the parameter table)."""


class RelatedEvents(TypedDict):
    id: str
    related: list[related.RelatedEvent]


class Suggestions(TypedDict):
    query: str
    suggestions: list[suggest.Suggestion]


class Stats(TypedDict):
    generation: str
    events: int
    first_day: dt.date | None
    last_day: dt.date | None


class LatestDay(TypedDict):
    date: dt.date
    count: int
    events: Annotated[list[Event], _note("its first few")]


class StoryCount(TypedDict):
    name: str
    count: int


class Overview(TypedDict):
    stats: Stats
    latest_days: list[LatestDay]
    busiest_stories: list[StoryCount]
    on_this_day: browse.OnThisDay
    timeline: Annotated[histogram.Histogram, _note("the whole archive's events over time")]


class Problem(TypedDict):
    """An error (RFC 9457 problem details)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


# Each body that is not a type as-is: the types whose properties it has, in order.
MERGED: dict[str, tuple[Any, ...]] = {
    "Hit": (Event, HitFields),
    "EventPage": (Event, EventPageFields),
    "CitedSource": (Source, SourceLinks),
    "FacetValue": (facets.FacetValue, FacetLinks),
    "FacetValues": (facet_values.FacetValues, FacetValuesQuery),
    "Calendar": (browse.Calendar, CalendarTotals),
    "Suggestion": (suggest.Suggestion, SuggestionQuery),
}
# Descriptions of dataclass fields (a name that is no property fails loudly).
NOTES = {
    "Stories.name": "the name filter given",
    "Stories.total": "stories whose name matches",
    "Calendar.period": "'' (all years), YYYY or YYYY-MM",
    "Calendar.counts": "events per year, month or day of the period",
    "Suggestion.count": "the total that searching `query` finds",
    "FacetValues.contains": "the text the values' names contain ('' for all)",
    "FacetValues.total": "values with events that contain it",
    "Bucket.bucket": "a year (2011), month (2011-03) or day (2011-03-11)",
    "Bucket.url": "the search narrowed to this bucket, every other filter kept",
    "DateSuggestion.query": "the query without the date",
    "DateSuggestion.month": "YYYY-MM, when the query names a month",
    "DateSuggestion.url": "the search with the date moved into the year/month filters",
}


def value_schema(param: Param) -> dict[str, Any]:
    """The JSON Schema of one value of *param*, as a URL gives it."""
    if param.kind is bool:
        return {"type": "string", "enum": ["0", "1"]}
    if param.kind is int:
        return {"type": "integer", "minimum": param.low, "maximum": param.high}
    if param.kind is dt.date:
        return {"type": "string", "format": "date"}
    schema: dict[str, Any] = {"type": "string"}
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.pattern:
        schema["pattern"] = f"^(?:{param.pattern})$"
    if param.max_chars is not None:
        schema["maxLength"] = param.max_chars
    return schema


def param_schema(param: Param) -> dict[str, Any]:
    """The JSON Schema of *param* in a query string (a repeated one as an array)."""
    if param.repeated:
        return {"type": "array", "items": value_schema(param), "maxItems": MAX_FILTER_VALUES}
    schema = value_schema(param)
    if param.shown_default is not None:
        schema["default"] = param.shown_default
    return schema


def echo_schema(param: Param) -> dict[str, Any]:
    """The JSON Schema of *param* as a result's ``filters`` echo it (``Param.echo``)."""
    value = value_schema(param)
    if param.repeated:
        return {"type": "array", "items": value}
    return {"anyOf": [value, {"type": "null"}]}


def filters_schema() -> dict[str, Any]:
    properties = {p.name: echo_schema(p) for p in FILTERS}
    return {
        "description": Filters.__doc__,
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }


def _every_key_written(schema: dict[str, Any]) -> dict[str, Any]:
    """*schema* with a dataclass's defaulted fields required: its serialiser writes every
    field, so a default is no reason for a key to be missing from an answer."""
    schema.pop("title", None)  # the component's name says it
    properties = schema.get("properties")
    if properties:
        required = set(schema.get("required", ()))
        required |= {name for name, prop in properties.items() if "default" in prop}
        for prop in properties.values():
            prop.pop("default", None)
        schema["required"] = [name for name in properties if name in required]
    return schema


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in parts:
        properties.update(part["properties"])
        required += [n for n in part.get("required", ()) if n not in required]
    merged = {"type": "object", "properties": properties, "required": required}
    description = next((p["description"] for p in parts if "description" in p), None)
    return {"description": description, **merged} if description else merged


def _noted(components: dict[str, Any]) -> None:
    for key, text in NOTES.items():
        name, _, prop = key.partition(".")
        components[name]["properties"][prop]["description"] = text


def _reachable(components: dict[str, Any], roots: Iterable[str]) -> dict[str, Any]:
    """The components *roots* refer to, directly or not (the parts of merged ones not)."""
    seen: list[str] = []
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.append(name)
            todo += refs(components[name])
    return {name: components[name] for name in sorted(seen)}


def refs(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        found = [ref.rsplit("/", 1)[-1]] if isinstance(ref, str) else []
        return found + [r for value in schema.values() for r in refs(value)]
    if isinstance(schema, list):
        return [r for value in schema for r in refs(value)]
    return []


Body = type | str  # a type, or the name of a MERGED body


def name_of(body: Body) -> str:
    return body if isinstance(body, str) else body.__name__


def components(bodies: Iterable[Body]) -> dict[str, Any]:
    """Every schema *bodies* use, keyed by name."""
    bodies = [*bodies, Problem]
    types = [b for b in bodies if not isinstance(b, str)]
    types += [t for parts in MERGED.values() for t in parts]
    _, found = msgspec.json.schema_components(types, ref_template=REF)
    for name, schema in found.items():
        found[name] = _every_key_written(schema)
    merged = {name: _merge([found[t.__name__] for t in parts]) for name, parts in MERGED.items()}
    found.update(merged, Filters=filters_schema())
    _noted(found)
    return _reachable(found, map(name_of, bodies))
