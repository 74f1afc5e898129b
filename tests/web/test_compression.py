"""gzip when the client asks for it, identity otherwise; ETag, Vary and 304 unchanged.

TestClient asks for ``gzip, deflate`` by default and decodes what it gets; these tests
send the header browsers send, and read the bytes as they came over the wire.
"""

from __future__ import annotations

import gzip

import pytest
from starlette.testclient import TestClient

BROWSER = "gzip, deflate, br, zstd"  # Chrome's and Firefox's Accept-Encoding
COMPRESSED = [  # every text type the site serves, each large enough to be worth it
    ("/api/v1/search?q=syria", "application/json"),
    ("/search?q=syria", "text/html"),
    ("/", "text/html"),
    ("/opensearch.xml", "application/opensearchdescription+xml"),
    ("/search.atom?q=syria", "application/atom+xml"),
    ("/search.rss?q=syria", "application/rss+xml"),
    ("/suggest?q=s", "application/x-suggestions+json"),
    ("/embed.js", "text/javascript"),
    ("/static/style.css", "text/css"),
]


def wire(
    client: TestClient, path: str, encoding: str, **headers: str
) -> tuple[bytes, dict[str, str]]:
    """The body as sent (not decoded) and the headers of GET *path*."""
    with client.stream("GET", path, headers={"Accept-Encoding": encoding, **headers}) as response:
        return b"".join(response.iter_raw()), {k.lower(): v for k, v in response.headers.items()}


def vary(headers: dict[str, str]) -> list[str]:
    return [name.strip().lower() for name in headers.get("vary", "").split(",")]


def test_testclient_asks_for_gzip_by_default(client: TestClient) -> None:
    assert "gzip" in client.headers["accept-encoding"]
    response = client.get("/api/v1/search", params={"q": "syria"})
    assert response.headers["content-encoding"] == "gzip" and response.json()["total"]


@pytest.mark.parametrize(("path", "media_type"), COMPRESSED)
def test_text_answers_are_gzipped_when_asked_and_identity_otherwise(
    client: TestClient, path: str, media_type: str
) -> None:
    packed, headers = wire(client, path, BROWSER)
    assert headers["content-type"].startswith(media_type)
    assert headers["content-encoding"] == "gzip"
    assert int(headers["content-length"]) == len(packed)
    body = gzip.decompress(packed)
    plain, plain_headers = wire(client, path, "identity")
    assert "content-encoding" not in plain_headers and len(plain) > len(packed)
    if media_type != "application/json":  # search JSON says how long it took
        assert body == plain
    for answer in (headers, plain_headers):
        assert vary(answer).count("accept-encoding") == 1, answer["vary"]


def test_no_accept_encoding_means_identity(client: TestClient) -> None:
    response = client.get("/search", params={"q": "syria"}, headers={"Accept-Encoding": ""})
    assert "content-encoding" not in response.headers


def test_small_answers_and_images_are_not_compressed(client: TestClient) -> None:
    for path in ("/healthz", "/static/icon.png"):
        _, headers = wire(client, path, BROWSER)
        assert "content-encoding" not in headers, path


@pytest.mark.parametrize("path", ["/api/v1/search?q=syria", "/search?q=syria", "/"])
def test_etag_is_one_for_both_encodings_and_304_works_compressed(
    client: TestClient, path: str
) -> None:
    _, packed = wire(client, path, BROWSER)
    _, plain = wire(client, path, "identity")
    assert packed["etag"] == plain["etag"] and packed["etag"].startswith('W/"')
    for encoding, etag in ((BROWSER, plain["etag"]), ("identity", packed["etag"])):
        body, headers = wire(client, path, encoding, **{"If-None-Match": etag})
        response = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
        assert response.status_code == 304 and body == b""
        assert headers["etag"] == etag and "content-encoding" not in headers
        assert vary(headers).count("accept-encoding") == 1, headers["vary"]
