"""What ``bench.replicas`` checks at the edge, through nginx: caching and revalidation, the
forwarded host, the rate and connection limits, and compression."""

from __future__ import annotations

import gzip
import http.client
import re
import selectors
import socket
import time
from collections.abc import Sequence
from typing import Any

from bench.servers import HOST

FLOODER, BYSTANDER = "127.0.0.2", "127.0.0.3"  # two client addresses (127/8 is loopback)
HELD_EXTRA = 5  # requests the flooder holds in flight past the shipped limit_conn
Check = tuple[str, bool, str]  # what was checked, whether it held, what was seen


def edge_checks(port: int, limited_port: int, max_age: int) -> list[Check]:
    """API answers cached, then revalidated after *max_age* seconds; OpenSearch URLs on the
    client's host; the shipped rate limit answering 429 to a burst."""
    checks = []
    path = "/api/v1/search?q=flood"
    first = _headers(port, path)
    second = _headers(port, path)
    checks.append(
        (
            "API answers cached at the edge",
            second.get("x-cache-status") == "HIT",
            f"first {first.get('x-cache-status')}, second {second.get('x-cache-status')}",
        )
    )
    time.sleep(max_age + 1.5)  # past max-age (nginx counts whole seconds): If-None-Match
    third = _headers(port, path)
    checks.append(
        (
            "stale API answers revalidated by ETag",
            third.get("x-cache-status") == "REVALIDATED",
            f"after max-age: {third.get('x-cache-status')} ({third.get('cache-control')})",
        )
    )
    body = _body(port, "/opensearch.xml", {"Host": "search.example.org"})
    checks.append(
        (
            "OpenSearch URLs follow the client's host",
            "http://search.example.org/search?" in body,
            "template on search.example.org" if "search.example.org" in body else body[:200],
        )
    )
    statuses = [status(limited_port, f"/api/v1/search?q=vote{n}") for n in range(60)]
    checks.append(
        (
            "edge rate limit answers 429 to a burst",
            statuses.count(429) > 0 and statuses.count(200) > 0,
            f"{statuses.count(200)} × 200, {statuses.count(429)} × 429 of 60",
        )
    )
    return checks


COMPRESSED = ("/api/v1/search?q=flood", "/search?q=flood", "/search.atom?q=flood",
              "/search.rss?q=flood", "/opensearch.xml", "/embed.js")  # fmt: skip
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chrome and Firefox send


def compression_check(port: int) -> Check:
    """Each text type, asked with a browser's Accept-Encoding: gzip that decompresses,
    with the identity answer's ETag and Vary; asked without: identity."""
    problems = []
    for path in COMPRESSED:
        packed, packed_body = _request(port, path, {"Accept-Encoding": BROWSER_ENCODINGS})
        plain, _ = _request(port, path)
        encoding = packed.getheader("Content-Encoding")
        vary = [v.strip().lower() for v in (packed.getheader("Vary") or "").split(",")]
        if encoding != "gzip" or plain.getheader("Content-Encoding"):
            problems.append(f"{path}: {encoding} / {plain.getheader('Content-Encoding')}")
        elif not gzip.decompress(packed_body):
            problems.append(f"{path}: empty after gunzip")
        elif not _same_etag(packed.getheader("ETag"), plain.getheader("ETag")):
            problems.append(f"{path}: ETag {packed.getheader('ETag')} vs {plain.getheader('ETag')}")
        elif vary.count("accept-encoding") != 1:
            problems.append(f"{path}: Vary {packed.getheader('Vary')!r}")
    return (
        "gzip when asked, identity otherwise, one ETag for both",
        not problems,
        "; ".join(problems) or f"{len(COMPRESSED)} text types gzipped for a browser",
    )


def _same_etag(compressed: str | None, identity: str | None) -> bool:
    """The answers' tags match: the same weak tag (the API's and pages'), or the weak form
    of a strong one (static files), which nginx must weaken when it changes the bytes."""
    return compressed == identity or (identity is not None and compressed == f"W/{identity}")


def connection_limit_check(port: int, limit: int) -> Check:
    """One address holds more requests in flight than *limit*; another asks meanwhile."""
    socks = [_held_request(port) for _ in range(limit + HELD_EXTRA)]
    try:
        answers = _first_bytes(socks, seconds=2.0)
        other = status(port, "/api/v1/search?q=flood", source=BYSTANDER)
    finally:
        for sock in socks:
            sock.close()
    refused = sum(a.startswith(b"HTTP/1.1 503 ") for a in answers)
    held = answers.count(b"")
    return (
        "edge connection limit answers 503 to one address, serves another",
        refused == HELD_EXTRA and held == limit and other == 200,
        f"{len(socks)} requests in flight from {FLOODER}: {held} held, {refused} × 503 "
        f"(limit_conn {limit}); {BYSTANDER} meanwhile: {other}",
    )


def shipped_connection_limit(config: str) -> int:
    found = re.search(r"^\s*limit_conn \S+ (\d+);", config, re.M)
    if found is None:
        raise RuntimeError("the nginx configuration sets no limit_conn")
    return int(found[1])


def _held_request(port: int) -> socket.socket:
    """A request nginx keeps in progress: its headers sent, the body they promise never."""
    sock = socket.create_connection((HOST, port), timeout=5, source_address=(FLOODER, 0))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
    return sock


def _first_bytes(socks: Sequence[socket.socket], seconds: float) -> list[bytes]:
    """What each socket received within *seconds* (b"" for those still waiting)."""
    answers: dict[socket.socket, bytes] = {}
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        for sock in socks:
            selector.register(sock, selectors.EVENT_READ)
        while len(answers) < len(socks) and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(left):
                ready = key.fileobj
                assert isinstance(ready, socket.socket)
                answers[ready] = ready.recv(64)
                selector.unregister(ready)
    return [answers.get(sock, b"") for sock in socks]


def _request(
    port: int, path: str, headers: dict[str, str] | None = None, source: str | None = None
) -> Any:
    address = (source, 0) if source else None
    conn = http.client.HTTPConnection(HOST, port, timeout=10, source_address=address)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def _headers(port: int, path: str) -> dict[str, str]:
    response, _ = _request(port, path)
    return {k.lower(): v for k, v in response.getheaders()}


def _body(port: int, path: str, headers: dict[str, str]) -> str:
    _, body = _request(port, path, headers)
    return str(body.decode("utf-8", "replace"))


def status(port: int, path: str, source: str | None = None) -> int:
    response, _ = _request(port, path, source=source)
    return int(response.status)
