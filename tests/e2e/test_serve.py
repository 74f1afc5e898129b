"""End to end: a real uvicorn server with two workers over a real index."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from ..conftest import ROOT
from .conftest import Server, start_server, stop_server

pytestmark = pytest.mark.slow


def test_first_start_indexes_the_archive_and_says_where_it_serves(server: Server) -> None:
    output = server.output()
    assert "indexing" in output and "events" in output
    assert f"at {server.url}/" in output
    health = httpx.get(f"{server.url}/healthz").json()
    assert health["events"] > 40


def test_pages_api_and_feeds_answer_over_http(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/").status_code == 200
        page = client.get("/search", params={"q": "malaysia airlines"})
        assert page.status_code == 200 and "<mark>" in page.text
        assert client.get("/api/v1/search", params={"q": "syria"}).json()["total"] > 0
        assert client.get("/search.atom", params={"q": "syria"}).status_code == 200
        assert client.get("/opensearch.xml").status_code == 200
        assert client.get("/api/v1/search", params={"page": "0"}).status_code == 400


def test_every_request_is_logged_with_status_and_time(server: Server) -> None:
    httpx.get(f"{server.url}/api/v1/search", params={"q": "logged-marker"})
    deadline = time.monotonic() + 5
    while "logged-marker" not in server.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    line = next(x for x in server.output().splitlines() if "logged-marker" in x)
    assert " 200 " in line and line.rstrip().endswith("ms")


def test_reindex_while_serving_is_picked_up_without_failed_requests(tmp_path: Path) -> None:
    served = start_server(tmp_path)
    failures: list[str] = []
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=served.url, timeout=10) as client:
            while not stop.is_set():
                response = client.get("/api/v1/search", params={"q": "zeppelin OR syria"})
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        folder = served.archive / "news/2020/01/5"
        folder.mkdir(parents=True)
        (folder / "a-zeppelin-lands.md").write_text(
            "### [2020-01-5](/news/2020/01/5/index.md)\n\n# A zeppelin lands in a city park.\n",
            "utf-8",
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "eventsearch.cli",
                "index",
                str(served.archive),
                "--index",
                str(served.index),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 20
        found = 0
        while time.monotonic() < deadline and found < 4:  # every worker must see it
            total = httpx.get(f"{served.url}/api/v1/search", params={"q": "zeppelin"}).json()[
                "total"
            ]
            found = found + 1 if total == 1 else 0
            time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        stop_server(served)
    assert found >= 4
    assert failures == []


def test_urls_are_absolute_for_the_client_behind_a_trusted_proxy(server: Server) -> None:
    headers = {
        "Host": "news.example.org",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9",
    }
    description = httpx.get(f"{server.url}/opensearch.xml", headers=headers).text
    assert "https://news.example.org/search?q={searchTerms}" in description
    feed = httpx.get(f"{server.url}/search.atom", params={"q": "syria"}, headers=headers).text
    assert "https://news.example.org/events/" in feed
