"""eventsearch against the alternatives a user would pick, on the same events.

    python -m bench.compare --index DIR [--quick] [--levels 1,8,32] [--seconds 30]
                            [--requests 2000] [--out docs/performance.md]

Peers, all fed the events stored in the eventsearch index at ``--index`` (see
``bench/peers/``):

1. Datasette serving a SQLite database built with sqlite-utils (FTS5, JSON-array facets);
2. tantivy through its Python bindings, in process;
3. Xapian through Debian's ``python3-xapian``, in process (skipped, and said so, without it);
4. eventsearch in process (``Search(index, cache_bytes=0).search()``, no result cache) and
   over HTTP (``eventsearch serve --workers 2``, rate limit off), once as served (result
   cache on) and once with the result cache turned off in the server processes.

Measured: index build time and size; cold start to the first answered query (a fresh
process; for servers, process start until the first HTTP 200 to a search); per-query
latency (median / p95 over the query set of ``bench.queries``, translated to each engine);
HTTP throughput at each concurrency level (threads with keep-alive connections to
127.0.0.1, bounded by request count and seconds; ``bench.compare_http``); RSS of every
server process; totals compared between engines. The Markdown report
(``bench.compare_report``) is printed and written to ``--out``. Servers are started in their
own process groups and always stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    disk_usage,
    machine,
    ms_since,
    own_peak_rss_mb,
    publish,
    rss_mb,
    setup_logging,
    shown,
)
from bench.compare_http import Series, ServerRun, Target, bench_server, time_queries
from bench.peers import load_events
from bench.peers.datasette import DatasettePeer
from bench.peers.eventsearch import EventsearchPeer
from bench.peers.fts5 import Fts5Peer
from bench.peers.tantivy import TantivyPeer
from bench.peers.xapian import XapianPeer, load_xapian, missing_reason
from bench.peers.xapian import version as xapian_version
from bench.queries import Params, queries
from bench.servers import Server, eventsearch_command, free_port
from indexer.event import Event

ES_CACHE = "eventsearch HTTP (as served: result cache on)"
ES_NOCACHE = "eventsearch HTTP (result cache off)"
DATASETTE = "Datasette HTTP"
ES_INPROC = "eventsearch in process (`Search.search`, cache off)"
TANTIVY = "tantivy in process"
XAPIAN = "Xapian in process"
REBUILD_UP_TO = 50_000  # events; --rebuild auto times a full build of smaller archives

log = logging.getLogger("bench.compare").info


# --------------------------------------------------------------------------------------------
# Cold start of the in-process engines, in fresh processes.


# The modules each in-process engine needs before it opens (jieba and the analysis helpers
# are the peers' query translation, imported with them so their cost is the probe's).
PRELOADS = {
    "eventsearch": ("search.service",),
    "tantivy": ("rjieba", "tantivy", "indexer.analysis"),
    "xapian": ("rjieba", "indexer.analysis"),
    "fts5": ("rjieba", "indexer.analysis"),
}


def open_peer(engine: str, path: Path) -> Any:
    """An in-process engine of :data:`IN_PROCESS` over the index at *path*, not yet open,
    its modules imported (so that a probe's import time is theirs)."""
    for module in PRELOADS[engine]:
        importlib.import_module(module)
    if engine == "xapian":
        load_xapian()
    peers = {"eventsearch": EventsearchPeer, "tantivy": TantivyPeer, "xapian": XapianPeer,
             "fts5": Fts5Peer}  # fmt: skip
    return peers[engine](path)


IN_PROCESS = tuple(PRELOADS)


def probe(engine: str, path: str, kind: str) -> dict[str, Any]:
    """Run in a fresh process: open the engine, answer the first query, then the whole set."""
    t0 = time.perf_counter()
    query_set = queries(kind)
    peer = open_peer(engine, Path(path))
    t1 = time.perf_counter()
    peer.open()
    t2 = time.perf_counter()
    peer.search(query_set[0][1])  # for eventsearch what a server computes: Search.search
    t3 = time.perf_counter()
    answered = time.time()
    rss_first = rss_mb()
    for _, params in query_set:
        peer.search(params)
    return {
        "answered_at": answered,
        "import_ms": (t1 - t0) * 1000,
        "open_ms": (t2 - t1) * 1000,
        "first_ms": (t3 - t2) * 1000,
        "rss_first_mb": rss_first,
        "rss_after_set_mb": rss_mb(),
        "hwm_mb": own_peak_rss_mb(),
    }


def spawn_probe(engine: str, path: Path, kind: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.compare", "--probe", engine, "--index", str(path),
               "--kind", kind]  # fmt: skip
    started = time.time()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"probe {engine} failed: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["spawn_to_answer_ms"] = (result["answered_at"] - started) * 1000
    return result


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
    xapian_build: dict[str, float] = field(default_factory=dict)
    xapian_size: int = 0
    xapian: Series | None = None
    xapian_note: str = ""  # why Xapian did not run, when it did not
    es_warmup_ms: float = math.nan
    probes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    servers: list[ServerRun] = field(default_factory=list)
    load_avg_end: tuple[float, float, float] = (0.0, 0.0, 0.0)


def build_eventsearch(archive: Path, target: Path, workers: int) -> dict[str, Any]:
    """``eventsearch index ARCHIVE --index TARGET --full`` in a fresh process: wall seconds
    (interpreter start-up included), the seconds the build reported, and the index's bytes."""
    from indexer import store

    command = [sys.executable, "-m", "eventsearch.cli", "index", str(archive), "--index",
               str(target), "--full", "--json", "--workers", str(workers)]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-500:])
    report = json.loads(done.stdout.strip().splitlines()[-1])
    generation = store.current_generation(target)
    size = disk_usage(generation) if generation else 0
    return {"seconds": seconds, "report_seconds": report.get("seconds"), "bytes": size}


