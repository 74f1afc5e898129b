"""eventsearch against the alternatives a user would pick, on the same events.

    python -m bench.compare --index DIR [--quick] [--levels 1,8,32] [--seconds 30]
                            [--requests 2000] [--out docs/performance.md]

Peers, all fed the events stored in the eventsearch index at ``--index`` (see
``bench/peers.py``):

1. Datasette serving a SQLite database built with sqlite-utils (FTS5, JSON-array facets);
2. tantivy through its Python bindings, in process;
3. eventsearch in process (``Search._search``, no result cache) and over HTTP
   (``eventsearch serve --workers 2``, rate limit off), once as served (result cache on)
   and once with the result cache turned off in the server processes.

Measured: index build time and size; cold start to the first answered query (a fresh
process; for servers, process start until the first HTTP 200 to a search); per-query
latency (median / p95 over the query set of ``bench.queries``, translated to each engine);
HTTP throughput at each concurrency level (threads with keep-alive connections to
127.0.0.1, bounded by request count and seconds); RSS of every server process; totals
compared between engines. The Markdown report is printed and written to ``--out``.
Servers are started in their own process groups and always stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.loadgen import KeepAlive, LoadResult, get, percentile, run_load
from bench.peers import (
    Answer,
    DatasettePeer,
    EventsearchPeer,
    TantivyPeer,
    disk_usage,
    load_events,
    q_of,
)
from bench.queries import Params, queries

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
READY_TIMEOUT_S = 180.0
PACKAGES = (
    "eventsearch",
    "whoosh3",
    "numpy",
    "rjieba",
    "starlette",
    "uvicorn",
    "datasette",
    "sqlite-utils",
    "tantivy",
)
ES_CACHE = "eventsearch HTTP (as served: result cache on)"
ES_NOCACHE = "eventsearch HTTP (result cache off)"
DATASETTE = "Datasette HTTP"
ES_INPROC = "eventsearch in process (`Search._search`)"
TANTIVY = "tantivy in process"


def log(message: str) -> None:
    print(f"[bench.compare] {message}", file=sys.stderr, flush=True)


def ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def fmt_ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    if value < 10:
        return f"{value:.2f}"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio(value: float | None, reference: float | None) -> str:
    if value is None or reference is None or math.isnan(value) or math.isnan(reference):
        return "-"
    if reference <= 0:
        return "-"
    return f"{value / reference:.2f}x"


def md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def describe(params: Params) -> str:
    q = q_of(params)
    filters = [f"{k}={v}" for k, v in params if k != "q"]
    return (q or "(empty)") + (f" [{', '.join(filters)}]" if filters else "")


# --------------------------------------------------------------------------------------------
# Per-query timings.


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


# --------------------------------------------------------------------------------------------
# Processes: /proc readings, servers.


def children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def process_tree(pid: int) -> list[int]:
    tree = children_of()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cmdline(pid: int) -> str:
    """A short name for a server process."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"
    for marker, name in (
        ("resource_tracker", "resource tracker"),
        ("multiprocessing", "worker"),
        ("eventsearch.cli", "supervisor"),
        ("-m datasette", "datasette"),
    ):
        if marker in raw:
            return name
    return raw.split()[0].rsplit("/", 1)[-1] if raw.split() else "?"


@dataclass
class Memory:
    """RSS of a server's processes (MB): current and peak (VmHWM), per process."""

    processes: list[tuple[int, str, float, float]]

    @property
    def rss(self) -> float:
        return sum(p[2] for p in self.processes)

    @property
    def peak(self) -> float:
        return sum(p[3] for p in self.processes)

    def detail(self) -> str:
        return ", ".join(f"{name} {rss:,.0f}" for _, name, rss, _ in self.processes)


def memory_of(pid: int) -> Memory:
    rows = []
    for p in process_tree(pid):
        rss = status_kb(p, "VmRSS") / 1024
        if rss:
            rows.append((p, cmdline(p), rss, status_kb(p, "VmHWM") / 1024))
    return Memory(rows)


def tree_cpu(pid: int) -> float:
    return sum(cpu_seconds(p) for p in process_tree(pid))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """A server process in its own process group; stopped (group-wide) on exit."""

    def __init__(
        self,
        name: str,
        command: list[str],
        port: int,
        probe_path: str,
        log_path: Path,
        env: dict[str, str],
        ready_lines: int,
    ) -> None:
        self.name, self.command, self.port = name, command, port
        self.probe_path, self.log_path, self.env = probe_path, log_path, env
        self.ready_lines = ready_lines
        self.proc: subprocess.Popen[bytes] | None = None
        self.first_200_ms = math.nan
        self.all_ready_ms = math.nan

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        log(f"{self.name}: starting on port {self.port}")
        handle = self.log_path.open("wb")
        started = time.perf_counter()
        try:
            self.proc = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            handle.close()
        deadline = started + READY_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text("utf-8", "replace").strip().splitlines()[-3:]
                raise RuntimeError(
                    f"{self.name} exited ({self.proc.returncode}): {' / '.join(tail)[-400:]}"
                )
            with contextlib.suppress(OSError):
                status, _, _ = get(HOST, self.port, self.probe_path, timeout=60)
                if status == 200:
                    self.first_200_ms = ms_since(started)
                    break
            time.sleep(0.02)
        else:
            raise RuntimeError(f"{self.name} answered no 200 in {READY_TIMEOUT_S:.0f} s")
        while time.perf_counter() < deadline:  # every worker up (uvicorn logs one line each)
            text = self.log_path.read_text("utf-8", "replace")
            if text.count("Application startup complete") >= self.ready_lines:
                self.all_ready_ms = ms_since(started)
                break
            time.sleep(0.02)
        log(f"{self.name}: first 200 after {self.first_200_ms:,.0f} ms")

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):  # stragglers of the group
            os.killpg(proc.pid, signal.SIGKILL)
        log(f"{self.name}: stopped")


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


