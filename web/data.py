"""The data behind every page and API response, built once per request kind.

Pages render these dicts with templates; the API returns them as JSON. Keeping one
builder per kind is what makes each HTML page's JSON twin say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np

from indexer.schema import context_key
from search.engine import Snapshot
from search.facets import spelling_choices
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
    return {**result, "facets": [_facet(facet, links) for facet in result["facets"]]}


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
    snapshot = search.snapshot()

    def make() -> list[str]:
        cols = snapshot.columns
        codes = np.asarray(cols.lang)[np.asarray(cols.live)]
        counts = np.bincount(codes, minlength=len(cols.langs))
        return [str(cols.langs[i]) for i in np.argsort(-counts, kind="stable") if counts[i]]

    return snapshot.derived("archive_languages", make)


def archive_language(search: Search) -> str:
    """The language most of the archive's events are in ("en" for an empty one)."""
    return next(iter(archive_languages(search)), "en")


def spelling(search: Search, name: str, script: str | None) -> str:
    """Story *name* as a reader of *script* ("Hans", "Hant") sees it: the archive's own
    spelling in that script when its events spell the story both ways (web.scripts)."""
    if script is None:
        return name
    snapshot = search.snapshot()
    number = snapshot.context_index.get(context_key(name))
    choices = spelling_choices(snapshot).get(number) if number is not None else None
    if choices is None:
        return name
    spellings = snapshot.columns.context_spellings
    return scripts.prefer([name, *(spellings[s] for s in choices.tolist())], script)


def event_data(search: Search, event_id: str, cite: Cite) -> dict[str, Any]:
    """An event with its related events, its sources' archived copies and its citation
    (*cite*: the site's absolute base URL, its name and the day of access)."""
    event = search.event(event_id)
    return {
        "event": event.to_dict(),
        "related": [r.to_dict() for r in search.related(event.id)],
        "story": event.story,
        "sources": citation.cited_sources(event),
        "citation": citation.citation(event, *cite),
    }


def related_data(search: Search, event_id: str) -> dict[str, Any]:
    event = search.event(event_id)
    return {"id": event.id, "related": [r.to_dict() for r in search.related(event.id)]}


def story_data(search: Search, name: str, page: int = 1) -> dict[str, Any]:
    return search.timeline(name, page).to_dict()


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


def home_data(search: Search, today: dt.date | None = None) -> dict[str, Any]:
    snapshot = search.snapshot()
    cols = snapshot.columns
    live = np.asarray(cols.live)
    days = np.unique(np.asarray(cols.day)[live])[-LATEST_DAYS:][::-1]
    latest = []
    for number in days:
        date = dt.date(1970, 1, 1) + dt.timedelta(days=int(number))
        day = search.day(date.isoformat())
        latest.append(
            {
                "date": date.isoformat(),
                "count": len(day.events),
                "events": [e.to_dict() for e in day.events[:3]],
            }
        )
    today = today or dt.date.today()
    on_this_day = search.on_this_day(today.month, today.day).to_dict()
    return {
        "stats": search.stats(),
        "latest_days": latest,
        "busiest_stories": busiest_stories(snapshot),
        "on_this_day": on_this_day,
    }


def busiest_stories(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The stories with the most events, most first (once per index generation)."""

    def make() -> list[dict[str, Any]]:
        cols = snapshot.columns
        live = np.asarray(cols.live)
        counts = np.bincount(
            np.asarray(cols.context_ids)[live[snapshot.context_doc]], minlength=len(cols.contexts)
        )
        return [
            {"name": cols.contexts[i], "count": int(counts[i])}
            for i in np.argsort(-counts, kind="stable")[:BUSIEST_STORIES]
            if counts[i]
        ]

    return snapshot.derived("busiest_stories", make)


def example_story(search: Search) -> str | None:
    """A story to show as an example query (the placeholder, the home page, OpenSearch):
    the busiest, so the example finds something in this very archive."""
    busiest = busiest_stories(search.snapshot())
    return str(busiest[0]["name"]) if busiest else None
