"""A TestClient on the real app over the example index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from eventsearch.settings import Settings
from web.app import create_app


def make_client(index: Path, **settings: object) -> TestClient:
    options = {"index": str(index), "rate_limit": 0, **settings}
    return TestClient(create_app(Settings.load({}, **options)))


@pytest.fixture(scope="module")
def client(example_index: Path) -> Iterator[TestClient]:
    with make_client(example_index) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def event_id(client: TestClient) -> str:
    hits = client.get("/api/v1/search", params={"q": "boeing amsterdam kuala lumpur"}).json()[
        "hits"
    ]
    return str(hits[0]["id"])