def rebuild_eventsearch(archive: Path, work: Path, workers: int) -> dict[str, Any]:
    """:func:`build_eventsearch` into a scratch folder, removed afterwards."""
    target = work / "eventsearch-rebuild"
    try:
        return build_eventsearch(archive, target, workers)
    finally:
        shutil.rmtree(target, ignore_errors=True)


def time_rebuild(r: Results, archive: Path, work: Path) -> None:
    """Time a full eventsearch build of the index's archive, or say why not."""
    args = r.args
    rebuild = args.rebuild == "yes" or (args.rebuild == "auto" and r.events <= REBUILD_UP_TO)
    if rebuild and (archive / "news").is_dir():
        log(f"eventsearch: rebuilding {archive} into a scratch index")
        try:
            r.es_build = rebuild_eventsearch(archive, work, args.workers)
        except RuntimeError as exc:
            r.es_build_note = f"rebuild failed: {exc}"
    elif rebuild:
        r.es_build_note = f"archive {shown(archive)} not found; build not timed"
    elif args.rebuild == "no":
        r.es_build_note = "build not timed (--rebuild no)"
    else:
        r.es_build_note = "build not timed (more than 50,000 events; pass --rebuild yes)"


def build_peers(
    r: Results, events: Sequence[Event], work: Path
) -> tuple[DatasettePeer, TantivyPeer, XapianPeer | None]:
    datasette = DatasettePeer(work / "datasette")
    log("Datasette: building the SQLite database with sqlite-utils")
    datasette.build(events)
    r.datasette_build, r.datasette_size = datasette.build_seconds, datasette.size()
    tantivy = TantivyPeer(work / "tantivy")
    log("tantivy: building the index")
    tantivy.build(events)
    r.tantivy_build, r.tantivy_size = tantivy.build_seconds, tantivy.size()
    r.xapian_note = missing_reason()
    if r.xapian_note:
        log(f"Xapian skipped: {r.xapian_note}")
        return datasette, tantivy, None
    xapian = XapianPeer(work / "xapian")
    log("Xapian: building the database")
    xapian.build(events)
    r.xapian_build, r.xapian_size = xapian.build_seconds, xapian.size()
    return datasette, tantivy, xapian


def time_in_process(
    r: Results, index: Path, tantivy: TantivyPeer, xapian: XapianPeer | None
) -> None:
    es = EventsearchPeer(index)
    es.open()
    es.settle()
    started = time.perf_counter()
    es.search([("q", "")])  # builds the shared per-snapshot arrays, as bench.search does
    r.es_warmup_ms = ms_since(started)
    r.es_inproc = Series(ES_INPROC)
    time_queries(r.es_inproc, r.query_set, lambda _, p: es.search(p), r.args.repeat)
    es.close()
    tantivy.open()
    r.tantivy = Series(TANTIVY)
    time_queries(r.tantivy, r.query_set, lambda _, p: tantivy.search(p), r.args.repeat)
    if xapian is not None:
        xapian.open()
        r.xapian = Series(XAPIAN)
        time_queries(r.xapian, r.query_set, lambda _, p: xapian.search(p), r.args.repeat)
        xapian.close()
    log("in-process latency done")


