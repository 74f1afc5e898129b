"""Facet counts and labels over a made-up archive: selected values keep their real count,
and a context spelled several ways is shown as most of its events spell it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.build import run
from search.facets import FACET_LIMIT, _values
from search.params import parse_request
from search.service import Search

COMMON = FACET_LIMIT + 1  # more stories and outlets than a facet shows
# (date, story heading): the folded story "示例国" is spelled two ways
SPELLED = [
    (dt.date(2014, 3, 1), "示例國"),  # the first spelling the index sees
    (dt.date(2014, 3, 2), "示例國"),
    (dt.date(2015, 5, 1), "示例国"),
    (dt.date(2015, 5, 2), "示例国"),
    (dt.date(2015, 5, 3), "示例国"),
]


def write_event(archive: Path, day: dt.date, slug: str, story: str, domain: str) -> None:
    folder = archive / f"news/{day:%Y/%m}/{day.day}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(
        f"### [{day:%Y-%m}-{day.day}](/news/{day:%Y/%m}/{day.day}/index.md)\n\n"
        f"##### {story}\n# {slug.replace('-', ' ').capitalize()} happens.\n\n"
        f"### Source:\n\n1. [Outlet](https://www.{domain}/{slug})\n",
        "utf-8",
    )


def made_up_archive(root: Path) -> Path:
    for n in range(COMMON):
        for copy in range(2):
            day = dt.date(2016, 1, 1 + copy)
            write_event(root, day, f"common-{n}-{copy}", f"Story {n}", f"outlet{n}.example")
    write_event(root, dt.date(2016, 2, 1), "rare-one", "Rare story", "rare.example")
    for n, (day, story) in enumerate(SPELLED):
        write_event(root, day, f"spelled-{n}", story, "spelled.example")
    return root


@pytest.fixture(scope="module")
def search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Search]:
    archive = made_up_archive(tmp_path_factory.mktemp("archive"))
    index = tmp_path_factory.mktemp("index")
    run(archive, index, workers=1)
    with Search(index) as service:
        yield service


def facet(service: Search, name: str, *params: tuple[str, str]) -> list[tuple[str, int, bool]]:
    result = service.search(parse_request(list(params))).to_dict()
    found = next(f for f in result["facets"] if f["name"] == name)
    return [(v["value"], v["count"], v["selected"]) for v in found["values"]]


@pytest.mark.parametrize(
    ("name", "value"),
    [("context", "Rare story"), ("context", "rare STORY"), ("domain", "rare.example")],
)
def test_selected_value_outside_the_top_values_shows_its_real_count(
    search: Search, name: str, value: str
) -> None:
    values = facet(search, name, (name, value))

    assert len(values) == FACET_LIMIT + 1
    assert values[-1] == (value, 1, True)  # as the request spelled it, so a toggle drops it


def test_selected_value_unknown_to_the_index_shows_zero(search: Search) -> None:
    assert facet(search, "context", ("context", "No such story"))[-1] == ("No such story", 0, True)
    assert facet(search, "domain", ("domain", "nowhere.example"))[-1] == (
        "nowhere.example",
        0,
        True,
    )


def test_selected_year_month_and_language_keep_their_counts(search: Search) -> None:
    years = facet(search, "year", ("year", "2014"))
    months = facet(search, "month", ("year", "2016"), ("month", "2016-02"))

    assert ("2014", 2, True) in years and ("2016", 2 * COMMON + 1, False) in years
    assert ("2016-02", 1, True) in months
    everything = 2 * COMMON + 1 + len(SPELLED)
    assert ("en", everything, True) in facet(search, "lang", ("lang", "en"))


def test_context_is_labelled_as_most_of_its_events_spell_it(search: Search) -> None:
    assert ("示例国", 5, False) in facet(search, "context")


def test_context_label_follows_the_events_that_match(search: Search) -> None:
    assert ("示例國", 2, False) in facet(search, "context", ("year", "2014"))
    assert ("示例国", 3, False) in facet(search, "context", ("year", "2015"))


def test_a_selected_context_is_shown_as_the_request_spells_it_with_every_spelling_counted(
    search: Search,
) -> None:
    assert ("示例國", 5, True) in facet(search, "context", ("context", "示例國"))


# -- places -------------------------------------------------------------------------------
PLACED = [  # (slug, story heading): where the heading or the title names a country
    ("strike-one", "Strikes in France"),
    ("strike-two", "Strikes in France"),
    ("tokyo-flood", "Floods in Japan and France"),
    ("quiet-day", "Nothing much"),
]


@pytest.fixture(scope="module")
def placed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Search]:
    archive = tmp_path_factory.mktemp("placed")
    for n, (slug, story) in enumerate(PLACED):
        write_event(archive, dt.date(2017, 1, 1 + n), slug, story, "news.example")
    index = tmp_path_factory.mktemp("placed-index")
    run(archive, index, workers=1)
    with Search(index) as service:
        yield service


def test_places_are_counted_per_event_busiest_first(placed: Search) -> None:
    assert facet(placed, "place") == [("FR", 3, False), ("JP", 1, False)]


def test_a_place_filter_keeps_its_events_and_its_facet_counts_the_rest(placed: Search) -> None:
    result = placed.search(parse_request([("place", "JP")])).to_dict()

    assert result["total"] == 1
    assert facet(placed, "place", ("place", "JP")) == [("FR", 3, False), ("JP", 1, True)]
    assert facet(placed, "place", ("place", "ZZ"))[-1] == ("ZZ", 0, True)


@given(
    st.lists(
        st.tuples(st.text(max_size=3), st.integers(0, 4)), unique_by=lambda p: p[0], max_size=80
    ),
    st.integers(1, 30),
)
def test_values_are_most_first_then_by_name_exactly_however_many_tie(
    pairs: list[tuple[str, int]], limit: int
) -> None:
    names = [name for name, _ in pairs]
    counts = np.array([count for _, count in pairs], dtype=np.int64)
    values, truncated = _values(names, counts, {}, limit)
    expected = sorted(((n, c) for n, c in pairs if c), key=lambda p: (-p[1], p[0]))
    assert [(v.value, v.count) for v in values] == expected[:limit]
    assert truncated == (len(expected) > limit)
