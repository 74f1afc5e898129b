"""The places pages over the example archive: every place with counts, one place's
timeline, stories and events, their JSON twins, and the codes refused or not found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import make_client
from web import i18n


def test_places_lists_every_place_busiest_first(client: TestClient) -> None:
    places = client.get("/api/v1/places").json()["places"]

    counts = [p["count"] for p in places]
    assert counts == sorted(counts, reverse=True) and places[0]["count"] > 1
    assert {"code": "US", "name": "United States"}.items() <= next(
        p for p in places if p["code"] == "US"
    ).items()
    page = client.get("/places")
    assert page.status_code == 200 and 'href="/places/US"' in page.text


def test_a_place_page_has_its_timeline_stories_events_and_a_filtered_search(
    client: TestClient,
) -> None:
    place = client.get("/api/v1/places/US").json()
    listed = client.get("/api/v1/places").json()["places"]
    count = next(p["count"] for p in listed if p["code"] == "US")

    assert place["total"] == count == sum(place["per_year"].values())
    assert place["stories"] and place["events"]
    assert all("place=US" in b["url"] for b in place["timeline"]["buckets"])
    found = client.get("/api/v1/search", params={"place": "US"}).json()
    assert found["total"] == count
    page = client.get("/places/US")
    assert page.status_code == 200 and "<h1>United States</h1>" in page.text
    assert 'href="/search?place=US"' in page.text
    assert 'href="/api/v1/places/US"' in page.text  # its twin


@pytest.mark.parametrize(("ui", "name"), [("zh-Hans", "美国"), ("zh-Hant", "美國")])
def test_places_are_named_in_the_readers_script(client: TestClient, ui: str, name: str) -> None:
    assert f"<h1>{name}</h1>" in client.get("/places/US", params={"ui": ui}).text
    assert name in client.get("/places", params={"ui": ui}).text
    assert name in client.get("/search", params={"place": "US", "ui": ui}).text


@pytest.mark.parametrize(("ui", "name"), [(i18n.SIMPLIFIED, "中国"), (i18n.TRADITIONAL, "中國")])
def test_china_is_named_in_either_script(ui: i18n.Ui, name: str) -> None:
    assert i18n.words(ui).facet_label("place", "CN") == name
    assert i18n.words(i18n.ENGLISH).facet_label("place", "CN") == "China"


@pytest.mark.parametrize("path", ["/places/ZZ", "/api/v1/places/ZZ"])
def test_a_place_no_event_names_is_not_found_by_name(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404 and "ZZ" in answer.text


@pytest.mark.parametrize("path", ["/places/cn", "/places/CHN", "/api/v1/places/C1"])
def test_a_code_that_is_not_two_capitals_is_refused(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 400


def test_a_bad_place_filter_is_refused(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"place": "china"}).status_code == 400


SERVE_AND_CHECK = """
import sys
from starlette.testclient import TestClient
from eventsearch.settings import Settings
from indexer import places
from web.app import create_app

with TestClient(create_app(Settings.load({}, index=sys.argv[1], rate_limit=0))) as client:
    assert client.get("/places/US", params={"ui": "zh-Hans"}).status_code == 200
    assert client.get("/search", params={"q": "china", "place": "CN"}).status_code == 200
print(places._matcher.cache_info().currsize)
"""


def test_the_web_app_never_builds_the_gazetteer(example_index: Path) -> None:
    """Only indexer workers pay for the place table (seconds, ~80 MB): a web process,
    which only names places, never builds it (a fresh process: this one indexed)."""
    done = subprocess.run(
        [sys.executable, "-c", SERVE_AND_CHECK, str(example_index)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.split()[-1] == "0"


@pytest.mark.parametrize(
    ("ui", "name"), [("zh-Hans", "中国"), ("zh-Hant", "中國"), ("en", "China")]
)
def test_the_zh_archive_has_a_page_for_china(zh_index: Path, ui: str, name: str) -> None:
    with make_client(zh_index) as client:
        page = client.get("/places/CN", params={"ui": ui})
        listed = client.get("/places", params={"ui": ui})
    assert page.status_code == 200 and f"<h1>{name}</h1>" in page.text
    assert f">{name}</a>" in listed.text