def time_cold_starts(
    r: Results, index: Path, tantivy: TantivyPeer, xapian: XapianPeer | None
) -> None:
    engines = [("eventsearch", index), ("tantivy", tantivy.folder)]
    if xapian is not None:
        engines.append(("xapian", xapian.folder))
    for engine, path in engines:
        r.probes[engine] = []
        for _ in range(r.args.probes):
            try:
                r.probes[engine].append(spawn_probe(engine, path, r.kind))
            except RuntimeError as exc:
                log(str(exc))


def server_env() -> dict[str, str]:
    """The environment of every server: no inherited EVENTSEARCH_ settings, no rate limit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSEARCH_")}
    env["EVENTSEARCH_RATE_LIMIT"] = "0"
    return env


def datasette_target(
    datasette: DatasettePeer, query_set: Sequence[tuple[str, Params]], logs: Path
) -> Target:
    paths = {label: DatasettePeer.path(params) for label, params in query_set}
    port = free_port()
    command = datasette.command(sys.executable, port)
    first = paths[query_set[0][0]]
    server = Server(DATASETTE, command, port, first, logs / "datasette.log", server_env(), 1)
    return Target(server, paths, DatasettePeer.answer, workers=1)


def eventsearch_target(
    index: Path, query_set: Sequence[tuple[str, Params]], logs: Path, workers: int, cache: bool
) -> Target:
    """``eventsearch serve --workers N``, as served (result cache on) or with it off."""
    name, slug = (ES_CACHE, "eventsearch") if cache else (ES_NOCACHE, "eventsearch-nocache")
    env = server_env() if cache else {**server_env(), "EVENTSEARCH_CACHE_MB": "0"}
    paths = {label: EventsearchPeer.path(params) for label, params in query_set}
    port = free_port()
    command = eventsearch_command(sys.executable, index, port, "--workers", str(workers))
    server = Server(name, command, port, paths[query_set[0][0]], logs / f"{slug}.log", env, workers)
    return Target(server, paths, EventsearchPeer.answer, workers=workers)


def targets(r: Results, index: Path, datasette: DatasettePeer, logs: Path) -> list[Target]:
    """The servers to measure: Datasette, eventsearch as served and with its cache off."""
    caches = [True] if r.args.no_nocache else [True, False]
    return [datasette_target(datasette, r.query_set, logs)] + [
        eventsearch_target(index, r.query_set, logs, r.args.workers, cache) for cache in caches
    ]


def start(args: argparse.Namespace) -> tuple[Results, Path, Path, list[Event]]:
    """The results to fill, the index folder, the archive it was built from and its events."""
    from indexer import store

    index = args.index.resolve()
    generation = store.current_generation(index)
    if generation is None:
        raise SystemExit(f"{index} holds no eventsearch index")
    manifest = store.read_manifest(generation)
    archive = Path(manifest.archive)
    kind = args.kind or ("zh" if archive.name == "zh" or index.name.endswith("zh") else "synth")
    started = time.perf_counter()
    events, generation = load_events(index)
    load_seconds = time.perf_counter() - started
    log(f"{len(events):,} events from {generation} in {load_seconds:.1f} s; {kind} queries")
    results = Results(
        args=args,
        machine={**machine(peers=True), "xapian": xapian_version()},
        events=len(events),
        generation=generation,
        kind=kind,
        query_set=list(queries(kind)),
        load_seconds=load_seconds,
        started=dt.datetime.now().isoformat(timespec="seconds"),
        load_avg=os.getloadavg(),
        es_size=disk_usage(generation),
    )
    return results, index, archive, events


def run(args: argparse.Namespace, work: Path) -> Results:
    results, index, archive, events = start(args)
    time_rebuild(results, archive, work)
    datasette, tantivy, xapian = build_peers(results, events, work)
    del events  # the peers hold their own copies now
    time_in_process(results, index, tantivy, xapian)
    time_cold_starts(results, index, tantivy, xapian)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    for target in targets(results, index, datasette, logs):
        results.servers.append(bench_server(target, results.query_set, args))
    results.load_avg_end = os.getloadavg()
    return results


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
    parser.add_argument("--probe", choices=IN_PROCESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    given = list(argv if argv is not None else sys.argv[1:])
    args.argv = ["python -m bench.compare", *(shown(a) if a.startswith("/") else a for a in given)]
    defaults(args, parser)
    return args


def defaults(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """The figures left unset, from ``--quick``; the concurrency levels as integers."""
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
    from bench.compare_report import render

    setup_logging()
    args = parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe, str(args.index.resolve()), args.kind or "synth")))
        return 0
    with scratch(args) as work:
        results = run(args, work)
    publish(render(results), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
