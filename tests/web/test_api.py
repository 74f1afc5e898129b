"""The JSON API: shapes, errors as problem+json, caching, CORS, rate limits."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from search.params import SearchRequest, parse_request

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
    params = (
        ("q", ""),
        ("context", "Malaysia Airlines Flight 17"),
        ("year", "2014"),
        ("domain", "reuters.com"),
        ("lang", "en"),
        ("from", "2014-01-01"),
        ("to", "2014-12-31"),
        ("sort", "oldest"),
        ("month", "2014-07"),
    )
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
    mounted = next(r for r in client.app.routes if getattr(r, "path", "") == "/api/v1")  # type: ignore[attr-defined]
    served = {re.sub(r":\w+}", "}", route.path) for route in mounted.routes}
    assert set(spec["paths"]) == served - {"/openapi.json"}
    assert {"/search", "/events/{id}", "/stories", "/calendar/{period}"} <= served
    names = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert names == {
        "q",
        "context",
        "domain",
        "place",
        "year",
        "month",
        "lang",
        "from",
        "to",
        "sort",
        "page",
        "per_page",
        "facets",
        "group",
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


# -- unknown parameters: a typo is an error, not an unfiltered answer -----------------


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/api/v1/search?q=syria&contxt=Syrian%20Civil%20War", ["contxt"]),
        ("/api/v1/search?contxt=", ["contxt"]),
        ("/api/v1/search?q=x&pagee=2&Year=2014", ["Year", "pagee"]),
        ("/api/v1/suggest?q=mala&limit=3", ["limit"]),
        ("/api/v1/contexts/Venezuelan%20crisis?page=1&sort=newest", ["sort"]),
        ("/api/v1/days/2014-07-17?q=x", ["q"]),
        ("/api/v1/on-this-day/07-17?year=2014", ["year"]),
        ("/api/v1/overview?format=json", ["format"]),
        ("/api/v1/openapi.json?v=2", ["v"]),
    ],
)
def test_unknown_api_parameters_are_400_naming_them(
    client: TestClient, path: str, names: list[str]
) -> None:
    response = client.get(path)
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert all(repr(name) in detail for name in names), detail
    assert "_" in detail  # says how to add a cache-buster


def test_unknown_event_parameters_are_400(client: TestClient, event_id: str) -> None:
    for path in (f"/api/v1/events/{event_id}?related=1", f"/api/v1/events/{event_id}/related?n=3"):
        response = client.get(path)
        assert response.status_code == 400 and "'" in response.json()["detail"], path


def test_underscore_parameters_are_cache_busters(client: TestClient) -> None:
    plain = client.get("/api/v1/search", params={"q": "syria"}).json()
    busted = client.get("/api/v1/search", params={"q": "syria", "_": "1700000000", "_cb": "x"})
    assert busted.status_code == 200 and busted.json()["total"] == plain["total"]
    assert client.get("/api/v1/suggest", params={"q": "mala", "_": "1"}).status_code == 200


def test_pages_keep_ignoring_unknown_parameters_and_their_twin_drops_them(
    client: TestClient,
) -> None:
    response = client.get("/search", params={"q": "syria", "utm_source": "feed"})
    assert response.status_code == 200
    twin = response.links["alternate"]["url"]
    assert "utm_source" not in twin and "q=syria" in twin
    assert client.get(twin).status_code == 200


def test_openapi_says_unknown_parameters_are_refused(client: TestClient) -> None:
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    assert "400" in description and "`_`" in description


def test_every_documented_search_parameter_is_one_the_search_reads(client: TestClient) -> None:
    # The API accepts what its OpenAPI operation lists; each must change the parsed
    # request, or the API would accept a parameter that does nothing.
    examples = {"q": "x", "context": "A", "domain": "a.org", "place": "CN",
                "year": "2014", "month": "2014-07",
                "lang": "zh", "from": "2014-01-01", "to": "2014-12-31", "sort": "oldest",
                "page": "2", "per_page": "5", "facets": "0", "group": "story"}  # fmt: skip
    spec = client.get("/api/v1/openapi.json").json()
    names = [p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]]
    assert set(names) == set(examples)
    for name in names:
        assert parse_request([(name, examples[name])]) != SearchRequest(), name


# -- facet values carry their label and the URL that toggles them --------------------


def facet_value(body: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    facet = next(f for f in body["facets"] if f["name"] == name)
    return next(v for v in facet["values"] if v["value"] == value)


def test_following_a_toggle_url_selects_then_unselects_the_value(client: TestClient) -> None:
    first = client.get("/api/v1/search", params={"q": "", "year": "2014", "page": "2"}).json()
    lang = facet_value(first, "lang", "en")
    assert lang["label"] == "English" and not lang["selected"]
    assert facet_value(first, "month", "2014-07")["label"] == "July 2014"
    selected = client.get(lang["toggle_url"])  # an absolute URL, as a client follows it
    assert selected.status_code == 200
    second = selected.json()
    assert facet_value(second, "lang", "en")["selected"] and second["filters"]["lang"] == ["en"]
    assert second["filters"]["year"] == [2014] and second["page"] == 1  # others kept, page reset
    third = client.get(facet_value(second, "lang", "en")["toggle_url"]).json()
    assert not facet_value(third, "lang", "en")["selected"] and third["filters"]["lang"] == []
    assert third["filters"]["year"] == [2014] and third["total"] == first["total"]


def test_toggling_a_year_drops_its_months(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"year": "2014", "month": "2014-07"}).json()
    url = facet_value(body, "year", "2014")["toggle_url"]
    assert parse_qs(urlsplit(url).query) == {}  # months only exist within one chosen year


# -- the event's JSON twin carries what its page shows --------------------------------


def test_event_twin_has_its_fields_story_and_ranked_related(
    client: TestClient, event_id: str
) -> None:
    body = client.get(f"/api/v1/events/{event_id}").json()
    assert body["id"] == event_id and body["sources"] and isinstance(body["related"], list)
    assert body["story"] == body["contexts"][0] == "Malaysia Airlines Flight 17"
    related = client.get(f"/api/v1/events/{event_id}/related").json()["related"]
    assert body["related_events"] == related and related
    spec = client.get("/api/v1/openapi.json").json()
    ok = spec["paths"]["/events/{id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/EventPage")
    shape = spec["components"]["schemas"]["EventPage"]  # the event's fields, and these
    assert {"story", "related_events", "id", "title"} <= set(shape["required"])
