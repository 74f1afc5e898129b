"""The data behind every page and API response, built once per request kind.

Pages render these dicts with templates; the API returns them as JSON. Keeping one
builder per kind is what makes each HTML page's JSON twin say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from search import histogram
from search.browse import busiest_stories as busiest
from search.facets import context_spellings
from search.params import parse_request
from search.service import Search
from web import citation, i18n, scripts
from web.links import SearchLinks

Cite = tuple[str, str, dt.date]  # base URL, site name, day of access
LATEST_DAYS = 5
BUSIEST_STORIES = 12


def search_data(
    search: Search, params: Iterable[tuple[str, str]], path: str = "/search"
) -> dict[str, Any]:
    """A search's answer; each facet value also gets its ``label`` and the ``toggle_url``
    (a search at *path*) that selects or unselects it, as the page's links do."""
    params = list(params)
    result = search.search(parse_request(params)).to_dict()
    links = SearchLinks(params, path)
    hits = [_grouped(hit, links) if "group" in hit else hit for hit in result["hits"]]
    return {
        **result,
        "hits": hits,
        "facets": [_facet(facet, links) for facet in result["facets"]],
        "timeline": timeline(result["timeline"], links),
        "date_suggestion": _date_suggestion(result["date_suggestion"], links),
    }


def _grouped(hit: dict[str, Any], links: SearchLinks) -> dict[str, Any]:
    """A grouped hit with the ``url`` of its story's other events (None: it has none)."""
    group, story = hit["group"], hit["group"]["story"]
    url = links.story(story) if story is not None and group["more"] else None
    return {**hit, "group": {**group, "url": url}}


def timeline(chart: dict[str, Any], links: SearchLinks) -> dict[str, Any]:
    """A timeline (search.histogram) with each bucket's ``url``: the search of *links*
    narrowed to it."""
    level = chart["level"]
    buckets = [{**b, "url": links.narrow(level, b["bucket"])} for b in chart["buckets"]]
    return {**chart, "buckets": buckets}


def _date_suggestion(found: dict[str, Any] | None, links: SearchLinks) -> dict[str, Any] | None:
    """The query's date as a filter: the query without it, the date in year/month."""
    if found is None:
        return None
    month = (found["month"],) if found["month"] else ()
    url = links.replaced({"q": (found["query"],), "year": (str(found["year"]),), "month": month})
    return {**found, "url": url}


def _facet(facet: dict[str, Any], links: SearchLinks) -> dict[str, Any]:
    name = facet["name"]
    values = [
        {**v, "label": facet_label(name, v["value"]), "toggle_url": links.toggle(name, v["value"])}
        for v in facet["values"]
    ]
    return {**facet, "values": values}


def facet_label(name: str, value: str) -> str:
    """A facet value as the API labels it, in English: "English", "July 2014"; else the
    value itself (pages label values in the reader's interface, web.i18n.Words)."""
    return i18n.words(i18n.ENGLISH).facet_label(name, value)


def archive_languages(search: Search) -> list[str]:
    """The languages of the archive's events ("zh", "en"), most events first."""
    return list(search.snapshot().languages)


def archive_language(search: Search) -> str:
    """The language most of the archive's events are in ("en" for an empty one)."""
    return next(iter(archive_languages(search)), "en")


def spelling(search: Search, name: str, script: str | None) -> str:
    """Story *name* as a reader of *script* ("Hans", "Hant") sees it: the archive's own
    spelling in that script when its events spell the story both ways (web.scripts)."""
    if script is None:
        return name
    spellings = context_spellings(search.snapshot(), name)
    return scripts.prefer([name, *spellings], script) if spellings else name


def event_data(search: Search, event_id: str, cite: Cite) -> dict[str, Any]:
    """An event with its related events, its sources' archived copies and its citation
    (*cite*: the site's absolute base URL, its name and the day of access)."""
    event = search.event(event_id)
    return {
        "event": event.to_dict(),
        "related": [r.to_dict() for r in search.related(event.id)],
        "story": event.story,
        "thread": thread_data(search, event.id),
        "sources": citation.cited_sources(event),
        "citation": citation.citation(event, *cite),
    }


def thread_data(search: Search, event_id: str) -> dict[str, Any] | None:
    """The event's story thread (search.threads), None when it shares no story."""
    found = search.thread(event_id)
    return None if found is None else found.to_dict()


def related_data(search: Search, event_id: str) -> dict[str, Any]:
    event = search.event(event_id)
    return {"id": event.id, "related": [r.to_dict() for r in search.related(event.id)]}


def story_data(search: Search, name: str, page: int = 1, path: str = "/search") -> dict[str, Any]:
    """A story's events, and its life over time: a bar opens a search (at *path*) of
    the story's events in that year, month or day."""
    story = search.timeline(name, page).to_dict()
    links = SearchLinks([("context", story["context"])], path)
    return {**story, "timeline": timeline(story["timeline"], links)}


def place_data(search: Search, code: str, path: str = "/search") -> dict[str, Any]:
    """A place's events over time, its busiest stories and newest events: a bar opens
    a search (at *path*) of the place's events in that period."""
    place = search.place(code).to_dict()
    links = SearchLinks([("place", code)], path)
    return {**place, "timeline": timeline(place["timeline"], links)}


def day_data(search: Search, date: str) -> dict[str, Any]:
    return search.day(date).to_dict()


def on_this_day_data(search: Search, month: int, day: int) -> dict[str, Any]:
    return search.on_this_day(month, day).to_dict()


def suggest_data(
    search: Search, prefix: str, limit: int = 10, script: str | None = None
) -> dict[str, Any]:
    """Completions of *prefix*; a story's ``text`` in the reader's *script* ("Hans",
    "Hant") where the archive spells it both ways (its ``query`` finds either)."""
    return {
        "query": prefix,
        "suggestions": [
            {
                "text": spelling(search, s.text, script) if s.kind == "context" else s.text,
                "kind": s.kind,
                "count": s.count,
                "query": s.query,
            }
            for s in search.suggest(prefix, limit)
        ],
    }


def home_data(
    search: Search, today: dt.date | None = None, path: str = "/search"
) -> dict[str, Any]:
    latest = [
        {
            "date": day.date.isoformat(),
            "count": len(day.events),
            "events": [e.to_dict() for e in day.events[:3]],
        }
        for day in search.latest_days(LATEST_DAYS)
    ]
    today = today or dt.date.today()
    on_this_day = search.on_this_day(today.month, today.day).to_dict()
    return {
        "stats": search.stats(),
        "latest_days": latest,
        "busiest_stories": busiest_stories(search),
        "on_this_day": on_this_day,
        "timeline": timeline(histogram.archive(search.snapshot()).to_dict(), SearchLinks([], path)),
    }


def busiest_stories(search: Search) -> list[dict[str, Any]]:
    """The stories with the most events, most first."""
    return [
        {"name": name, "count": count}
        for name, count in busiest(search.snapshot(), BUSIEST_STORIES)
    ]


def example_story(search: Search) -> str | None:
    """A story to show as an example query (the placeholder, the home page, OpenSearch):
    the busiest, so the example finds something in this very archive."""
    found = busiest(search.snapshot(), 1)
    return found[0][0] if found else None
