"""Each client address may hold only so many connections; trusted proxies are exempt."""

from __future__ import annotations

import pytest
from uvicorn.middleware.proxy_headers import _TrustedHosts

from web.server import ClientConnections, plain_response, too_many_connections


def trusting(value: str) -> ClientConnections:
    return ClientConnections(2, _TrustedHosts(value).__contains__)


def test_an_address_past_its_cap_is_refused_until_one_of_its_connections_closes() -> None:
    clients = trusting("192.0.2.1")
    assert [clients.admit("198.51.100.7") for _ in range(3)] == [True, True, False]
    assert clients.admit("198.51.100.8")  # others are unaffected
    clients.release("198.51.100.7")
    assert clients.admit("198.51.100.7")
    assert clients.open == {"198.51.100.7": 2, "198.51.100.8": 1}


def test_counts_are_dropped_when_an_address_has_no_connections_left() -> None:
    clients = trusting("192.0.2.1")
    clients.admit("198.51.100.7")
    clients.release("198.51.100.7")
    assert clients.open == {}


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("192.0.2.1, 10.0.0.0/8", "10.1.2.3"),
        ("*", "198.51.100.7"),
        ("::1", "::1"),
    ],
)
def test_trusted_proxies_parsed_as_uvicorn_does_are_never_capped(value: str, host: str) -> None:
    clients = trusting(value)
    assert all(clients.admit(host) for _ in range(10))
    assert clients.open == {}


def test_connections_without_an_address_are_not_counted() -> None:
    clients = trusting("192.0.2.1")
    assert all(clients.admit(None) for _ in range(10))
    clients.release(None)


def test_refusal_is_a_complete_503_that_closes_the_connection() -> None:
    head, body = too_many_connections(5).split(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 503 Service Unavailable"
    assert {"connection: close", "retry-after: 5", f"content-length: {len(body)}"} <= set(lines)
    assert body == b"too many connections from your address"


def test_the_408_answer_is_unchanged() -> None:
    assert plain_response(408, "request headers took too long") == (
        b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"content-length: 29\r\nconnection: close\r\n\r\nrequest headers took too long"
    )
