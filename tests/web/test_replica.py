"""A read-only replica: not ready until an index is published, then follows new ones."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer import store

from .conftest import make_client


def _wait_for(client: object, status: int, seconds: float = 5.0) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        response = client.get("/healthz")  # type: ignore[attr-defined]
        if response.status_code == status or time.monotonic() > deadline:
            assert response.status_code == status, response.text
            return dict(response.json())
        time.sleep(0.2)


def test_replica_is_not_ready_until_an_index_is_published_then_serves_it(
    example_index: Path, tmp_path: Path
) -> None:
    published = tmp_path / "published"
    published.mkdir()
    with make_client(published, read_only=True) as client:
        assert client.get("/healthz").status_code == 503
        assert client.get("/api/v1/search", params={"q": "flood"}).status_code == 503
        generation, _ = store.publish_to(example_index, published)
        ready = _wait_for(client, 200)
        assert ready["generation"] == generation.name
        assert ready["events"] == store.read_summary(generation).events
        assert client.get("/api/v1/search", params={"q": "flood"}).status_code == 200


@pytest.fixture
def published(example_index: Path, tmp_path: Path) -> Path:
    """A replica directory with the example index published in it."""
    store.publish_to(example_index, tmp_path / "published")
    return tmp_path / "published"


def _only_generation(published: Path) -> Path:
    generation = store.current_generation(published)
    assert generation is not None
    return generation


def test_a_damaged_new_generation_leaves_the_replica_on_the_one_it_serves(
    published: Path,
) -> None:
    first = _only_generation(published)
    with make_client(published, read_only=True) as client:
        assert _wait_for(client, 200)["generation"] == first.name
        damaged = published / "gen-000099"
        damaged.mkdir()
        for source in first.iterdir():  # a complete-looking copy whose segments are garbage
            if source.is_file():
                (damaged / source.name).write_bytes(
                    source.read_bytes() if source.suffix == ".json" else b"\0garbage"
                )
        (published / store.CURRENT).write_text("gen-000099\n", "utf-8")
        time.sleep(1.2)  # past the once-a-second check of CURRENT
        assert _wait_for(client, 200)["generation"] == first.name
        assert client.get("/api/v1/search", params={"q": "flood"}).status_code == 200


def test_a_damaged_only_generation_is_unavailable_not_an_error(published: Path) -> None:
    first = _only_generation(published)
    for segment in first.glob("MAIN_*.*"):
        segment.write_bytes(b"\0garbage")
    (first / "_MAIN_1.toc").write_bytes(b"\0garbage")
    with make_client(published, read_only=True) as client:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert "cannot open index generation" in response.json()["detail"]
        assert client.get("/api/v1/search", params={"q": "flood"}).status_code == 503
