"""Search benchmark: eventsearch against plain Whoosh and SQLite FTS5 on the same events.

    python -m bench.search INDEX_DIR --archive ARCHIVE [--kind synth|zh] [--repeat 3]

In one process, over the query set of ``bench.queries`` for the archive kind:

a. eventsearch: ``Search(index, cache_bytes=0).search(request)`` (no result cache) with
   facets and highlighted top 10; the first run of each query ("cold": its terms' postings
   are not yet cached; shared arrays are warmed first by one empty query) and ``--repeat``
   warm runs;
b. plain Whoosh on the same generation (``bench.plain_whoosh``): ``MultifieldParser`` over the
   text fields, ``searcher.search(q, limit=10)`` (stored ids of the hits read), and the same
   with ``groupedby`` context and domain facets (given up, and said so, once one query takes
   more than 5 s);
c. SQLite FTS5 built from the index's stored events (``bench.fts``; build time reported): top
   10 by bm25 with highlight()/snippet(), COUNT(*), and GROUP BY counts for context, domain
   and year;
d. ``Search.suggest`` over 200 prefixes (1-6 characters) of vocabulary words and headings;
e. opening a searcher (``Search(index).snapshot()``) and the first search, in fresh processes.

Totals of eventsearch, Whoosh and FTS5 are compared and differences listed (never fatal: the
engines analyse text differently). The report (``bench.search_report``) goes to stdout and
``OUT/search-<kind>.md``. Only local files are used.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
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
    OUT,
    ROOT,
    code_version,
    median,
    ms_since,
    own_peak_rss_mb,
    percentile,
    publish,
    setup_logging,
    timed,
)
from bench.fts import Fts, fts_match
from bench.plain_whoosh import PlainWhoosh
from bench.queries import Params, q_of, queries

GROUPED_LIMIT_S = 5.0
SUGGEST_PREFIXES = 200

log = logging.getLogger("bench.search").info


@dataclass
class Timings:
    """Per-query samples (ms) of one engine variant."""

    name: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""

    def add(self, label: str, ms: float) -> None:
        self.samples.setdefault(label, []).append(ms)

    def median(self, label: str) -> float | None:
        values = self.samples.get(label)
        return median(values) if values else None

    def p95(self, label: str) -> float | None:
        values = self.samples.get(label)
        return percentile(values, 0.95) if values else None

    def medians(self) -> list[float]:
        return [median(v) for v in self.samples.values() if v]

    def every(self) -> list[float]:
        return [v for values in self.samples.values() for v in values]


Request = tuple[str, Params, Any]  # label, URL parameters, the parsed SearchRequest


@dataclass
class Eventsearch:
    cold: Timings = field(default_factory=lambda: Timings("eventsearch cold (first run)"))
    warm: Timings = field(default_factory=lambda: Timings("eventsearch warm"))
    total: dict[str, int] = field(default_factory=dict)
    mode: dict[str, str] = field(default_factory=dict)
    warmup_ms: float = 0.0


@dataclass
class Whoosh:
    plain: Timings = field(default_factory=lambda: Timings("plain Whoosh, limit=10"))
    grouped: Timings = field(
        default_factory=lambda: Timings("plain Whoosh, limit=10 + groupedby context, domain")
    )
    total: dict[str, int] = field(default_factory=dict)


@dataclass
class Sqlite:
    top: Timings = field(default_factory=lambda: Timings("FTS5 top 10 (bm25, highlight + snippet)"))
    all: Timings = field(default_factory=lambda: Timings("FTS5 top 10 + COUNT + 3 GROUP BY facets"))
    total: dict[str, int] = field(default_factory=dict)
    matches: dict[str, str | None] = field(default_factory=dict)
    build: dict[str, float] = field(default_factory=dict)
    size: int = 0
    rows: int = 0


@dataclass
class Suggestions:
    count: int
    build_ms: float
    cold: Timings = field(default_factory=lambda: Timings("suggest, first call per prefix"))
    warm: Timings = field(default_factory=lambda: Timings("suggest, repeated (lru_cache)"))

    def by_length(self) -> dict[int, list[float]]:
        lengths: dict[int, list[float]] = {}
        for prefix, values in self.cold.samples.items():
            lengths.setdefault(len(prefix), []).extend(values)
        return lengths


@dataclass
class Run:
    """Everything the report says."""

    kind: str
    repeat: int
    generation: Path
    events: int
    archive_note: str
    load: float
    open_ms: float
    queries: list[tuple[str, Params]]
    es: Eventsearch
    whoosh: Whoosh
    fts: Sqlite
    suggest: Suggestions
    probes: list[dict[str, float]]
    rss_mb: float
    version: str


# --------------------------------------------------------------------------------------------
# The engines.


def time_eventsearch(service: Any, requests: Sequence[Request], repeat: int) -> Eventsearch:
    """First and warm runs of every query, after one empty query that builds the shared
    per-snapshot arrays."""
    from search.params import parse_request

    es = Eventsearch()
    es.warmup_ms, _ = timed(service.search, parse_request([("q", "")]))
    for label, _, request in requests:
        ms, result = timed(service.search, request)
        es.cold.add(label, ms)
        es.total[label], es.mode[label] = result.total, result.mode
    for _ in range(repeat):
        for label, _, request in requests:
            es.warm.add(label, timed(service.search, request)[0])
    log(f"eventsearch: cold median {median(es.cold.medians()):.1f} ms")
    return es


def time_whoosh(generation: Path, requests: Sequence[Request], repeat: int) -> Whoosh:
    plain, wh = PlainWhoosh(generation), Whoosh()
    for _ in range(repeat):
        for label, params, _ in requests:
            ms, (_, results) = timed(plain.search, params)
            wh.plain.add(label, ms)
            wh.total.setdefault(label, len(results))
    for _ in range(repeat):
        for label, params, _ in requests:
            ms, _ = timed(plain.search, params, grouped=True)
            wh.grouped.add(label, ms)
            if ms > GROUPED_LIMIT_S * 1000:
                wh.grouped.note = (
                    f"grouped variant given up after {label!r} took {ms / 1000:.1f} s "
                    f"(limit {GROUPED_LIMIT_S:.0f} s); {len(wh.grouped.every())} runs measured"
                )
                log(wh.grouped.note)
                break
        if wh.grouped.note:
            break
    log(f"plain Whoosh: median {median(wh.plain.medians()):.1f} ms")
    return wh


def stored_events(snapshot: Any) -> Iterator[tuple[int, Any]]:
    """(document number, event) of the snapshot's live documents."""
    numbers = snapshot.live_docs.tolist()
    yield from zip(numbers, snapshot.events(numbers), strict=True)


