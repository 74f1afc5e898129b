"""eventsearch as a peer: in process without the result cache, and its API's URL and answer.

In process it is ``Search(index, cache_bytes=0).search(request)``: what a server computes for
a request its cache cannot answer, every time.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.peers import COMPARED_FACETS, Answer
from bench.queries import Params

BACKGROUND = ("warm-", "suggest-")  # search.service.warm_up's thread, then the suggester's


def settle(timeout: float = 900.0) -> float:
    """Wait for this process's background work on a snapshot: ``search.service.warm_up``
    (after a short delay) builds the suggester, whose ``suggest-…`` thread reads stored
    fields and postings under the reader's lock the searches read through, so queries
    timed meanwhile measure that contention, not search. Returns the seconds waited."""
    started = time.perf_counter()
    deadline = time.monotonic() + timeout
    for prefix in BACKGROUND:  # in order: the warm-up thread starts the suggester's
        for thread in threading.enumerate():
            if thread.name.startswith(prefix):
                thread.join(max(0.0, deadline - time.monotonic()))
    return time.perf_counter() - started


class EventsearchPeer:
    """eventsearch in process (no result cache) and the URL of its search API."""

    name = "eventsearch"

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.service: Any = None

    def open(self) -> None:
        from search.service import Search

        self.service = Search(self.index_dir, cache_bytes=0)
        self.service.snapshot()

    def settle(self, timeout: float = 900.0) -> float:
        """Wait for the background work that opening starts (:func:`settle`)."""
        return settle(timeout)

    def close(self) -> None:
        if self.service is not None:
            self.service.close()

    def search(self, params: Params, facets: bool = True) -> Answer:
        """``Search.search``; without *facets*, with ``facets=0`` (hits are highlighted
        all the same: eventsearch has no switch for that)."""
        from search.params import parse_request

        request = parse_request(params if facets else [*params, ("facets", "0")])
        result = self.service.search(request)
        return Answer(
            total=result.total,
            ids=[hit.event.id for hit in result.hits],
            facets={
                f.name: {v.value: v.count for v in f.values}
                for f in result.facets
                if f.name in COMPARED_FACETS
            },
            highlighted=True,
            mode=result.mode,
        )

    def prefix(self, prefix: str) -> list[str]:
        """``Search.suggest``: what the search box's suggestions show."""
        return [s.text for s in self.service.suggest(prefix)]

    @staticmethod
    def path(params: Params) -> str:
        return "/api/v1/search?" + urllib.parse.urlencode(params)

    @staticmethod
    def answer(body: bytes) -> Answer:
        data = json.loads(body)
        return Answer(
            total=data.get("total"),
            ids=[h["id"] for h in data.get("hits", [])],
            facets={
                f["name"]: {str(v["value"]): int(v["count"]) for v in f["values"]}
                for f in data.get("facets", [])
                if f["name"] in COMPARED_FACETS
            },
            highlighted=True,
            mode=data.get("mode", ""),
        )
