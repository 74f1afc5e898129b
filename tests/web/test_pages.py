"""HTML pages, checked with CSS selectors: content, JSON twins, escaping, headers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from indexer.places import place_name

from .conftest import make_client

MH17 = "Malaysia Airlines Flight 17"


def page(client: TestClient, path: str, status: int = 200, **params: str) -> BeautifulSoup:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def page_at(client: TestClient, url: str) -> BeautifulSoup:
    """The page at *url* as written, repeated and empty parameters included."""
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
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


# -- feeds ------------------------------------------------------------------------------
FEED_TYPES = {"application/atom+xml": "atom", "application/rss+xml": "rss"}
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_links(soup: BeautifulSoup) -> dict[str, str]:
    found = {}
    for link in soup.select('head link[rel="alternate"]'):
        if link.get("type") in FEED_TYPES:
            assert link.get("title"), "a feed reader lists feeds by their title"
            found[FEED_TYPES[link["type"]]] = str(link["href"])
    return found


@pytest.mark.parametrize(
    "path", ["/search?q=venezuela&year=2017", "/search?q=", "/stories/Venezuelan%20crisis"]
)
def test_results_and_story_pages_name_their_feeds_and_the_feeds_answer(
    client: TestClient, path: str
) -> None:
    soup = page(client, path)
    feeds = feed_links(soup)
    assert set(feeds) == {"atom", "rss"}
    visible = {a["href"] for a in soup.select("main .subscribe a[href]")}
    assert visible == set(feeds.values())
    for kind, href in feeds.items():
        assert query(href)["sort"] == ["newest"] and "page" not in query(href)
        response = client.get(href)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(f"application/{kind}+xml")
        root = ET.fromstring(response.content)
        assert root.tag == (f"{ATOM}feed" if kind == "atom" else "rss")


def test_a_results_feed_takes_the_search_parameters(client: TestClient) -> None:
    atom = feed_links(page(client, "/search", q="venezuela", year="2017", sort="oldest"))["atom"]
    assert urlsplit(atom).path == "/search.atom"
    assert query(atom) == {"q": ["venezuela"], "year": ["2017"], "sort": ["newest"]}


def test_a_story_feed_follows_that_story(client: TestClient) -> None:
    feeds = feed_links(page(client, "/stories/Venezuelan%20crisis"))
    assert query(feeds["atom"]) == {"context": ["Venezuelan crisis"], "sort": ["newest"]}
    entries = ET.fromstring(client.get(feeds["atom"]).content).findall(f"{ATOM}entry")
    story = client.get("/api/v1/contexts/Venezuelan%20crisis").json()
    newest = sorted((e["id"] for e in story["events"]), reverse=True)
    assert len(entries) == min(10, story["total"])
    for entry in entries:
        terms = {c.get("term") for c in entry.findall(f"{ATOM}category")}
        assert "Venezuelan crisis" in terms
        assert entry.find(f"{ATOM}id").text.split("/events/", 1)[1] in newest
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    items = ET.fromstring(client.get(feeds["rss"]).content).findall("channel/item")
    assert len(items) == len(entries)


def test_pages_of_one_event_or_day_name_no_feed(client: TestClient, event_id: str) -> None:
    assert feed_links(page(client, f"/events/{event_id}")) == {}
    assert feed_links(page(client, "/days/2014-07-18")) == {}


# -- active filters ---------------------------------------------------------------------
def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_active_filters_are_chips_that_each_remove_one(client: TestClient) -> None:
    soup = page(
        client, "/search", q="venezuela", context="Venezuelan crisis", year="2017", page="1"
    )
    line = soup.select_one(".results-head .summary-line")
    summary = line.select_one(".summary")
    assert " ".join(summary.get_text().split()).startswith("3 events for venezuela")
    assert summary.select_one("q").get_text() == "venezuela"  # quoted by the stylesheet
    chips = line.select("ul.chips a.chip")
    assert [" ".join(c.get_text(" ").split()) for c in chips] == [
        "Remove filter Story: Venezuelan crisis ×",
        "Remove filter Year: 2017 ×",
    ]
    assert query(chips[0]["href"]) == {"q": ["venezuela"], "year": ["2017"]}
    assert query(chips[1]["href"]) == {"q": ["venezuela"], "context": ["Venezuelan crisis"]}
    clear = line.select_one("a.clear-all")
    assert clear.get_text() == "Clear all" and query(clear["href"]) == {"q": ["venezuela"]}


def test_chips_name_months_languages_outlets_and_dates_as_readers_do(client: TestClient) -> None:
    soup = page_at(
        client,
        "/search?q=&year=2014&month=2014-07&lang=en&domain=bbc.co.uk&from=2014-07-01&to=2014-07-31",
    )
    texts = [c.get_text(" ", strip=True) for c in soup.select("ul.chips a.chip")]
    assert [" ".join(t.replace("Remove filter", "").split()) for t in texts] == [
        "Year: 2014 ×",
        "Month: July 2014 ×",
        "Language: English ×",
        "Outlet: bbc.co.uk ×",
        "From: 1 July 2014 ×",
        "To: 31 July 2014 ×",
    ]
    year = soup.select("ul.chips a.chip")[0]
    assert "month" not in query(year["href"])  # months belong to their year


def test_empty_form_fields_make_no_chips(client: TestClient) -> None:
    soup = page_at(client, "/search?q=syria&from=&to=&sort=relevance")
    assert not soup.select("ul.chips")
    assert "active" not in soup.select_one("#filters > summary").get_text()


# -- facet lists ------------------------------------------------------------------------
def facet(soup: BeautifulSoup, name: str) -> BeautifulSoup:
    fieldset = soup.select_one(f"fieldset#facet-{name}")
    assert fieldset is not None
    return fieldset


def test_facets_show_eight_values_then_the_rest_on_request(client: TestClient) -> None:
    soup = page(client, "/search", q="venezuela")
    outlets = facet(soup, "domain")
    top = outlets.select(":scope > ul.facet-values > li")
    rest = outlets.select("details.more-values > ul.facet-values > li")
    assert len(top) == 8 and len(rest) == 1
    assert outlets.select_one("details.more-values > summary").get_text() == "Show all 9"
    assert not outlets.select_one(".all-values")  # all nine are here already


def test_long_facets_link_to_a_page_of_all_their_values(client: TestClient) -> None:
    soup = page(client, "/search", q="", lang="en")
    stories = facet(soup, "context")
    assert len(stories.select(":scope > ul.facet-values > li")) == 8
    assert stories.select_one("details.more-values > summary").get_text() == "Show 12 more"
    link = stories.select_one(".all-values a")
    assert urlsplit(link["href"]).path == "/facets/context"
    assert query(link["href"]) == {"lang": ["en"]}
    assert client.get(link["href"]).status_code == 200


def test_the_place_facet_has_a_page_of_all_its_places(client: TestClient) -> None:
    values = client.get("/api/v1/facets/place", params={"q": ""}).json()["values"]
    soup = page(client, "/facets/place", q="")
    assert len(values) > 8  # more than the results page shows before "Show all"
    links = {query(a["href"]).get("place", [""])[0]: a for a in soup.select("main a[href]")}
    for value in values:
        assert value["value"] in links, value  # each place narrows the search to it
        assert place_name(value["value"], "en") in links[value["value"]].get_text()


def test_a_place_is_found_on_its_facet_page_by_name_in_any_language(client: TestClient) -> None:
    for typed in ("united states", "美国", "美國", "US"):
        found = client.get("/api/v1/facets/place", params={"q": "", "facet_q": typed}).json()
        assert "US" in [v["value"] for v in found["values"]], typed


def test_a_selected_value_stays_in_sight(client: TestClient) -> None:
    soup = page(client, "/search", q="", context="Refugees")
    stories = facet(soup, "context")
    top = [li.input["value"] for li in stories.select(":scope > ul.facet-values > li")]
    assert "Refugees" in top


def test_a_facet_search_box_asks_the_facet_page_without_js(client: TestClient) -> None:
    soup = page(client, "/search", q="", year="2017", sort="newest")
    box = facet(soup, "context").select_one("input[name=facet_q]")
    form = soup.select_one(f"form#{box['form']}")
    assert form is not None and form.find_parent("form") is None  # forms do not nest
    assert form["action"] == "/facets/context" and form.get("method") == "get"
    hidden = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    assert hidden == [("year", "2017"), ("sort", "newest")]
    assert soup.select_one(f'label[for="{box["id"]}"]')
    assert soup.select_one(f'button[form="{box["form"]}"]')


def test_the_filter_form_keeps_the_searchs_own_parameters_not_its_filters(
    client: TestClient,
) -> None:
    soup = page_at(client, "/search?q=syria&sort=newest&per_page=5&page=2&year=2014&lang=")
    form = soup.select_one("form#facets")
    assert form is not None
    hidden = [(i["name"], i["value"]) for i in form.select("input[type=hidden]")]
    assert hidden == [("q", "syria"), ("sort", "newest"), ("per_page", "5")]  # page 1 again
    boxes = {i["name"] for i in form.select("input[type=checkbox]")}
    assert boxes and boxes <= {"context", "domain", "year", "month", "lang"}


def test_text_boxes_are_as_long_as_the_search_takes(client: TestClient) -> None:
    from search.params import MAX_QUERY_CHARS, MAX_TEXT_CHARS

    soup = page(client, "/search", q="")
    assert soup.select_one("header input[name=q]")["maxlength"] == str(MAX_QUERY_CHARS)
    boxes = soup.select("input[name=facet_q]")
    assert boxes and {b["maxlength"] for b in boxes} == {str(MAX_TEXT_CHARS)}
    stories = page(client, "/stories").select_one("input[name=name]")
    assert stories["maxlength"] == str(MAX_TEXT_CHARS)


def test_facet_links_come_back_to_their_facet(client: TestClient) -> None:
    soup = page(client, "/search", q="venezuela")
    for name in ("context", "domain", "year"):
        links = facet(soup, name).select("a.facet-link")
        assert links and all(a["href"].endswith(f"#facet-{name}") for a in links)


def test_filters_are_one_collapsible_control_before_the_results(client: TestClient) -> None:
    soup = page(client, "/search", q="venezuela")
    panel = soup.select_one("aside.filters > details#filters")
    assert panel is not None and panel.summary.get_text(strip=True) == "Filters"
    in_order = soup.select("details#filters, ol.hits")  # document order
    assert [el.name for el in in_order] == ["details", "ol"]
    assert panel.select_one("form#facets")


# -- the chart --------------------------------------------------------------------------
def test_chart_bars_link_to_their_year_with_a_count_axis(client: TestClient) -> None:
    soup = page(client, "/search", q="")
    bars = soup.select("svg.chart a[href]")
    assert [query(a["href"])["year"] for a in bars] == [["2014"], ["2016"], ["2017"], ["2019"]]
    assert soup.select_one("svg.chart text.axis").get_text() == "0"


def test_chart_within_one_year_shows_its_months(client: TestClient) -> None:
    soup = page(client, "/search", q="", year="2017")
    chart = soup.select_one("svg.chart")
    assert chart["aria-label"] == "Matching events per month in 2017"
    assert len(chart.select("text:not(.axis)")) == 12
    bars = chart.select("a[href]")
    assert [query(a["href"]) for a in bars] == [
        {"year": ["2017"], "month": ["2017-03"]},
        {"year": ["2017"], "month": ["2017-07"]},
    ]
    assert [a.title.get_text() for a in bars] == ["March 2017: 5 events", "July 2017: 12 events"]


# -- related events and images ------------------------------------------------------------
def test_related_events_say_why_in_words(client: TestClient, event_id: str) -> None:
    soup = page(client, f"/events/{event_id}")
    related = soup.select_one("section.related")
    items = related.select(".related-list > li")
    badges = [b.get_text() for b in related.select(".related-list .why .badge")]
    assert items and badges
    words = ("same story", "also about ", "similar words: ", "linked from this event", "links here")
    assert all(b.startswith(words) for b in badges), badges
    assert "linked" not in badges and "context" not in badges  # the code names are not shown
    answer = client.get(f"/api/v1/events/{event_id}/related").json()["related"]
    scores = [r["score"] for r in answer]
    assert scores == sorted(scores, reverse=True)
    assert all(r["why"] for r in answer if r["in_archive"])


def image_event(client: TestClient) -> str:
    hits = client.get("/api/v1/search", params={"q": "osce monitors"}).json()["hits"]
    assert hits[0]["images"]
    return str(hits[0]["id"])


def test_images_are_links_with_a_note_on_why_by_default(client: TestClient) -> None:
    soup = page(client, f"/events/{image_event(client)}")
    images = soup.select_one("section.images")
    assert not soup.select("img")
    links = images.select("a[href^='https://']")
    assert links and all("noreferrer" in a["rel"] for a in links)
    assert "tell its site that you are reading" in images.select_one(".image-note").get_text()


def test_remote_images_are_lazy_thumbnails_without_referrer(example_index: Path) -> None:
    with make_client(example_index, remote_images="true") as remote:
        soup = page(remote, f"/events/{image_event(remote)}")
    images = soup.select("section.images img")
    assert images and not soup.select(".image-note")
    for img in images:
        assert img["src"].startswith("https://") and img["alt"]
        assert img["loading"] == "lazy" and img["referrerpolicy"] == "no-referrer"
        assert img.find_parent("a")["href"] == img["src"]


# -- empty and capped results ---------------------------------------------------------------
@pytest.mark.parametrize("q", ["the", "of the", '"The"', "a"])
def test_a_query_of_common_words_only_says_so(client: TestClient, q: str) -> None:
    soup = page(client, "/search", q=q)
    empty = soup.select_one(".empty.common-words")
    assert empty is not None and "common" in empty.get_text()
    assert "spelling" not in soup.select_one("main").get_text()


def test_other_empty_results_still_suggest_the_spelling(client: TestClient) -> None:
    soup = page(client, "/search", q="zzzqqqxxx")
    assert not soup.select(".common-words") and "spelling" in soup.select_one(".empty").get_text()


def test_pager_says_why_it_stops_and_offers_browsing(
    example_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with make_client(example_index, cache_mb=0) as uncached:
        assert not page(uncached, "/search", q="").select("#cap-note")
        monkeypatch.setattr("search.params.MAX_RESULTS", 20)
        monkeypatch.setattr("web.pages.MAX_RESULTS", 20)
        soup = page(uncached, "/search", q="")
    note = soup.select_one("#cap-note")
    assert note is not None and "first 20 of the 51 events" in " ".join(note.get_text().split())
    assert {a["href"] for a in note.select("a")} == {"/days", "/stories"}
    assert [a.get_text() for a in soup.select("nav.pages a:not([rel])")] == ["1", "2"]


def test_pager_counts_stories_when_results_are_grouped_by_story(
    example_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("search.params.MAX_RESULTS", 5)
    monkeypatch.setattr("web.pages.MAX_RESULTS", 5)
    with make_client(example_index, cache_mb=0) as uncached:
        data = uncached.get("/api/v1/search", params={"q": "", "group": "story"}).json()
        soup = page(uncached, "/search", q="", group="story")
    note = " ".join(soup.select_one("#cap-note").get_text().split())
    assert f"first 5 of the {data['total']} stories" in note and " events" not in note


# -- print ------------------------------------------------------------------------------------
def test_print_stylesheet_leaves_out_the_form_and_filters(client: TestClient) -> None:
    css = client.get("/static/style.css").text
    printed = css[css.index("@media print") :]
    hidden = printed[: printed.index("{display:none!important}")]
    for selector in (".site-header form", ".filters", ".site-footer", ".pages", ".tools"):
        assert selector in hidden


# -- the timeline: years -> months -> days, the other filters kept --------------------------
def busiest_bar(soup: BeautifulSoup) -> tuple[str, int]:
    """The chart's busiest bar: its link, and its count (from its title)."""
    bars = soup.select("svg.chart a[href]")
    counts = [int(a.title.get_text().split(": ")[1].split()[0]) for a in bars]
    best = max(range(len(bars)), key=counts.__getitem__)
    return str(bars[best]["href"]), counts[best]


