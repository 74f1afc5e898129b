"""HTML pages for readers. Each renders a dict from ``web.data`` (or, for the browse
pages, from a ``*_data`` function here) — the same dict its JSON twin (``/api/v1/…``,
advertised with ``<link rel="alternate">``) returns; the twins of the browse pages are
:data:`api_routes`."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from indexer.analysis import analyze as analyze_text
from indexer.urls import http_url
from search import browse
from search.facet_values import LONG_FACETS, facet_values
from search.params import MAX_RESULTS, SORTS, given, parse_request
from web import data
from web.api import _month_day, _page, _respond
from web.caching import conditional
from web.chart import month_chart, year_chart
from web.feeds import ATOM_TYPE, RSS_TYPE
from web.links import SearchLinks
from web.opensearch import base_url
from web.state import state

FILTERS = ("context", "domain", "year", "month", "lang", "from", "to")
NOT_SEARCH_PARAMS = ("page", "facet_q", "format")  # of a facet page, not of its search

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["quote"] = lambda text: quote(str(text), safe="")
templates.env.globals["event_url"] = lambda event_id: "/events/" + quote(event_id, safe="/")
templates.env.globals["story_url"] = lambda name: "/stories/" + quote(name, safe="")
templates.env.globals["day_url"] = lambda date: f"/days/{date}"
# The indexer already drops every URL that is not http(s); checked again where links are
# written, so an index from elsewhere (or an older build) can never put one in a page.
templates.env.globals["http_url"] = http_url
templates.env.globals["host_of"] = lambda url: urlsplit(url).hostname or ""
templates.env.globals["facet_label"] = data.facet_label


def render(
    request: Request, template: str, context: dict[str, Any], api_url: str, status: int = 200
) -> Response:
    from web.api import alternate

    app = state(request)
    twin, link = alternate(api_url)

    def make() -> Response:
        return templates.TemplateResponse(
            request,
            template,
            {
                "site_name": app.settings.site_name,
                "alternate_json": twin,
                "canonical": _canonical(request, app.settings.public_url),
                "q": request.query_params.get("q", ""),
                **context,
            },
            status_code=status,
        )

    return conditional(
        request, app.search.snapshot().name, app.settings.cache_seconds, make, {"Link": link}
    )


def _canonical(request: Request, public_url: str) -> str | None:
    """The page's address on the operator's public URL (never one made from Host)."""
    if not public_url:
        return None
    query = request.url.query
    return public_url + request.url.path + (f"?{query}" if query else "")


def _api(path: str, request: Request) -> str:
    query = request.url.query
    return f"/api/v1{path}" + (f"?{query}" if query else "")


def home(request: Request) -> Response:
    context = data.home_data(state(request).search)
    return render(request, "home.html", {"data": context}, "/api/v1/overview")


def search_params(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parameters that make a search (empty form fields and paging left out)."""
    return [(k, v) for k, v in given(params) if k not in NOT_SEARCH_PARAMS]


