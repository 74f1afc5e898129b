"""The versioned JSON API, ``/api/v1/…``: the same data as the pages, for other sites.

Handlers here, in ``pages``, ``feeds`` and ``opensearch`` are plain ``def``: Starlette
runs them in anyio's bounded thread pool (40 threads), so a slow search never holds the
event loop that accepts connections and answers ``/healthz``.

Each route accepts the query parameters its OpenAPI operation lists and no others
(``web.openapi.query_parameters``), so a misspelt filter is a 400, not an unfiltered
answer; names starting with ``_`` are let through for cache-busters.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from search.errors import BadRequest
from search.params import page_number
from web import data
from web.caching import conditional
from web.openapi import query_parameters, spec
from web.opensearch import base_url
from web.state import state

PREFIX = "/api/v1"
SCRIPTS = ("Hans", "Hant")  # a reader's script: story names as the reader writes them
LINK_SAFE = "/?&=%:;,+@!$'()*~"  # all but what would end a Link target: <, >, space, "
Handler = Callable[[Request], Response]


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def _respond(request: Request, build: Callable[[], dict[str, Any]]) -> Response:
    app = state(request)
    generation = app.search.snapshot().name
    return conditional(request, generation, app.settings.cache_seconds, lambda: JSON(build()))


def search(request: Request) -> Response:
    params, toggles = request.query_params.multi_items(), f"{base_url(request)}{PREFIX}/search"
    return _respond(request, lambda: data.search_data(state(request).search, params, toggles))


def event(request: Request) -> Response:
    app, event_id = state(request), request.path_params["id"]
    current = app.search.event(event_id)
    if current.id != event_id:
        return RedirectResponse(f"{PREFIX}/events/{current.id}", status_code=301)
    return _respond(request, lambda: data.event_json(app.search, current.id))


def related(request: Request) -> Response:
    return _respond(
        request, lambda: data.related_data(state(request).search, request.path_params["id"])
    )


def context(request: Request) -> Response:
    page = _page(request)
    return _respond(
        request, lambda: data.story_data(state(request).search, request.path_params["name"], page)
    )


def day(request: Request) -> Response:
    return _respond(
        request, lambda: data.day_data(state(request).search, request.path_params["date"])
    )


def on_this_day(request: Request) -> Response:
    month, day_of_month = _month_day(request.path_params["month_day"])
    return _respond(
        request, lambda: data.on_this_day_data(state(request).search, month, day_of_month)
    )


def suggest(request: Request) -> Response:
    prefix = request.query_params.get("q", "")
    script = request.query_params.get("script") or None
    if script not in (None, *SCRIPTS):
        raise BadRequest(f"script must be one of {', '.join(SCRIPTS)}, not {script[:20]!r}")
    return _respond(
        request, lambda: data.suggest_data(state(request).search, prefix, script=script)
    )


def overview(request: Request) -> Response:
    return _respond(request, lambda: data.home_data(state(request).search))


def openapi(request: Request) -> Response:
    return JSON(spec(base_url(request)))


def _page(request: Request) -> int:
    return page_number(request.query_params.get("page", "1"))


def _month_day(text: str) -> tuple[int, int]:
    month, sep, day_of_month = text.partition("-")
    if not (sep and month.isdigit() and day_of_month.isdigit()):
        raise BadRequest(f"expected MM-DD, not {text[:20]!r}")
    return int(month), int(day_of_month)


def unknown_parameters(names: Iterable[str], accepted: frozenset[str]) -> list[str]:
    return sorted({n for n in names if n not in accepted and not n.startswith("_")})


def _operation(path: str) -> str:
    """A route's path as its OpenAPI operation names it: ``{id:path}`` -> ``{id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def _accepted(path: str) -> frozenset[str]:
    if path == "/openapi.json":  # the description, which does not describe itself
        return frozenset()
    return query_parameters(_operation(path))


def api_route(path: str, handler: Handler) -> Route:
    """A route at *path* (under ``PREFIX``) that refuses query parameters its OpenAPI
    operation does not list: a KeyError here is a route the description lacks."""
    accepted = _accepted(path)

    @functools.wraps(handler)
    def checked(request: Request) -> Response:
        if unknown := unknown_parameters(request.query_params.keys(), accepted):
            names = ", ".join(repr(n[:40]) for n in unknown[:5])
            takes = ", ".join(sorted(accepted)) or "no parameters"
            raise BadRequest(
                f"unknown parameter{'s' if len(unknown) > 1 else ''} {names}; this endpoint "
                f"takes {takes} (names starting with _ are ignored)"
            )
        return handler(request)

    return Route(path, checked)


def alternate(url: str) -> tuple[str, str]:
    """A page's JSON twin at API *url*: its URL, and the ``Link`` header naming it (as
    Datasette sends it, for clients that read no HTML)."""
    twin = accepted_url(url)
    target = quote(twin, safe=LINK_SAFE, encoding="latin-1")  # the query's bytes kept
    return twin, f'<{target}>; rel="alternate"; type="application/json"'


def accepted_url(url: str) -> str:
    """An API *url* without the query parameters its route would refuse (a page's JSON
    twin, whose page may carry parameters of its own such as ``utm_source``)."""
    path, _, query = url.partition("?")
    route = next((r for r in routes if r.path_regex.match(path.removeprefix(PREFIX))), None)
    items = parse_qsl(query, keep_blank_values=True)
    if route is None or not unknown_parameters((k for k, _ in items), _accepted(route.path)):
        return url
    accepted = _accepted(route.path)
    kept = [(k, v) for k, v in items if k in accepted or k.startswith("_")]
    return f"{path}?{urlencode(kept)}" if kept else path


routes = [
    api_route("/search", search),
    api_route("/suggest", suggest),
    api_route("/overview", overview),
    api_route("/events/{id:path}/related", related),
    api_route("/events/{id:path}", event),
    api_route("/contexts/{name}", context),
    api_route("/days/{date}", day),
    api_route("/on-this-day/{month_day}", on_this_day),
    api_route("/openapi.json", openapi),
]
