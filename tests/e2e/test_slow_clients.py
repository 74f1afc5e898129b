"""Idle and slow ("slowloris") connections must not starve other clients."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest

from .conftest import start_server, stop_server

pytestmark = pytest.mark.slow

IDLE = 150  # connections that send nothing
SLOW = 50  # connections that send part of their headers, then a byte now and then


def _read_all(sock: socket.socket, seconds: float) -> bytes:
    sock.settimeout(seconds)
    chunks = []
    try:
        while chunk := sock.recv(4096):
            chunks.append(chunk)
    except (TimeoutError, ConnectionResetError):
        pass
    return b"".join(chunks)


def test_idle_and_slow_connections_are_closed_and_never_block_others(tmp_path: Path) -> None:
    server = start_server(tmp_path, workers=1, env={"EVENTSEARCH_HEADER_TIMEOUT": "2"})
    address = urlsplit(server.url)
    target = (address.hostname or "127.0.0.1", address.port or 80)
    held: list[socket.socket] = []
    try:
        opened = time.monotonic()
        held = [socket.create_connection(target) for _ in range(IDLE)]
        for _ in range(SLOW):
            sock = socket.create_connection(target)
            sock.sendall(b"GET /api/v1/search?q=flood HTTP/1.1\r\nHost: x\r\n")
            held.append(sock)
        with httpx.Client(base_url=server.url, timeout=5) as client:
            for _ in range(20):  # others are answered at once while those hang on
                started = time.monotonic()
                assert client.get("/api/v1/search", params={"q": "flood"}).status_code == 200
                assert time.monotonic() - started < 1.0
        for sock in held[IDLE:]:
            sock.sendall(b"X")  # a slowloris trickle does not extend the deadline
        answers = [_read_all(sock, 10) for sock in held]
        closed_after = time.monotonic() - opened
        assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), {a[:40] for a in answers}
        assert 2 <= closed_after < 9
        assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
    finally:
        for sock in held:
            sock.close()
        stop_server(server)


def test_a_client_that_completes_its_headers_in_time_is_served(tmp_path: Path) -> None:
    server = start_server(tmp_path, workers=1, env={"EVENTSEARCH_HEADER_TIMEOUT": "2"})
    address = urlsplit(server.url)
    try:
        with socket.create_connection((address.hostname, address.port)) as sock:
            parts = (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: close\r\n\r\n")
            for part in parts:
                sock.sendall(part)
                time.sleep(0.5)
            assert _read_all(sock, 5).startswith(b"HTTP/1.1 200 ")
    finally:
        stop_server(server)