KEEPALIVE_PROBE = 20


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


def bench_server(
    server: Server,
    paths: dict[str, str],
    query_set: Sequence[tuple[str, Params]],
    parse: Callable[[bytes], Answer],
    args: argparse.Namespace,
    workers: int,
) -> ServerRun:
    run = ServerRun(server.name, workers=workers)
    try:
        with server:
            server.start()
            assert server.proc is not None
            pid = server.proc.pid
            run.first_200_ms, run.all_ready_ms = server.first_200_ms, server.all_ready_ms
            time.sleep(0.5)
            run.idle = memory_of(pid)
            series = Series(server.name)

            def call(label: str, params: Params) -> Answer:
                status, body, _ = get(HOST, server.port, paths[label])
                if status != 200:
                    raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
                series.sizes[label] = len(body)
                return parse(body)

            time_queries(series, query_set, call, args.repeat)
            run.series = series
            run.keepalive = keepalive_probe(server.port, paths[query_set[0][0]])
            ordered = [paths[label] for label, _ in query_set if label not in series.errors]
            for level in args.levels:
                before = tree_cpu(pid)
                result = run_load(HOST, server.port, ordered, level, args.requests, args.seconds)
                run.loads.append((result, tree_cpu(pid) - before))
                log(
                    f"{server.name}: c={level}: {result.ok / result.seconds:,.1f} req/s, "
                    f"p50 {fmt_ms(result.median_ms)} ms, {result.errors} errors"
                )
            run.after = memory_of(pid)
    except Exception as exc:  # reported in the table; the other peers still run
        run.failed = f"{type(exc).__name__}: {exc}"
        log(f"{server.name}: FAILED: {run.failed}")
    return run


# --------------------------------------------------------------------------------------------
# Cold start of the in-process engines, in fresh processes.


def probe(engine: str, path: str, kind: str) -> dict[str, Any]:
    """Run in a fresh process: open the engine, answer the first query, then the whole set."""
    t0 = time.perf_counter()
    query_set = queries(kind)
    peer: Any
    if engine == "tantivy":
        import rjieba  # noqa: F401  (the query translation's helpers, not tantivy's own cost)
        import tantivy  # noqa: F401

        import indexer.analysis  # noqa: F401

        peer = TantivyPeer(Path(path))
    else:
        import search.service  # noqa: F401

        peer = EventsearchPeer(Path(path))
    t1 = time.perf_counter()
    peer.open()
    t2 = time.perf_counter()
    if engine == "tantivy":
        peer.search(query_set[0][1])
    else:  # what a server does: Search.search (the cache is empty in a fresh process)
        from search.params import parse_request

        peer.service.search(parse_request(query_set[0][1]))
    t3 = time.perf_counter()
    answered = time.time()
    rss_first = status_kb(os.getpid(), "VmRSS") / 1024
    for _, params in query_set:
        peer.search(params)
    return {
        "answered_at": answered,
        "import_ms": (t1 - t0) * 1000,
        "open_ms": (t2 - t1) * 1000,
        "first_ms": (t3 - t2) * 1000,
        "rss_first_mb": rss_first,
        "rss_after_set_mb": status_kb(os.getpid(), "VmRSS") / 1024,
        "hwm_mb": status_kb(os.getpid(), "VmHWM") / 1024,
    }


def spawn_probe(engine: str, path: Path, kind: str) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.compare",
        "--probe",
        engine,
        "--index",
        str(path),
        "--kind",
        kind,
    ]
    started = time.time()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"probe {engine} failed: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["spawn_to_answer_ms"] = (result["answered_at"] - started) * 1000
    return result


# --------------------------------------------------------------------------------------------
# Machine and build.


def machine() -> dict[str, str]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    total_mem = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                total_mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": total_mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        "packages": ", ".join(versions),
    }


def rebuild_eventsearch(archive: Path, work: Path, workers: int) -> dict[str, Any]:
    """``eventsearch index ARCHIVE --full`` into a scratch folder, in a fresh process."""
    target = work / "eventsearch-rebuild"
    command = [
        sys.executable,
        "-m",
        "eventsearch.cli",
        "index",
        str(archive),
        "--index",
        str(target),
        "--full",
        "--json",
        "--workers",
        str(workers),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-500:])
    report = json.loads(done.stdout.strip().splitlines()[-1])
    from indexer import store

    generation = store.current_generation(target)
    size = disk_usage(generation) if generation else 0
    shutil.rmtree(target, ignore_errors=True)
    return {"seconds": seconds, "report_seconds": report.get("seconds"), "bytes": size}


