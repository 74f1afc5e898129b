"""The route table and the application factory (``uvicorn web.app:create_app --factory``)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from eventsearch.settings import Settings
from search.errors import IndexUnavailable, SearchError
from search.service import Search
from web import api, export, feeds, i18n, opensearch, twins
from web.caching import version
from web.errors import error_response, handle_error
from web.memory import limit_malloc_arenas
from web.middleware import RateLimit, RequestLog, SecurityHeaders
from web.response_cache import ResponseCache
from web.state import AppState, state

log = logging.getLogger("eventsearch")
STATIC = Path(__file__).parent / "static"
# Smaller answers gain too little from gzip to pay its header and CPU (nginx's
# gzip_min_length in deploy/nginx.conf is the same). Level 6, zlib's default: 9 costs
# several times the CPU for a few percent on pages and JSON.
GZIP_MINIMUM_SIZE = 500
GZIP_LEVEL = 6


class ApiCors:
    """CORS for the API only: GET from the allowed origins, never with credentials."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET"],
            allow_headers=["If-None-Match"],
            allow_credentials=False,
            expose_headers=["ETag", "Retry-After", *export.HEADERS],
            max_age=86400,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def healthz(request: Request) -> Response:
    try:
        stats = state(request).search.stats()
    except IndexUnavailable as exc:
        return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", **stats}, headers={"Cache-Control": "no-store"})


async def embed_js(request: Request) -> Response:
    return Response(
        i18n.embed_script(STATIC / "embed.js"),  # with its strings in every interface
        media_type="text/javascript",
        headers={
            "Cache-Control": "public, max-age=3600",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


async def favicon(request: Request) -> Response:
    return FileResponse(STATIC / "icon.png", media_type="image/png")


def trusted_hosts(allowed: tuple[str, ...]) -> list[Middleware]:
    """400 for a Host header the operator did not list, so no request can make the site
    write absolute URLs (OpenSearch, feeds) on someone else's host into shared caches."""
    if not allowed:
        return []
    return [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed), www_redirect=False)]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.load()
    limit_malloc_arenas(settings.malloc_arenas)  # before the request threads exist
    cache = settings.cache_mb << 20
    search = Search(
        settings.index, cache_bytes=cache * 2 // 3, term_cache_bytes=settings.term_cache_mb << 20
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            stats = search.stats()
            log.info(
                "index %s: generation %s, %s events",
                settings.index,
                stats["generation"],
                f"{stats['events']:,}",
            )
        except IndexUnavailable as exc:
            log.warning("%s", exc)
        yield
        search.close()

    def on_limit(scope: Scope, exc: BaseException) -> Response:
        return error_response(Request(scope), exc)

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/embed.js", embed_js),
            Route("/favicon.ico", favicon),
            *feeds.routes,
            *export.routes,
            *opensearch.routes,
            Mount(api.PREFIX, routes=[*api.routes, *export.api_routes, *twins.json_routes]),
            Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
            *twins.html_routes,
        ],
        middleware=[
            Middleware(RequestLog),
            Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_LEVEL),
            Middleware(SecurityHeaders, remote_images=settings.remote_images),
            *trusted_hosts(settings.allowed_hosts),
            Middleware(ApiCors, origins=settings.cors_origins),
            Middleware(
                RateLimit,
                rate=settings.rate_limit,
                loopback=settings.rate_limit_loopback,
                on_limit=on_limit,
                costs=export.COSTS,
            ),
            Middleware(
                ResponseCache,
                generation=lambda: version(search.snapshot().name),
                max_bytes=cache // 3,
            ),
        ],
        exception_handlers={
            SearchError: handle_error,
            HTTPException: handle_error,
            Exception: handle_error,
        },
        lifespan=lifespan,
    )
    app.state.eventsearch = AppState(settings, search)
    return app
