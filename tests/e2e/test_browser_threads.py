"""A reader follows a story thread from an event page, and groups results by story
(headless Chromium, no JavaScript needed: every step is a link)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..conftest import ROOT
from .conftest import Server

pytestmark = pytest.mark.slow
DOCS = ROOT / "docs"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab without JavaScript that must log no errors."""
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, java_script_enabled=False
    )
    errors: list[str] = []
    opened = context.new_page()
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield opened
    context.close()
    assert errors == []


def test_reader_walks_a_story_thread_from_one_event_to_the_next(server: Server, page: Any) -> None:
    page.goto(server.url + "/search?q=mh17+dutch+nationals")
    page.locator("ol.hits > li.hit h2 a").first.click()
    page.wait_for_url("**/events/**")
    thread = page.locator("section.thread")
    assert "Malaysia Airlines Flight 17" in thread.locator("h2").inner_text()
    assert thread.locator("#thread-before + ol li").count() == 3
    assert thread.locator("#thread-after + ol li").count() == 3
    thread.scroll_into_view_if_needed()
    page.screenshot(path=str(DOCS / "screenshot-thread.png"))
    title = thread.locator("#thread-after + ol a[href^='/events/']").first.inner_text()
    thread.locator("#thread-after + ol a[href^='/events/']").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith(title.removesuffix("..."))
    page.locator("section.thread a[href^='/stories/']").last.click()
    page.wait_for_url("**/stories/Malaysia%20Airlines%20Flight%2017")


def test_reader_groups_results_by_story_and_opens_the_rest_of_one(
    server: Server, page: Any
) -> None:
    page.goto(server.url + "/search?q=")
    before = page.locator("ol.hits > li.hit").count()
    page.locator(".group-toggle a").click()
    page.wait_for_url("**group=story**")
    assert page.locator(".group-toggle").inner_text().startswith("One event per story")
    more = page.locator("li.hit .group-more a")
    assert more.count() >= 3 and page.locator("ol.hits > li.hit").count() == before
    page.screenshot(path=str(DOCS / "screenshot-grouped.png"))
    more.first.click()
    page.wait_for_url("**context=**")
    assert "group=story" not in page.url
    stories = page.locator("ol.hits > li.hit").count()
    assert stories > 1