# --------------------------------------------------------------------------------------------
# The run.


@dataclass
class Results:
    args: argparse.Namespace
    machine: dict[str, str]
    events: int
    generation: Path
    kind: str
    query_set: list[tuple[str, Params]]
    load_seconds: float
    started: str
    load_avg: tuple[float, float, float]
    es_size: int = 0
    es_build: dict[str, Any] | None = None
    es_build_note: str = ""
    datasette_build: dict[str, float] = field(default_factory=dict)
    datasette_size: int = 0
    tantivy_build: dict[str, float] = field(default_factory=dict)
    tantivy_size: int = 0
    es_inproc: Series | None = None
    tantivy: Series | None = None
    es_warmup_ms: float = math.nan
    probes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    servers: list[ServerRun] = field(default_factory=list)
    load_avg_end: tuple[float, float, float] = (0.0, 0.0, 0.0)


def run(args: argparse.Namespace, work: Path) -> Results:
    from indexer import store

    index = args.index.resolve()
    generation = store.current_generation(index)
    if generation is None:
        raise SystemExit(f"{index} holds no eventsearch index")
    manifest = store.read_manifest(generation)
    archive = Path(manifest.archive)
    kind = args.kind or ("zh" if archive.name == "zh" or index.name.endswith("zh") else "synth")
    query_set = list(queries(kind))
    started = time.perf_counter()
    events, generation = load_events(index)
    load_seconds = time.perf_counter() - started
    log(f"{len(events):,} events from {generation} in {load_seconds:.1f} s; {kind} queries")
    results = Results(
        args=args,
        machine=machine(),
        events=len(events),
        generation=generation,
        kind=kind,
        query_set=query_set,
        load_seconds=load_seconds,
        started=dt.datetime.now().isoformat(timespec="seconds"),
        load_avg=os.getloadavg(),
        es_size=disk_usage(generation),
    )

    # Build ---------------------------------------------------------------------------------
    rebuild = args.rebuild == "yes" or (args.rebuild == "auto" and len(events) <= 50_000)
    if rebuild and (archive / "news").is_dir():
        log(f"eventsearch: rebuilding {archive} into a scratch index")
        try:
            results.es_build = rebuild_eventsearch(archive, work, args.workers)
        except RuntimeError as exc:
            results.es_build_note = f"rebuild failed: {exc}"
    elif rebuild:
        results.es_build_note = f"archive {archive} not found; build not timed"
    elif args.rebuild == "no":
        results.es_build_note = "build not timed (--rebuild no)"
    else:
        results.es_build_note = "build not timed (more than 50,000 events; pass --rebuild yes)"

    datasette = DatasettePeer(work / "datasette")
    log("Datasette: building the SQLite database with sqlite-utils")
    datasette.build(events)
    results.datasette_build, results.datasette_size = datasette.build_seconds, datasette.size()
    tantivy = TantivyPeer(work / "tantivy")
    log("tantivy: building the index")
    tantivy.build(events)
    results.tantivy_build, results.tantivy_size = tantivy.build_seconds, tantivy.size()
    del events

    # In-process latency --------------------------------------------------------------------
    es = EventsearchPeer(index)
    es.open()
    from search.params import parse_request

    started = time.perf_counter()
    es.service._search(es.snapshot, parse_request([("q", "")]))  # shared arrays, as bench.search
    results.es_warmup_ms = ms_since(started)
    results.es_inproc = Series(ES_INPROC)
    time_queries(results.es_inproc, query_set, lambda _, p: es.search(p), args.repeat)
    es.close()
    tantivy.open()
    results.tantivy = Series(TANTIVY)
    time_queries(results.tantivy, query_set, lambda _, p: tantivy.search(p), args.repeat)
    log("in-process latency done")

    # Cold starts of in-process engines ---------------------------------------------------
    for engine, path in (("eventsearch", index), ("tantivy", tantivy.folder)):
        results.probes[engine] = []
        for _ in range(args.probes):
            try:
                results.probes[engine].append(spawn_probe(engine, path, kind))
            except RuntimeError as exc:
                log(str(exc))

    # Servers -------------------------------------------------------------------------------
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSEARCH_")}
    base_env["EVENTSEARCH_RATE_LIMIT"] = "0"
    logs = work / "logs"
    logs.mkdir(exist_ok=True)

    paths = {label: DatasettePeer.path(params) for label, params in query_set}
    port = free_port()
    server = Server(
        DATASETTE,
        datasette.command(sys.executable, port),
        port,
        paths[query_set[0][0]],
        logs / "datasette.log",
        dict(base_env),
        ready_lines=1,
    )
    results.servers.append(
        bench_server(server, paths, query_set, DatasettePeer.answer, args, workers=1)
    )

    es_paths = {label: EventsearchPeer.path(params) for label, params in query_set}
    variants = [(ES_CACHE, dict(base_env))]
    if not args.no_nocache:
        variants.append((ES_NOCACHE, {**base_env, "EVENTSEARCH_CACHE_MB": "0"}))
    for name, env in variants:
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "eventsearch.cli",
            "serve",
            "--index",
            str(index),
            "--workers",
            str(args.workers),
            "--port",
            str(port),
            "--host",
            HOST,
        ]
        slug = "eventsearch-nocache" if name == ES_NOCACHE else "eventsearch"
        server = Server(
            name,
            command,
            port,
            es_paths[query_set[0][0]],
            logs / f"{slug}.log",
            env,
            ready_lines=args.workers,
        )
        results.servers.append(
            bench_server(
                server, es_paths, query_set, EventsearchPeer.answer, args, workers=args.workers
            )
        )
    results.load_avg_end = os.getloadavg()
    return results


