"""A reader in headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT
from .conftest import Server, free_port

pytestmark = pytest.mark.slow


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert errors == []  # no script errors, no CSP violations


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
    assert page.input_value("#q") == '"Malaysia Airlines Flight 17"'
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
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    other = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/index.html")
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
    finally:
        other.shutdown()
        other.server_close()
