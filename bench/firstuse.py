"""First use of each query's terms: the first run of every query of the set, in a fresh process.

    python -m bench.firstuse --index DIR [--kind synth] [--rounds 3] [--walk] [--json]

Each round is a fresh process (``Search(index, cache_bytes=0)``, no result cache): one empty
query first builds the shared per-snapshot arrays (as ``bench.search`` does), and the state
``search.service.warm_up`` builds a second after a snapshot opens (suggester, spelling
words, story order, ranking priors) is built too, untimed; then each query of
``bench.queries`` runs once, in order, timed: what a warmed-up new worker (or one after a
new generation) pays for the first use of each term. Time spent inside the snapshot's reads
of Whoosh (``Snapshot.postings``, ``positions``, ``whoosh_docs``: term arrays, gram
positions, phrases of words) is summed per query too, to show what is left to gain there;
those, and ``cpu``, are the thread's CPU time (``time.thread_time``), which a machine
busy with other work inflates far less than the wall-clock ``total``. ``--walk`` ignores the
generation's postings table (``indexer.postings``): every term is read from Whoosh, as
before there was one, to compare both on one index.
Printed: per query the median over rounds, and the median / p95 over queries of each
round's first runs, taken over all rounds together.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.queries import queries

READS = ("postings", "positions", "whoosh_docs")  # the Snapshot methods that read Whoosh
Spent = defaultdict[str, float]  # ms per read


def _timed(spent: Spent, name: str, read: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return read(*args, **kwargs)
        finally:
            spent[name] += (time.thread_time() - started) * 1000

    return timed


def one_round(index: Path, kind: str, walk: bool) -> dict[str, dict[str, float]]:
    """In this process: per query, the ms of its first run and of each Whoosh read in it."""
    from bench.peers.eventsearch import settle
    from search.params import parse_request
    from search.ranking import priors
    from search.service import Search
    from search.snapshot import Snapshot
    from search.spelling import spelling_words
    from search.suggest import suggester
    from search.threads import story_order

    spent: Spent = defaultdict(float)
    for name in READS:
        setattr(Snapshot, name, _timed(spent, name, getattr(Snapshot, name)))

    service = Search(index, cache_bytes=0)
    service.search(parse_request([("q", "")]))
    snapshot = service.snapshot()
    if walk:
        snapshot.table = None
    for build in (suggester, spelling_words, story_order, priors):
        build(snapshot)
    settle()  # the suggester's entries are built in a thread: not while queries are timed
    times = {}
    for label, params in queries(kind):
        spent.clear()
        started, cpu = time.perf_counter(), time.thread_time()
        service.search(parse_request(params))
        spent["cpu"] = (time.thread_time() - cpu) * 1000
        times[label] = {"total": (time.perf_counter() - started) * 1000, **spent}
    service.close()
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--kind", default="synth")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--walk", action="store_true", help="read every term from Whoosh")
    parser.add_argument("--json", action="store_true", help="print one object")
    parser.add_argument("--round", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.round:
        print(json.dumps(one_round(args.index, args.kind, args.walk)))
        return
    command = [sys.executable, "-m", "bench.firstuse", "--round", "--index", str(args.index),
               "--kind", args.kind, *(["--walk"] if args.walk else [])]  # fmt: skip
    rounds = [
        json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        for _ in range(args.rounds)
    ]
    every = [t["total"] for r in rounds for t in r.values()]
    cpu = [t["cpu"] for r in rounds for t in r.values()]
    summary = {
        "median_ms": statistics.median(every),
        "p95_ms": p95(every),
        "cpu_median_ms": statistics.median(cpu),
        "cpu_p95_ms": p95(cpu),
        "rounds": rounds,
    }
    if args.json:
        print(json.dumps(summary))
        return
    shown = ("total", "cpu", *READS)
    print(" ".join(f"{n:>11}" for n in shown) + "  (ms, median of rounds)")
    for label in rounds[0]:
        cells = [statistics.median(r[label].get(n, 0.0) for r in rounds) for n in shown]
        print(" ".join(f"{c:9.1f}  " for c in cells) + f" {label}")
    print(f"first run over {len(rounds)} rounds: median {summary['median_ms']:.1f} ms, "
          f"p95 {summary['p95_ms']:.1f} ms; CPU median {summary['cpu_median_ms']:.1f} ms, "
          f"p95 {summary['cpu_p95_ms']:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
