"""uvicorn's HTTP protocol with TCP_NODELAY on every connection.

With ``--workers`` above 1, uvicorn binds the listening socket itself in a way that
asyncio does not recognise as TCP, so Nagle's algorithm stays on and each response on a
kept-alive connection waits for the client's delayed ACK (~40 ms). Setting the option
on each accepted connection restores single-digit-millisecond answers.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
