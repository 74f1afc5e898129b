"""Facets over the real archives (skipped where absent): selected values keep their real
count, and a story is labelled as most of its events spell it."""

from __future__ import annotations

import pytest

from search.params import parse_request
from search.service import Search


def answer(service: Search, *params: tuple[str, str]) -> dict:  # type: ignore[type-arg]
    return service.search(parse_request(list(params))).to_dict()


def values(result: dict, name: str) -> dict[str, tuple[int, bool]]:  # type: ignore[type-arg]
    found = next(f for f in result["facets"] if f["name"] == name)
    return {v["value"]: (v["count"], v["selected"]) for v in found["values"]}


@pytest.mark.parametrize(
    ("corpus", "name", "value"),
    [
        ("zh_search", "context", "梵蒂冈"),  # the archive spells it 梵蒂岡
        ("zh_search", "domain", "rfi.fr"),
        ("en_search", "context", "Venezuela"),
    ],
)
def test_selected_value_shows_its_real_count(
    corpus: str, name: str, value: str, request: pytest.FixtureRequest
) -> None:
    result = answer(request.getfixturevalue(corpus), (name, value))

    assert values(result, name)[value] == (result["total"], True)
    assert result["total"] > 0


def test_zh_story_is_labelled_by_the_spelling_its_events_use(zh_search: Search) -> None:
    stories = values(answer(zh_search, ("year", "2015")), "context")

    assert "伊斯兰国" in stories and "伊斯蘭國" not in stories


@pytest.mark.parametrize("title", ["title:中国", "title:中國"])
def test_zh_events_naming_china_are_found_by_its_place(zh_search: Search, title: str) -> None:
    everything = answer(zh_search, ("q", title))["total"]
    in_china = answer(zh_search, ("q", title), ("place", "CN"))["total"]

    assert everything > 500 and in_china >= 0.98 * everything


def test_zh_place_facet_counts_china_among_the_busiest(zh_search: Search) -> None:
    places = values(answer(zh_search), "place")

    assert list(places)[:3].count("CN") == 1
    assert places["CN"][0] == answer(zh_search, ("place", "CN"))["total"]
