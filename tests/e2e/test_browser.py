"""A reader in headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT
from ..web.chinese_archive import write_chinese_archive
from .conftest import Server, free_port, start_server, stop_server

pytestmark = pytest.mark.slow


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def another_site(folder: Path) -> Iterator[str]:
    """*folder* served from another origin on 127.0.0.1 (a site embedding the widget)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    other = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{other.server_address[1]}"
    finally:
        other.shutdown()
        other.server_close()


DOCS = ROOT / "docs"
PHONE = {"width": 390, "height": 844}  # an iPhone 12-14 in CSS pixels


@pytest.fixture
def page(open_page: Any) -> Any:
    return open_page()


def test_reader_searches_picks_suggestion_filters_and_follows_related(
    server: Server, page: Any
) -> None:
    page.goto(server.url + "/")
    page.fill("#q", "mala")
    page.wait_for_selector("#suggestions [role=option]")
    assert "Malaysia Airlines Flight 17" in page.inner_text("#suggestions")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    assert page.input_value("#q") == 'context:"Malaysia Airlines Flight 17"'
    assert page.locator("ol.hits > li.hit").count() >= 5

    page.locator('aside input[type=checkbox][name="year"][value="2014"]').check()
    page.wait_for_url("**year=2014**")
    dates = page.locator("ol.hits > li.hit time").all_inner_texts()
    assert dates and all("2014" in d for d in dates)
    page.screenshot(path=str(ROOT / "docs" / "screenshot-results.png"), full_page=False)

    page.locator("ol.hits > li.hit a[href^='/events/']").first.click()
    page.wait_for_url("**/events/**")
    first_event = page.url
    related = page.locator("a[href^='/events/']").filter(has_not_text="All events")
    assert related.count() > 0
    related.first.click()
    page.wait_for_url("**/events/**")
    assert page.url != first_event
    assert page.locator("h1").inner_text()


def test_widget_embeds_in_another_origin(server: Server, page: Any, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><link rel=icon href='data:,'>"
        "<style>li{color:rgb(255,0,0)}</style></head><body>"
        "<h1>A friendly news blog</h1><ul><li id=host-item>host list</li></ul>"
        '<div data-eventsearch data-query="venezuela" data-per-page="3"></div>'
        f'<script src="{server.url}/embed.js" async></script></body></html>',
        "utf-8",
    )
    with another_site(tmp_path) as site:
        page.goto(f"{site}/index.html")
        items = page.locator("[data-eventsearch] li[part=item]")
        items.first.wait_for()
        assert items.count() == 3
        assert "<mark>" not in items.first.inner_text()
        assert page.locator("[data-eventsearch] mark").count() > 0
        # host styles do not leak in, widget styles do not leak out
        assert items.first.evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
        assert (
            page.locator("#host-item").evaluate("e => getComputedStyle(e).color")
            == "rgb(255, 0, 0)"
        )
        page.fill("[data-eventsearch] input", "syria")
        page.press("[data-eventsearch] input", "Enter")
        page.wait_for_function(
            "() => document.querySelector('[data-eventsearch]').shadowRoot"
            ".querySelector('li[part=item] a').textContent.toLowerCase().includes('syria')"
        )


def test_a_ticked_filter_becomes_a_chip_and_focus_stays_on_the_box(
    server: Server, page: Any
) -> None:
    page.goto(server.url + "/search?q=venezuela")
    box = page.locator('#facet-domain input[type=checkbox][value="reuters.com"]')
    box.check()
    page.wait_for_url("**domain=reuters.com**")
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["domain", "reuters.com"]
    chip = page.locator("ul.chips a.chip")
    assert chip.count() == 1 and "Outlet: reuters.com" in chip.inner_text()
    total = page.locator(".summary strong").inner_text()
    chip.click()
    page.wait_for_url(lambda url: "domain=" not in url)
    assert page.locator("ul.chips").count() == 0
    assert page.locator(".summary strong").inner_text() != total


def test_finding_an_outlet_narrows_the_list_then_asks_for_all(server: Server, page: Any) -> None:
    page.goto(server.url + "/search?q=")
    box = page.locator("#fq-domain")
    box.fill("bbc")
    visible = page.locator("#facet-domain .facet-values > li:visible label")
    assert visible.count() == 2 and all("bbc" in t for t in visible.all_inner_texts())
    box.press("Enter")
    page.wait_for_url("**/facets/domain?**")
    assert page.locator("ol.facet-list > li").count() == 2
    page.locator("ol.facet-list a", has_text="bbc.com").click()
    page.wait_for_url("**domain=bbc.com**")
    assert page.url.endswith("#facet-domain")
    assert page.locator('#facet-domain input[value="bbc.com"]').is_checked()