def active_filters(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each filter the reader chose, once, in the order chosen: the removable chips."""
    return list(dict.fromkeys((k, v) for k, v in search_params(params) if k in FILTERS))


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


def results_chart(result: dict[str, Any], links: SearchLinks) -> Markup:
    """Matches per year; within one chosen year, per month (from its month facet)."""
    if not result["total"]:
        return Markup("")
    years = result["filters"]["year"]
    months = next((f for f in result["facets"] if f["name"] == "month"), None)
    if len(years) == 1 and months is not None:
        per_month = {v["value"]: v["count"] for v in months["values"]}
        chosen = result["filters"]["month"]
        svg = month_chart(
            str(years[0]), per_month, lambda m: links.only("month", m), chosen, "Matching events"
        )
    else:
        svg = year_chart(result["per_year"], lambda y: links.only("year", y), "Matching events")
    return Markup(svg)


def search_page(request: Request) -> Response:
    app, params = state(request), request.query_params.multi_items()
    result = data.search_data(app.search, params)
    links = SearchLinks(params)
    title = f"{app.settings.site_name}: {result['query'] or 'all events'}"
    return render(
        request,
        "search.html",
        {
            "data": result,
            "links": links,
            "chart": results_chart(result, links),
            "sorts": SORTS,
            "chips": active_filters(params),
            "feeds": feeds(params, title),
            "search_params": search_params(params),
            "common_words_only": only_common_words(result["query"]),
            "max_results": MAX_RESULTS,
            "long_facets": LONG_FACETS,
        },
        _api("/search", request),
    )


def facet_data(request: Request, path: str = "/search") -> dict[str, Any]:
    """Every value of one long facet of the search in the query string (``facet_q``:
    text its names must contain; ``page``: of the list, not of the search), each with the
    ``toggle_url`` of a search at *path*, as in ``data.search_data``."""
    search, params = state(request).search, search_params(request.query_params.multi_items())
    result = search.search(parse_request(params))
    contains = request.query_params.get("facet_q", "")[:100]
    name = request.path_params["name"]
    answer = facet_values(search.snapshot(), result, name, contains, _page(request)).to_dict()
    links = SearchLinks(params, path)
    values = [{**v, "toggle_url": links.toggle(name, v["value"])} for v in answer["values"]]
    return {**answer, "values": values, "query": result.request.q}


def facet_page(request: Request) -> Response:
    context = facet_data(request)
    params = search_params(request.query_params.multi_items())
    return render(
        request,
        "facet.html",
        {
            "data": context,
            "links": SearchLinks(params),
            "search_params": params,
            "chips": [(k, v) for k, v in active_filters(params) if k != context["name"]],
        },
        _api(f"/facets/{context['name']}", request),
    )


def event_page(request: Request) -> Response:
    app, event_id = state(request), request.path_params["id"]
    current = app.search.event(event_id)
    if current.id != event_id:  # an old slug of this event
        return RedirectResponse("/events/" + quote(current.id, safe="/"), status_code=301)
    context = data.event_data(app.search, current.id)
    return render(
        request,
        "event.html",
        {"data": context, "remote_images": app.settings.remote_images},
        "/api/v1/events/" + quote(current.id, safe="/"),
    )


def story_page(request: Request) -> Response:
    app, name = state(request), request.path_params["name"]
    context = data.story_data(app.search, name, _page(request))
    story = context["context"]  # as the index spells it
    story_feeds = feeds([("context", story)], f"{app.settings.site_name}: {story}")
    return render(
        request,
        "story.html",
        {"data": context, "feeds": story_feeds},
        "/api/v1/contexts/"
        + quote(name, safe="")
        + (f"?{request.url.query}" if request.url.query else ""),
    )


def stories_data(request: Request) -> dict[str, Any]:
    name = request.query_params.get("name", "")[:100]
    return browse.stories(state(request).search.snapshot(), name, _page(request)).to_dict()


def stories_page(request: Request) -> Response:
    return render(
        request, "stories.html", {"data": stories_data(request)}, _api("/stories", request)
    )


def calendar_data(period: str, request: Request) -> dict[str, Any]:
    return browse.calendar(state(request).search.snapshot(), period).to_dict()


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


def calendar_page(request: Request) -> Response:
    period = request.path_params.get("date", "")
    context = calendar_data(period, request)
    counts = context["counts"]
    if not period:
        chart = year_chart(counts, lambda year: f"/days/{year}")
    elif len(period) == 4:
        chart = month_chart(period, counts, lambda month: f"/days/{month}")
    else:
        chart = ""
    weeks = month_weeks(period, counts) if len(period) == 7 else []
    narrowed = [("year", period[:4])] if period else []
    narrowed += [("month", period)] if len(period) == 7 else []
    search_url = "/search?" + urlencode([*narrowed, ("sort", "oldest")])
    return render(
        request,
        "calendar.html",
        {"data": context, "chart": Markup(chart), "weeks": weeks, "search_url": search_url},
        "/api/v1/calendar" + (f"/{period}" if period else ""),
    )


def day_page(request: Request) -> Response:
    date = request.path_params["date"]
    if browse.is_period(date):  # /days/2017 and /days/2017-02 are calendar pages
        return calendar_page(request)
    context = data.day_data(state(request).search, date)
    return render(request, "day.html", {"data": context}, f"/api/v1/days/{context['date']}")


def on_this_day_page(request: Request) -> Response:
    text = request.path_params.get("month_day") or f"{dt.date.today():%m-%d}"
    month, day_of_month = _month_day(text)
    context = data.on_this_day_data(state(request).search, month, day_of_month)
    return render(
        request,
        "on_this_day.html",
        {"data": context},
        f"/api/v1/on-this-day/{month:02d}-{day_of_month:02d}",
    )


routes = [
    Route("/", home),
    Route("/search", search_page),
    Route("/facets/{name}", facet_page),
    Route("/events/{id:path}", event_page),
    Route("/stories", stories_page),
    Route("/stories/{name}", story_page),
    Route("/days", calendar_page),
    Route("/days/{date}", day_page),
    Route("/on-this-day", on_this_day_page),
    Route("/on-this-day/{month_day}", on_this_day_page),
]


def stories_json(request: Request) -> Response:
    return _respond(request, lambda: stories_data(request))


def calendar_json(request: Request) -> Response:
    return _respond(request, lambda: calendar_data(request.path_params.get("period", ""), request))


def facet_json(request: Request) -> Response:
    toggles = f"{base_url(request)}/api/v1/search"
    return _respond(request, lambda: facet_data(request, toggles))


# The JSON twins of the pages above, for web.app to mount under /api/v1 with web.api's.
api_routes = [
    Route("/stories", stories_json),
    Route("/calendar", calendar_json),
    Route("/calendar/{period}", calendar_json),
    Route("/facets/{name}", facet_json),
]
