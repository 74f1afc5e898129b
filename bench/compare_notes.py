"""The end of the ``bench.compare`` report: totals and times per query, the totals that
differ between engines, what the run observed, and what each engine does per query."""

from __future__ import annotations

from bench.common import fmt_ms, md
from bench.compare import DATASETTE, ES_CACHE, ES_NOCACHE, Results
from bench.compare_http import Series, ServerRun
from bench.peers import FACET_SIZE, Answer
from bench.queries import describe

KEEPALIVE_DELAY_MS = 30  # a keep-alive connection this much slower than fresh ones: a finding


def server(r: Results, name: str) -> ServerRun | None:
    return next((s for s in r.servers if s.name == name), None)


def _series(run: ServerRun | None) -> Series:
    return run.series if run and run.series else Series("")


def _total(answer: Answer | None) -> str:
    if answer is None:
        return "error"
    return "?" if answer.total is None else f"{answer.total:,}"


def per_query(r: Results) -> list[str]:
    es, tv, ds = r.es_inproc or Series(""), r.tantivy or Series(""), _series(server(r, DATASETTE))
    http = _series(server(r, ES_NOCACHE) or server(r, ES_CACHE))
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
    lines += _mismatches(r, es, tv, ds) + _year_facets(r, es, tv)
    errors = [(s.name, e) for s in (es, tv, ds, http) for e in s.errors.items()]
    if errors:
        lines += ["Failed queries:", ""]
        lines += [f"- {name}: {md(label)}: `{md(err)}`" for name, (label, err) in errors]
        lines.append("")
    return lines


def _mismatch(values: dict[str, Answer | None]) -> str:
    cells = []
    for name, answer in values.items():
        if answer is None or answer.total is None:
            cells.append(f"{name} error")
            continue
        mode = f" (mode {answer.mode})" if answer.mode and answer.mode != "all" else ""
        cells.append(f"{name} {answer.total:,}{mode}")
    return ", ".join(cells)


def _mismatches(r: Results, es: Series, tv: Series, ds: Series) -> list[str]:
    served = _series(server(r, ES_CACHE))
    found = []
    for label, params in r.query_set:
        values = {
            "eventsearch": es.answers.get(label),
            "tantivy": tv.answers.get(label),
            "Datasette": ds.answers.get(label),
            "eventsearch HTTP": served.answers.get(label),
        }
        if len({v.total if v else None for v in values.values()}) > 1:
            found.append(f"- {md(label)} (`{md(describe(params))}`): {_mismatch(values)}")
    return [
        "",
        f"### Totals that differ ({len(found)} of {len(r.query_set)})",
        "",
        *(found or ["none"]),
    ]


def _year_facets(r: Results, es: Series, tv: Series) -> list[str]:
    differ = []
    for label, _ in r.query_set:
        a, b = es.answers.get(label), tv.answers.get(label)
        if a and b and a.total == b.total and a.facets.get("year") != b.facets.get("year"):
            differ.append(label)
    return [
        "",
        "Year facet counts of eventsearch and tantivy where their totals agree: "
        + (f"differ for {', '.join(map(md, differ))}." if differ else "identical."),
        "",
    ]


def _observations(r: Results) -> list[str]:
    slow = [run for run in r.servers if run.keepalive[1] - run.keepalive[0] > KEEPALIVE_DELAY_MS]
    if not slow:
        return []
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
    return [
        "## Observations",
        "",
        f"- **Keep-alive delay** ({figures}): {cause}. The load generator keeps "
        "connections alive, as browsers and HTTP client libraries do, so this bounds "
        "the c=1 throughput and adds to latencies under load.",
        "",
    ]


ENGINES = (
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
    f"(size {FACET_SIZE}) and year: one aggregation call, plus one per filtered facet so "
    "that, as in eventsearch, a facet's counts ignore its own filter. tantivy 0.2x's Python "
    "bindings expose `aggregate`, so no per-value counting was needed.",
    "- **Xapian** (Debian's `python3-xapian`, C++ with SWIG bindings): `Enquire.get_mset(0, "
    "10, check_at_least=<document count>)` (BM25 over one term space, the schema's field "
    "boosts as `wdf_inc`; exact totals), the 10 hits' stored data, `MSet.snippet` "
    "highlights of title and summary, and `ValueCountMatchSpy` counts of context, domain "
    "and year over the whole match (multi-valued contexts and domains as one serialised "
    "value per document, split after counting), plus one match per filtered facet.",
    "- **Text analysis**: Datasette, tantivy and Xapian see the text with Han runs folded to "
    "Simplified and cut by jieba (search mode, as `bench.search` does for FTS5); English "
    "is stemmed (FTS5 porter, tantivy Snowball English), accents folded. Queries are "
    "translated from `bench.queries`: words all required (English stop words dropped, as "
    "eventsearch does), phrases, `OR`, `-word`, `word*` (FTS5 prefix; tantivy regex "
    "`word.*` per field, since its query parser has no single-term prefix). Different "
    "analysis is why totals can differ; differences are listed, never fatal. eventsearch "
    'drops English stop words inside phrases too (`"at least"` is searched as `least`), '
    "and falls back to any word, or to a spelling correction, when nothing matches all "
    "words (the `mode` shown with a differing total).",
)


def notes(r: Results) -> list[str]:
    eventsearch = (
        "- **eventsearch**: `Search(index, cache_bytes=0).search()` in process (no result "
        "cache), or `GET /api/v1/search?q=…` from `eventsearch serve` with "
        f"`EVENTSEARCH_RATE_LIMIT=0` and {r.args.workers} uvicorn workers: BM25F with a "
        "recency boost, top 10 with highlighted title and summary, total, facets "
        "context/domain/year/month/lang (each ignoring its own filter), spelling fallback. "
        "*As served* keeps its per-worker result and response caches "
        "(`EVENTSEARCH_CACHE_MB`, 96 MB); *cache off* sets it to 0."
    )
    return [
        *_observations(r),
        "## What each engine does per query",
        "",
        eventsearch,
        *ENGINES,
        f"- Latency and throughput are wall-clock on the machine above ({r.machine['cores']} "
        "cores, shared with other work: see the load average). The load generator shares "
        "the machine with the server.",
        "",
    ]
