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

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from search.errors import BadRequest
from search.params import SUGGEST_PREFIX
from web import data
from web.caching import conditional, version
from web.openapi import SCRIPT, query_parameters, spec
from web.opensearch import base_url
from web.state import state

PREFIX = "/api/v1"
Handler = Callable[[Request], Response]


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def respond(request: Request, build: Callable[[], dict[str, Any]]) -> Response:
    """*build()* as JSON, tagged for this index generation (or a 304 without building)."""
    app = state(request)
    generation = version(app.search.snapshot().name)
    return conditional(request, generation, app.settings.cache_seconds, lambda: JSON(build()))


def related(request: Request) -> Response:
    return respond(
        request, lambda: data.related_data(state(request).search, request.path_params["id"])
    )


def suggest(request: Request) -> Response:
    params = request.query_params.multi_items()
    prefix, script = SUGGEST_PREFIX.get(params), SCRIPT.get(params)
    return respond(request, lambda: data.suggest_data(state(request).search, prefix, script=script))


def openapi(request: Request) -> Response:
    return JSON(spec(base_url(request)))


def unknown_parameters(names: Iterable[str], accepted: frozenset[str]) -> list[str]:
    return sorted({n for n in names if n not in accepted and not n.startswith("_")})


def operation(path: str) -> str:
    """A route's path as its OpenAPI operation names it: ``{id:path}`` -> ``{id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def accepted(path: str) -> frozenset[str]:
    """The query parameters the API route at *path* (``/events/{id:path}``) accepts."""
    if path == "/openapi.json":  # the description, which does not describe itself
        return frozenset()
    return query_parameters(operation(path))


def api_route(path: str, handler: Handler, also: frozenset[str] = frozenset()) -> Route:
    """A route at *path* (under ``PREFIX``) that refuses query parameters its OpenAPI
    operation does not list, and *also* these: a KeyError here is a route the
    description lacks."""
    takes = accepted(path) | also

    @functools.wraps(handler)
    def checked(request: Request) -> Response:
        if unknown := unknown_parameters(request.query_params.keys(), takes):
            names = ", ".join(repr(n[:40]) for n in unknown[:5])
            listed = ", ".join(sorted(takes)) or "no parameters"
            raise BadRequest(
                f"unknown parameter{'s' if len(unknown) > 1 else ''} {names}; this endpoint "
                f"takes {listed} (names starting with _ are ignored)"
            )
        return handler(request)

    return Route(path, checked)


# The API's own routes; web.twins adds the JSON twins of the pages.
routes = [
    api_route("/suggest", suggest),
    api_route("/events/{id:path}/related", related),
    api_route("/openapi.json", openapi),
]
