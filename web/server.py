"""uvicorn's HTTP protocol with TCP_NODELAY, a deadline for headers, a cap per client.

With ``--workers`` above 1, uvicorn binds the listening socket itself in a way that
asyncio does not recognise as TCP, so Nagle's algorithm stays on and each response on a
kept-alive connection waits for the client's delayed ACK (~40 ms). Setting the option
on each accepted connection restores single-digit-millisecond answers.

uvicorn closes a kept-alive connection that stays idle after a response, but not one
that opens and never finishes its headers (idle or "slowloris" clients): each holds one
of the worker's ``limit_concurrency`` slots until the client goes away, so enough of them
turn everyone else away with 503. Here a connection gets ``header_timeout`` seconds to
complete each request's headers, then a 408 and the connection closed.

That cap of ``limit_concurrency`` is shared by everyone: one address holding 1,050 idle
sockets got every other client a 503. So each client address may also hold only
``client_connections`` of them per worker; one more is answered 503 at once and closed,
before it takes a slot. Trusted proxies (``forwarded_allow_ips``) are exempt: every client
behind them arrives from their address (nginx's ``limit_conn`` does the job there).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar

from uvicorn.config import Config

# uvicorn's own parser of forwarded_allow_ips ("*", addresses, CIDR networks), so that
# the proxies exempt here are exactly those whose X-Forwarded-For uvicorn believes.
# Private: tests/web/test_client_connections.py fails loudly if an upgrade renames it.
from uvicorn.middleware.proxy_headers import _TrustedHosts
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.utils import get_remote_addr

from eventsearch.settings import BY_NAME, Settings

log = logging.getLogger("eventsearch")


def plain_response(status: int, text: str, *headers: str) -> bytes:
    """A whole response written without the app, after which the connection is closed."""
    body = text.encode()
    head = [
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
        "content-type: text/plain; charset=utf-8",
        f"content-length: {len(body)}",
        "connection: close",
        *headers,
    ]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


_TIMEOUT_408 = plain_response(408, "request headers took too long")


def too_many_connections(retry_after: int) -> bytes:
    return plain_response(
        503, "too many connections from your address", f"retry-after: {max(1, retry_after)}"
    )


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class ClientConnections:
    """Open connections per client address in one worker; trusted peers are not counted."""

    def __init__(self, limit: int, trusted: Callable[[str], bool]) -> None:
        self.limit = limit
        self.trusted = trusted
        self.open: dict[str, int] = {}
        self._warned: set[str] = set()  # one log line per address while it is at the cap

    def _counted(self, host: str | None) -> str | None:
        """*host*, unless it is not counted (no address: a Unix socket; a trusted proxy)."""
        return None if host is None or self.trusted(host) else host

    def admit(self, host: str | None) -> bool:
        """Count one more connection from *host*; False (and not counted) past the cap."""
        key = self._counted(host)
        if key is None:
            return True
        held = self.open.get(key, 0)
        if held >= self.limit:
            if key not in self._warned:
                self._warned.add(key)
                log.warning(
                    "%s holds %d connections (%s): refusing more with 503 until it closes some",
                    key,
                    held,
                    BY_NAME["client_connections"].env,
                )
            return False
        self.open[key] = held + 1
        return True

    def release(self, host: str | None) -> None:
        key = self._counted(host)
        if key is None:
            return
        held = self.open.pop(key) - 1
        if held:
            self.open[key] = held
        self._warned.discard(key)


class NoDelayHttpProtocol(HttpToolsProtocol):
    # Read once per worker process, from the settings and uvicorn's config.
    header_timeout: ClassVar[float | None] = None
    clients: ClassVar[ClientConnections | None] = None
    refusal: ClassVar[bytes] = b""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if NoDelayHttpProtocol.clients is None:
            NoDelayHttpProtocol._configure(self.config)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._peer: str | None = None
        self._admitted = False

    @classmethod
    def _configure(cls, config: Config) -> None:
        settings = Settings.load(os.environ)
        cls.header_timeout = settings.header_timeout
        cls.clients = ClientConnections(
            settings.client_connections, _TrustedHosts(config.forwarded_allow_ips).__contains__
        )
        cls.refusal = too_many_connections(config.timeout_keep_alive)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        assert self.clients is not None
        address = get_remote_addr(transport)
        self._peer = address[0] if address else None
        if not self.clients.admit(self._peer):
            # Not handed to uvicorn, so it takes none of the shared limit_concurrency slots.
            transport.write(self.refusal)
            transport.close()
            return
        self._admitted = True
        set_nodelay(transport)
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._cancel_header_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._admitted:
            return
        assert self.clients is not None
        self._admitted = False
        self.clients.release(self._peer)
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        assert self.header_timeout is not None
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:  # never inside a response
            self.transport.write(_TIMEOUT_408)
        self.transport.close()
