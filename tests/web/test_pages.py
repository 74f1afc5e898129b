"""HTML pages, checked with CSS selectors: content, JSON twins, escaping, headers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

MH17 = "Malaysia Airlines Flight 17"


def page(client: TestClient, path: str, status: int = 200, **params: str) -> BeautifulSoup:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def alternate(soup: BeautifulSoup) -> str:
    link = soup.select_one('link[rel="alternate"][type="application/json"]')
    assert link is not None
    return str(link["href"])


PAGES = [
    "/",
    "/search?q=syria",
    "/stories/Syrian%20Civil%20War",
    "/days/2014-07-18",
    "/on-this-day/07-17",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_search_box_opensearch_link_and_json_twin(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one('link[rel="search"][type="application/opensearchdescription+xml"]')
    assert soup.select_one("label[for=q]") and soup.select_one("input#q[name=q]")
    assert soup.select_one("main") and soup.select_one("header")
    twin = client.get(alternate(soup))
    assert twin.status_code == 200 and twin.headers["content-type"].startswith("application/json")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] and response.headers["x-frame-options"]
    assert not soup.select("script:not([src])")  # no inline scripts (CSP)
    assert not soup.select("[style]")


def test_results_page_shows_highlighted_hits_facets_and_chart(client: TestClient) -> None:
    soup = page(client, "/search", q="malaysia airlines")
    hits = soup.select("ol.hits > li.hit")
    twin = client.get(alternate(soup)).json()
    assert len(hits) == len(twin["hits"]) == min(10, twin["total"]) > 5
    assert soup.select("ol.hits mark")
    assert soup.select_one("svg.chart")
    boxes = soup.select('aside input[type=checkbox][name="context"]')
    assert MH17 in [b["value"] for b in boxes]
    assert soup.select('a[href^="/events/"]') and soup.select('a[href^="/stories/"]')


def test_results_page_links_to_other_pages(client: TestClient) -> None:
    nav = page(client, "/search", q="", sort="newest").select_one('nav[aria-label="Pages"]')
    assert nav is not None
    pages = {parse_qs(urlsplit(a["href"]).query)["page"][0] for a in nav.select("a[href]")}
    assert "2" in pages


def test_facet_links_toggle_their_value(client: TestClient) -> None:
    soup = page(client, "/search", q="", year="2014")
    checked = soup.select('aside input[type=checkbox][name="year"][checked]')
    assert [c["value"] for c in checked] == ["2014"]
    links = [a["href"] for a in soup.select("aside a[href^='/search']")]
    assert any(parse_qs(urlsplit(h).query).get("year") == ["2014", "2016"] for h in links)


def test_correction_is_shown(client: TestClient) -> None:
    soup = page(client, "/search", q="malaysa airlines")
    assert "malaysia airlines" in soup.get_text()
    assert soup.select("ol.hits > li.hit")


def test_no_results_page_is_friendly(client: TestClient) -> None:
    soup = page(client, "/search", q="zzzqqqxxx")
    assert not soup.select("ol.hits > li.hit")
    assert "0" in soup.select_one("main").get_text()


def test_event_page_shows_sources_related_and_story(client: TestClient, event_id: str) -> None:
    soup = page(client, f"/events/{event_id}")
    text = soup.get_text()
    assert soup.select('a[href^="http"][rel~="noopener"]')  # sources
    assert "linked" in text and soup.select(f'a[href="/stories/{MH17.replace(" ", "%20")}"]')
    assert alternate(soup) == f"/api/v1/events/{event_id}"


def test_old_slug_redirects_permanently(client: TestClient) -> None:
    hit = client.get("/api/v1/search", params={"q": "constituent assembly boycotts"}).json()[
        "hits"
    ][0]
    response = client.get(f"/events/{hit['aliases'][0]}", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == f"/events/{hit['id']}"


def test_day_page_links_previous_and_next(client: TestClient) -> None:
    soup = page(client, "/days/2014-07-18")
    hrefs = {a["href"] for a in soup.select("a[href^='/days/']")}
    assert "/days/2014-07-17" in hrefs and any(h.startswith("/days/2016") for h in hrefs)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no/such/page", 404),
        ("/events/news/2001/01/1/missing", 404),
        ("/search?page=0", 400),
        ("/days/2014-02-30", 400),
        ("/stories/Nothing%20at%20all", 404),
        ("/on-this-day/13-45", 400),
    ],
)
def test_errors_are_friendly_pages(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("input#q") and soup.select_one("main")


def test_query_and_archive_text_are_escaped(client: TestClient) -> None:
    response = client.get("/search", params={"q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text or "&#34;&gt;&lt;script" in response.text
