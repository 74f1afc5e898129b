"""Search and page work runs off the event loop: one slow request stalls nobody else."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from search.service import Search
from tests.web.conftest import make_client

SLOW_SECONDS = 1.0


@pytest.mark.parametrize("slow_path", ["/search?q=boeing", "/api/v1/search?q=boeing"])
def test_healthz_answers_while_a_slow_search_runs(
    example_index: Path, monkeypatch: pytest.MonkeyPatch, slow_path: str
) -> None:
    real_search = Search.search

    def slow_search(self: Search, request: Any) -> Any:
        time.sleep(SLOW_SECONDS)  # blocking work, as numpy and Whoosh are
        return real_search(self, request)

    monkeypatch.setattr(Search, "search", slow_search)
    with make_client(example_index) as client:
        slow = threading.Thread(target=client.get, args=(slow_path,))
        slow.start()
        time.sleep(0.2)  # the slow request is now inside its handler
        started = time.perf_counter()
        health = client.get("/healthz")
        took = time.perf_counter() - started
        cheap_page = client.get("/opensearch.xml")
        slow.join()
    assert health.status_code == 200 and cheap_page.status_code == 200
    # On the event loop, /healthz would wait for the rest of the slow search (~0.8 s).
    assert took < SLOW_SECONDS / 2
