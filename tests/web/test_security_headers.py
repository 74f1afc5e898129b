"""Security headers on every kind of response, and what the widget needs to embed."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import make_client
from web.middleware import CSP


def _paths(client: TestClient, event_id: str) -> list[str]:
    story = client.get("/api/v1/search", params={"q": "syria"}).json()["hits"][0]["contexts"][0]
    return [
        "/",
        "/search?q=syria",
        f"/events/{event_id}",
        f"/stories/{story}",
        "/days/2014-07-17",
        "/on-this-day/07-17",
        "/on-this-day",
        "/no/such/page",  # 404 page
        "/search?q=" + "(" * 5,  # whatever the query, an HTML answer
        "/search?page=abc",  # 400 page
        "/api/v1/search?q=syria",
        "/api/v1/search?per_page=abc",  # problem+json error
        f"/api/v1/events/{event_id}",
        "/api/v1/openapi.json",
        "/opensearch.xml",
        "/suggest?q=sy",
        "/search.atom?q=syria",
        "/search.rss?q=syria",
        "/healthz",
        "/embed.js",
        "/static/style.css",
        "/favicon.ico",
    ]


@pytest.fixture(scope="module")
def responses(client: TestClient, event_id: str) -> dict[str, object]:
    return {path: client.get(path) for path in _paths(client, event_id)}


def test_every_response_carries_the_security_headers(responses: dict[str, object]) -> None:
    for path, response in responses.items():
        headers = response.headers  # type: ignore[attr-defined]
        assert response.status_code < 500, path  # type: ignore[attr-defined]
        assert headers["content-security-policy"] == CSP, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert headers["x-frame-options"] == "SAMEORIGIN", path


def test_csp_forbids_inline_code_and_framing_by_other_sites() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'"
    assert directives["object-src"] == "'none'"


def test_the_widget_script_and_api_can_be_used_from_other_sites(
    client: TestClient,
) -> None:
    script = client.get("/embed.js")
    assert script.headers["cross-origin-resource-policy"] == "cross-origin"
    assert script.headers["content-type"].startswith("text/javascript")
    api = client.get(
        "/api/v1/search", params={"q": "syria"}, headers={"Origin": "https://a.example"}
    )
    assert api.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in api.headers


def test_remote_images_widen_img_src_only_when_the_operator_allows_them(
    example_index: Path,
) -> None:
    def img_src(**settings: object) -> str:
        with make_client(example_index, **settings) as client:
            policy = client.get("/").headers["content-security-policy"]
        return dict(d.strip().split(" ", 1) for d in policy.split(";"))["img-src"]

    assert "https:" not in img_src() and "http:" not in img_src()
    assert img_src(remote_images="true").split() == ["'self'", "data:", "https:"]
