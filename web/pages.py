"""HTML pages for readers. Each renders a dict from ``web.data`` (or, for the browse
pages, from a ``*_data`` function here) — the same dict its JSON twin (``/api/v1/…``,
advertised with ``<link rel="alternate">``) returns; the twins of the browse pages are
:data:`api_routes`."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from indexer.analysis import analyze as analyze_text
from search import browse
from search.facet_values import LONG_FACETS, facet_values
from search.params import MAX_RESULTS, SORTS, given, parse_request
from web import data, i18n, reader
from web.api import _month_day, _page, _respond
from web.caching import conditional
from web.chart import month_chart, year_chart
from web.feeds import ATOM_TYPE, RSS_TYPE, feed_title
from web.i18n import UI_PARAM, Choice
from web.links import SearchLinks
from web.opensearch import base_url
from web.state import state

FILTERS = ("context", "domain", "year", "month", "lang", "from", "to")
# Of a facet page, not of its search; ``ui`` is kept (links keep the reader's language).
NOT_SEARCH_PARAMS = ("page", "facet_q", "format")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | Callable[[Choice], dict[str, Any]],
    api_url: str,
    status: int = 200,
) -> Response:
    """*template* in the reader's interface, tagged for this generation and language;
    *context* may be made for the interface (labels in its language and script)."""
    from web.api import alternate

    app, choice = state(request), reader.interface(request)
    twin, link = alternate(api_url)

    def make() -> Response:
        made = context(choice) if callable(context) else context
        extra = {"alternate_json": twin, "canonical": _canonical(request, app.settings.public_url)}
        return reader.page(request, template, {**extra, **made}, status, choice=choice)

    generation = f"{app.search.snapshot().name}.{choice.ui.tag}"
    response = conditional(request, generation, app.settings.cache_seconds, make, {"Link": link})
    if response.status_code == 304:  # make() was not called: its Vary is owed here
        reader.negotiated(response, choice)
    return response


def _canonical(request: Request, public_url: str) -> str | None:
    """The page's address on the operator's public URL (never one made from Host)."""
    if not public_url:
        return None
    query = request.url.query
    return public_url + request.url.path + (f"?{query}" if query else "")


def _twin_query(request: Request) -> str:
    """The page's query for its JSON twin: as given, less the interface's (the API has
    none: its answers are data, labelled in English)."""
    parts = request.url.query.split("&") if request.url.query else []
    kept = "&".join(part for part in parts if part.partition("=")[0] != UI_PARAM)
    return f"?{kept}" if kept else ""


def _api(path: str, request: Request) -> str:
    return f"/api/v1{path}{_twin_query(request)}"


def home(request: Request) -> Response:
    context = data.home_data(state(request).search)
    return render(request, "home.html", {"data": context}, "/api/v1/overview")


Labeller = Callable[[str, str], str]


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


def results_chart(result: dict[str, Any], links: SearchLinks, words: i18n.Words) -> Markup:
    """Matches per year; within one chosen year, per month (from its month facet)."""
    if not result["total"]:
        return Markup("")
    years = result["filters"]["year"]
    months = next((f for f in result["facets"] if f["name"] == "month"), None)
    if len(years) == 1 and months is not None:
        per_month = {v["value"]: v["count"] for v in months["values"]}
        chosen = result["filters"]["month"]
        svg = month_chart(
            str(years[0]), per_month, lambda m: links.only("month", m), words, chosen, True
        )
    else:
        svg = year_chart(result["per_year"], lambda y: links.only("year", y), words, True)
    return Markup(svg)


def search_page(request: Request) -> Response:
    app, params = state(request), request.query_params.multi_items()
    result = data.search_data(app.search, params)
    links = SearchLinks(params)

    def context(choice: Choice) -> dict[str, Any]:
        words, label = i18n.words(choice.ui), labeller(request, choice)
        title = feed_title(app.settings.site_name, result["query"], words)
        return {
            "data": {**result, "facets": [labelled(f, label) for f in result["facets"]]},
            "links": links,
            "chart": results_chart(result, links, words),
            "sorts": SORTS,
            "chips": chips(active_filters(params), label),
            "feeds": feeds(params, title),
            "search_params": search_params(params),
            "common_words_only": only_common_words(result["query"]),
            "max_results": MAX_RESULTS,
            "long_facets": LONG_FACETS,
        }

    return render(request, "search.html", context, _api("/search", request))


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
    answer = facet_data(request)
    params = search_params(request.query_params.multi_items())

    def context(choice: Choice) -> dict[str, Any]:
        label = labeller(request, choice)
        filters = [(k, v) for k, v in active_filters(params) if k != answer["name"]]
        return {
            "data": labelled(answer, label),
            "links": SearchLinks(params),
            "search_params": params,
            "chips": chips(filters, label),
        }

    return render(request, "facet.html", context, _api(f"/facets/{answer['name']}", request))


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

    def page_context(choice: Choice) -> dict[str, Any]:
        spelled = reader.speller(request, choice.ui)(story)
        title = f"{app.settings.site_name}: {spelled}"
        story_feeds = feeds([("context", story), *_interface_param(choice)], title)
        return {"data": context, "feeds": story_feeds}

    return render(
        request,
        "story.html",
        page_context,
        "/api/v1/contexts/" + quote(name, safe="") + _twin_query(request),
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


def calendar_page(request: Request) -> Response:
    period = request.path_params.get("date", "")
    answer = calendar_data(period, request)
    weeks = month_weeks(period, answer["counts"]) if len(period) == 7 else []
    narrowed = [("year", period[:4])] if period else []
    narrowed += [("month", period)] if len(period) == 7 else []
    search = [*narrowed, ("sort", "oldest")]

    def context(choice: Choice) -> dict[str, Any]:
        return {
            "data": answer,
            "chart": calendar_chart(period, answer["counts"], choice),
            "weeks": weeks,
            "search_url": "/search?" + urlencode([*search, *_interface_param(choice)]),
        }

    return render(
        request,
        "calendar.html",
        context,
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
