"""Every HTML page and its JSON twin, one row each: the page's routes, the twin's routes
under ``/api/v1``, the function that builds the data both answer with, and the
template that shows it.

From a row come both endpoints (the twin's checked against its OpenAPI operation, as
the API's own are), the twin's URL, the page's ``<link rel="alternate"
type="application/json">`` and its ``Link`` header (as Datasette sends it, for clients
that read no HTML). A page cannot show one thing while its twin says another: both are
the row's data, the page's seen through its view (labels, charts, links).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from search import browse
from web import pages, reader
from web.api import PREFIX, accepted, api_route, respond, unknown_parameters
from web.caching import conditional, version
from web.i18n import UI_PARAM, Choice
from web.opensearch import base_url
from web.state import state

Data = dict[str, Any]
Build = Callable[[Request, str], Data]  # (request, base of the data's links) -> data
View = Callable[[Request, Data, Choice], Data]  # -> the template's context
LINK_SAFE = "/?&=%:;,+@!$'()*~"  # all but what would end a Link target: <, >, space, "


def _same(made: Data) -> Data:
    return made


def _stays(request: Request) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Page:
    html: tuple[str, ...]  # the page's routes
    json: tuple[str, ...]  # its twin's, under PREFIX (each an OpenAPI operation)
    build: Build
    template: str
    twin: Callable[[Data], str]  # the twin's path (under PREFIX), from the data
    view: View = pages.plain_view
    as_json: Callable[[Data], Data] = _same  # the data as the twin answers with it
    moved: Callable[[Request], str | None] = _stays  # an old address: the current path

    def takes(self) -> frozenset[str]:
        """The query parameters the twin takes (of the page's, it carries these)."""
        return frozenset().union(*(accepted(path) for path in self.json))

    def twin_url(self, request: Request, made: Data) -> str:
        takes = self.takes()
        query = twin_query(request) if takes else ""
        return accepted_url(f"{PREFIX}{self.twin(made)}{query}", takes)

    def show(self, request: Request) -> Response:
        if (moved := self.moved(request)) is not None:
            return RedirectResponse(moved, status_code=301)
        made = self.build(request, "")
        return render(
            request,
            self.template,
            lambda choice: self.view(request, made, choice),
            self.twin_url(request, made),
        )

    def answer(self, request: Request) -> Response:
        if (moved := self.moved(request)) is not None:
            return RedirectResponse(PREFIX + moved, status_code=301)
        base = f"{base_url(request)}{PREFIX}"
        return respond(request, lambda: self.as_json(self.build(request, base)))


def render(
    request: Request, template: str, context: Callable[[Choice], Data], twin: str
) -> Response:
    """*template* in the reader's interface, tagged for this generation and language,
    naming its JSON *twin*; *context* is made for the interface (labels in its language
    and script), and only when the answer is not a 304."""
    app, choice = state(request), reader.interface(request)
    link = f'<{quote(twin, safe=LINK_SAFE, encoding="latin-1")}>; rel="alternate"; '
    link += 'type="application/json"'  # the query's bytes kept, as percent-escapes

    def make() -> Response:
        extra = {"alternate_json": twin, "canonical": _canonical(request, app.settings.public_url)}
        return reader.page(request, template, {**extra, **context(choice)}, choice=choice)

    generation = f"{version(app.search.snapshot().name)}.{choice.ui.tag}"
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


def twin_query(request: Request) -> str:
    """The page's query for its JSON twin: as given, less the interface's (the API has
    none: its answers are data, labelled in English)."""
    parts = request.url.query.split("&") if request.url.query else []
    kept = "&".join(part for part in parts if part.partition("=")[0] != UI_PARAM)
    return f"?{kept}" if kept else ""


def accepted_url(url: str, takes: frozenset[str]) -> str:
    """*url* without the query parameters its API route (taking *takes*) would refuse:
    a page may carry parameters of its own, such as ``utm_source``."""
    path, _, query = url.partition("?")
    items = parse_qsl(query, keep_blank_values=True)
    if not unknown_parameters((k for k, _ in items), takes):
        return url  # as the page had it, byte for byte
    kept = [(k, v) for k, v in items if k in takes or k.startswith("_")]
    return f"{path}?{urlencode(kept)}" if kept else path


def _event_path(made: Data) -> str:
    return "/events/" + quote(made["event"]["id"], safe="/")


def _calendar_path(made: Data) -> str:
    return "/calendar" + (f"/{made['period']}" if made["period"] else "")


PAGES = {
    "home": Page(
        ("/",), ("/overview",), pages.home_data, "home.html", lambda d: "/overview", pages.home_view
    ),
    "search": Page(
        ("/search",),
        ("/search",),
        pages.search_data,
        "search.html",
        lambda d: "/search",
        pages.search_view,
    ),
    "facet": Page(
        ("/facets/{name}",),
        ("/facets/{name}",),
        pages.facet_data,
        "facet.html",
        lambda d: f"/facets/{d['name']}",
        pages.facet_view,
    ),
    "event": Page(
        ("/events/{id:path}",),
        ("/events/{id:path}",),
        pages.event_data,
        "event.html",
        _event_path,
        pages.event_view,
        as_json=pages.event_json,
        moved=pages.event_moved,
    ),
    "stories": Page(
        ("/stories",), ("/stories",), pages.stories_data, "stories.html", lambda d: "/stories"
    ),
    "story": Page(
        ("/stories/{name}",),
        ("/contexts/{name}",),
        pages.story_data,
        "story.html",
        lambda d: "/contexts/" + quote(d["context"], safe=""),
        pages.story_view,
    ),
    "places": Page(
        ("/places",),
        ("/places",),
        pages.places_data,
        "places.html",
        lambda d: "/places",
        pages.places_view,
    ),
    "place": Page(
        ("/places/{code}",),
        ("/places/{code}",),
        pages.place_data,
        "place.html",
        lambda d: f"/places/{d['code']}",
        pages.place_view,
    ),
    "calendar": Page(
        ("/days",),
        ("/calendar", "/calendar/{period}"),
        pages.calendar_data,
        "calendar.html",
        _calendar_path,
        pages.calendar_view,
    ),
    "day": Page(
        (),  # /days/{date} is a day's page or, for a year or a month, a calendar's
        ("/days/{date}",),
        pages.day_data,
        "day.html",
        lambda d: f"/days/{d['date']}",
    ),
    "on_this_day": Page(
        ("/on-this-day", "/on-this-day/{month_day}"),
        ("/on-this-day/{month_day}",),
        pages.on_this_day_data,
        "on_this_day.html",
        lambda d: f"/on-this-day/{d['month']:02d}-{d['day']:02d}",
    ),
}


def day_or_calendar(request: Request) -> Response:
    """``/days/2017-02-03`` is a day; ``/days/2017`` and ``/days/2017-02`` calendars."""
    shown = "calendar" if browse.is_period(request.path_params["date"]) else "day"
    return PAGES[shown].show(request)


html_routes = [
    *(Route(path, page.show) for page in PAGES.values() for path in page.html),
    Route("/days/{date}", day_or_calendar),
]
json_routes = [api_route(path, page.answer) for page in PAGES.values() for path in page.json]
