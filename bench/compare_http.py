"""The HTTP half of ``bench.compare``: each server started, its latency per query measured
one request at a time on new connections, one query repeated on fresh and on keep-alive
connections, its throughput at each concurrency level, and its memory before and after.
"""

from __future__ import annotations

import argparse
import logging
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.common import Memory, fmt_ms, memory_of, ms_since, percentile, tree_cpu
from bench.loadgen import KeepAlive, LoadResult, get, run_load
from bench.peers import Answer
from bench.queries import Params
from bench.servers import HOST, Server

KEEPALIVE_PROBE = 20

log = logging.getLogger("bench.compare").info


@dataclass
class Series:
    """Latency samples (ms) per query label; ``first`` holds each query's first run."""

    name: str
    first: dict[str, float] = field(default_factory=dict)
    warm: dict[str, list[float]] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # HTTP response bytes per query

    def add(self, label: str, ms: float) -> None:
        if label not in self.first:
            self.first[label] = ms
        else:
            self.warm.setdefault(label, []).append(ms)

    def per_query(self, label: str) -> float | None:
        values = self.warm.get(label)
        if values:
            return statistics.median(values)
        return self.first.get(label)

    def summary(self, which: str) -> tuple[float, float]:
        """(median, p95) over queries of the first runs or of per-query warm medians."""
        if which == "first":
            values = list(self.first.values())
        else:
            values = [v for v in (self.per_query(k) for k in self.first) if v is not None]
        if not values:
            return math.nan, math.nan
        return statistics.median(values), percentile(values, 0.95)


def time_queries(
    series: Series,
    query_set: Sequence[tuple[str, Params]],
    call: Callable[[str, Params], Answer],
    repeat: int,
) -> None:
    """One first run per query (answers kept), then *repeat* rounds over the whole set."""
    for label, params in query_set:
        started = time.perf_counter()
        try:
            answer = call(label, params)
        except Exception as exc:  # an engine that cannot run a query: recorded, not fatal
            series.errors[label] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        series.add(label, ms_since(started))
        series.answers[label] = answer
    for _ in range(repeat):
        for label, params in query_set:
            if label in series.errors:
                continue
            started = time.perf_counter()
            call(label, params)
            series.add(label, ms_since(started))


@dataclass
class ServerRun:
    name: str
    first_200_ms: float = math.nan
    all_ready_ms: float = math.nan
    idle: Memory | None = None
    after: Memory | None = None
    series: Series | None = None
    loads: list[tuple[LoadResult, float]] = field(default_factory=list)  # (result, server CPU s)
    failed: str = ""
    workers: int = 1
    keepalive: tuple[float, float] = (math.nan, math.nan)  # median ms: fresh, keep-alive

    def rps(self, level: int) -> float | None:
        """Successful requests per second at concurrency *level* (None: not run)."""
        found = [res.ok / res.seconds for res, _ in self.loads if res.concurrency == level]
        return found[0] if found else None


def keepalive_probe(port: int, path: str) -> tuple[float, float]:
    """Median ms of one query repeated on fresh connections and on one keep-alive
    connection (shows per-connection delays such as Nagle + delayed ACK)."""
    fresh = [get(HOST, port, path)[2] for _ in range(KEEPALIVE_PROBE)]
    client = KeepAlive(HOST, port)
    kept = []
    try:
        for _ in range(KEEPALIVE_PROBE):
            started = time.perf_counter()
            client.get(path)
            kept.append(ms_since(started))
    finally:
        client.close()
    return statistics.median(fresh), statistics.median(kept)


@dataclass(frozen=True)
class Target:
    """A server to measure and how to talk to it."""

    server: Server
    paths: dict[str, str]  # query label -> request path
    parse: Callable[[bytes], Answer]
    workers: int


def bench_server(
    target: Target, query_set: Sequence[tuple[str, Params]], args: argparse.Namespace
) -> ServerRun:
    """Start the server, measure it, stop it; a failure is recorded in the run, not raised."""
    server = target.server
    run = ServerRun(server.name, workers=target.workers)
    try:
        with server:
            server.start()
            run.first_200_ms, run.all_ready_ms = server.first_200_ms, server.all_ready_ms
            time.sleep(0.5)
            run.idle = memory_of(server.pid)
            run.series = _latency(target, query_set, args.repeat)
            run.keepalive = keepalive_probe(server.port, target.paths[query_set[0][0]])
            ordered = [target.paths[q] for q, _ in query_set if q not in run.series.errors]
            for level in args.levels:  # kept level by level: a failure keeps those before
                run.loads.append(_level(server, ordered, level, args))
            run.after = memory_of(server.pid)
    except Exception as exc:  # reported in the table; the other peers still run
        run.failed = f"{type(exc).__name__}: {exc}"
        log(f"{server.name}: FAILED: {run.failed}")
    return run


def _latency(target: Target, query_set: Sequence[tuple[str, Params]], repeat: int) -> Series:
    """Every query one at a time, each on a new connection."""
    series = Series(target.server.name)

    def call(label: str, params: Params) -> Answer:
        status, body, _ = get(HOST, target.server.port, target.paths[label])
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
        series.sizes[label] = len(body)
        return target.parse(body)

    time_queries(series, query_set, call, repeat)
    return series


def _level(
    server: Server, paths: list[str], level: int, args: argparse.Namespace
) -> tuple[LoadResult, float]:
    """The load generator at one concurrency level, and the server's CPU seconds meanwhile."""
    before = tree_cpu(server.pid)
    result = run_load(HOST, server.port, paths, level, args.requests, args.seconds)
    cpu = tree_cpu(server.pid) - before
    log(
        f"{server.name}: c={level}: {result.ok / result.seconds:,.1f} req/s, "
        f"p50 {fmt_ms(result.median_ms)} ms, {result.errors} errors"
    )
    return result, cpu