def test_timeline_drills_down_years_months_days_keeping_a_story(client: TestClient) -> None:
    story = "Venezuelan crisis"
    soup = page(client, "/search", context=story)
    assert soup.select_one("svg.chart")["aria-label"].startswith("Matching events per year")
    assert soup.select_one("nav.timeline-trail") is None
    year_url, in_year = busiest_bar(soup)
    year = query(year_url)["year"][0]
    assert query(year_url) == {"context": [story], "year": [year]}

    soup = page_at(client, year_url)
    assert soup.select_one("svg.chart")["aria-label"] == f"Matching events per month in {year}"
    assert len(soup.select("ol.hits > li")) == in_year
    month_url, in_month = busiest_bar(soup)
    month = query(month_url)["month"][0]
    assert query(month_url) == {"context": [story], "year": [year], "month": [month]}

    soup = page_at(client, month_url)
    chart = soup.select_one("svg.chart")
    assert chart["aria-label"].startswith("Matching events per day in ")
    assert len(chart.select("text:not(.axis)")) == 7  # days 1, 5, 10, 15, 20, 25, 30
    trail = soup.select("nav.timeline-trail li")
    assert trail[0].get_text() == "All years"
    assert query(trail[1].a["href"]) == {"context": [story], "year": [year]}
    day_url, on_day = busiest_bar(soup)
    day = query(day_url)["from"][0]
    assert query(day_url) == {
        "context": [story],
        "year": [year],
        "month": [month],
        "from": [day],
        "to": [day],
    }

    soup = page_at(client, day_url)
    assert len(soup.select("ol.hits > li")) == on_day <= in_month <= in_year
    assert {m.time["datetime"] for m in soup.select("ol.hits .meta")} == {day}
    assert soup.select_one('svg.chart a[aria-current="true"]')["href"] == day_url
    assert query(soup.select("nav.timeline-trail li")[2].a["href"]) == {
        "context": [story],
        "year": [year],
        "month": [month],
    }


