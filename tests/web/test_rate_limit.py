"""The rate limit: one budget per client for the whole server, on every path that works."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from web import limits
from web.limits import SharedBuckets, TokenBuckets, buckets_for, create_table, take_token

from .conftest import make_client

RATE = 60
NOW = 1_000.0  # a fixed clock: nothing refills during a test


def test_take_token_refills_at_the_rate_and_says_how_long_to_wait() -> None:
    assert take_token(5.0, 0.0, RATE) == (4.0, 0)
    assert take_token(0.0, 0.5, RATE) == (0.5, 1)  # 1 token a second: half a second short
    assert take_token(0.0, 3600.0, RATE) == (RATE - 1.0, 0)  # never more than a minute's
    assert take_token(2.0, -5.0, RATE) == (1.0, 0)  # a clock step back refills nothing


def test_a_dear_request_takes_several_tokens_and_waits_for_all_of_them() -> None:
    assert take_token(15.0, 0.0, RATE, cost=10) == (5.0, 0)
    assert take_token(5.0, 0.0, RATE, cost=10) == (5.0, 5)  # 5 tokens short: 5 s
    assert take_token(RATE, 0.0, RATE, cost=RATE * 2) == (0.0, 0)  # at most the budget


def _taker(path: Path, start: Event, results: multiprocessing.Queue[int]) -> None:
    buckets = SharedBuckets(path, RATE)
    start.wait(10)
    results.put(sum(buckets.take("198.51.100.7", NOW) == 0 for _ in range(RATE)))
    buckets.close()


def test_two_processes_share_one_budget_per_client(tmp_path: Path) -> None:
    table = create_table(tmp_path)
    context = multiprocessing.get_context("spawn")  # as uvicorn starts its workers
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_taker, args=(table, start, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    start.set()
    allowed = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(10)
    assert sum(allowed) == RATE, allowed  # each alone would have let RATE through


def test_clients_in_the_table_have_budgets_of_their_own(tmp_path: Path) -> None:
    buckets = SharedBuckets(create_table(tmp_path), RATE)
    try:
        first, second = "203.0.113.1", "203.0.113.2"
        assert buckets.slot(first) != buckets.slot(second)
        assert [buckets.take(first, NOW) for _ in range(RATE + 1)][-2:] == [0, 1]
        assert buckets.take(second, NOW) == 0
        assert buckets.take(first, NOW + 1.0) == 0  # one token back a second later
    finally:
        buckets.close()


def test_clients_that_hash_to_one_slot_share_its_budget(tmp_path: Path) -> None:
    buckets = SharedBuckets(create_table(tmp_path, slots=2), RATE)
    try:
        first = "203.0.113.1"
        other = next(
            host
            for host in (f"203.0.113.{n}" for n in range(2, 200))
            if buckets.slot(host) == buckets.slot(first)
        )
        assert all(buckets.take(first, NOW) == 0 for _ in range(RATE))
        assert buckets.take(other, NOW) == 1  # the documented cost of a collision
    finally:
        buckets.close()


def test_serve_table_is_used_when_named_and_in_process_buckets_otherwise(
    tmp_path: Path,
) -> None:
    shared = buckets_for(RATE, {limits.FILE_ENV: str(create_table(tmp_path))})
    assert isinstance(shared, SharedBuckets)
    shared.close()
    assert isinstance(buckets_for(RATE, {}), TokenBuckets)


LIMITED = [
    "/api/v1/search?q=syria",
    "/search?q=syria",
    "/search.atom?q=syria",
    "/suggest?q=sy",
    "/events/news/2014/07/17/anything",
    "/stories/Syrian%20Civil%20War",
    "/days/2014-07-18",
    "/on-this-day",
    "/on-this-day/07-17",
]
UNLIMITED = [
    "/healthz",
    "/static/style.css",
    "/embed.js",
    "/favicon.ico",
    "/opensearch.xml",
]


@pytest.fixture
def exhausted(example_index: Path) -> Iterator[TestClient]:
    """A client that has used its whole budget (2 a minute) on the API."""
    with make_client(example_index, rate_limit=2, rate_limit_loopback="true") as client:
        assert [client.get("/api/v1/search").status_code for _ in range(2)] == [200, 200]
        yield client


@pytest.mark.parametrize("path", LIMITED)
def test_paths_that_read_the_index_are_limited(exhausted: TestClient, path: str) -> None:
    response = exhausted.get(path)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1


@pytest.mark.parametrize("path", UNLIMITED)
def test_static_files_and_health_checks_are_not_limited(exhausted: TestClient, path: str) -> None:
    assert exhausted.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/search.csv", "/api/v1/search.jsonl"])
def test_an_export_costs_ten_requests(example_index: Path, path: str) -> None:
    from web.export import EXPORT_COST

    with make_client(example_index, rate_limit=25, rate_limit_loopback="true") as client:
        answers = [client.get(path).status_code for _ in range(3)]
        assert answers == [200, 200, 429] and EXPORT_COST == 10
        assert client.get("/api/v1/search").status_code == 200  # 5 tokens left
