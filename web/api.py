"""The versioned JSON API, ``/api/v1/…``: the same data as the pages, for other sites.

Handlers here, in ``pages``, ``feeds`` and ``opensearch`` are plain ``def``: Starlette
runs them in anyio's bounded thread pool (40 threads), so a slow search never holds the
event loop that accepts connections and answers ``/healthz``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from search.params import page_number
from web import data
from web.caching import conditional
from web.opensearch import base_url
from web.state import state


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def _respond(request: Request, build: Callable[[], dict[str, Any]]) -> Response:
    app = state(request)
    generation = app.search.snapshot().name
    return conditional(request, generation, app.settings.cache_seconds, lambda: JSON(build()))


def search(request: Request) -> Response:
    return _respond(
        request, lambda: data.search_data(state(request).search, request.query_params.multi_items())
    )


def event(request: Request) -> Response:
    app, event_id = state(request), request.path_params["id"]
    current = app.search.event(event_id)
    if current.id != event_id:
        return RedirectResponse(f"/api/v1/events/{current.id}", status_code=301)
    return _respond(request, lambda: current.to_dict())


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
    return _respond(request, lambda: data.suggest_data(state(request).search, prefix))


def overview(request: Request) -> Response:
    return _respond(request, lambda: data.home_data(state(request).search))


def openapi(request: Request) -> Response:
    from web.openapi import spec

    return JSON(spec(base_url(request)))


def _page(request: Request) -> int:
    return page_number(request.query_params.get("page", "1"))


def _month_day(text: str) -> tuple[int, int]:
    from search.errors import BadRequest

    month, sep, day_of_month = text.partition("-")
    if not (sep and month.isdigit() and day_of_month.isdigit()):
        raise BadRequest(f"expected MM-DD, not {text[:20]!r}")
    return int(month), int(day_of_month)


routes = [
    Route("/search", search),
    Route("/suggest", suggest),
    Route("/overview", overview),
    Route("/events/{id:path}/related", related),
    Route("/events/{id:path}", event),
    Route("/contexts/{name}", context),
    Route("/days/{date}", day),
    Route("/on-this-day/{month_day}", on_this_day),
    Route("/openapi.json", openapi),
]
