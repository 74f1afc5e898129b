"""The reader's results page against the JSON API, over HTTP with the result cache off.

    python -m bench.resultspage --index INDEX [--kind synth] [--repeat 3] [--workers 1]

The HTML results page (``/search``) draws, beside the hits of ``/api/v1/search``, the
timeline that narrows by year, month or day, every facet (``place`` included), the chips
and the pager. Issue 15 asks that none of it slows the common path: this times both for
the query set of ``bench.queries`` on one ``eventsearch serve`` with ``EVENTSEARCH_CACHE_MB=0``
(every request computed), one request at a time on a keep-alive connection to 127.0.0.1,
after the server's background warm-up; per query the median of ``--repeat`` warm runs,
then the median and p95 over the queries. Compare with the "eventsearch HTTP (result
cache off)" row of docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from bench.common import machine_line, median, percentile, shown
from bench.compare import server_env
from bench.queries import Params, queries
from bench.servers import HOST, Server, eventsearch_command, free_port

PAGES = {
    "results page (`/search`, HTML)": "/search",
    "API (`/api/v1/search`, JSON)": "/api/v1/search",
}


def timed(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200 and body, (path, response.status)
    return (time.perf_counter() - started) * 1000


def measure(
    port: int, query_set: Sequence[tuple[str, Params]], repeat: int
) -> dict[str, list[float]]:
    """Per page kind, each query's median of *repeat* warm runs (one untimed run first)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    found: dict[str, list[float]] = {name: [] for name in PAGES}
    for _label, params in query_set:
        query = urllib.parse.urlencode(params)
        for name, path in PAGES.items():
            timed(connection, f"{path}?{query}")
            found[name].append(
                median([timed(connection, f"{path}?{query}") for _ in range(repeat)])
            )
    connection.close()
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.resultspage", description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--kind", default="synth", help="query set of bench/data/queries.toml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--settle", type=float, default=90.0, help="seconds of warm-up to wait")
    args = parser.parse_args(argv)
    query_set = queries(args.kind)
    port = free_port()
    env = {**server_env(), "EVENTSEARCH_CACHE_MB": "0"}
    command = eventsearch_command(sys.executable, args.index, port, "--workers", str(args.workers))
    with tempfile.TemporaryDirectory() as logs:
        log_path = Path(logs) / "server.log"
        probe = "/api/v1/search?" + urllib.parse.urlencode(query_set[0][1])
        with Server("eventsearch", command, port, probe, log_path, env, args.workers) as server:
            server.start()
            time.sleep(args.settle)  # the background warm-up (suggester, priors) first
            found = measure(port, query_set, args.repeat)
    print(f"{machine_line()}\n")
    print(f"`python -m bench.resultspage --index {shown(args.index)} --kind {args.kind}`, "
          f"{len(query_set)} queries, cache off, {args.workers} worker(s)\n")  # fmt: skip
    print("| page | median ms | p95 ms |\n| --- | ---: | ---: |")
    for name, values in found.items():
        print(f"| {name} | {median(values):.1f} | {percentile(values, 0.95):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
