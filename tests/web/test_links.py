"""The links a search page and its twin give (web/links.py)."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl, urlsplit

from web.links import SearchLinks

NAMES = ("q", "context", "domain", "place", "year", "month", "page", "sort", "group")
VALUES = ("2011", "2011-03", "Syrian Civil War", "中国", "a&b=c", "bbc.co.uk", "2", "")


def toggled(params: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """What a toggle means: page reset, the value added (or removed when there); a year
    chosen or unchosen drops the months."""
    items = [(k, v) for k, v in params if k != "page" and v != ""]
    if (name, value) in items:
        items.remove((name, value))
    else:
        items.append((name, value))
    return [(k, v) for k, v in items if k != "month"] if name == "year" else items


def test_a_toggle_adds_or_removes_one_value_and_resets_the_page() -> None:
    links = SearchLinks([("q", "flood"), ("context", "Haiti"), ("page", "3")])
    assert links.toggle("domain", "bbc.co.uk") == "/search?q=flood&context=Haiti&domain=bbc.co.uk"
    assert links.toggle("context", "Haiti") == "/search?q=flood"
    assert SearchLinks([]).toggle("place", "CN") == "/search?place=CN"


def test_every_toggle_of_random_searches_means_what_it_says() -> None:
    rng = random.Random(7)
    for _ in range(500):
        params = [(rng.choice(NAMES), rng.choice(VALUES)) for _ in range(rng.randrange(6))]
        links = SearchLinks(params, "/api/v1/search")
        for name, value in [*params, (rng.choice(NAMES), rng.choice(VALUES))]:
            if name == "page" or value == "":
                continue
            url = urlsplit(links.toggle(name, value))
            assert url.path == "/api/v1/search"
            assert parse_qsl(url.query) == toggled(params, name, value), (params, name, value)
