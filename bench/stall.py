"""Does one slow request stall its worker? ``/healthz`` latency while heavy searches run.

    python -m bench.stall --index INDEX [--heavy 2] [--seconds 20] [--out bench/out]

Starts ``eventsearch serve --index INDEX`` (one worker) on a free port of 127.0.0.1,
then runs *--heavy* threads that send expensive searches, each one new (prefix ORs and
100-hit pages, so the result cache never answers them), while one more thread asks for
``/healthz`` every 50 ms, as a load balancer does. Reports the heavy searches' latency
and ``/healthz``'s: on a server that runs search work on its event loop, each health
check waits for the search in progress.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import random
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlencode

from bench.common import OUT, percentile, setup_logging
from bench.loadgen import KeepAlive
from bench.servers import HOST, Server, eventsearch_command, free_port

log = logging.getLogger("bench.stall").info
PROBE_EVERY_S = 0.05
LETTERS = "abcdefghijklmnoprstuvw"


def heavy_paths(seed: int) -> Iterator[str]:
    """Endless distinct expensive searches: ORs of prefixes, 100 hits with facets."""
    rng = random.Random(seed)
    for number in itertools.count():
        prefixes = {rng.choice(LETTERS) + rng.choice(LETTERS) for _ in range(30)}
        query = " OR ".join(f"{p}*" for p in sorted(prefixes))
        yield "/api/v1/search?" + urlencode({"q": query, "per_page": 100, "_": number})


def run(port: int, heavy: int, seconds: float, seed: int) -> dict[str, list[float]]:
    paths = heavy_paths(seed)
    lock = threading.Lock()
    timings: dict[str, list[float]] = {"heavy": [], "healthz": []}
    deadline = time.perf_counter() + seconds

    def timed(client: KeepAlive, path: str, kind: str) -> None:
        started = time.perf_counter()
        status, _ = client.get(path)
        took = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"{path[:80]} answered {status}")
        with lock:
            timings[kind].append(took)

    def searcher() -> None:
        client = KeepAlive(HOST, port)
        while time.perf_counter() < deadline:
            with lock:
                path = next(paths)
            timed(client, path, "heavy")

    def prober() -> None:
        client = KeepAlive(HOST, port)
        while time.perf_counter() < deadline:
            timed(client, "/healthz", "healthz")
            time.sleep(PROBE_EVERY_S)

    threads = [threading.Thread(target=searcher) for _ in range(heavy)]
    threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def report(timings: dict[str, list[float]]) -> str:
    lines = ["| requests | count | p50 ms | p95 ms | max ms |", "| --- | --- | --- | --- | --- |"]
    for kind, values in timings.items():
        cells = [percentile(values, share) for share in (0.5, 0.95, 1.0)]
        lines.append(f"| {kind} | {len(values)} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a built index directory")
    parser.add_argument("--heavy", type=int, default=2, help="threads sending heavy searches")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    setup_logging()
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "EVENTSEARCH_RATE_LIMIT": "0", "EVENTSEARCH_LOG_LEVEL": "warning"}
    command = eventsearch_command(sys.executable, args.index.resolve(), port, "--read-only")
    # ready_lines=0: its one worker has answered /healthz, and at log level "warning" uvicorn
    # logs no start-up line to wait for (waiting would last the whole READY_TIMEOUT_S).
    log_file = args.out / "stall.log"
    with Server("eventsearch", command, port, "/healthz", log_file, env, 0) as server:
        server.start()
        log(f"stall: {args.heavy} heavy search threads and /healthz every 50 ms")
        print(report(run(port, args.heavy, args.seconds, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