def test_timeline_json_has_each_bucket_with_count_and_url(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "", "year": "2017"}).json()
    timeline = body["timeline"]
    assert timeline["level"] == "months"
    assert [b["bucket"] for b in timeline["buckets"]] == [f"2017-{m:02d}" for m in range(1, 13)]
    assert sum(b["count"] for b in timeline["buckets"]) == body["total"]
    july = timeline["buckets"][6]
    assert urlsplit(july["url"]).path == "/api/v1/search"
    narrowed = client.get(july["url"]).json()
    assert narrowed["total"] == july["count"] and narrowed["timeline"]["level"] == "days"


def test_home_and_story_pages_chart_their_events_over_time(client: TestClient) -> None:
    home = page(client, "/")
    bars = home.select("figure#timeline svg.chart a[href]")
    assert query(bars[0]["href"]) == {"year": ["2014"]}
    story = page(client, f"/stories/{MH17}")
    bars = story.select("figure#timeline svg.chart a[href]")
    assert bars and all(query(a["href"])["context"] == [MH17] for a in bars)
    chinese = page(client, f"/stories/{MH17}", ui="zh-Hans")
    assert all(query(a["href"])["ui"] == ["zh-Hans"] for a in chinese.select("svg.chart a"))


def test_a_year_in_the_query_is_offered_as_a_filter(client: TestClient) -> None:
    soup = page(client, "/search", q="crash 2014", context=MH17)
    offer = soup.select_one("p.date-suggestion a")
    assert offer.get_text() == "Only events in 2014?"
    assert query(offer["href"]) == {"q": ["crash"], "context": [MH17], "year": ["2014"]}
    assert page_at(client, offer["href"]).select_one("p.date-suggestion") is None
    body = client.get("/api/v1/search", params={"q": "floods march 2017"}).json()
    assert {k: v for k, v in body["date_suggestion"].items() if k != "url"} == {
        "query": "floods",
        "year": 2017,
        "month": "2017-03",
    }
    assert query(body["date_suggestion"]["url"]) == {
        "q": ["floods"],
        "year": ["2017"],
        "month": ["2017-03"],
    }
    assert client.get("/api/v1/search", params={"q": "date:2014"}).json()["date_suggestion"] is None
    chinese = page(client, "/search", q="地震 2016年", ui="zh-Hans")
    assert chinese.select_one("p.date-suggestion a").get_text() == "只看2016年的事件？"
