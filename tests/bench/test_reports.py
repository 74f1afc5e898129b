"""The Markdown reports of bench.compare and bench.search, rendered from made-up figures:
every section renders, the machine is named by its facts, paths are the repository's."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.common import ROOT, Memory, ProcessMemory, machine
from bench.compare import DATASETTE, ES_CACHE, Results
from bench.compare_http import Series, ServerRun
from bench.compare_report import render as render_compare
from bench.loadgen import LoadResult
from bench.peers import Answer
from bench.queries import queries
from bench.search import Eventsearch, Run, Sqlite, Suggestions, Whoosh
from bench.search_report import render as render_search

GENERATION = ROOT / "bench" / "out" / "index-synth2000" / "gen-000001"


def series(name: str, ms: float, total: int) -> Series:
    found = Series(name)
    for label, _ in queries("synth"):
        found.add(label, ms * 2)
        found.add(label, ms)
        found.answers[label] = Answer(total)
    return found


def server_run(name: str, ms: float) -> ServerRun:
    memory = Memory([ProcessMemory(1, "supervisor", 50.0, 60.0)])
    load = LoadResult(8, requests=100, seconds=2.0, latencies_ms=[ms] * 100)
    load.statuses[200] = 100
    return ServerRun(
        name, 900.0, 950.0, memory, memory, series(name, ms, 7), [(load, 0.5)], "", 2, (ms, ms)
    )


def test_the_compare_report_has_every_section(tmp_path: Path) -> None:
    args = argparse.Namespace(
        argv=["python -m bench.compare", "--index", "bench/out/index-synth2000"],
        repeat=1, levels=[8], requests=100, seconds=2.0, workers=2, quick=True,
    )  # fmt: skip
    results = Results(
        args, machine(peers=True), 2000, GENERATION, "synth", list(queries("synth")), 0.2,
        "2026-01-01T00:00:00", (1.0, 1.0, 1.0), es_size=10**7,
        es_inproc=series("es", 3.0, 7), tantivy=series("tantivy", 1.0, 8),
        servers=[server_run(DATASETTE, 30.0), server_run(ES_CACHE, 10.0)],
    )  # fmt: skip
    report = render_compare(results)
    for heading in ("## Machine", "## Summary", "## Latency per query", "## HTTP throughput",
                    "## Memory (RSS)", "## Per query", "## What each engine does"):  # fmt: skip
        assert f"\n{heading}" in report
    assert "`bench/out/index-synth2000/gen-000001`" in report
    assert "`bench/data/queries.toml`" in report
    assert f"| CPU | {results.machine['cpu']} |" in report
    count = len(queries("synth"))
    assert f"### Totals that differ ({count} of {count})" in report  # es 7, tantivy 8
    assert "| Datasette (both over HTTP; eventsearch as served) | - | - | 1.00x | 0.33x |" in report
    assert "| Xapian (both in process) | - | - | - | - |" in report  # not run: no figures
    assert "/work/" not in report and str(ROOT) not in report


def test_the_search_report_has_every_section() -> None:
    label, params = queries("synth")[0]
    es, whoosh, fts = Eventsearch(), Whoosh(), Sqlite(build={"total": 1.0}, size=10**6, rows=5)
    for timing in (es.cold, es.warm, whoosh.plain, whoosh.grouped, fts.top, fts.all):
        timing.add(label, 2.0)
    es.total[label], es.mode[label] = 5, "all"
    whoosh.total[label] = fts.total[label] = 5
    fts.matches[label] = '"afghanistan"'
    suggest = Suggestions(1, 30.0)
    suggest.cold.add("af", 0.1)
    suggest.warm.add("af", 0.01)
    probe = dict.fromkeys(("imports_ms", "snapshot_ms", "first_search_ms", "whoosh_open_ms",
                           "whoosh_first_search_ms", "process_wall_ms", "rss_mb"), 1.0)  # fmt: skip
    run = Run("synth", 1, GENERATION, 2000, "", 1.0, 30.0, [(label, params)], es, whoosh, fts,
              suggest, [probe], 100.0, "abc")  # fmt: skip
    report = render_search(run)
    assert report.startswith(
        "## Search benchmark: `synth` (2,000 events, bench/out/index-synth2000"
    )
    assert "Machine: " in report and " cores, " in report
    assert "### Totals that differ (0 of 1)" in report
    assert "| first call, 2-char prefixes (n=1) | 0.100 | 0.100 | 0.100 |" in report
