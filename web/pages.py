"""HTML pages for readers. Each renders a dict from ``web.data`` — the same dict its
JSON twin (``/api/v1/…``, advertised with ``<link rel="alternate">``) returns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from indexer.urls import http_url
from search.params import SORTS
from web import data
from web.api import _month_day, _page
from web.caching import conditional
from web.chart import year_chart
from web.links import SearchLinks
from web.state import state

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["quote"] = lambda text: quote(str(text), safe="")
templates.env.globals["event_url"] = lambda event_id: "/events/" + quote(event_id, safe="/")
templates.env.globals["story_url"] = lambda name: "/stories/" + quote(name, safe="")
templates.env.globals["day_url"] = lambda date: f"/days/{date}"
# The indexer already drops every URL that is not http(s); checked again where links are
# written, so an index from elsewhere (or an older build) can never put one in a page.
templates.env.globals["http_url"] = http_url


def render(
    request: Request, template: str, context: dict[str, Any], api_url: str, status: int = 200
) -> Response:
    app = state(request)

    def make() -> Response:
        return templates.TemplateResponse(
            request,
            template,
            {
                "site_name": app.settings.site_name,
                "alternate_json": api_url,
                "canonical": _canonical(request, app.settings.public_url),
                "q": request.query_params.get("q", ""),
                **context,
            },
            status_code=status,
        )

    return conditional(request, app.search.snapshot().name, app.settings.cache_seconds, make)


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


def search_page(request: Request) -> Response:
    result = data.search_data(state(request).search, request.query_params.multi_items())
    links = SearchLinks(request.query_params.multi_items())
    chart = Markup(year_chart(result["per_year"], lambda year: links.only("year", year)))
    return render(
        request,
        "search.html",
        {"data": result, "links": links, "chart": chart, "sorts": SORTS},
        _api("/search", request),
    )


def event_page(request: Request) -> Response:
    app, event_id = state(request), request.path_params["id"]
    current = app.search.event(event_id)
    if current.id != event_id:  # an old slug of this event
        return RedirectResponse("/events/" + quote(current.id, safe="/"), status_code=301)
    context = data.event_data(app.search, current.id)
    return render(
        request, "event.html", {"data": context}, "/api/v1/events/" + quote(current.id, safe="/")
    )


def story_page(request: Request) -> Response:
    name = request.path_params["name"]
    context = data.story_data(state(request).search, name, _page(request))
    return render(
        request,
        "story.html",
        {"data": context},
        "/api/v1/contexts/"
        + quote(name, safe="")
        + (f"?{request.url.query}" if request.url.query else ""),
    )


def day_page(request: Request) -> Response:
    date = request.path_params["date"]
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
    Route("/events/{id:path}", event_page),
    Route("/stories/{name}", story_page),
    Route("/days/{date}", day_page),
    Route("/on-this-day", on_this_day_page),
    Route("/on-this-day/{month_day}", on_this_day_page),
]