def time_fts(snapshot: Any, requests: Sequence[Request], args: argparse.Namespace) -> Sqlite:
    """Build the FTS5 database of the snapshot's events, then time every query; the first
    pass is FTS5's cold run, kept in the samples."""
    scratch = Path(tempfile.mkdtemp(prefix="fts-", dir=args.out))
    fts, sq = Fts(scratch / "events.sqlite"), Sqlite()
    sq.rows = fts.build(stored_events(snapshot))
    sq.build, sq.size = fts.build_seconds, fts.size()
    log(f"FTS5: {sq.rows:,} events in {sq.build['total']:.1f} s, {sq.size / 1e6:.0f} MB")
    sq.matches = {label: fts_match(q_of(params)) for label, params, _ in requests}
    for _ in range(args.repeat + 1):
        for label, params, _ in requests:
            match = sq.matches[label]
            ms_top, _ = timed(fts.top10, params, match)
            ms_count, sq.total[label] = timed(fts.count, params, match)
            ms_facets, _ = timed(fts.facets, params, match)
            sq.top.add(label, ms_top)
            sq.all.add(label, ms_top + ms_count + ms_facets)
    fts.close()
    if not args.keep_fts:
        shutil.rmtree(scratch, ignore_errors=True)
    log(f"FTS5: median {median(sq.all.medians()):.1f} ms")
    return sq


def suggest_prefixes(snapshot: Any, count: int, seed: int = 7) -> list[str]:
    """*count* distinct 1-6 character prefixes of vocabulary words and story headings."""
    words = sorted(w for w in snapshot.vocab["words"] if len(w) > 1)
    words += sorted(snapshot.columns.contexts)
    rng = random.Random(seed)
    found: dict[str, None] = {}
    attempts = 0
    while len(found) < count and attempts < count * 50:
        attempts += 1
        word = rng.choice(words)
        found.setdefault(word[: rng.randint(1, min(6, len(word)))], None)
    return list(found)