def test_on_a_phone_the_filters_come_first_and_the_chart_stays_readable(
    server: Server, open_page: Any
) -> None:
    page = open_page(PHONE)
    page.goto(server.url + "/search?q=venezuela&year=2017")
    summary = page.locator("#filters > summary")
    first_hit = page.locator("ol.hits > li.hit").first
    assert summary.is_visible() and "Filters" in summary.inner_text()
    assert summary.bounding_box()["y"] < first_hit.bounding_box()["y"]
    assert not page.locator("#facet-context").is_visible()  # folded away until asked for
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')]
            .filter(t => getComputedStyle(t).display !== 'none')
            .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
    )
    assert sizes and min(sizes) >= 11
    page.screenshot(path=str(DOCS / "screenshot-mobile.png"))
    summary.click()
    assert page.locator("#facet-context").is_visible()


def test_without_javascript_a_facet_link_comes_back_to_its_facet(
    server: Server, open_page: Any
) -> None:
    page = open_page(PHONE, javascript=False)
    page.goto(server.url + "/search?q=venezuela")
    page.locator("#filters > summary").click()
    page.locator("#facet-context a.facet-link").nth(1).click()
    page.wait_for_url("**context=**")
    assert page.url.endswith("#facet-context")
    assert page.locator("#facet-context").is_visible()  # the panel opened for the anchor
    assert page.locator("#facet-context input[checked]").count() == 1


def test_within_one_year_the_chart_shows_months_that_select_themselves(
    server: Server, page: Any
) -> None:
    page.goto(server.url + "/search?q=&year=2017")
    labels = page.locator("svg.chart text:not(.axis)").all_text_contents()
    assert labels[:3] == ["Jan", "Feb", "Mar"] and len(labels) == 12
    page.screenshot(path=str(DOCS / "screenshot-months.png"))
    page.locator("svg.chart a").nth(1).click()
    page.wait_for_url("**month=2017-07**")
    dates = page.locator("ol.hits > li.hit time").all_inner_texts()
    assert dates and all("July 2017" in d for d in dates)
    assert page.locator("svg.chart").get_attribute("aria-label") == (
        "Matching events per day in July 2017"
    )


def test_timeline_drills_down_from_years_to_a_day_keeping_the_story(
    server: Server, open_page: Any
) -> None:
    page = open_page(javascript=False)  # bars are plain links
    page.goto(server.url + "/search?context=Venezuelan+crisis")
    years = page.locator("svg.chart a").count()
    assert years >= 2
    page.locator("svg.chart a").last.click()
    page.wait_for_url("**year=**")
    assert page.locator("svg.chart text:not(.axis)").count() == 12
    page.locator("svg.chart a").first.click()
    page.wait_for_url("**month=**")
    label = page.locator("svg.chart").get_attribute("aria-label") or ""
    assert label.startswith("Matching events per day")
    trail = page.locator("nav.timeline-trail li").all_inner_texts()
    assert trail[0] == "All years" and len(trail) == 3
    page.screenshot(path=str(DOCS / "screenshot-timeline.png"))
    page.locator("svg.chart a").first.click()
    page.wait_for_url("**from=**")
    assert "context=Venezuelan+crisis" in page.url
    dates = set(page.locator("ol.hits > li.hit time").all_inner_texts())
    assert len(dates) == 1
    assert page.locator("svg.chart a[aria-current]").count() == 1
    page.locator("nav.timeline-trail a", has_text="All years").click()
    page.wait_for_url(lambda url: "year=" not in url and "from=" not in url)
    assert page.locator("svg.chart a").count() == years
    assert "context=Venezuelan+crisis" in page.url


def test_reader_finds_a_story_by_name_and_walks_the_calendar(server: Server, page: Any) -> None:
    page.goto(server.url + "/")
    page.locator("footer a", has_text="All stories").click()
    page.wait_for_url("**/stories")
    assert page.locator("table.story-table tbody tr").count() > 30
    page.screenshot(path=str(DOCS / "screenshot-stories.png"))
    page.fill("#story-name", "syr")
    page.press("#story-name", "Enter")
    page.wait_for_url("**/stories?name=syr")
    page.locator("table.story-table a", has_text="Syrian Civil War").click()
    page.wait_for_url("**/stories/Syrian%20Civil%20War")

    page.locator("footer a", has_text="Calendar").click()
    page.wait_for_url("**/days")
    page.locator("ul.years-list a", has_text="2017").click()
    page.wait_for_url("**/days/2017")
    page.locator("ul.months-list a", has_text="July").click()
    page.wait_for_url("**/days/2017-07")
    page.screenshot(path=str(DOCS / "screenshot-calendar.png"))
    page.locator("table.month-grid td.has-events a").first.click()
    page.wait_for_url("**/days/2017-07-27")
    assert page.locator("ol.timeline > li").count() > 0


