"""The OpenSearch engine as a browser uses it: discovered from the home page, its
description fetched by Chromium, its results template filled per the spec (an optional
``{startPage?}`` the browser does not know left empty, as Firefox does) and opened."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import pytest

from ..web.opensearch_client import fill, url_templates
from .conftest import Server

pytestmark = pytest.mark.slow

FETCH = """async (url) => {
  const response = await fetch(url);
  return {status: response.status, type: response.headers.get("content-type") || "",
          body: await response.text()};
}"""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert errors == []


def test_browser_opens_the_filled_results_template_and_gets_results(
    server: Server, page: Any
) -> None:
    page.goto(server.url + "/")
    link = page.locator('link[rel="search"][type="application/opensearchdescription+xml"]')
    # Browsers fetch the description in the background (opening it would download it).
    fetched = page.evaluate(FETCH, urljoin(page.url, link.get_attribute("href")))
    assert fetched["status"] == 200
    assert fetched["type"].startswith("application/opensearchdescription+xml")
    html = [u for u in url_templates(fetched["body"].encode()) if u.type == "text/html"]
    assert len(html) == 1 and html[0].method == "get"
    target = fill(html[0], "earthquake")
    assert target.endswith("&page=")  # the optional startPage, empty

    opened = page.goto(target)
    assert opened is not None and opened.status == 200, target
    assert page.locator("ol.hits > li").count() > 0  # results, not an error page
    assert page.input_value("#q") == "earthquake"
