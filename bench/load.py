"""Load and soak test: the real server under a realistic mix of requests, at rising concurrency.

    python -m bench.load --index bench/out/index-synth200k [--workers 2] [--levels 1,8,32,64]
                         [--seconds 30] [--soak 600] [--out bench/out]

Starts ``eventsearch serve --index INDEX --workers N`` on a free port of 127.0.0.1 (this
never sends traffic anywhere else), then drives it with a mix of what its users send, built
from the index itself (seeded, so two runs send the same requests). Shares of user actions:

    search  40%  /api/v1/search and /search pages: 1-3 word queries, half with a filter
    suggest 35%  typing a word: one /suggest per keystroke (what a browser's search box
                 sends), so most requests are suggestions
    event   15%  /events/{id} pages and their JSON twins
    feed     5%  /search.atom and /search.rss
    browse   5%  home, day and on-this-day pages

Queries are drawn from the index's own vocabulary, many thousands of different ones, so the
result cache cannot answer everything and memory growth would show. Each level runs for
``--seconds`` (or ``--requests``); the table reports throughput, p50/p95/p99 latency, errors
(any failed request or status other than 200) and each worker's resident memory before and
after. ``--soak S`` then runs concurrency 8 for S seconds, sampling worker memory every
``--sample`` seconds: the curve shows whether memory stays bounded.

Exit status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench.common import (
    OUT,
    Memory,
    machine_line,
    memory_of,
    percentile,
    publish,
    setup_logging,
    shown,
)
from bench.loadgen import LoadResult, run_load
from bench.servers import HOST, Server, eventsearch_command, free_port

log = logging.getLogger("bench.load").info
MIX = (("search", 40), ("suggest", 35), ("event", 15), ("feed", 5), ("browse", 5))


@dataclass
class Level:
    concurrency: int
    result: LoadResult
    before: Memory
    after: Memory


@dataclass
class Soak:
    seconds: float
    samples: list[tuple[float, list[float]]] = field(default_factory=list)  # (t, worker MB)
    result: LoadResult | None = None


def _words(index: Path, rng: random.Random) -> list[str]:
    from indexer import store
    from indexer.columns import load_vocab

    generation = store.current_generation(index)
    if generation is None:
        raise SystemExit(f"no index at {index}")
    vocab = load_vocab(generation)["words"]
    common = [w for w, n in vocab.items() if n >= 5 and len(w) > 2]
    return rng.sample(common, min(len(common), 5000))


def _event_ids(index: Path, rng: random.Random, count: int) -> list[str]:
    from whoosh.index import open_dir

    from indexer import store
    from indexer.stored import StoredEvents, packed_events

    generation = store.current_generation(index)
    assert generation is not None
    stored = StoredEvents.load(generation)
    with open_dir(str(generation)).reader() as reader:
        total = reader.doc_count_all()
        docs = rng.sample(range(total), min(count, total))
        column = packed_events(reader)
        return [stored.unpack(column[d]).id for d in docs if reader.is_deleted(d) is False]


def request_mix(index: Path, total: int, seed: int) -> tuple[list[str], list[str]]:
    """*total* (path, kind) pairs in the proportions of :data:`MIX`, shuffled."""
    rng = random.Random(seed)
    words = _words(index, rng)
    ids = _event_ids(index, rng, 2000)

    def query() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.choice((1, 1, 2, 2, 3))))

    def make(kind: str) -> list[str]:
        if kind == "search":
            q = query()
            extra = rng.choice(("", "", f"&year={rng.randint(2003, 2019)}", "&sort=newest"))
            if rng.random() < 0.5:
                return [f"/api/v1/search?{urlencode({'q': q})}{extra}"]  # facets are on
            return [f"/search?{urlencode({'q': q})}{extra}"]
        if kind == "suggest":
            word = rng.choice(words)
            return [f"/suggest?{urlencode({'q': word[:n]})}" for n in range(1, len(word) + 1)]
        if kind == "event":
            event = quote(rng.choice(ids), safe="")
            return [rng.choice((f"/events/{event}", f"/api/v1/events/{event}"))]
        if kind == "feed":
            return [f"/search.{rng.choice(('atom', 'rss'))}?{urlencode({'q': query()})}"]
        day = f"{rng.randint(2004, 2018)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return [rng.choice(("/", f"/days/{day}", f"/on-this-day/{day[5:]}"))]

    kinds = [k for k, weight in MIX for _ in range(weight)]
    paths: list[str] = []
    labels: list[str] = []
    while len(paths) < total:
        kind = rng.choice(kinds)
        made = make(kind)
        paths += made
        labels += [kind] * len(made)
    return paths[:total], labels[:total]


def worker_mb(server: Server) -> list[float]:
    return memory_of(server.pid).of("worker")


def run_soak(server: Server, paths: Sequence[str], labels: Sequence[str], args: Any) -> Soak:
    soak = Soak(args.soak)
    stop = threading.Event()
    started = time.perf_counter()

    def sample() -> None:
        while not stop.wait(args.sample):
            soak.samples.append((time.perf_counter() - started, worker_mb(server)))

    soak.samples.append((0.0, worker_mb(server)))
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    soak.result = run_load(
        HOST, server.port, paths, 8, max_requests=10**9, max_seconds=args.soak, labels=labels
    )
    stop.set()
    sampler.join()
    soak.samples.append((time.perf_counter() - started, worker_mb(server)))
    return soak


def _cells(result: LoadResult) -> str:
    errors = result.errors + result.requests - result.ok
    return (
        f"{result.requests + result.errors:,} | {result.rps:,.0f} | "
        f"{result.p(0.5):.1f} | {result.p(0.95):.1f} | {result.p(0.99):.1f} | {errors}"
    )


def _levels_table(levels: list[Level]) -> list[str]:
    lines = [
        "| concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| worker MB before → after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for level in levels:
        before = " / ".join(f"{m:,.0f}" for m in level.before.of("worker"))
        after = " / ".join(f"{m:,.0f}" for m in level.after.of("worker"))
        lines.append(f"| {level.concurrency} | {_cells(level.result)} | {before} → {after} |")
    if not levels:
        return lines
    lines += ["", "Latency by kind of request at the highest level (ms):", ""]
    lines += ["| kind | requests | p50 | p95 | p99 |", "| --- | ---: | ---: | ---: | ---: |"]
    for kind, values in sorted(levels[-1].result.by_label.items()):
        lines.append(
            f"| {kind} | {len(values):,} | {percentile(values, 0.5):.1f} | "
            f"{percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} |"
        )
    return lines


def _soak_table(soak: Soak, workers: int) -> list[str]:
    assert soak.result is not None
    lines = [
        "",
        f"### Soak: concurrency 8 for {soak.seconds:.0f} s",
        "",
        "| requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {_cells(soak.result)} |",
        "",
        "Worker memory (RSS MB) over the soak:",
        "",
        "| seconds | " + " | ".join(f"worker {n + 1}" for n in range(workers)) + " |",
        "| ---: | " + " | ".join("---:" for _ in range(workers)) + " |",
    ]
    for t, mb in soak.samples:
        lines.append(f"| {t:,.0f} | " + " | ".join(f"{m:,.0f}" for m in mb) + " |")
    return lines


def render(args: Any, levels: list[Level], soak: Soak | None) -> str:
    lines = [
        f"## Load: `{shown(args.index)}`, `eventsearch serve --workers {args.workers}`",
        "",
        f"{machine_line()} User actions: {', '.join(f'{k} {w}%' for k, w in MIX)} (typing a "
        "word sends one suggestion request per keystroke); "
        f"{args.seconds:.0f} s per level; client: Python threads, keep-alive, 127.0.0.1, "
        "on the same cores as the server.",
        "",
        *_levels_table(levels),
    ]
    if soak and soak.result:
        lines += _soak_table(soak, args.workers)
    return "\n".join(lines) + "\n"


def failures(levels: list[Level], soak: Soak | None) -> int:
    """Requests that failed or answered other than 200, over the levels and the soak."""
    results = [lv.result for lv in levels] + ([soak.result] if soak and soak.result else [])
    return sum(r.errors + r.requests - r.ok for r in results)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--index", type=Path, required=True, help="a built index directory")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--levels", default="1,8,32,64", help="concurrency levels")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds per level")
    parser.add_argument("--requests", type=int, default=10**9, help="at most this many per level")
    parser.add_argument("--soak", type=float, default=0.0, help="soak seconds at concurrency 8")
    parser.add_argument("--sample", type=float, default=30.0, help="soak memory sample period")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.index = args.index.resolve()
    return args


def run_levels(
    server: Server, paths: list[str], labels: list[str], args: argparse.Namespace
) -> list[Level]:
    levels = []
    offset = 0
    for concurrency in (int(c) for c in args.levels.split(",") if c.strip()):
        before = memory_of(server.pid)
        result = run_load(  # each level starts somewhere new in the mix
            HOST, server.port, paths[offset:] + paths[:offset], concurrency, args.requests,
            args.seconds, labels=labels[offset:] + labels[:offset],
        )  # fmt: skip
        offset = (offset + 7919) % len(paths)
        levels.append(Level(concurrency, result, before, memory_of(server.pid)))
        log(
            f"c={concurrency}: {result.rps:,.0f} req/s, p99 {result.p(0.99):.1f} ms, "
            f"{result.errors + result.requests - result.ok} errors {result.error_samples}"
        )
    return levels


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    args = parse_args(argv)
    paths, labels = request_mix(args.index, 50_000, args.seed)
    log(f"mix: {len(paths):,} requests: {dict(Counter(labels))}")
    port = free_port()
    args.out.mkdir(parents=True, exist_ok=True)
    command = eventsearch_command(sys.executable, args.index, port, "--workers", str(args.workers))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # served as users serve it, logs included
    log_file = args.out / "load-server.log"
    soak = None
    with Server("eventsearch", command, port, "/healthz", log_file, env, args.workers) as server:
        server.start()
        levels = run_levels(server, paths, labels, args)
        if args.soak:
            soak = run_soak(server, paths, labels, args)
    (args.out / f"load-{args.index.name}.json").write_text(
        json.dumps({"levels": [(lv.concurrency, lv.result.rps) for lv in levels]}), "utf-8"
    )
    publish(render(args, levels, soak), args.out / f"load-{args.index.name}.md")
    return 1 if failures(levels, soak) else 0


if __name__ == "__main__":
    sys.exit(main())