# --------------------------------------------------------------------------------------------
# The report.


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def render(r: Results) -> str:
    args = r.args
    m = r.machine
    lines = [
        "# Performance: eventsearch against Datasette and tantivy",
        "",
        "Generated by `python -m bench.compare` "
        f"(`{' '.join(args.argv)}`) on {r.started}. Every engine indexes the same "
        f"{r.events:,} events, read from the eventsearch index `{r.generation}` "
        f"(query set `{r.kind}` of `bench/queries.py`, {len(r.query_set)} queries).",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU | {m['cpu']} |",
        f"| cores | {m['cores']} |",
        f"| memory | {m['memory']} |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']} |",
        f"| SQLite (Python's sqlite3, used by Datasette) | {m['sqlite']} |",
        f"| packages | {m['packages']} |",
        f"| load average (1/5/15 min) at start / end | "
        f"{' '.join(f'{x:.2f}' for x in r.load_avg)} / "
        f"{' '.join(f'{x:.2f}' for x in r.load_avg_end)} |",
        f"| settings | repeat {args.repeat} warm runs per query, levels "
        f"{','.join(map(str, args.levels))}, each level min({args.requests:,} requests, "
        f"{args.seconds:g} s); eventsearch serve --workers {args.workers}"
        f"{'; --quick' if args.quick else ''} |",
        "",
    ]
    lines += _ratios(r)
    lines += _summary_tables(r)
    lines += _latency_table(r)
    lines += _throughput_table(r)
    lines += _memory_table(r)
    lines += _per_query(r)
    lines += _notes(r)
    return "\n".join(lines) + "\n"


def _server(r: Results, name: str) -> ServerRun | None:
    return next((s for s in r.servers if s.name == name), None)


def _ratios(r: Results) -> list[str]:
    """eventsearch divided by each peer, for every headline figure."""
    ds = _server(r, DATASETTE)
    nocache = _server(r, ES_NOCACHE)
    cached = _server(r, ES_CACHE)
    es_probe = r.probes.get("eventsearch", [])
    tv_probe = r.probes.get("tantivy", [])

    def rps(run: ServerRun | None, level: int) -> float | None:
        if run is None:
            return None
        found = [res.ok / res.seconds for res, _ in run.loads if res.concurrency == level]
        return found[0] if found else None

    def warm(series: Series | None) -> float | None:
        return series.summary("warm")[0] if series else None

    es_build = r.es_build["seconds"] if r.es_build else None
    top = max(r.args.levels)
    first = min(r.args.levels)
    es_cold = _median([p["spawn_to_answer_ms"] for p in es_probe]) if es_probe else None
    tv_cold = _median([p["spawn_to_answer_ms"] for p in tv_probe]) if tv_probe else None
    es_rss = _median([p["rss_after_set_mb"] for p in es_probe]) if es_probe else None
    tv_rss = _median([p["rss_after_set_mb"] for p in tv_probe]) if tv_probe else None
    cached_rss = cached.after.rss if cached and cached.after else None
    ds_rss = ds.after.rss if ds and ds.after else None
    return [
        "## Summary: eventsearch ÷ peer",
        "",
        "Each cell is eventsearch's figure divided by the peer's: below 1 means eventsearch "
        "builds faster, is smaller, starts sooner, answers sooner or uses less memory; for "
        "throughput, above 1 means eventsearch serves more requests per second.",
        "",
        f"| vs | build time | index size | cold start | latency (warm median) | "
        f"throughput c={first} | throughput c={top} | RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| Datasette (both over HTTP; eventsearch as served) | "
        f"{ratio(es_build, r.datasette_build.get('total'))} | "
        f"{ratio(r.es_size, r.datasette_size)} | "
        f"{ratio(cached.first_200_ms if cached else None, ds.first_200_ms if ds else None)} | "
        f"{ratio(warm(cached.series if cached else None), warm(ds.series if ds else None))} | "
        f"{ratio(rps(cached, first), rps(ds, first))} | "
        f"{ratio(rps(cached, top), rps(ds, top))} | {ratio(cached_rss, ds_rss)} |",
        f"| Datasette (both over HTTP; eventsearch with its result cache off) | - | - | - | "
        f"{ratio(warm(nocache.series if nocache else None), warm(ds.series if ds else None))} | "
        f"{ratio(rps(nocache, first), rps(ds, first))} | "
        f"{ratio(rps(nocache, top), rps(ds, top))} | - |",
        f"| tantivy (both in process) | {ratio(es_build, r.tantivy_build.get('total'))} | "
        f"{ratio(r.es_size, r.tantivy_size)} | {ratio(es_cold, tv_cold)} | "
        f"{ratio(warm(r.es_inproc), warm(r.tantivy))} | - | - | {ratio(es_rss, tv_rss)} |",
        "",
        "Build time: eventsearch parses the Markdown archive, the peers start from parsed "
        "events (see below). RSS: the whole server process tree over HTTP "
        f"(eventsearch: {r.args.workers} workers and their supervisor), a fresh Python process "
        "in process.",
        "",
    ]


