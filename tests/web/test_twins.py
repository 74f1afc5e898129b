"""Every HTML page names its JSON twin twice (``<link rel="alternate">`` and a ``Link``
header), and the twin holds what the page shows: the events it links, its totals.

One row of ``web.twins.PAGES`` makes both; the tests below open each row's page and
compare what it shows (ids, titles, counts) with its twin."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from web.twins import PAGES

MH17 = "Malaysia Airlines Flight 17"


def open_page(client: TestClient, path: str) -> tuple[BeautifulSoup, dict[str, Any]]:
    """The page, and its twin found as a client finds it: the Link header, which must
    name the URL the HTML's <link rel="alternate" type="application/json"> names."""
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    soup = BeautifulSoup(response.text, "html.parser")
    link = soup.select_one('link[rel="alternate"][type="application/json"]')
    assert link is not None
    header = response.links["alternate"]
    assert header["type"] == "application/json"
    assert header["url"] == link["href"]
    twin = client.get(header["url"])
    assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"
    return soup, twin.json()


def linked_events(soup: BeautifulSoup, scope: str = "main") -> set[str]:
    return {
        unquote(str(a["href"]).removeprefix("/events/").split("#")[0])
        for a in soup.select(f'{scope} a[href^="/events/"]')
    }


def ids(events: list[dict[str, Any]]) -> set[str]:
    return {e["id"] for e in events}


def shown_total(soup: BeautifulSoup) -> int:
    status = soup.select_one("[role=status] strong")
    assert status is not None
    return int(status.get_text().split()[0].replace(",", ""))


def test_home_twin_holds_the_days_stories_and_on_this_day_shown(client: TestClient) -> None:
    soup, twin = open_page(client, "/")
    listed = [e for day in twin["latest_days"] for e in day["events"]]
    listed += [e for year in twin["on_this_day"]["years"].values() for e in year]
    assert linked_events(soup) and linked_events(soup) <= ids(listed)
    stories = {
        unquote(str(a["href"]).removeprefix("/stories/"))
        for a in soup.select('main a[href^="/stories/"]')
    }
    assert {s["name"] for s in twin["busiest_stories"]} <= stories


@pytest.mark.parametrize(
    "query",
    ["q=malaysia+airlines", "q=&year=2014&lang=en", "q=&sort=newest&page=2&per_page=5"],
)
def test_search_twin_holds_the_hits_total_and_facets_shown(client: TestClient, query: str) -> None:
    soup, twin = open_page(client, f"/search?{query}")
    assert linked_events(soup, "ol.hits") == ids(twin["hits"]) != set()
    assert shown_total(soup) == twin["total"]
    facets = {f["name"]: {v["value"]: v for v in f["values"]} for f in twin["facets"]}
    boxes = soup.select("aside input[type=checkbox]")
    assert boxes
    for box in boxes:
        value = facets[str(box["name"])][str(box["value"])]
        assert box.has_attr("checked") == value["selected"]
        label = soup.select_one(f'label[for="{box["id"]}"]')
        assert label is not None and label.get_text(" ", strip=True).startswith(value["label"])
        toggle = box.find_next_sibling("a")  # the page's link that toggles this value
        assert toggle is not None
        page_query = parse_qsl(urlsplit(str(toggle["href"])).query)
        assert page_query == parse_qsl(urlsplit(value["toggle_url"]).query)


def test_event_twin_holds_the_story_and_related_events_shown(
    client: TestClient, event_id: str
) -> None:
    soup, twin = open_page(client, f"/events/{event_id}")
    assert twin["id"] == event_id and twin["title"] in soup.get_text()
    related = linked_events(soup, "section.related")
    assert related and related <= ids(twin["related_events"])
    thread = twin["thread"]
    assert linked_events(soup, "section.thread") == ids(thread["before"] + thread["after"])
    shown = (
        ids(twin["related_events"]) | set(twin["aliases"]) | linked_events(soup, "section.thread")
    )
    assert linked_events(soup) - {event_id} <= shown
    story = soup.select_one(f'main a[href="/stories/{MH17.replace(" ", "%20")}"]')
    assert story is not None and twin["story"] == MH17


@pytest.mark.parametrize(
    "path", ["/stories/Syrian%20Civil%20War", "/stories/Venezuelan%20crisis?page="]
)
def test_story_twin_holds_the_timeline_shown(client: TestClient, path: str) -> None:
    soup, twin = open_page(client, path)
    assert linked_events(soup, "main ol") == ids(twin["events"]) != set()
    assert twin["total"] == len(twin["events"])  # one page in the example archive


