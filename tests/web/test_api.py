"""The JSON API: shapes, errors as problem+json, caching, CORS, rate limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from .conftest import make_client

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def test_search_returns_hits_facets_and_paging(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "malaysia airlines", "per_page": "3"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 8 and len(body["hits"]) == 3 and body["pages"] >= 3
    assert {f["name"] for f in body["facets"]} >= {"context", "domain", "year", "lang"}
    assert "<mark>" in body["hits"][0]["highlight"]["title"] + body["hits"][1]["highlight"]["title"]


def test_search_accepts_every_filter_of_the_library(client: TestClient) -> None:
    params = [
        ("q", ""),
        ("context", "Malaysia Airlines Flight 17"),
        ("year", "2014"),
        ("domain", "reuters.com"),
        ("lang", "en"),
        ("from", "2014-01-01"),
        ("to", "2014-12-31"),
        ("sort", "oldest"),
        ("month", "2014-07"),
    ]
    body = client.get("/api/v1/search", params=params).json()
    assert body["total"] >= 1
    assert body["filters"]["context"] == ["Malaysia Airlines Flight 17"]
    assert all(h["date"].startswith("2014-07") for h in body["hits"])


def test_bad_parameters_are_problem_json_400(client: TestClient) -> None:
    for params in (
        {"page": "0"},
        {"per_page": "1000"},
        {"q": "x" * 5000},
        {"sort": "x"},
        {"q": "date:2017-99"},
        {"page": "500"},
    ):
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == 400, params
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert set(body) == PROBLEM_KEYS and body["status"] == 400 and body["detail"]


def test_unknown_event_is_problem_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/events/news/2001/01/1/missing")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("no event with id")
    assert client.get("/api/v1/nothing-here").status_code == 404


def test_event_related_context_day_and_suggest(client: TestClient, event_id: str) -> None:
    event = client.get(f"/api/v1/events/{event_id}").json()
    assert event["id"] == event_id and event["sources"]
    related = client.get(f"/api/v1/events/{event_id}/related").json()
    assert related["id"] == event_id and related["related"]
    story = client.get("/api/v1/contexts/Malaysia Airlines Flight 17").json()
    assert story["total"] >= 8
    day = client.get(f"/api/v1/days/{event['date']}").json()
    assert event_id in [e["id"] for e in day["events"]]
    suggest = client.get("/api/v1/suggest", params={"q": "mala"}).json()
    assert suggest["suggestions"][0]["text"] == "Malaysia Airlines Flight 17"


def test_alias_redirects_to_current_event(client: TestClient) -> None:
    hit = client.get("/api/v1/search", params={"q": "constituent assembly boycotts"}).json()[
        "hits"
    ][0]
    response = client.get(f"/api/v1/events/{hit['aliases'][0]}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"/api/v1/events/{hit['id']}"


def test_etag_gives_304(client: TestClient) -> None:
    first = client.get("/api/v1/search", params={"q": "syria"})
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = client.get(
        "/api/v1/search", params={"q": "syria"}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    other = client.get(
        "/api/v1/search", params={"q": "iraq"}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert other.status_code == 200


def test_cors_allows_get_from_any_origin_without_credentials(client: TestClient) -> None:
    response = client.get(
        "/api/v1/search", params={"q": "syria"}, headers={"Origin": "https://elsewhere.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/api/v1/search",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 400  # only GET is allowed
    page = client.get("/search", params={"q": "syria"}, headers={"Origin": "https://x.example"})
    assert "access-control-allow-origin" not in page.headers  # pages are not shared


def test_cors_allow_list(example_index: Path) -> None:
    with make_client(example_index, cors_origins="https://friend.example") as limited:
        ok = limited.get("/api/v1/search", headers={"Origin": "https://friend.example"})
        other = limited.get("/api/v1/search", headers={"Origin": "https://stranger.example"})
    assert ok.headers["access-control-allow-origin"] == "https://friend.example"
    assert "access-control-allow-origin" not in other.headers


def test_rate_limit_answers_429_with_retry_after(example_index: Path) -> None:
    with make_client(example_index, rate_limit=3, rate_limit_loopback="true") as limited:
        statuses = [
            limited.get("/api/v1/search", params={"q": "syria"}).status_code for _ in range(5)
        ]
        blocked = limited.get("/api/v1/search")
        assert limited.get("/healthz").status_code == 200  # health checks are never limited
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert int(blocked.headers["retry-after"]) >= 1
    assert blocked.json()["status"] == 429


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/search",
        "/events/{id}",
        "/events/{id}/related",
        "/contexts/{name}",
        "/days/{date}",
        "/on-this-day/{month_day}",
        "/suggest",
        "/overview",
    }
    names = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert names == {
        "q",
        "context",
        "domain",
        "year",
        "month",
        "lang",
        "from",
        "to",
        "sort",
        "page",
        "per_page",
        "facets",
    }


def test_healthz_reports_generation_and_events(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["events"] > 40 and body["generation"].startswith("gen-")


def test_no_index_is_503_not_500(tmp_path: Path) -> None:
    with make_client(tmp_path / "empty") as empty:
        assert empty.get("/healthz").status_code == 503
        response = empty.get("/api/v1/search", params={"q": "x"})
    assert response.status_code == 503 and response.json()["status"] == 503


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "TRACE"])
def test_other_methods_get_405_naming_the_allowed_ones(client: TestClient, method: str) -> None:
    for path in ("/api/v1/search", "/search", "/api/v1/days/2014-07-17"):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert "GET" in response.headers["allow"], (method, path)