def test_reader_walks_from_the_places_to_a_place_and_its_search(server: Server, page: Any) -> None:
    page.goto(server.url + "/")
    page.locator("footer a", has_text="Places").click()
    page.wait_for_url("**/places")
    page.locator("table.story-table a", has_text="Syria").first.click()
    page.wait_for_url("**/places/SY")
    assert page.locator("svg.chart a").count() > 0
    assert page.locator("ol.timeline > li").count() > 0
    page.screenshot(path=str(DOCS / "screenshot-place.png"))
    page.locator("a", has_text="Filter and search this place").click()
    page.wait_for_url("**/search?place=SY")
    assert page.locator("#facet-place input[value=SY]").is_checked()


def test_results_print_without_the_form_and_filters(server: Server, page: Any) -> None:
    page.goto(server.url + "/search?q=venezuela")
    page.emulate_media(media="print")
    for hidden in (".site-header form", "aside.filters", ".site-footer", ".tools", "svg.chart"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("ol.hits > li.hit").first.is_visible()


@pytest.fixture(scope="module")
def chinese_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over the small Chinese archive of tests/web/chinese_archive.py."""
    root = tmp_path_factory.mktemp("chinese")
    running = start_server(root, workers=1, source=write_chinese_archive(root / "source"))
    yield running
    stop_server(running)


def test_a_taiwanese_reader_searches_in_traditional_chinese(
    chinese_server: Server, open_page: Any
) -> None:
    page = open_page(locale="zh-TW")
    page.goto(chinese_server.url + "/search?q=")
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    assert page.locator("#filters > summary").inner_text().startswith("篩選")
    labels = page.locator("#facet-context label").all_inner_texts()
    assert labels[0].startswith("伊斯蘭國")  # the archive spells it both ways
    assert page.locator("ol.hits time").first.inner_text() == "2016年8月1日"
    assert page.locator("svg.chart text:not(.axis)").all_text_contents() == ["2016"]
    page.fill("#q", "伊斯")
    page.wait_for_selector("#suggestions [role=option]")
    kinds = page.locator("#suggestions .kind").all_inner_texts()
    assert any(kind.startswith("專題") for kind in kinds)
    page.keyboard.press("Escape")
    page.fill("#q", "")
    page.locator("#q").blur()
    page.screenshot(path=str(DOCS / "screenshot-zh-hant.png"))

    page.locator("nav.languages a", has_text="简体").click()
    page.wait_for_url("**ui=zh-Hans**")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.locator("#facet-context label").first.inner_text().startswith("伊斯兰国")
    page.locator("ol.hits a[href^='/events/']").first.click()
    page.wait_for_url("**/events/**")
    assert "ui=zh-Hans" in page.url  # the named interface follows the reader
    assert page.locator("footer a").first.inner_text() == "全部专题"


def test_the_widget_speaks_its_host_pages_language(
    chinese_server: Server, open_page: Any, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='zh-TW'><head><meta charset=utf-8><link rel=icon href='data:,'>"
        "</head><body>"
        '<div data-eventsearch data-query="伊拉克" data-per-page="3"></div>'
        '<div data-eventsearch data-lang="en" data-query="伊拉克"></div>'
        f'<script src="{chinese_server.url}/embed.js" async></script></body></html>',
        "utf-8",
    )
    with another_site(tmp_path) as site:
        page = open_page()  # an English browser: the host page's language counts
        page.goto(f"{site}/index.html")
        chinese, english = page.locator("[data-eventsearch]").all()
        chinese.locator("li[part=item]").first.wait_for()
        english.locator("li[part=item]").first.wait_for()
        assert chinese.locator("button").inner_text() == "搜尋"
        assert chinese.locator(".status").inner_text() == "2 個事件"
        assert chinese.locator(".meta").first.inner_text().startswith("2016年")
        assert "ui=zh-Hant" in chinese.locator("li:not([part]) a").get_attribute("href")
        assert english.locator("button").inner_text() == "Search"
        assert english.locator(".status").inner_text() == "2 events"
        assert english.locator(".meta").first.inner_text().split(" · ")[0].endswith("2016")