def time_suggest(service: Any, snapshot: Any, repeat: int) -> Suggestions:
    prefixes = suggest_prefixes(snapshot, SUGGEST_PREFIXES)
    build_ms, _ = timed(service.suggest, "\u2060")  # builds the suggester
    sg = Suggestions(len(prefixes), build_ms)
    for prefix in prefixes:
        sg.cold.add(prefix, timed(service.suggest, prefix)[0])
    for _ in range(repeat):
        for prefix in prefixes:
            sg.warm.add(prefix, timed(service.suggest, prefix)[0])
    return sg


# --------------------------------------------------------------------------------------------
# Opening a searcher in a fresh process.


def open_probe(index: Path, q: str) -> dict[str, float]:
    """Run in a fresh process: imports, ``Search(index).snapshot()``, first search, Whoosh."""
    t0 = time.perf_counter()
    from search.params import parse_request
    from search.service import Search

    t1 = time.perf_counter()
    service = Search(index)
    snapshot = service.snapshot()
    t2 = time.perf_counter()
    service.search(parse_request([("q", q)]))
    t3 = time.perf_counter()
    plain = PlainWhoosh(snapshot.generation)
    t4 = time.perf_counter()
    plain.search([("q", q)])
    t5 = time.perf_counter()
    return {
        "imports_ms": (t1 - t0) * 1000,
        "snapshot_ms": (t2 - t1) * 1000,
        "first_search_ms": (t3 - t2) * 1000,
        "whoosh_open_ms": (t4 - t3) * 1000,
        "whoosh_first_search_ms": (t5 - t4) * 1000,
        "rss_mb": own_peak_rss_mb(),
    }


def spawn_probe(index: Path, q: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.search", str(index), "--probe", q]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = ms_since(started)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("open probe failed")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_ms"] = wall
    return result


# --------------------------------------------------------------------------------------------
# The benchmark.


def archive_note(generation: Path, archive: Path | None) -> str:
    """A warning when the index was built from another archive than the one named."""
    from indexer import store

    built_from = store.read_manifest(generation).archive
    if not archive or built_from == str(archive.resolve()):
        return ""
    log(f"index was built from {built_from}, not {archive}")
    return f" (warning: index was built from {built_from})"


def run_bench(args: argparse.Namespace) -> Run:
    from search.params import parse_request
    from search.service import Search

    version = code_version()
    query_set = queries(args.kind)
    service = Search(args.index.resolve(), cache_bytes=0)  # every search computed
    open_ms, snapshot = timed(service.snapshot)
    note = archive_note(snapshot.generation, args.archive)
    load = os.getloadavg()[0]
    log(f"{snapshot.live_count:,} events in {snapshot.generation}; {len(query_set)} queries")
    requests = [(label, params, parse_request(params)) for label, params in query_set]
    es = time_eventsearch(service, requests, args.repeat)
    whoosh = time_whoosh(snapshot.generation, requests, args.repeat)
    fts = time_fts(snapshot, requests, args)
    suggest = time_suggest(service, snapshot, args.repeat)
    first_q = q_of(query_set[0][1])
    probes = [spawn_probe(args.index.resolve(), first_q) for _ in range(args.repeat)]
    if code_version() != version:
        version = f"{version}, changed to {code_version()} during the run"
    return Run(
        kind=args.kind,
        repeat=args.repeat,
        generation=snapshot.generation,
        events=snapshot.live_count,
        archive_note=note,
        load=load,
        open_ms=open_ms,
        queries=list(query_set),
        es=es,
        whoosh=whoosh,
        fts=fts,
        suggest=suggest,
        probes=probes,
        rss_mb=own_peak_rss_mb(),
        version=version,
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search", description=__doc__.split("\n")[0]
    )
    parser.add_argument("index", type=Path, help="index directory (holds CURRENT)")
    parser.add_argument("--archive", type=Path, help="the archive the index was built from")
    parser.add_argument(
        "--kind", choices=("synth", "zh"), help="query set (default: from --archive)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    parser.add_argument("--keep-fts", action="store_true", help="keep the FTS5 database in OUT")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.kind is None:
        name = (args.archive or args.index).resolve().name
        args.kind = "zh" if "zh" in name.split("-") or name == "zh" else "synth"
    args.repeat = max(1, args.repeat)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    from bench.search_report import render

    setup_logging()
    args = parse_args(argv)
    if args.probe is not None:
        print(json.dumps(open_probe(args.index.resolve(), args.probe)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    publish(render(run_bench(args)), args.out / f"search-{args.kind}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
