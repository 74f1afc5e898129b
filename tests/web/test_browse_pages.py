"""Browsing without a query: all stories, the calendar, a facet's every value, and the
JSON twin of each (``web.twins``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from eventsearch.settings import Settings
from search import browse
from web.app import create_app

from .conftest import make_client

VENEZUELA = "Venezuelan crisis"


@pytest.fixture(scope="module")
def client(example_index: Path) -> Iterator[TestClient]:
    app = create_app(Settings.load({}, index=str(example_index), rate_limit=0))
    with TestClient(app) as test_client:
        yield test_client


def page(client: TestClient, path: str, status: int = 200, **params: str) -> BeautifulSoup:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def twin(client: TestClient, soup: BeautifulSoup) -> dict:  # type: ignore[type-arg]
    link = soup.select_one('link[rel="alternate"][type="application/json"]')
    assert link is not None
    response = client.get(str(link["href"]))
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    return response.json()  # type: ignore[no-any-return]


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# -- /stories -------------------------------------------------------------------------
def test_stories_lists_every_story_largest_first_with_its_json_twin(client: TestClient) -> None:
    soup = page(client, "/stories")
    rows = soup.select("table.story-table tbody tr")
    data = twin(client, soup)
    assert len(rows) == data["total"] == len(data["stories"]) > 30
    counts = [int(r.select_one("td.num").get_text().replace(",", "")) for r in rows]
    assert counts == sorted(counts, reverse=True) == [s["count"] for s in data["stories"]]
    first = rows[0].select_one("th a")
    assert first.get_text() == VENEZUELA == data["stories"][0]["name"]
    assert first["href"] == "/stories/Venezuelan%20crisis"
    assert rows[0].select_one("td.span").get_text() == "2016–2019"


def test_story_sizes_match_the_story_pages(client: TestClient) -> None:
    data = client.get("/api/v1/stories").json()
    for story in data["stories"][:5]:
        timeline = client.get(f"/api/v1/contexts/{story['name']}").json()
        assert timeline["total"] == story["count"]


@pytest.mark.parametrize(
    ("name", "found"), [("syr", 2), ("LÓPEZ", 1), ("  CRISIS ", 1), ("危機", 2)]
)
def test_stories_are_found_by_part_of_their_name(client: TestClient, name: str, found: int) -> None:
    soup = page(client, "/stories", name=name)
    assert len(soup.select("table.story-table tbody tr")) == found
    assert soup.select_one("input#story-name")["value"] == name
    assert soup.select_one('a[href="/stories"]')  # back to all of them


def test_no_story_by_that_name_offers_a_search(client: TestClient) -> None:
    soup = page(client, "/stories", name="zzqx")
    assert not soup.select("table.story-table")
    assert soup.select_one('.empty a[href="/search?q=zzqx"]')


def test_stories_are_paged(example_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "STORIES_PAGE", 10)
    with make_client(example_index, cache_mb=0) as uncached:
        first = page(uncached, "/stories", name="i")
        second = page(uncached, "/stories", name="i", page="2")
        page(uncached, "/stories", 400, name="i", page="99")
    names = [{a.get_text() for a in s.select("tbody th a")} for s in (first, second)]
    assert len(names[0]) == 10 and names[1] and not names[0] & names[1]
    nav = first.select_one('nav.pages a[rel="next"]')
    assert query(nav["href"]) == {"name": ["i"], "page": ["2"]}


# -- /days ----------------------------------------------------------------------------
def test_calendar_lists_years_with_counts(client: TestClient) -> None:
    soup = page(client, "/days")
    years = {a.get_text(): a["href"] for a in soup.select("ul.years-list a")}
    data = twin(client, soup)
    assert data["unit"] == "year" and data["period"] == ""
    assert years == {y: f"/days/{y}" for y in data["counts"]} and "2017" in years
    per_year = client.get("/api/v1/search", params={"q": "", "facets": "0"}).json()["per_year"]
    assert data["counts"] == per_year
    assert [a["href"] for a in soup.select("svg.chart a")] == [f"/days/{y}" for y in per_year]


def test_a_year_lists_its_months_and_neighbours(client: TestClient) -> None:
    soup = page(client, "/days/2017")
    data = twin(client, soup)
    assert data == {
        "period": "2017",
        "unit": "month",
        "total": 17,
        "counts": {"2017-03": 5, "2017-07": 12},
        "previous": "2016",
        "next": "2019",
    }
    months = soup.select("ul.months-list > li")
    assert len(months) == 12
    assert [a["href"] for a in soup.select("ul.months-list a")] == [
        "/days/2017-03",
        "/days/2017-07",
    ]
    assert soup.select_one('a[rel="prev"]')["href"] == "/days/2016"
    assert soup.select_one('a[rel="next"]')["href"] == "/days/2019"
    assert len(soup.select("svg.chart text:not(.axis)")) == 12
    search = soup.select_one('.summary a[href^="/search"]')
    assert query(search["href"]) == {"year": ["2017"], "sort": ["oldest"]}


def test_a_month_is_a_calendar_of_days(client: TestClient) -> None:
    soup = page(client, "/days/2017-03")
    grid = soup.select_one("table.month-grid")
    assert grid.select_one("thead th").get_text() == "Mon"
    cells = grid.select("tbody td:not(.outside)")
    assert len(cells) == 31
    linked = grid.select("td.has-events a")
    assert [a["href"] for a in linked] == ["/days/2017-03-30"]
    assert "5 events" in linked[0].get_text()
    assert grid.select("tbody tr")[0].select("td")[2].get_text().strip() == "1"  # a Wednesday
    data = twin(client, soup)
    assert data["counts"] == {"2017-03-30": 5} and data["unit"] == "day"
    crumbs = [a["href"] for a in soup.select("nav.crumbs a")]
    assert crumbs == ["/days", "/days/2017"]


def test_an_empty_month_says_so_and_points_to_its_neighbours(client: TestClient) -> None:
    soup = page(client, "/days/2015-06")
    assert "No events" in soup.select_one(".empty").get_text()
    assert soup.select_one('a[rel="prev"]')["href"] == "/days/2014-07"
    assert soup.select_one('a[rel="next"]')["href"] == "/days/2016-08"


def test_a_day_page_links_up_to_its_month_and_year(client: TestClient) -> None:
    crumbs = [a["href"] for a in page(client, "/days/2014-07-18").select("nav.crumbs a")]
    assert crumbs == ["/days", "/days/2014", "/days/2014-07"]


@pytest.mark.parametrize("period", ["2017-13", "2017-00", "1899", "9999-12", "20170", "2017-1"])
def test_impossible_periods_are_400(client: TestClient, period: str) -> None:
    page(client, f"/days/{period}", 400)
    assert client.get(f"/api/v1/calendar/{period}").status_code == 400


# -- /facets/{name} ---------------------------------------------------------------------
def test_facet_page_lists_every_value_with_counts(client: TestClient) -> None:
    soup = page(client, "/facets/context", q="")
    items = soup.select("ol.facet-list > li")
    stories = client.get("/api/v1/stories").json()["stories"]
    assert [li.a.get_text() for li in items] == [s["name"] for s in stories]
    assert items[0].select_one(".count").get_text() == "10 events"
    href = items[0].a["href"]
    assert href.startswith("/search?") and href.endswith("#facet-context")
    assert query(href) == {"context": [VENEZUELA]}


def test_facet_page_counts_follow_the_search_and_keep_its_filters(client: TestClient) -> None:
    soup = page(client, "/facets/domain", q="venezuela", year="2017")
    data = twin(client, soup)
    assert data["name"] == "domain" and data["query"] == "venezuela"
    assert sum(v["count"] for v in data["values"]) >= 3
    link = soup.select_one("ol.facet-list a")
    assert query(link["href"]) == {
        "q": ["venezuela"],
        "year": ["2017"],
        "domain": [data["values"][0]["value"]],
    }
    assert data["values"][0]["toggle_url"].startswith("http://testserver/api/v1/search?")
    assert "year 2017" in soup.select_one(".facet-scope").get_text()
    back = soup.select_one(".crumbs a")["href"]
    assert back.endswith("#facet-domain") and query(back) == {"q": ["venezuela"], "year": ["2017"]}


def test_facet_page_finds_values_by_part_of_their_name(client: TestClient) -> None:
    soup = page(client, "/facets/domain", q="", facet_q="BBC")
    assert [li.a.get_text() for li in soup.select("ol.facet-list > li")] == [
        "bbc.co.uk",
        "bbc.com",
    ]
    form = soup.select_one("form.facet-page-search")
    assert form["action"] == "/facets/domain" and form.select_one("input#facet_q")["value"] == "BBC"


def test_selected_values_are_marked_on_the_facet_page(client: TestClient) -> None:
    soup = page(client, "/facets/context", q="", context=VENEZUELA)
    first = soup.select_one("ol.facet-list > li")
    assert first.a.get_text() == VENEZUELA and first.select_one(".badge")
    assert query(first.a["href"]) == {}  # following it removes the filter


@pytest.mark.parametrize("name", ["year", "lang", "nothing"])
def test_only_long_facets_have_a_page(client: TestClient, name: str) -> None:
    page(client, f"/facets/{name}", 404)


# -- links to them ----------------------------------------------------------------------
def test_home_and_footer_link_the_browse_pages(client: TestClient) -> None:
    soup = page(client, "/")
    footer = {a["href"] for a in soup.select("footer a")}
    assert {"/stories", "/days", "/add-to-browser"} <= footer
    assert "/opensearch.xml" not in footer
    assert soup.select_one('main a[href="/stories"]') and soup.select_one('main a[href="/days"]')


@pytest.mark.parametrize(
    "path",
    ["/stories", "/stories?name=syr", "/days", "/days/2017", "/days/2017-03", "/facets/context"],
)
def test_browse_pages_are_safe_pages(client: TestClient, path: str) -> None:
    response = client.get(path)
    soup = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 200
    assert not soup.select("script:not([src])") and not soup.select("[style]")
    assert soup.select_one("input#q") and soup.select_one("main h1")
