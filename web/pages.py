"""HTML pages for readers: the data each page and its JSON twin are built from, and
what a page's template is given besides (labels in the reader's language, charts,
links). ``web.twins`` pairs them into routes, one row per page."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.requests import Request

from indexer.analysis import analyze as analyze_text
from search import browse
from search.errors import BadRequest
from search.facet_values import FACET_PAGE, LONG_FACETS, facet_values
from search.params import (
    FACET_TEXT,
    FILTERS,
    MAX_RESULTS,
    PAGE,
    SEARCH_PARAMS,
    SORTS,
    STORY_NAME,
    given,
    parse_request,
)
from web import data, export, i18n, reader
from web.chart import day_chart, month_chart, year_chart
from web.feeds import ATOM_TYPE, RSS_TYPE, feed_title
from web.i18n import UI_PARAM, Choice
from web.links import SearchLinks
from web.openapi import MAX_EXPORT_ROWS
from web.opensearch import base_url
from web.state import state

FILTER_NAMES = tuple(p.name for p in FILTERS)
# The search's own parameters that its filter form keeps (it sets the filters itself,
# and a new choice of filters starts again at page 1).
FORM_KEEPS = frozenset(p.name for p in SEARCH_PARAMS if not (p.filter or p.name == PAGE.name))
# Of a facet page, not of its search; ``ui`` is kept (links keep the reader's language).
NOT_SEARCH_PARAMS = (PAGE.name, FACET_TEXT.name, "format")

Labeller = Callable[[str, str], str]


def _params(request: Request) -> list[tuple[str, str]]:
    return request.query_params.multi_items()


def _page(request: Request) -> int:
    return int(PAGE.get(_params(request)))


def labeller(request: Request, choice: Choice) -> Labeller:
    """(facet, value) -> the value as this reader sees it: a month, date or language in
    the interface's words, a story in the reader's script where the archive has it."""
    words, spell = i18n.words(choice.ui), reader.speller(request, choice.ui)
    return lambda name, value: spell(value) if name == "context" else words.facet_label(name, value)


def labelled(facet: dict[str, Any], label: Labeller) -> dict[str, Any]:
    values = [{**v, "label": label(facet["name"], v["value"])} for v in facet["values"]]
    return {**facet, "values": values}


def chips(filters: Iterable[tuple[str, str]], label: Labeller) -> list[dict[str, str]]:
    return [{"name": k, "value": v, "label": label(k, v)} for k, v in filters]


def search_params(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parameters that make a search (empty form fields and paging left out)."""
    return [(k, v) for k, v in given(params) if k not in NOT_SEARCH_PARAMS]