def test_day_twin_holds_the_events_shown(client: TestClient) -> None:
    soup, twin = open_page(client, "/days/2014-07-17")
    assert linked_events(soup) == ids(twin["events"]) != set()
    assert twin["date"] == "2014-07-17"


def test_on_this_day_twin_holds_the_events_shown(client: TestClient) -> None:
    soup, twin = open_page(client, "/on-this-day/07-17")
    shown = [e for year in twin["years"].values() for e in year]
    assert linked_events(soup) == ids(shown) != set()


def test_a_304_names_the_twin_too(client: TestClient) -> None:
    first = client.get("/search", params={"q": "syria"})
    again = client.get(
        "/search", params={"q": "syria"}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.links == first.links


def count_of(text: str) -> int:
    """The number in "1,234 events" or "(12)"."""
    return int("".join(c for c in text.split()[0] if c.isdigit()))


def cell(tag: Any, selector: str) -> str:
    found = tag.select_one(selector)
    assert found is not None, selector
    return str(found.get_text())


def test_stories_twin_holds_the_stories_and_counts_shown(client: TestClient) -> None:
    soup, twin = open_page(client, "/stories?name=crisis")
    rows = soup.select("table.story-table tbody tr")
    shown = [(cell(row, "th a"), count_of(cell(row, "td.num"))) for row in rows]
    assert shown == [(s["name"], s["count"]) for s in twin["stories"]] != []
    assert twin["name"] == "crisis"


@pytest.mark.parametrize(("path", "unit"), [("/days", "year"), ("/days/2014", "month")])
def test_calendar_twin_holds_the_counts_shown(client: TestClient, path: str, unit: str) -> None:
    soup, twin = open_page(client, path)
    assert twin["unit"] == unit
    shown = {
        str(a["href"]).rsplit("/", 1)[-1]: count_of(a.find_next_sibling("span").get_text())
        for a in soup.select("ul.periods a")
    }
    assert shown == twin["counts"] != {}


def test_a_month_calendar_twin_holds_the_days_shown(client: TestClient) -> None:
    soup, twin = open_page(client, "/days/2014-07")
    assert twin["period"] == "2014-07" and twin["unit"] == "day"
    linked = {
        str(a["href"]).rsplit("/", 1)[-1] for a in soup.select('main a[href^="/days/2014-07-"]')
    }
    assert linked == set(twin["counts"]) != set()


def test_facet_twin_holds_the_values_and_counts_shown(client: TestClient) -> None:
    soup, twin = open_page(client, "/facets/domain?q=&year=2014")
    items = soup.select("ol.facet-list li")
    shown = [(cell(li, "a"), count_of(cell(li, ".count"))) for li in items]
    assert shown == [(v["value"], v["count"]) for v in twin["values"]] != []
    for li, value in zip(items, twin["values"], strict=True):
        page_query = parse_qsl(urlsplit(str(li.select_one("a")["href"])).query)
        assert page_query == parse_qsl(urlsplit(value["toggle_url"]).query)


# One page of each row of the table; a row without one here fails the first test.
EXAMPLES = {
    "home": "/",
    "search": "/search?q=syria&utm_source=feed",
    "facet": "/facets/context?q=",
    "event": "/events/{event_id}",
    "stories": "/stories",
    "story": "/stories/syrian%20civil%20war",
    "places": "/places",
    "place": "/places/US",
    "calendar": "/days/2014",
    "day": "/days/20140717",
    "on_this_day": "/on-this-day/7-17",
}
TWINS = {  # the twin each names: normalised from the data, the page's own parameters left out
    "home": "/api/v1/overview",
    "search": "/api/v1/search?q=syria",
    "facet": "/api/v1/facets/context?q=",
    "event": "/api/v1/events/{event_id}",
    "stories": "/api/v1/stories",
    "places": "/api/v1/places",
    "place": "/api/v1/places/US",
    "story": "/api/v1/contexts/Syrian%20Civil%20War",
    "calendar": "/api/v1/calendar/2014",
    "day": "/api/v1/days/2014-07-17",
    "on_this_day": "/api/v1/on-this-day/07-17",
}


def test_every_page_of_the_table_is_tested_here() -> None:
    assert set(EXAMPLES) == set(TWINS) == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_names_the_twin_its_row_makes_from_its_data(
    client: TestClient, event_id: str, name: str
) -> None:
    response = client.get(EXAMPLES[name].format(event_id=event_id))
    assert response.status_code == 200, response.text[:300]
    assert response.links["alternate"]["url"] == TWINS[name].format(event_id=event_id)
    assert client.get(TWINS[name].format(event_id=event_id)).status_code == 200
