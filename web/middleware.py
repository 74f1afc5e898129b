"""Pure ASGI middleware: request log lines, security headers, per-client rate limit."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import RateLimited
from web.limits import buckets_for

log = logging.getLogger("eventsearch.access")


# Pages load only our own files; the widget script is fetched by other sites, and the API
# is read by them through CORS, so neither needs framing or inline code.
# Event images come from the outlets' own hosts: allowed only when the operator turns
# EVENTSEARCH_REMOTE_IMAGES on (readers' browsers then contact those hosts).
def csp(remote_images: bool = False) -> str:
    images = "'self' data: https:" if remote_images else "'self' data:"
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'self'"
    )


CSP = csp()


def security_headers(remote_images: bool = False) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", csp(remote_images).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"SAMEORIGIN"),
    ]


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


class RequestLog:
    """One line per request: method, path, status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            took = (time.perf_counter() - started) * 1000
            query = scope.get("query_string", b"").decode("latin-1")
            path = scope["path"] + (f"?{query}" if query else "")
            log.info(
                '%s "%s %s" %d %.1fms', _client(scope), scope["method"], path[:300], status, took
            )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, remote_images: bool = False) -> None:
        self.app = app
        self.headers = security_headers(remote_images)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_wrapper)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("testclient", "localhost")


class RateLimit:
    """429 + Retry-After for clients past the limit on the paths that do real work.

    Searches, suggestions, feeds, the API and the pages read from the index; static
    files, ``/healthz``, ``/embed.js``, ``/favicon.ico`` and ``/opensearch.xml`` do not.
    The budget is shared by all of ``serve``'s workers (see :mod:`web.limits`). A path
    in *costs* takes that many requests' worth of it (an export: web.export).
    """

    LIMITED = (
        "/api/",
        "/search",
        "/suggest",
        "/events/",
        "/stories",
        "/days",
        "/facets/",
        "/on-this-day",
    )

    def __init__(
        self,
        app: ASGIApp,
        rate: int,
        loopback: bool,
        on_limit: Any,
        costs: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.buckets = buckets_for(rate) if rate else None
        self.loopback = loopback
        self.on_limit = on_limit
        self.costs = dict(costs or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.buckets is not None
            and scope["type"] == "http"
            and scope["path"].startswith(self.LIMITED)
            and (self.loopback or not is_loopback(_client(scope)))
        ):
            cost = self.costs.get(scope["path"], 1)
            wait = self.buckets.take(_client(scope), cost=cost)
            if wait:
                response = self.on_limit(scope, RateLimited(wait))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
