"""The Markdown report of ``bench.search`` (``OUT/search-<kind>.md``)."""

from __future__ import annotations

import sqlite3

from bench.common import fmt_ms, machine_line, md, median, percentile, shown
from bench.queries import describe
from bench.search import Run, Suggestions, Timings

PROBE_ROWS = (
    ("imports_ms", "import search.service"),
    ("snapshot_ms", "`Search(index).snapshot()`"),
    ("first_search_ms", "first `Search.search()`"),
    ("whoosh_open_ms", "plain Whoosh `open_dir` + searcher + parser"),
    ("whoosh_first_search_ms", "plain Whoosh first search"),
    ("process_wall_ms", "whole process (interpreter start to exit)"),
    ("rss_mb", "peak RSS of the process (MB)"),
)


def render(run: Run) -> str:
    lines = _engines(run) + _per_query(run) + _differences(run) + _fts(run)
    lines += _suggestions(run.suggest) + _opening(run)
    return "\n".join(lines) + "\n"


def _engines(run: Run) -> list[str]:
    timings = (run.es.cold, run.es.warm, run.whoosh.plain, run.whoosh.grouped)
    lines = [
        f"## Search benchmark: `{run.kind}` ({run.events:,} events, "
        f"{shown(run.generation)}){run.archive_note}",
        "",
        f"{machine_line()} Load average at start {run.load:.2f}; {len(run.queries)} queries, "
        f"{run.repeat} warm repeats each; one process. Per-query value = median of its runs; "
        "the table gives the median and p95 of those over the query set.",
        "",
        "| engine | median ms | p95 ms | max ms | median vs eventsearch warm |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    base = median(run.es.warm.medians())
    lines += [_engine_row(t, base) for t in (*timings, run.fts.top, run.fts.all)]
    return [
        *lines,
        "",
        "eventsearch = `Search(index, cache_bytes=0).search()` (no result cache): query "
        "parsing, numpy evaluation, filters, spelling fallback, facets (context, domain, year, "
        "lang), ordering, stored fields and highlighting of the top 10. Cold = first run of "
        "the query in this process after one empty-query warm-up "
        f"({fmt_ms(run.es.warmup_ms)} ms) that builds the shared per-snapshot arrays; "
        f"snapshot opened in {fmt_ms(run.open_ms)} ms. Whoosh and FTS5 samples include their "
        "first (cold) run.",
        "",
    ]


def _engine_row(timing: Timings, base: float) -> str:
    values = timing.medians()
    if not values:
        return f"| {timing.name} | - | - | - | {timing.note or 'not run'} |"
    middle = median(values)
    note = f" ({timing.note})" if timing.note else ""
    return (
        f"| {timing.name}{note} | {fmt_ms(middle)} | {fmt_ms(percentile(values, 0.95))} | "
        f"{fmt_ms(max(values))} | {middle / base:.2f}x |"
    )


def _per_query(run: Run) -> list[str]:
    es, wh, fts = run.es, run.whoosh, run.fts
    lines = [
        "### Per query (ms; eventsearch warm = median / p95 of the warm runs)",
        "",
        "| query | q [filters] | total es / whoosh / fts | es cold | es warm | whoosh | "
        "whoosh grouped | fts5 top10 | fts5 all |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, params in run.queries:
        mode = es.mode[label]
        total = f"{es.total[label]:,}{'' if mode == 'all' else f' ({mode})'}"
        lines.append(
            f"| {md(label)} | {md(describe(params))} | {total} / "
            f"{wh.total.get(label, 0):,} / {fts.total.get(label, 0):,} | "
            f"{fmt_ms(es.cold.median(label))} | {fmt_ms(es.warm.median(label))} / "
            f"{fmt_ms(es.warm.p95(label))} | {fmt_ms(wh.plain.median(label))} | "
            f"{fmt_ms(wh.grouped.median(label))} | {fmt_ms(fts.top.median(label))} | "
            f"{fmt_ms(fts.all.median(label))} |"
        )
    return lines


def _differences(run: Run) -> list[str]:
    mismatches = []
    for label, _ in run.queries:
        es, wh, ft = run.es.total[label], run.whoosh.total.get(label), run.fts.total.get(label)
        if es != ft or es != wh:
            mismatches.append(
                f"- {label}: eventsearch {es:,} ({run.es.mode[label]}), Whoosh {wh:,}, "
                f"FTS5 {ft:,} — FTS5 MATCH `{run.fts.matches[label]}`"
            )
    return [
        "",
        f"### Totals that differ ({len(mismatches)} of {len(run.queries)})",
        "",
        *(mismatches or ["none"]),
    ]


def _fts(run: Run) -> list[str]:
    build = run.fts.build
    return [
        "",
        f"### SQLite FTS5 (SQLite {sqlite3.sqlite_version})",
        "",
        f"Built from the index's stored events: {run.fts.rows:,} rows in "
        f"{build['total']:.1f} s, database {run.fts.size / 1e6:,.1f} MB. Tokenizer "
        "`porter unicode61 remove_diacritics 2`; Chinese pre-segmented with jieba (search "
        "mode) after Traditional->Simplified folding; rank = bm25 with the schema's field "
        "boosts; facets ignore their own filter, as eventsearch's do.",
        "",
        "| build step | seconds |",
        "| --- | ---: |",
        *(f"| {step} | {seconds:.2f} |" for step, seconds in build.items()),
    ]


def _spread(values: list[float]) -> str:
    """median | p95 | max, to three decimals (suggestions take well under a millisecond)."""
    return f"{median(values):.3f} | {percentile(values, 0.95):.3f} | {max(values):.3f}"


def _suggestions(sg: Suggestions) -> list[str]:
    lines = [
        "",
        f"### Suggestions ({sg.count} prefixes of 1-6 characters)",
        "",
        f"First call (builds the suggester for the snapshot): {fmt_ms(sg.build_ms)} ms.",
        "",
        "| calls | median ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        f"| first call per prefix | {_spread(sg.cold.every())} |",
        f"| repeated (lru_cache) | {_spread(sg.warm.every())} |",
    ]
    by_length = sg.by_length()
    for length in sorted(by_length):
        values = by_length[length]
        lines.append(
            f"| first call, {length}-char prefixes (n={len(values)}) | {_spread(values)} |"
        )
    return lines


def _opening(run: Run) -> list[str]:
    lines = [
        "",
        f"### Opening a searcher (fresh process, {len(run.probes)} runs; median / max ms)",
        "",
        "| step | median ms | max ms |",
        "| --- | ---: | ---: |",
    ]
    for key, title in PROBE_ROWS:
        values = [p[key] for p in run.probes]
        lines.append(f"| {title} | {fmt_ms(median(values))} | {fmt_ms(max(values))} |")
    return [
        *lines,
        "",
        f"Peak RSS of this benchmark process: {run.rss_mb:,.0f} MB. Library code (hash of "
        f"indexer/ and search/ sources): {run.version}.",
    ]