def _summary_tables(r: Results) -> list[str]:
    es_probe = r.probes.get("eventsearch", [])
    tv_probe = r.probes.get("tantivy", [])
    ds = _server(r, DATASETTE)
    es_http = _server(r, ES_CACHE)

    def probe_cell(probes: list[dict[str, Any]]) -> str:
        if not probes:
            return "-"
        values = [p["spawn_to_answer_ms"] for p in probes]
        open_ms = _median([p["open_ms"] for p in probes])
        first = _median([p["first_ms"] for p in probes])
        return (
            f"{fmt_ms(_median(values))} (import {fmt_ms(_median([p['import_ms'] for p in probes]))}"
            f", open {fmt_ms(open_ms)}, first query {fmt_ms(first)})"
        )

    def server_start(run: ServerRun | None) -> str:
        if run is None or run.failed:
            return "failed" if run else "-"
        extra = ""
        if run.workers > 1 and not math.isnan(run.all_ready_ms):
            extra = f" (all {run.workers} workers up: {fmt_ms(run.all_ready_ms)})"
        return fmt_ms(run.first_200_ms) + extra

    es_build = f"{r.es_build['seconds']:.1f}" if r.es_build else "-"
    ds_total = r.datasette_build.get("total", math.nan)
    tv_total = r.tantivy_build.get("total", math.nan)
    if r.es_build:
        es_note = (
            f"eventsearch build = `eventsearch index ARCHIVE --full --workers {r.args.workers}` "
            "into a scratch folder, in a fresh process (parsing the Markdown archive included; "
            f"the run itself reported {r.es_build['report_seconds']:.1f} s, the rest is "
            "interpreter start-up). Its size is that of the given index's current generation "
            f"(the rebuilt one: {r.es_build['bytes'] / 1e6:,.1f} MB)."
        )
    else:
        es_note = f"eventsearch: {r.es_build_note}."
    steps = "; ".join(
        f"{name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in build.items() if k != "total")
        for name, build in (("Datasette", r.datasette_build), ("tantivy", r.tantivy_build))
    )
    return [
        "## Build, size, start-up",
        "",
        "| engine | input | build s | index MB | cold start to first answer, ms |",
        "| --- | --- | ---: | ---: | --- |",
        f"| eventsearch | the Markdown archive (parsing included) | {es_build} | "
        f"{r.es_size / 1e6:,.1f} | in process (fresh interpreter): {probe_cell(es_probe)}; "
        f"HTTP server: {server_start(es_http)} |",
        f"| Datasette + FTS5 (sqlite-utils) | the stored events (+{r.load_seconds:.1f} s to read "
        f"them) | {ds_total:.1f} | {r.datasette_size / 1e6:,.1f} | HTTP server: "
        f"{server_start(ds)} |",
        f"| tantivy | the stored events (+{r.load_seconds:.1f} s to read them) | {tv_total:.1f} | "
        f"{r.tantivy_size / 1e6:,.1f} | in process (fresh interpreter): {probe_cell(tv_probe)} |",
        "",
        es_note,
        f"Datasette and tantivy build from already parsed events, jieba segmentation included "
        f"({steps}). Cold start = a fresh process until its first answer, with the OS page "
        "cache warm (the files were just written or read); for servers, `Popen` until the "
        "first HTTP 200 to the first query of the set, polled every 20 ms.",
        "",
    ]