def active_filters(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each filter the reader chose, once, in the order chosen: the removable chips."""
    return list(dict.fromkeys((k, v) for k, v in search_params(params) if k in FILTER_NAMES))


def form_fields(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The hidden fields of the filter form: the search's parameters it keeps."""
    return [(k, v) for k, v in given(params) if k in FORM_KEEPS]


def feeds(params: Iterable[tuple[str, str]], title: str) -> list[dict[str, str]]:
    """The Atom and RSS feeds of a search, newest first (the order a reader follows)."""
    query = urlencode(
        [*((k, v) for k, v in search_params(params) if k != "sort"), ("sort", "newest")]
    )
    return [
        {"type": kind, "label": label, "title": f"{title} ({label})", "url": f"{path}?{query}"}
        for kind, label, path in (
            (ATOM_TYPE, "Atom", "/search.atom"),
            (RSS_TYPE, "RSS", "/search.rss"),
        )
    ]


def only_common_words(query: str) -> bool:
    """Whether every word of *query* is one the index leaves out ("the", "of the")."""
    terms = list(analyze_text(query))
    return bool(terms) and all(t.stopped for t in terms)


def timeline_chart(
    timeline: dict[str, Any],
    words: i18n.Words,
    selected: Iterable[str] = (),
    matching: bool = False,
    keep: Callable[[str], str] = str,
) -> Markup:
    """A timeline (``data.timeline``: its buckets with their URLs) as a bar chart whose
    bars narrow to their year, month or day (each URL through *keep*, which may add the
    interface); nothing when it counts no events."""
    buckets = timeline["buckets"]
    if not any(b["count"] for b in buckets):
        return Markup("")
    counts = {b["bucket"]: b["count"] for b in buckets}
    link = {b["bucket"]: keep(b["url"]) for b in buckets}.__getitem__
    first, level = buckets[0]["bucket"], timeline["level"]
    if level == "days":
        return Markup(day_chart(first[:7], counts, link, words, selected, matching))
    if level == "months":
        return Markup(month_chart(first[:4], counts, link, words, selected, matching))
    return Markup(year_chart(counts, link, words, matching))


def results_chart(result: dict[str, Any], words: i18n.Words) -> Markup:
    """The search's timeline, its chosen months or day marked."""
    if not result["total"]:
        return Markup("")
    f = result["filters"]
    day = [f["from"]] if f["from"] and f["from"] == f["to"] else []
    return timeline_chart(result["timeline"], words, day or f["month"], True)


def timeline_trail(
    result: dict[str, Any], links: SearchLinks, words: i18n.Words
) -> list[dict[str, str | None]]:
    """The way back up the timeline ("All years › 2011 › March 2011"): each step with
    the URL that widens the search to it, the one shown last without."""
    timeline, f = result["timeline"], result["filters"]
    if timeline["level"] == "years" or not timeline["buckets"]:
        return []
    first = timeline["buckets"][0]["bucket"]
    year = first[:4]
    everything: dict[str, str | None] = {"label": words.gettext("All years"), "url": links.widen()}
    trail: list[dict[str, str | None]] = [everything]
    if timeline["level"] == "months":
        return [*trail, {"label": words.year(year), "url": None}]
    day = f["from"] if f["from"] and f["from"] == f["to"] else None
    month = {"label": words.month(first[:7]), "url": None}
    if day:
        month["url"] = links.replaced({"from": (), "to": ()})
    trail += [{"label": words.year(year), "url": links.widen(year)}, month]
    return trail + ([{"label": words.date(day), "url": None}] if day else [])


# -- the data of each page (and of its twin): (request, base of its links) -> data ----------
# *base* is "" on a page, the API's absolute URL in a twin: a facet value's toggle_url
# is a search at {base}/search.


def home_data(request: Request, base: str) -> dict[str, Any]:
    return data.home_data(state(request).search, path=f"{base}/search")


def search_data(request: Request, base: str) -> dict[str, Any]:
    return data.search_data(state(request).search, _params(request), f"{base}/search")


def facet_data(request: Request, base: str) -> dict[str, Any]:
    """Every value of one long facet of the search in the query string (``facet_q``:
    text its names must contain; ``page``: of the list, not of the search), each with the
    ``toggle_url`` of a search, as in ``data.search_data``."""
    search, params = state(request).search, search_params(_params(request))
    result = search.search(parse_request(params))
    contains = FACET_TEXT.get(_params(request))
    name = request.path_params["name"]
    answer = facet_values(search.snapshot(), result, name, contains, _page(request)).to_dict()
    links = SearchLinks(params, f"{base}/search")
    values = [{**v, "toggle_url": links.toggle(name, v["value"])} for v in answer["values"]]
    return {**answer, "values": values, "query": result.request.q}


def event_data(request: Request, base: str) -> dict[str, Any]:
    """The event, cited at the site's own address (never the API's *base*), accessed
    today: pages and twins are tagged by the day too (web.caching.version)."""
    app = state(request)
    cite = (base_url(request), app.settings.site_name, dt.date.today())
    return data.event_data(app.search, request.path_params["id"], cite)


def event_moved(request: Request) -> str | None:
    """The current path of an event asked for by an old id (a slug it had), else None."""
    event_id = request.path_params["id"]
    current = state(request).search.event(event_id)
    return None if current.id == event_id else "/events/" + quote(current.id, safe="/")


def event_json(page: dict[str, Any]) -> dict[str, Any]:
    """The event page's data as its JSON twin shows it: the event's own fields at the top
    (its sources with their archived copies), with the page's story, ranked related
    events and citation beside them."""
    return {
        **page["event"],
        "sources": page["sources"],
        "story": page["story"],
        "related_events": page["related"],
        "citation": page["citation"],
        "thread": page["thread"],
    }


def story_data(request: Request, base: str) -> dict[str, Any]:
    name, page = request.path_params["name"], _page(request)
    return data.story_data(state(request).search, name, page, f"{base}/search")


def places_data(request: Request, base: str) -> dict[str, Any]:
    return state(request).search.places().to_dict()


def place_data(request: Request, base: str) -> dict[str, Any]:
    return data.place_data(state(request).search, request.path_params["code"], f"{base}/search")


def stories_data(request: Request, base: str) -> dict[str, Any]:
    name = STORY_NAME.get(_params(request))
    return browse.stories(state(request).search.snapshot(), name, _page(request)).to_dict()


def calendar_data(request: Request, base: str) -> dict[str, Any]:
    """The calendar of ``/days``, ``/days/2017``, ``/calendar/2017-02``…"""
    period = request.path_params.get("period", request.path_params.get("date", ""))
    return browse.calendar(state(request).search.snapshot(), period).to_dict()


def day_data(request: Request, base: str) -> dict[str, Any]:
    return data.day_data(state(request).search, request.path_params["date"])


def month_day(text: str) -> tuple[int, int]:
    """``"07-17"`` -> (7, 17); a day that no month has is refused by the search."""
    month, sep, day_of_month = text.partition("-")
    if not (sep and month.isdigit() and day_of_month.isdigit()):
        raise BadRequest(f"expected MM-DD, not {text[:20]!r}")
    return int(month), int(day_of_month)


def on_this_day_data(request: Request, base: str) -> dict[str, Any]:
    text = request.path_params.get("month_day") or f"{dt.date.today():%m-%d}"
    month, day_of_month = month_day(text)
    return data.on_this_day_data(state(request).search, month, day_of_month)


# -- what each page's template gets besides its data: (request, data, choice) -> context ----


def plain_view(request: Request, made: dict[str, Any], choice: Choice) -> dict[str, Any]:
    return {"data": made}


def home_view(request: Request, made: dict[str, Any], choice: Choice) -> dict[str, Any]:
    chart = timeline_chart(made["timeline"], i18n.words(choice.ui), keep=choice.link)
    return {"data": made, "chart": chart}


def search_view(request: Request, result: dict[str, Any], choice: Choice) -> dict[str, Any]:
    params, settings = _params(request), state(request).settings
    links, words, label = SearchLinks(params), i18n.words(choice.ui), labeller(request, choice)
    return {
        "data": {**result, "facets": [labelled(f, label) for f in result["facets"]]},
        "links": links,
        "clear_all": links.without(*FILTER_NAMES, PAGE.name),
        "form_fields": form_fields(params),
        "chart": results_chart(result, words),
        "trail": timeline_trail(result, links, words),
        "sorts": SORTS,
        "chips": chips(active_filters(params), label),
        "feeds": feeds(params, feed_title(settings.site_name, result["query"], words)),
        "downloads": export.links(params),
        "max_export": MAX_EXPORT_ROWS,
        "search_params": search_params(params),
        "common_words_only": only_common_words(result["query"]),
        "max_results": MAX_RESULTS,
        "long_facets": LONG_FACETS,
    }


def facet_view(request: Request, answer: dict[str, Any], choice: Choice) -> dict[str, Any]:
    params, label = search_params(_params(request)), labeller(request, choice)
    filters = [(k, v) for k, v in active_filters(params) if k != answer["name"]]
    return {
        "data": labelled(answer, label),
        "links": SearchLinks(params),
        "search_params": params,
        "chips": chips(filters, label),
        "page_size": FACET_PAGE,
    }


def event_view(request: Request, made: dict[str, Any], choice: Choice) -> dict[str, Any]:
    return {"data": made, "remote_images": state(request).settings.remote_images}


def story_view(request: Request, timeline: dict[str, Any], choice: Choice) -> dict[str, Any]:
    story = timeline["context"]  # as the index spells it
    spelled = reader.speller(request, choice.ui)(story)
    title = f"{state(request).settings.site_name}: {spelled}"
    story_feeds = feeds([("context", story), *_interface_param(choice)], title)
    chart = timeline_chart(timeline["timeline"], i18n.words(choice.ui), keep=choice.link)
    return {
        "data": timeline,
        "feeds": story_feeds,
        "page_size": browse.TIMELINE_PAGE,
        "chart": chart,
    }


def places_view(request: Request, answer: dict[str, Any], choice: Choice) -> dict[str, Any]:
    words = i18n.words(choice.ui)
    shown = [{**p, "label": words.place(p["code"])} for p in answer["places"]]
    return {"data": {**answer, "places": shown}}


def place_view(request: Request, place: dict[str, Any], choice: Choice) -> dict[str, Any]:
    words = i18n.words(choice.ui)
    chart = timeline_chart(place["timeline"], words, keep=choice.link)
    search = [("place", place["code"]), *_interface_param(choice)]
    return {
        "data": place,
        "label": words.place(place["code"]),
        "chart": chart,
        "search_url": "/search?" + urlencode(search),
    }


def _interface_param(choice: Choice) -> list[tuple[str, str]]:
    """``ui=`` for a URL made here, when the reader named the interface."""
    return [(UI_PARAM, choice.ui.tag)] if choice.explicit else []


def month_weeks(period: str, counts: dict[str, int]) -> list[list[dict[str, Any] | None]]:
    """The weeks (Monday first) of month *period* ("2017-02"): each day with its count,
    None for days of the months around it."""
    year, month = int(period[:4]), int(period[5:])
    return [
        [
            {"date": day.isoformat(), "day": day.day, "count": counts.get(day.isoformat(), 0)}
            if day.month == month
            else None
            for day in week
        ]
        for week in calendar.Calendar().monthdatescalendar(year, month)
    ]


def calendar_chart(period: str, counts: dict[str, int], choice: Choice) -> Markup:
    """Events per year of the archive, or per month of year *period*; bars open them."""
    words, link = i18n.words(choice.ui), choice.link
    if not period:
        return Markup(year_chart(counts, lambda year: link(f"/days/{year}"), words))
    if len(period) == 4:
        return Markup(month_chart(period, counts, lambda month: link(f"/days/{month}"), words))
    return Markup("")


def calendar_view(request: Request, answer: dict[str, Any], choice: Choice) -> dict[str, Any]:
    period = answer["period"]
    narrowed = [("year", period[:4])] if period else []
    narrowed += [("month", period)] if len(period) == 7 else []
    search = [*narrowed, ("sort", "oldest"), *_interface_param(choice)]
    return {
        "data": answer,
        "chart": calendar_chart(period, answer["counts"], choice),
        "weeks": month_weeks(period, answer["counts"]) if len(period) == 7 else [],
        "search_url": "/search?" + urlencode(search),
    }
