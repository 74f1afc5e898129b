"""A small, bounded HTTP load generator for local servers (used by ``bench.compare``).

Threads with one keep-alive ``http.client`` connection each send GET requests for a fixed
list of paths, round robin, until *max_requests* have been sent or *max_seconds* have
passed, whichever comes first. Only loopback addresses are accepted: this never sends
traffic anywhere but this machine.

The generator runs in the benchmark's own process, so on a small machine it competes with
the server for CPU; its CPU use during the run is reported so that a reader can see how
much of the machine the client took.
"""

from __future__ import annotations

import http.client
import ipaddress
import itertools
import math
import resource
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bench.common import percentile

LOOPBACK_NAMES = ("localhost",)


def check_loopback(host: str) -> None:
    """Refuse any host that is not a loopback address."""
    if host in LOOPBACK_NAMES:
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"load generator only targets loopback addresses, not {host!r}")


@dataclass
class LoadResult:
    concurrency: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    client_cpu_s: float = 0.0
    stopped_by: str = ""
    error_samples: list[str] = field(default_factory=list)
    by_label: dict[str, list[float]] = field(default_factory=dict)  # latencies per kind

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    def p(self, share: float) -> float:
        return percentile(self.latencies_ms, share)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else math.nan


def get(host: str, port: int, path: str, timeout: float = 60.0) -> tuple[int, bytes, float]:
    """One GET on a fresh connection: (status, body, milliseconds)."""
    check_loopback(host)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, body, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


class KeepAlive:
    """One persistent connection; reconnects after an error."""

    def __init__(self, host: str, port: int, timeout: float = 60.0) -> None:
        check_loopback(host)
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            body = response.read()
            if response.getheader("connection", "").lower() == "close":
                self.close()
            return response.status, body
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class _Plan:
    """What every worker thread of :func:`run_load` shares."""

    host: str
    port: int
    paths: Sequence[str]
    labels: Sequence[str] | None
    max_requests: int
    deadline: float
    result: LoadResult
    counter: Iterator[int] = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Tally:
    """One worker's own counts, added to the result when it stops."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    labelled: dict[str, list[float]] = field(default_factory=dict)

    def add_to(self, result: LoadResult) -> None:
        result.latencies_ms.extend(self.latencies)
        result.statuses.update(self.statuses)
        result.errors += sum(1 for e in self.errors if not e.startswith("HTTP "))
        result.error_samples.extend(self.errors[: 3 - len(result.error_samples)])
        for label, values in self.labelled.items():
            result.by_label.setdefault(label, []).extend(values)


def _worker(plan: _Plan) -> None:
    client = KeepAlive(plan.host, plan.port)
    tally = _Tally()
    try:
        while True:
            number = next(plan.counter)  # itertools.count is atomic under the GIL
            if number >= plan.max_requests or time.perf_counter() >= plan.deadline:
                break
            path = plan.paths[number % len(plan.paths)]
            sent = time.perf_counter()
            try:
                status, _ = client.get(path)
            except Exception as exc:  # a failed request is counted, not fatal
                tally.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            tally.latencies.append((time.perf_counter() - sent) * 1000)
            tally.statuses[status] += 1
            if status != 200 and len(tally.errors) < 3:
                tally.errors.append(f"HTTP {status} for {path}")
            if plan.labels is not None:
                label = plan.labels[number % len(plan.paths)]
                tally.labelled.setdefault(label, []).append(tally.latencies[-1])
    finally:
        client.close()
        with plan.lock:
            tally.add_to(plan.result)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_load(
    host: str,
    port: int,
    paths: Sequence[str],
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    labels: Sequence[str] | None = None,
) -> LoadResult:
    """Send up to *max_requests* GETs (round robin over *paths*) from *concurrency* threads,
    for at most *max_seconds*; every request's latency is kept (also per label, when each
    path has one), and every failed request and non-200 status is counted."""
    check_loopback(host)
    if not paths:
        raise ValueError("no paths to request")
    result = LoadResult(concurrency)
    started = time.perf_counter()
    plan = _Plan(host, port, paths, labels, max_requests, started + max_seconds, result)
    cpu_before = _cpu_seconds()
    threads = [
        threading.Thread(target=_worker, args=(plan,), daemon=True) for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 120)  # requests time out after 60 s each
    result.seconds = time.perf_counter() - started
    result.client_cpu_s = _cpu_seconds() - cpu_before
    result.requests = sum(result.statuses.values())
    sent = result.requests + result.errors
    result.stopped_by = "requests" if sent >= max_requests else "seconds"
    return result