def _latency_table(r: Results) -> list[str]:
    rows: list[tuple[str, Series, str]] = []
    if r.es_inproc:
        rows.append((ES_INPROC, r.es_inproc, "in process"))
    if r.tantivy:
        rows.append((TANTIVY, r.tantivy, "in process"))
    for run in r.servers:
        if run.series:
            rows.append((run.name, run.series, "HTTP, one at a time, new connection each"))
    ref_tv = r.tantivy.summary("warm")[0] if r.tantivy else math.nan
    ds_run = _server(r, DATASETTE)
    ref_ds = ds_run.series.summary("warm")[0] if ds_run and ds_run.series else math.nan
    lines = [
        "## Latency per query",
        "",
        f"Median and p95 over the {len(r.query_set)} queries of each query's time: its first "
        f"run, and the median of its {r.args.repeat} warm runs. Ratios compare warm medians "
        "(below 1 = faster than the reference).",
        "",
        "| engine | how | first run median / p95 ms | warm median ms | warm p95 ms "
        "| vs tantivy | vs Datasette | response KB (median) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, series, how in rows:
        first_med, first_p95 = series.summary("first")
        warm_med, warm_p95 = series.summary("warm")
        note = f" ({len(series.errors)} queries failed)" if series.errors else ""
        size = f"{_median(list(series.sizes.values())) / 1000:,.1f}" if series.sizes else "-"
        lines.append(
            f"| {name}{note} | {how} | {fmt_ms(first_med)} / {fmt_ms(first_p95)} | "
            f"{fmt_ms(warm_med)} | {fmt_ms(warm_p95)} | {ratio(warm_med, ref_tv)} | "
            f"{ratio(warm_med, ref_ds)} | {size} |"
        )
    lines += [
        "",
        f"eventsearch in process ran one empty query first ({fmt_ms(r.es_warmup_ms)} ms) to "
        "build its shared per-snapshot arrays, as `bench.search` does; its first runs are "
        "then each query's first evaluation. The eventsearch HTTP server with its result "
        "cache on answers warm runs from that cache (one cache per worker: a warm run that "
        "lands on the other worker is computed again). HTTP rows include the HTTP exchange "
        "and JSON encoding and decoding; their ratios to tantivy compare with an in-process "
        "engine.",
        "",
    ]
    lines += [
        f"One query (`{md(describe(r.query_set[0][1]))}`) sent {KEEPALIVE_PROBE} times on fresh "
        "connections and on one keep-alive connection (median ms):",
        "",
        "| server | fresh connections | keep-alive connection |",
        "| --- | ---: | ---: |",
    ]
    for run in r.servers:
        lines.append(f"| {run.name} | {fmt_ms(run.keepalive[0])} | {fmt_ms(run.keepalive[1])} |")
    lines.append("")
    for run in r.servers:
        if run.failed:
            lines += [f"{run.name}: FAILED: `{md(run.failed)}`", ""]
    return lines


def _throughput_table(r: Results) -> list[str]:
    levels = r.args.levels
    lines = [
        "## HTTP throughput",
        "",
        f"Threads (one keep-alive connection each) send the query set round robin to "
        f"127.0.0.1, per level min({r.args.requests:,} requests, {r.args.seconds:g} s). "
        "Cell: successful requests/s (p50 / p95 ms). The load generator runs on the same "
        "machine and takes CPU from the server (its share is in the last table).",
        "",
        "| server | " + " | ".join(f"c={c}" for c in levels) + " |",
        "| --- | " + " | ".join("---:" for _ in levels) + " |",
    ]
    ds = _server(r, DATASETTE)
    ds_rps = {res.concurrency: res.ok / res.seconds for res, _ in ds.loads} if ds else {}
    for run in r.servers:
        cells = []
        by_level = {res.concurrency: res for res, _ in run.loads}
        for c in levels:
            res = by_level.get(c)
            if res is None:
                cells.append("-")
                continue
            errors = res.errors + res.requests - res.ok
            err = f", {errors} errors" if errors else ""
            timing = f"({fmt_ms(res.median_ms)} / {fmt_ms(res.p(0.95))})"
            cells.append(f"{res.ok / res.seconds:,.1f} {timing}{err}")
        lines.append(f"| {run.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| server | " + " | ".join(f"c={c}: vs Datasette" for c in levels) + " |",
        "| --- | " + " | ".join("---:" for _ in levels) + " |",
    ]
    for run in r.servers:
        cells = []
        by_level = {res.concurrency: res for res, _ in run.loads}
        for c in levels:
            res = by_level.get(c)
            cells.append(ratio(res.ok / res.seconds, ds_rps.get(c)) if res else "-")
        lines.append(f"| {run.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Server CPU per request (ms; user + system of all server processes during the level) "
        "and the load generator's CPU (% of one core):",
        "",
        "| server | " + " | ".join(f"c={c}" for c in levels) + " |",
        "| --- | " + " | ".join("---:" for _ in levels) + " |",
    ]
    for run in r.servers:
        cells = []
        with_cpu = {res.concurrency: (res, cpu) for res, cpu in run.loads}
        for c in levels:
            if c not in with_cpu:
                cells.append("-")
                continue
            res, cpu = with_cpu[c]
            per = cpu * 1000 / res.requests if res.requests else math.nan
            cells.append(
                f"{fmt_ms(per)} ms, client {100 * res.client_cpu_s / res.seconds:.0f}% "
                f"({res.requests:,} req in {res.seconds:.1f} s, by {res.stopped_by})"
            )
        lines.append(f"| {run.name} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def _memory_table(r: Results) -> list[str]:
    lines = [
        "## Memory (RSS)",
        "",
        "| engine | processes | RSS MB after start | RSS MB after the load | peak (VmHWM) MB | "
        "per process after the load (MB) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in r.servers:
        if run.idle is None or run.after is None:
            lines.append(f"| {run.name} | - | - | - | - | failed |")
            continue
        lines.append(
            f"| {run.name} | {len(run.after.processes)} | {run.idle.rss:,.0f} | "
            f"{run.after.rss:,.0f} | {run.after.peak:,.0f} | {md(run.after.detail())} |"
        )
    for engine, name in (("eventsearch", ES_INPROC), ("tantivy", TANTIVY)):
        probes = r.probes.get(engine, [])
        if probes:
            lines.append(
                f"| {name} (fresh process) | 1 | "
                f"{_median([p['rss_first_mb'] for p in probes]):,.0f} (after the first query) | "
                f"{_median([p['rss_after_set_mb'] for p in probes]):,.0f} (after the query set) | "
                f"{_median([p['hwm_mb'] for p in probes]):,.0f} | Python interpreter included |"
            )
    lines += [
        "",
        "Server RSS is the sum over the server's process tree (`/proc/<pid>/status` VmRSS of the "
        "started process and its descendants); shared pages (the same index files mapped by "
        "several workers) count once per process.",
        "",
    ]
    return lines


def _total(answer: Answer | None) -> str:
    if answer is None:
        return "error"
    return "?" if answer.total is None else f"{answer.total:,}"


def _per_query(r: Results) -> list[str]:
    es = r.es_inproc or Series("")
    tv = r.tantivy or Series("")
    ds_run = _server(r, DATASETTE)
    ds = ds_run.series if ds_run and ds_run.series else Series("")
    http_run = _server(r, ES_NOCACHE) or _server(r, ES_CACHE)
    http = http_run.series if http_run and http_run.series else Series("")
    es_cache_run = _server(r, ES_CACHE)
    es_cache = es_cache_run.series if es_cache_run and es_cache_run.series else Series("")
    lines = [
        "## Per query",
        "",
        "Totals: eventsearch in process / tantivy / Datasette (`filtered_table_rows_count`). "
        "Times: warm median ms.",
        "",
        "| query | q [filters] | totals es / tantivy / Datasette | es in process | tantivy "
        "| Datasette HTTP | es HTTP (cache off) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, params in r.query_set:
        lines.append(
            f"| {md(label)} | {md(describe(params))} | {_total(es.answers.get(label))} / "
            f"{_total(tv.answers.get(label))} / {_total(ds.answers.get(label))} | "
            f"{fmt_ms(es.per_query(label))} | {fmt_ms(tv.per_query(label))} | "
            f"{fmt_ms(ds.per_query(label))} | {fmt_ms(http.per_query(label))} |"
        )
    mismatches = []
    for label, params in r.query_set:
        values = {
            "eventsearch": es.answers.get(label),
            "tantivy": tv.answers.get(label),
            "Datasette": ds.answers.get(label),
            "eventsearch HTTP": es_cache.answers.get(label),
        }
        totals = {k: (v.total if v else None) for k, v in values.items()}
        if len(set(totals.values())) > 1:
            cells = []
            for k, v in values.items():
                if v is None or v.total is None:
                    cells.append(f"{k} error")
                    continue
                mode = f" (mode {v.mode})" if v.mode and v.mode != "all" else ""
                cells.append(f"{k} {v.total:,}{mode}")
            mismatches.append(f"- {md(label)} (`{md(describe(params))}`): " + ", ".join(cells))
    lines += ["", f"### Totals that differ ({len(mismatches)} of {len(r.query_set)})", ""]
    lines += mismatches or ["none"]
    year_diffs = []
    for label, _ in r.query_set:
        a, b = es.answers.get(label), tv.answers.get(label)
        if a and b and a.total == b.total and a.facets.get("year") != b.facets.get("year"):
            year_diffs.append(label)
    lines += [
        "",
        "Year facet counts of eventsearch and tantivy where their totals agree: "
        + (f"differ for {', '.join(map(md, year_diffs))}." if year_diffs else "identical."),
        "",
    ]
    errors = [(s.name, e) for s in (es, tv, ds, http) for e in s.errors.items()]
    if errors:
        lines += ["Failed queries:", ""]
        lines += [f"- {name}: {md(label)}: `{md(err)}`" for name, (label, err) in errors]
        lines.append("")
    return lines


def _notes(r: Results) -> list[str]:
    findings = []
    slow = [run for run in r.servers if run.keepalive[1] - run.keepalive[0] > 30]
    if slow:
        figures = "; ".join(
            f"{run.name}: {fmt_ms(run.keepalive[1])} ms on one keep-alive connection against "
            f"{fmt_ms(run.keepalive[0])} ms on fresh connections"
            for run in slow
        )
        cause = (
            "`eventsearch serve --workers N` (N > 1) has uvicorn bind the listening socket "
            "itself, without `IPPROTO_TCP`, so asyncio leaves `TCP_NODELAY` off on accepted "
            "connections and each keep-alive response waits for the client's delayed ACK "
            "(about 40 ms on Linux; uvicorn issue #3149); `--workers 1` does not have it"
            if all(run.workers > 1 for run in slow)
            else "a per-connection delay (Nagle's algorithm and delayed ACKs?)"
        )
        findings.append(
            f"- **Keep-alive delay** ({figures}): {cause}. The load generator keeps "
            "connections alive, as browsers and HTTP client libraries do, so this bounds "
            "the c=1 throughput and adds to latencies under load."
        )
    head = ["## Observations", "", *findings, ""] if findings else []
    return [
        *head,
        "## What each engine does per query",
        "",
        "- **eventsearch**: `Search._search()` in process (result cache bypassed), or "
        "`GET /api/v1/search?q=…` from `eventsearch serve` with `EVENTSEARCH_RATE_LIMIT=0` "
        f"and {r.args.workers} uvicorn workers: BM25F with a recency boost, top 10 with "
        "highlighted title and summary, total, facets context/domain/year/month/lang (each "
        "ignoring its own filter), spelling fallback. *As served* keeps its per-worker result "
        "and response caches (`EVENTSEARCH_CACHE_MB`, 96 MB); *cache off* sets it to 0.",
        "- **Datasette**: `datasette serve --immutable events.db` with `default_page_size 10`, "
        "`default_facet_size 20`, `facet_time_limit_ms 10000`, `sql_time_limit_ms 20000`, "
        "`suggest_facets off`; one process (Datasette has no worker option; SQLite queries run "
        "in its pool of 3 threads). `GET /events/events.json?_search=<FTS5 MATCH>&_searchmode=raw"
        "&_sort_desc=date&_size=10&_facet_array=contexts&_facet_array=domains&_facet=year` "
        "(+ `year=`/`year__in=` and `_where=id in (select event_id from event_context|event_domain "
        "…)` for filters). It answers rows, `filtered_table_rows_count` (a `count(*)`) and three "
        "facets. **Datasette has no highlighting and no relevance order** for table search: "
        "results are the newest 10, and its facet counts include the facet's own filter.",
        "- **tantivy**: `Searcher.search(query, 10, count=True)` (BM25 with the schema's field "
        "boosts as query boosts; empty query: newest first by a fast `day` field), stored "
        "documents of the 10 hits, `SnippetGenerator` highlights of title and summary, and "
        "`Searcher.aggregate` terms aggregations over the fast fields context, domain "
        f"(size {20}) and year: one aggregation call, plus one per filtered facet so that, as "
        "in eventsearch, a facet's counts ignore its own filter. tantivy 0.2x's Python "
        "bindings expose `aggregate`, so no per-value counting was needed.",
        "- **Text analysis**: Datasette and tantivy see the text with Han runs folded to "
        "Simplified and cut by jieba (search mode, as `bench.search` does for FTS5); English "
        "is stemmed (FTS5 porter, tantivy Snowball English), accents folded. Queries are "
        "translated from `bench.queries`: words all required (English stop words dropped, as "
        "eventsearch does), phrases, `OR`, `-word`, `word*` (FTS5 prefix; tantivy regex "
        "`word.*` per field, since its query parser has no single-term prefix). Different "
        "analysis is why totals can differ; differences are listed, never fatal. eventsearch "
        'drops English stop words inside phrases too (`"at least"` is searched as `least`), '
        "and falls back to any word, or to a spelling correction, when nothing matches all "
        "words (the `mode` shown with a differing total).",
        "- Latency and throughput are wall-clock on a shared 2-core machine; the load average "
        "is printed above. The load generator shares the machine with the server.",
        "",
    ]


# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--index", type=Path, required=True, help="eventsearch index directory")
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 repeat, short load")
    parser.add_argument("--levels", default="1,8,32", help="HTTP concurrency levels")
    parser.add_argument("--seconds", type=float, help="seconds per level (default 30; quick 3)")
    parser.add_argument("--requests", type=int, help="requests per level (default 2000; quick 150)")
    parser.add_argument("--repeat", type=int, help="warm runs per query (default 5; quick 1)")
    parser.add_argument("--probes", type=int, help="cold-start processes (default 3; quick 1)")
    parser.add_argument("--workers", type=int, default=2, help="eventsearch serve workers")
    parser.add_argument("--kind", choices=("synth", "zh"), help="query set (default: from index)")
    parser.add_argument(
        "--rebuild",
        choices=("auto", "yes", "no"),
        default="auto",
        help="time a full eventsearch build of the index's archive (auto: <= 50,000 events)",
    )
    parser.add_argument(
        "--no-nocache", action="store_true", help="skip the eventsearch server with cache off"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "docs" / "performance.md", help="Markdown report"
    )
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--probe", choices=("eventsearch", "tantivy"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = ["python -m bench.compare", *(argv if argv is not None else sys.argv[1:])]
    quick = args.quick
    args.seconds = args.seconds if args.seconds is not None else (3.0 if quick else 30.0)
    args.requests = args.requests if args.requests is not None else (150 if quick else 2000)
    args.repeat = max(1, args.repeat if args.repeat is not None else (1 if quick else 5))
    args.probes = max(1, args.probes if args.probes is not None else (1 if quick else 3))
    try:
        args.levels = [int(x) for x in args.levels.split(",") if x.strip()]
    except ValueError:
        parser.error("--levels takes comma-separated integers, e.g. 1,8,32")
    if not args.levels or min(args.levels) < 1 or max(args.levels) > 256:
        parser.error("--levels must be between 1 and 256")
    return args


@contextlib.contextmanager
def scratch(args: argparse.Namespace) -> Iterator[Path]:
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        yield args.work.resolve()
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    try:
        yield folder
    finally:
        if args.keep:
            log(f"scratch folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.probe:
        kind = args.kind or "synth"
        print(json.dumps(probe(args.probe, str(args.index.resolve()), kind)))
        return 0
    with scratch(args) as work:
        results = run(args, work)
    report = render(results)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, "utf-8")
    log(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
