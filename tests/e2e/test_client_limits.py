"""Limits per client on a real ``eventsearch serve``: connections held, requests a minute.

Clients come from different loopback addresses (all of 127/8 is loopback on Linux), so
one server can tell a flooding client from a bystander and from a trusted proxy.
"""

from __future__ import annotations

import socket
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import Server, start_server, stop_server

pytestmark = pytest.mark.slow

CAP = 5  # EVENTSEARCH_CLIENT_CONNECTIONS
FLOODER, BYSTANDER, PROXY = "127.0.0.2", "127.0.0.3", "127.0.0.4"
EXTRA = 20  # connections the flooder tries past its cap
RATE = 60  # EVENTSEARCH_RATE_LIMIT, per minute
BURST = 150


def _target(server: Server) -> tuple[str, int]:
    address = urlsplit(server.url)
    return address.hostname or "127.0.0.1", address.port or 80


def _connect(server: Server, source: str) -> socket.socket:
    return socket.create_connection(_target(server), timeout=5, source_address=(source, 0))


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    with sock:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _ask(sock: socket.socket, path: str) -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    return _read_all(sock)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def _get(server: Server, path: str, source: str = "127.0.0.1") -> int:
    return _status(_ask(_connect(server, source), path))


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[Server]:
    env = {
        "EVENTSEARCH_CLIENT_CONNECTIONS": str(CAP),
        # 127.0.0.1 (the default) is deliberately absent: only PROXY is trusted
        "EVENTSEARCH_FORWARDED_ALLOW_IPS": f"192.0.2.1,{PROXY}/32",
        "EVENTSEARCH_HEADER_TIMEOUT": "30",  # held sockets outlive the test
    }
    server = start_server(tmp_path, workers=1, env=env)
    yield server
    stop_server(server)


def test_one_address_past_its_connection_cap_alone_gets_503(capped: Server) -> None:
    with ExitStack() as stack:
        held = [stack.enter_context(_connect(capped, FLOODER)) for _ in range(CAP)]
        started = time.monotonic()
        refused = [_read_all(_connect(capped, FLOODER)) for _ in range(EXTRA)]
        assert time.monotonic() - started < 5  # answered at once, not at a timeout
        assert all(a.startswith(b"HTTP/1.1 503 ") for a in refused), {a[:40] for a in refused}
        assert b"retry-after: " in refused[0] and b"connection: close" in refused[0]
        assert [_get(capped, "/healthz", BYSTANDER) for _ in range(3)] == [200] * 3
        proxied = [stack.enter_context(_connect(capped, PROXY)) for _ in range(3 * CAP)]
        assert [_status(_ask(sock, "/healthz")) for sock in proxied] == [200] * (3 * CAP)
        assert _status(_ask(held.pop(), "/healthz")) == 200  # within the cap: served
        assert _eventually_admitted(capped, FLOODER)  # its slot came back on close


def _eventually_admitted(server: Server, source: str, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _get(server, "/healthz", source) == 200:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Server]:
    env = {"EVENTSEARCH_RATE_LIMIT": str(RATE), "EVENTSEARCH_RATE_LIMIT_LOOPBACK": "true"}
    server = start_server(tmp_path, workers=2, env=env)
    try:
        _wait_for_workers(server, 2)
        yield server
    finally:
        stop_server(server)


def _wait_for_workers(server: Server, workers: int, seconds: float = 60) -> None:
    """Until every worker accepts (start_server waits for one), so a burst reaches both."""
    deadline = time.monotonic() + seconds
    while server.output().count("Application startup complete") < workers:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.1)


def test_the_rate_limit_holds_for_the_server_not_per_worker(limited: Server) -> None:
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:  # fresh connections, spread over both workers
        statuses = Counter(
            pool.map(lambda n: _get(limited, f"/api/v1/search?q=x{n}"), range(BURST))
        )
    refilled = (time.monotonic() - started) * RATE / 60
    assert set(statuses) == {200, 429}, statuses
    assert RATE <= statuses[200] <= RATE + refilled + 1, statuses  # before: about 2 x RATE
    assert _get(limited, "/events/news/2014/07/17/anything") == 429  # pages cost work too
    assert _get(limited, "/healthz") == 200
