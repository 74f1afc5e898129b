"""uvicorn's HTTP protocol with TCP_NODELAY and a deadline for request headers.

With ``--workers`` above 1, uvicorn binds the listening socket itself in a way that
asyncio does not recognise as TCP, so Nagle's algorithm stays on and each response on a
kept-alive connection waits for the client's delayed ACK (~40 ms). Setting the option
on each accepted connection restores single-digit-millisecond answers.

uvicorn closes a kept-alive connection that stays idle after a response, but not one
that opens and never finishes its headers (idle or "slowloris" clients): each holds one
of the worker's ``limit_concurrency`` slots until the client goes away, so enough of them
turn everyone else away with 503. Here a connection gets ``header_timeout`` seconds to
complete each request's headers, then a 408 and the connection closed.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from eventsearch.settings import Settings

_TIMEOUT_408 = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 29\r\nconnection: close\r\n\r\nrequest headers took too long"
)


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHttpProtocol(HttpToolsProtocol):
    header_timeout: float | None = None  # read once per process from the settings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if NoDelayHttpProtocol.header_timeout is None:
            NoDelayHttpProtocol.header_timeout = Settings.load(os.environ).header_timeout
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
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
