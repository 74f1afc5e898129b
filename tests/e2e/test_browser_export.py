"""A reader downloads a search and cites an event, in headless Chromium."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT
from .conftest import Server

pytestmark = pytest.mark.slow


def test_the_csv_link_downloads_the_results_shown(server: Server, open_page: Any) -> None:
    page = open_page()
    page.goto(server.url + "/search?q=malaysia+airlines")
    shown = page.locator("ol.hits > li.hit h2 a").all_inner_texts()
    with page.expect_download() as started:
        page.locator("p.download a", has_text="CSV").click()
    download = started.value
    assert download.suggested_filename == "events-malaysia-airlines.csv"
    with Path(download.path()).open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["title"] for row in rows[: len(shown)]] == shown


def test_an_event_page_offers_its_citation_and_copies_it(server: Server, open_page: Any) -> None:
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(server.url + "/search?q=boeing+amsterdam+kuala+lumpur")
    page.locator("ol.hits > li.hit h2 a").first.click()
    page.wait_for_url("**/events/**")
    wiki = page.locator("#cite-wiki")
    assert wiki.input_value().startswith("{{cite news |url=http")
    assert page.locator("#cite-link").input_value() == page.url
    assert page.locator("a.archived").count() > 0
    block = page.locator("section.cite").bounding_box()
    scrolled = page.evaluate("window.scrollY")
    bottom = block["y"] + scrolled + block["height"] + 16  # the page down to the citation
    page.screenshot(
        path=str(ROOT / "docs" / "screenshot-citation.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": bottom},
    )
    button = page.locator("button[data-copy=cite-wiki]")
    button.click()  # the label changes once the clipboard's promise resolves
    # Polled by Playwright's own script, not a string evaluated in the page: the page's
    # CSP (script-src 'self') refuses string eval, as it should.
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(button).to_have_text(re.compile(r"^Copied"))
    assert page.evaluate("navigator.clipboard.readText()") == wiki.input_value()


def test_without_javascript_the_citation_is_plain_selectable_text(
    server: Server, open_page: Any
) -> None:
    page = open_page(javascript=False)
    page.goto(server.url + "/search?q=boeing+amsterdam+kuala+lumpur")
    page.locator("ol.hits > li.hit h2 a").first.click()
    page.wait_for_url("**/events/**")
    assert page.locator("section.cite button").evaluate_all("bs => bs.every(b => b.hidden)")
    text = page.locator("#cite-text")
    assert text.is_visible() and text.get_attribute("readonly") is not None
    assert "(accessed " in text.input_value()
