"""The story thread on event pages and results grouped by story, as a reader and the
JSON twins see them (TestClient over the example archive)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

MH17 = "Malaysia Airlines Flight 17"


def soup_of(client: TestClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def event_links(soup: BeautifulSoup, scope: str) -> list[str]:
    return [unquote(str(a["href"]).removeprefix("/events/")) for a in soup.select(scope)]


def test_event_page_lists_earlier_and_later_events_of_its_story(
    client: TestClient, event_id: str
) -> None:
    twin = client.get(f"/api/v1/events/{event_id}").json()
    thread = twin["thread"]
    assert thread["story"] == MH17 and thread["kind"] == "story" and thread["total"] > 2
    soup = soup_of(client, f"/events/{event_id}")
    before = event_links(soup, "#thread-before + ol a[href^='/events/']")
    after = event_links(soup, "#thread-after + ol a[href^='/events/']")
    assert before == [e["id"] for e in thread["before"]]
    assert after == [e["id"] for e in thread["after"]]
    dates = [t["datetime"] for t in soup.select("section.thread time")]
    assert dates == [e["date"] for e in thread["before"] + thread["after"]]
    whole = soup.select("section.thread a[href='/stories/Malaysia%20Airlines%20Flight%2017']")
    assert whole and str(thread["total"]) in whole[-1].get_text()


def test_an_event_without_a_story_shows_no_thread(client: TestClient) -> None:
    hits = client.get("/api/v1/search", params={"per_page": 100}).json()["hits"]
    lone = next(h for h in hits if not h["contexts"])
    assert client.get(f"/api/v1/events/{lone['id']}").json()["thread"] is None
    assert soup_of(client, f"/events/{lone['id']}").select("section.thread") == []


def test_thread_is_in_the_readers_language(client: TestClient, event_id: str) -> None:
    soup = soup_of(client, f"/events/{event_id}?ui=zh-Hant")
    heading = soup.select_one("#thread-after")
    assert heading is not None and heading.get_text() == "本專題中較晚的事件"


def test_grouped_results_show_one_hit_per_story_with_a_link_to_the_rest(
    client: TestClient,
) -> None:
    answer = client.get("/api/v1/search", params={"per_page": 100, "group": "story"}).json()
    plain = client.get("/api/v1/search", params={"per_page": 100}).json()
    assert answer["group"] == "story" and plain["group"] is None
    assert answer["total_events"] == plain["total"] == plain["total_events"]
    assert answer["total"] == len(answer["hits"]) < plain["total"]
    assert all("group" not in h for h in plain["hits"])
    busiest = max(answer["hits"], key=lambda h: h["group"]["more"])
    group = busiest["group"]
    query = parse_qsl(urlsplit(group["url"]).query)
    assert ("context", group["story"]) in query and "group" not in dict(query)
    narrowed = client.get(group["url"].replace("http://testserver", "")).json()
    assert narrowed["total"] >= group["more"] + 1
    lone = [h for h in answer["hits"] if h["group"]["story"] is None]
    assert lone and all(h["group"] == {"story": None, "more": 0, "url": None} for h in lone)

    soup = soup_of(client, "/search?group=story&per_page=100")
    more = soup.select("li.hit .group-more a")
    assert len(more) == sum(1 for h in answer["hits"] if h["group"]["more"])
    assert [dict(parse_qsl(urlsplit(str(a["href"])).query))["context"] for a in more] == [
        h["group"]["story"] for h in answer["hits"] if h["group"]["more"]
    ]
    status = soup.select_one("[role=status] strong")
    assert status is not None and str(plain["total"]) in status.get_text()


def test_the_grouping_toggle_is_a_link_that_keeps_the_search(client: TestClient) -> None:
    soup = soup_of(client, "/search?q=venezuela&page=1")
    toggle = soup.select_one(".group-toggle a")
    assert toggle is not None
    query = parse_qsl(urlsplit(str(toggle["href"])).query)
    assert ("q", "venezuela") in query and ("group", "story") in query
    assert "page" not in dict(query)
    back = soup_of(client, str(toggle["href"])).select_one(".group-toggle a")
    assert back is not None and "group" not in dict(parse_qsl(urlsplit(str(back["href"])).query))


def test_grouped_paging_counts_groups(client: TestClient) -> None:
    first = client.get("/api/v1/search", params={"group": "story", "per_page": 5}).json()
    assert first["pages"] == -(-first["total"] // 5)
    last = client.get(
        "/api/v1/search", params={"group": "story", "per_page": 5, "page": first["pages"]}
    ).json()
    assert 0 < len(last["hits"]) <= 5
    seen = [
        h["id"]
        for page in range(1, first["pages"] + 1)
        for h in client.get(
            "/api/v1/search", params={"group": "story", "per_page": 5, "page": page}
        ).json()["hits"]
    ]
    assert len(seen) == len(set(seen)) == first["total"]
    soup = soup_of(client, "/search?group=story&per_page=5")
    pager = [str(a["href"]) for a in soup.select("a[href*='page=2']")]
    assert pager and all("group=story" in href for href in pager)


def test_a_bad_group_is_refused_and_an_empty_one_is_no_grouping(client: TestClient) -> None:
    for bad in ("day", "STORY", "story story", "<script>"):
        response = client.get("/api/v1/search", params={"group": bad})
        assert response.status_code == 400 and "group" in response.json()["detail"], bad
    assert client.get("/search", params={"group": "<b>x"}).status_code == 400
    assert client.get("/api/v1/search", params={"group": ""}).json()["group"] is None
