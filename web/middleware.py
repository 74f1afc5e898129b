"""Pure ASGI middleware: request log lines, security headers, per-client rate limit."""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import RateLimited

log = logging.getLogger("eventsearch.access")

# Pages load only our own files; the widget script is fetched by other sites, and the API
# is read by them through CORS, so neither needs framing or inline code.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
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
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_wrapper)


class TokenBuckets:
    """Per-client token buckets: *rate* requests a minute, bursts up to *rate*."""

    def __init__(self, rate: int, max_clients: int = 100_000) -> None:
        self.rate = rate
        self.per_second = rate / 60.0
        self.buckets: dict[str, tuple[float, float]] = {}
        self.max_clients = max_clients

    def take(self, client: str, now: float | None = None) -> int:
        """0 when allowed, else seconds until a token is available."""
        now = time.monotonic() if now is None else now
        tokens, last = self.buckets.get(client, (float(self.rate), now))
        tokens = min(float(self.rate), tokens + (now - last) * self.per_second)
        if tokens < 1.0:
            self.buckets[client] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.per_second))
        if len(self.buckets) >= self.max_clients and client not in self.buckets:
            self.buckets.clear()  # crude bound on memory under address churn
        self.buckets[client] = (tokens - 1.0, now)
        return 0


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("testclient", "localhost")


class RateLimit:
    """429 + Retry-After for clients past the limit on the paths that do search work."""

    LIMITED = ("/api/", "/search", "/suggest")

    def __init__(self, app: ASGIApp, rate: int, loopback: bool, on_limit: Any) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate) if rate else None
        self.loopback = loopback
        self.on_limit = on_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.buckets is not None
            and scope["type"] == "http"
            and scope["path"].startswith(self.LIMITED)
            and (self.loopback or not is_loopback(_client(scope)))
        ):
            wait = self.buckets.take(_client(scope))
            if wait:
                response = self.on_limit(scope, RateLimited(wait))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
