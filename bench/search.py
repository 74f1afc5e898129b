"""Search benchmark: eventsearch against plain Whoosh and SQLite FTS5 on the same events.

    python -m bench.search INDEX_DIR --archive ARCHIVE [--kind synth|zh] [--repeat 3]

In one process, over the query set of ``bench.queries`` for the archive kind:

a. eventsearch: ``Search._search(snapshot, request)`` (the result cache bypassed) with facets
   and highlighted top 10; the first run of each query ("cold": its terms' postings are not
   yet cached; shared arrays are warmed first by one empty query) and ``--repeat`` warm runs;
b. plain Whoosh on the same generation: ``MultifieldParser`` over the text fields,
   ``searcher.search(q, limit=10)`` (stored ids of the hits read), and the same with
   ``groupedby`` context and domain facets (given up, and said so, once one query takes more
   than 5 s);
c. SQLite FTS5 built from the index's stored events (build time reported): top 10 by bm25
   with highlight()/snippet(), COUNT(*), and GROUP BY counts for context, domain and year;
d. ``Search.suggest`` over 200 prefixes (1-6 characters) of vocabulary words and headings;
e. opening a searcher (``Search(index).snapshot()``) and the first search, in fresh processes.

Totals of eventsearch, Whoosh and FTS5 are compared and differences listed (never fatal: the
engines analyse text differently). Results go to stdout and ``OUT/search-<kind>.md``. Only
local files are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bench.build import code_version
from bench.queries import Params, queries

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
GROUPED_LIMIT_S = 5.0
SUGGEST_PREFIXES = 200
FTS_WEIGHTS = "3.0, 1.0, 2.0, 0.5"  # bm25 column weights = the schema's field boosts
FACET_LIMIT = 20
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_QTOKEN = re.compile(r'-?"[^"]*"?|\S+')


# --------------------------------------------------------------------------------------------
# Small helpers.


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of *values*."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[float, T]:
    """(milliseconds, result) of one call of ``fn(*args, **kwargs)``."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def params_of(params: Params, key: str) -> list[str]:
    return [v for k, v in params if k == key and v.strip()]


def describe(params: Params) -> str:
    """Short display of a query: ``q`` plus its filters."""
    q = next((v for k, v in params if k == "q"), "")
    filters = [f"{k}={v}" for k, v in params if k != "q"]
    shown = q if q else "(empty)"
    return shown + (f" [{', '.join(filters)}]" if filters else "")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


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
        return statistics.median(values) if values else None

    def p95(self, label: str) -> float | None:
        values = self.samples.get(label)
        return percentile(values, 0.95) if values else None

    def medians(self) -> list[float]:
        return [statistics.median(v) for v in self.samples.values() if v]


# --------------------------------------------------------------------------------------------
# Query translation for plain Whoosh and FTS5 (the query set uses a small common syntax).


def whoosh_text(q: str) -> str:
    """eventsearch syntax -> Whoosh QueryParser syntax (``-word`` becomes ``NOT word``)."""
    return " ".join(
        f"NOT {t[1:]}" if t.startswith("-") and len(t) > 1 else t for t in _QTOKEN.findall(q)
    )


def _segment(text: str, for_index: bool) -> str:
    """Han runs folded to Simplified and segmented with jieba (search mode when indexing)."""
    import rjieba

    from indexer.analysis import to_simplified

    def words(match: re.Match[str]) -> str:
        run = to_simplified(match.group())
        cut = rjieba.cut_for_search(run) if for_index else rjieba.cut(run)
        return f" {' '.join(w for w in cut if w.strip())} "

    return _HAN.sub(words, text)


def fts_text(text: str) -> str:
    return _segment(text, for_index=True)


def _fts_terms(text: str, keep_stops: bool) -> list[str]:
    """Words of *text* as FTS5 terms; outside phrases, the words eventsearch drops go too."""
    from whoosh.analysis.filters import STOP_WORDS

    words = re.findall(r"\w+", _segment(text, for_index=False))
    if keep_stops:
        return words
    return [w for w in words if w.casefold() not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


def fts_match(q: str) -> str | None:
    """The benchmark query as an FTS5 MATCH expression (None: no text condition)."""
    parts: list[str] = []
    pending_not: list[str] = []
    for token in _QTOKEN.findall(q):
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        if body == "OR":
            parts.append("OR")
            continue
        if body.endswith("*"):
            clause = f'"{body.rstrip("*").casefold()}" *'
        else:
            phrase = body.startswith('"')
            terms = _fts_terms(body.strip('"'), keep_stops=phrase)
            if not terms:
                continue
            clause = '"' + " ".join(terms) + '"'  # several terms: an FTS5 phrase
            if not phrase and len(terms) > 1 and not _HAN.search(body):
                clause = " AND ".join(f'"{t}"' for t in terms)
        (pending_not if negated else parts).append(clause)
    if not parts:
        return None
    expression = " ".join(parts)
    for clause in pending_not:
        expression = f"({expression}) NOT {clause}"
    return expression


# --------------------------------------------------------------------------------------------
# SQLite FTS5.


class Fts:
    """An FTS5 database of the index's events, and the benchmark's queries against it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        self.build_seconds: dict[str, float] = {}

    def build(self, events: Iterator[tuple[int, Any]]) -> int:
        db = self.db
        db.executescript(
            f"""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE events (id INTEGER PRIMARY KEY, eid TEXT, day TEXT, year INTEGER);
            CREATE VIRTUAL TABLE fts USING fts5(
                title, summary, contexts, outlets,
                tokenize = 'porter unicode61 remove_diacritics 2');
            CREATE TABLE contexts (id INTEGER PRIMARY KEY, name TEXT, fold TEXT UNIQUE);
            CREATE TABLE domains (id INTEGER PRIMARY KEY, name TEXT UNIQUE);
            CREATE TABLE event_context (event INTEGER, context INTEGER,
                PRIMARY KEY (event, context)) WITHOUT ROWID;
            CREATE TABLE event_domain (event INTEGER, domain INTEGER,
                PRIMARY KEY (event, domain)) WITHOUT ROWID;
            INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25({FTS_WEIGHTS})');
            """
        )
        contexts: dict[str, int] = {}
        domains: dict[str, int] = {}
        rows = 0
        read = prepare = 0.0
        batch_e: list[tuple[Any, ...]] = []
        batch_f: list[tuple[Any, ...]] = []
        batch_c: list[tuple[int, int]] = []
        batch_d: list[tuple[int, int]] = []
        started = time.perf_counter()

        def flush() -> None:
            db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", batch_e)
            db.executemany(
                "INSERT INTO fts (rowid, title, summary, contexts, outlets) VALUES (?, ?, ?, ?, ?)",
                batch_f,
            )
            db.executemany("INSERT OR IGNORE INTO event_context VALUES (?, ?)", batch_c)
            db.executemany("INSERT OR IGNORE INTO event_domain VALUES (?, ?)", batch_d)
            for batch in (batch_e, batch_f, batch_c, batch_d):
                batch.clear()

        mark = time.perf_counter()
        for docnum, event in events:
            now = time.perf_counter()
            read += now - mark
            rows += 1
            batch_e.append((docnum, event.id, event.date.isoformat(), event.date.year))
            outlets = " \n".join(f"{s.name} {s.domain}" for s in event.sources)
            batch_f.append(
                (
                    docnum,
                    fts_text(event.title),
                    fts_text(event.summary),
                    fts_text(" \n".join(event.contexts)),
                    fts_text(outlets),
                )
            )
            for name in event.contexts:
                key = name.casefold()
                if key not in contexts:
                    contexts[key] = len(contexts) + 1
                    db.execute("INSERT INTO contexts VALUES (?, ?, ?)", (contexts[key], name, key))
                batch_c.append((docnum, contexts[key]))
            for domain in event.domains:
                if domain not in domains:
                    domains[domain] = len(domains) + 1
                    db.execute("INSERT INTO domains VALUES (?, ?)", (domains[domain], domain))
                batch_d.append((docnum, domains[domain]))
            mark = time.perf_counter()
            prepare += mark - now
            if len(batch_e) >= 5000:
                flush()
                mark = time.perf_counter()
        flush()
        inserted = time.perf_counter()
        db.executescript(
            """
            CREATE INDEX event_context_by_context ON event_context (context, event);
            CREATE INDEX event_domain_by_domain ON event_domain (domain, event);
            CREATE INDEX events_by_year ON events (year, id);
            INSERT INTO fts (fts) VALUES ('optimize');
            """
        )
        db.commit()
        done = time.perf_counter()
        self.build_seconds = {
            "read stored events from the Whoosh index": read,
            "segment/prepare rows": prepare,
            "insert (FTS5 tokenising + writing)": inserted - started - read - prepare,
            "indexes + FTS5 optimize": done - inserted,
            "total": done - started,
        }
        return rows

    # -- queries ------------------------------------------------------------------------------
    def _filters(self, params: Params, rowid: str, skip: str = "") -> tuple[str, list[Any]]:
        """AND-ed filter clauses on *rowid*. Driven by a MATCH, each is a per-row lookup
        (``IN (subquery)`` on ``fts.rowid`` would make SQLite probe FTS5 by rowid, far slower);
        without one, ``IN (subquery)`` lets SQLite start from the filter's index."""
        clauses: list[str] = []
        args: list[Any] = []
        per_row = rowid == "fts.rowid"
        for kind, table, key in (("context", "contexts", "fold"), ("domain", "domains", "name")):
            values = params_of(params, kind)
            if not values or skip == kind:
                continue
            values = [v.casefold() for v in values]
            ids = f"SELECT id FROM {table} WHERE {key} IN ({', '.join('?' * len(values))})"
            if per_row:
                clauses.append(
                    f"EXISTS (SELECT 1 FROM event_{kind} WHERE event = {rowid} "
                    f"AND {kind} IN ({ids}))"
                )
            else:
                clauses.append(
                    f"{rowid} IN (SELECT event FROM event_{kind} WHERE {kind} IN ({ids}))"
                )
            args += values
        years = [int(y) for y in params_of(params, "year")]
        if years and skip != "year":
            marks = ", ".join("?" * len(years))
            if per_row:
                clauses.append(f"(SELECT year FROM events WHERE id = {rowid}) IN ({marks})")
            else:
                clauses.append(f"{rowid} IN (SELECT id FROM events WHERE year IN ({marks}))")
            args += years
        return "".join(f" AND {c}" for c in clauses), args

    def _source(
        self, match: str | None, join: str = "", events: bool = True
    ) -> tuple[str, str, list[Any]]:
        """(FROM ... WHERE head, rowid expression, args) for a text condition or none;
        *join* (with ``{r}`` for the rowid) is joined in before the WHERE."""
        if match is None:
            rowid, head, args = "e.id", "FROM events e", []
        else:
            rowid, head, args = "fts.rowid", "FROM fts", [match]
            if events:
                head += " JOIN events e ON e.id = fts.rowid"
        if join:
            head += " " + join.format(r=rowid)
        head += " WHERE " + ("1" if match is None else "fts MATCH ?")
        return head, rowid, args

    def top10(self, params: Params, match: str | None) -> list[Any]:
        head, rowid, args = self._source(match)
        where, fargs = self._filters(params, rowid)
        if match is None:
            sql = f"SELECT e.eid, NULL, NULL {head}{where} ORDER BY e.day DESC LIMIT 10"
        else:
            sql = (
                "SELECT e.eid, highlight(fts, 0, '<mark>', '</mark>'), "
                "snippet(fts, 1, '<mark>', '</mark>', ' … ', 24) "
                f"{head}{where} ORDER BY rank LIMIT 10"
            )
        return self.db.execute(sql, args + fargs).fetchall()

    def count(self, params: Params, match: str | None) -> int:
        if match is None:
            where, fargs = self._filters(params, "e.id")
            sql = f"SELECT count(*) FROM events e WHERE 1{where}"
            return int(self.db.execute(sql, fargs).fetchone()[0])
        where, fargs = self._filters(params, "fts.rowid")
        sql = f"SELECT count(*) FROM fts WHERE fts MATCH ?{where}"
        return int(self.db.execute(sql, [match, *fargs]).fetchone()[0])

    def facets(self, params: Params, match: str | None) -> dict[str, list[Any]]:
        """Counts per context, domain and year; each ignores its own filter (multi-select)."""
        out: dict[str, list[Any]] = {}
        for kind, table in (("context", "contexts"), ("domain", "domains")):
            join = f"JOIN event_{kind} x ON x.event = {{r}} JOIN {table} v ON v.id = x.{kind}"
            head, rowid, args = self._source(match, join, events=False)
            where, fargs = self._filters(params, rowid, skip=kind)
            sql = (
                f"SELECT v.name, count(*) AS n {head}{where} "
                f"GROUP BY x.{kind} ORDER BY n DESC LIMIT {FACET_LIMIT}"
            )
            out[kind] = self.db.execute(sql, args + fargs).fetchall()
        head, rowid, args = self._source(match)
        where, fargs = self._filters(params, rowid, skip="year")
        sql = f"SELECT e.year, count(*) AS n {head}{where} GROUP BY e.year ORDER BY e.year"
        out["year"] = self.db.execute(sql, args + fargs).fetchall()
        return out

    def size(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.db.close()


# --------------------------------------------------------------------------------------------
# Plain Whoosh.


def whoosh_filter(params: Params) -> Any:
    from whoosh import query as wq

    parts: list[Any] = []
    contexts = params_of(params, "context")
    if contexts:
        parts.append(wq.Or([wq.Term("context", c.casefold()) for c in contexts]))
    domains = params_of(params, "domain")
    if domains:
        parts.append(wq.Or([wq.Term("domain", d.casefold()) for d in domains]))
    years = [int(y) for y in params_of(params, "year")]
    if years:
        parts.append(
            wq.Or(
                [
                    wq.DateRange("date", dt.datetime(y, 1, 1), dt.datetime(y, 12, 31, 23, 59, 59))
                    for y in years
                ]
            )
        )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


class PlainWhoosh:
    def __init__(self, generation: Path) -> None:
        from whoosh.index import open_dir
        from whoosh.qparser import MultifieldParser

        from indexer.schema import TEXT_FIELDS

        self.index = open_dir(str(generation))
        self.searcher = self.index.searcher()
        self.parser = MultifieldParser(list(TEXT_FIELDS), self.index.schema)

    def query(self, params: Params) -> Any:
        from whoosh import query as wq

        q = next((v for k, v in params if k == "q"), "")
        return self.parser.parse(whoosh_text(q)) if q.strip() else wq.Every()

    def search(self, params: Params, grouped: bool = False) -> tuple[list[str], Any]:
        from whoosh.sorting import FieldFacet

        kwargs: dict[str, Any] = {"limit": 10, "filter": whoosh_filter(params)}
        if grouped:
            kwargs["groupedby"] = [
                FieldFacet("context", allow_overlap=True),
                FieldFacet("domain", allow_overlap=True),
            ]
        results = self.searcher.search(self.query(params), **kwargs)
        ids = [hit["id"] for hit in results]
        if grouped:
            results.groups("context")
            results.groups("domain")
        return ids, results


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
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def spawn_probe(index: Path, q: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.search", str(index), "--probe", q]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("open probe failed")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_ms"] = wall
    return result


# --------------------------------------------------------------------------------------------
# The benchmark.


def log(message: str) -> None:
    print(f"[bench.search] {message}", file=sys.stderr, flush=True)


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


def run_bench(args: argparse.Namespace) -> str:
    from indexer import store
    from indexer.schema import from_stored
    from search.params import parse_request
    from search.service import Search

    kind: str = args.kind
    version = code_version()
    query_set = queries(kind)
    index = args.index.resolve()
    service = Search(index)
    open_ms, snapshot = timed(service.snapshot)
    generation = snapshot.generation
    manifest = store.read_manifest(generation)
    archive_note = ""
    if args.archive and manifest.archive != str(args.archive.resolve()):
        archive_note = f" (warning: index was built from {manifest.archive})"
        log(f"index was built from {manifest.archive}, not {args.archive}")
    load = os.getloadavg()
    log(f"{snapshot.live_count:,} events in {generation}; {len(query_set)} queries ({kind})")

    requests = [(label, params, parse_request(params)) for label, params in query_set]
    labels = [label for label, _ in query_set]

    # a. eventsearch -----------------------------------------------------------------------
    warmup_ms, _ = timed(service._search, snapshot, parse_request([("q", "")]))
    es_cold = Timings("eventsearch cold (first run)")
    es_warm = Timings("eventsearch warm")
    es_total: dict[str, int] = {}
    es_mode: dict[str, str] = {}
    for label, _, request in requests:
        ms, result = timed(service._search, snapshot, request)
        es_cold.add(label, ms)
        es_total[label], es_mode[label] = result.total, result.mode
    for _ in range(args.repeat):
        for label, _, request in requests:
            ms, _ = timed(service._search, snapshot, request)
            es_warm.add(label, ms)
    log(f"eventsearch: cold median {statistics.median(es_cold.medians()):.1f} ms")

    # b. plain Whoosh ----------------------------------------------------------------------
    plain = PlainWhoosh(generation)
    wh = Timings("plain Whoosh, limit=10")
    wh_grouped = Timings("plain Whoosh, limit=10 + groupedby context, domain")
    wh_total: dict[str, int] = {}
    for _ in range(args.repeat):
        for label, params, _ in requests:
            ms, (_, results) = timed(plain.search, params)
            wh.add(label, ms)
            if label not in wh_total:
                wh_total[label] = len(results)
    grouped_skipped = ""
    for _ in range(args.repeat):
        for label, params, _ in requests:
            if grouped_skipped:
                break
            ms, _ = timed(plain.search, params, grouped=True)
            wh_grouped.add(label, ms)
            if ms > GROUPED_LIMIT_S * 1000:
                grouped_skipped = (
                    f"grouped variant given up after {label!r} took {ms / 1000:.1f} s "
                    f"(limit {GROUPED_LIMIT_S:.0f} s); "
                    f"{sum(len(v) for v in wh_grouped.samples.values())} runs measured"
                )
                wh_grouped.note = grouped_skipped
                log(grouped_skipped)
    log(f"plain Whoosh: median {statistics.median(wh.medians()):.1f} ms")

    # c. SQLite FTS5 -----------------------------------------------------------------------
    scratch = Path(tempfile.mkdtemp(prefix="fts-", dir=args.out))
    fts = Fts(scratch / "events.sqlite")
    live = snapshot.columns.live

    def stored_events() -> Iterator[tuple[int, Any]]:
        with snapshot.index.reader() as reader:
            for docnum, fields in reader.iter_docs():
                if live[docnum]:
                    yield docnum, from_stored(fields)

    rows = fts.build(stored_events())
    log(f"FTS5: {rows:,} events in {fts.build_seconds['total']:.1f} s, {fts.size() / 1e6:.0f} MB")
    fts_top = Timings("FTS5 top 10 (bm25, highlight + snippet)")
    fts_all = Timings("FTS5 top 10 + COUNT + 3 GROUP BY facets")
    fts_total: dict[str, int] = {}
    matches = {
        label: fts_match(next((v for k, v in p if k == "q"), "")) for label, p, _ in requests
    }
    for _ in range(args.repeat + 1):  # the first pass is FTS5's cold run; kept in the samples
        for label, params, _ in requests:
            match = matches[label]
            ms_top, _ = timed(fts.top10, params, match)
            ms_count, total = timed(fts.count, params, match)
            ms_facets, _ = timed(fts.facets, params, match)
            fts_top.add(label, ms_top)
            fts_all.add(label, ms_top + ms_count + ms_facets)
            fts_total[label] = total
    fts_size = fts.size()
    fts.close()
    if not args.keep_fts:
        shutil.rmtree(scratch, ignore_errors=True)
    log(f"FTS5: median {statistics.median(fts_all.medians()):.1f} ms")

    # d. suggestions -----------------------------------------------------------------------
    prefixes = suggest_prefixes(snapshot, SUGGEST_PREFIXES)
    build_ms, _ = timed(service.suggest, "\u2060")  # builds the suggester
    sg_cold = Timings("suggest, first call per prefix")
    sg_warm = Timings("suggest, repeated (lru_cache)")
    for prefix in prefixes:
        ms, _ = timed(service.suggest, prefix)
        sg_cold.add(prefix, ms)
    for _ in range(args.repeat):
        for prefix in prefixes:
            ms, _ = timed(service.suggest, prefix)
            sg_warm.add(prefix, ms)
    by_length: dict[int, list[float]] = {}
    for prefix in prefixes:
        by_length.setdefault(len(prefix), []).extend(sg_cold.samples[prefix])

    # e. opening a searcher in fresh processes ---------------------------------------------
    first_q = next(v for k, v in query_set[0][1] if k == "q")
    probes = [spawn_probe(index, first_q) for _ in range(args.repeat)]

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if code_version() != version:
        version = f"{version}, changed to {code_version()} during the run"
    return render(
        version=version,
        kind=kind,
        args=args,
        snapshot=snapshot,
        archive_note=archive_note,
        load=load,
        open_ms=open_ms,
        warmup_ms=warmup_ms,
        labels=labels,
        describe_of={label: describe(params) for label, params, _ in requests},
        es_cold=es_cold,
        es_warm=es_warm,
        wh=wh,
        wh_grouped=wh_grouped,
        fts_top=fts_top,
        fts_all=fts_all,
        totals=(es_total, es_mode, wh_total, fts_total),
        matches=matches,
        fts_build=fts.build_seconds,
        fts_size=fts_size,
        fts_rows=rows,
        suggest=(build_ms, sg_cold, sg_warm, by_length, len(prefixes)),
        probes=probes,
        rss=rss,
    )


def render(**k: Any) -> str:
    args, snapshot = k["args"], k["snapshot"]
    labels: list[str] = k["labels"]
    es_cold, es_warm, wh, wh_grouped = k["es_cold"], k["es_warm"], k["wh"], k["wh_grouped"]
    fts_top, fts_all = k["fts_top"], k["fts_all"]
    es_total, es_mode, wh_total, fts_total = k["totals"]
    base = statistics.median(es_warm.medians())
    lines = [
        f"## Search benchmark: `{k['kind']}` ({snapshot.live_count:,} events, "
        f"{snapshot.generation}){k['archive_note']}",
        "",
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average at start {k['load'][0]:.2f}; {len(labels)} queries, "
        f"{args.repeat} warm repeats each; one process. Per-query value = median of its runs; "
        "the table gives the median and p95 of those over the query set.",
        "",
        "| engine | median ms | p95 ms | max ms | median vs eventsearch warm |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for timing in (es_cold, es_warm, wh, wh_grouped, fts_top, fts_all):
        values = timing.medians()
        if not values:
            lines.append(f"| {timing.name} | - | - | - | {timing.note or 'not run'} |")
            continue
        median = statistics.median(values)
        note = f" ({timing.note})" if timing.note else ""
        lines.append(
            f"| {timing.name}{note} | {_ms(median)} | {_ms(percentile(values, 0.95))} | "
            f"{_ms(max(values))} | {median / base:.2f}x |"
        )
    lines += [
        "",
        "eventsearch = `Search._search()` (no result cache): query parsing, numpy evaluation, "
        "filters, spelling fallback, facets (context, domain, year, lang), ordering, stored "
        "fields and highlighting of the top 10. Cold = first run of the query in this process "
        f"after one empty-query warm-up ({_ms(k['warmup_ms'])} ms) that builds the shared "
        f"per-snapshot arrays; snapshot opened in {_ms(k['open_ms'])} ms. Whoosh and FTS5 "
        "samples include their first (cold) run.",
        "",
        "### Per query (ms; eventsearch warm = median / p95 of the warm runs)",
        "",
        "| query | q [filters] | total es / whoosh / fts | es cold | es warm | whoosh | "
        "whoosh grouped | fts5 top10 | fts5 all |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label in labels:
        mode = es_mode[label]
        total = f"{es_total[label]:,}{'' if mode == 'all' else f' ({mode})'}"
        lines.append(
            f"| {_md(label)} | {_md(k['describe_of'][label])} | {total} / "
            f"{wh_total.get(label, 0):,} / {fts_total.get(label, 0):,} | "
            f"{_ms(es_cold.median(label))} | {_ms(es_warm.median(label))} / "
            f"{_ms(es_warm.p95(label))} | {_ms(wh.median(label))} | "
            f"{_ms(wh_grouped.median(label))} | {_ms(fts_top.median(label))} | "
            f"{_ms(fts_all.median(label))} |"
        )
    mismatches = []
    for label in labels:
        es, wt, ft = es_total[label], wh_total.get(label), fts_total.get(label)
        if es != ft or es != wt:
            mismatches.append(
                f"- {label}: eventsearch {es:,} ({es_mode[label]}), Whoosh {wt:,}, FTS5 {ft:,}"
                f" — FTS5 MATCH `{k['matches'][label]}`"
            )
    lines += ["", f"### Totals that differ ({len(mismatches)} of {len(labels)})", ""]
    lines += mismatches or ["none"]
    build = k["fts_build"]
    lines += [
        "",
        f"### SQLite FTS5 (SQLite {sqlite3.sqlite_version})",
        "",
        f"Built from the index's stored events: {k['fts_rows']:,} rows in "
        f"{build['total']:.1f} s, database {k['fts_size'] / 1e6:,.1f} MB. Tokenizer "
        "`porter unicode61 remove_diacritics 2`; Chinese pre-segmented with jieba (search "
        "mode) after Traditional->Simplified folding; rank = bm25 with the schema's field "
        "boosts; facets ignore their own filter, as eventsearch's do.",
        "",
        "| build step | seconds |",
        "| --- | ---: |",
    ]
    lines += [f"| {step} | {seconds:.2f} |" for step, seconds in build.items()]
    build_ms, sg_cold, sg_warm, by_length, count = k["suggest"]
    cold_values = [v for values in sg_cold.samples.values() for v in values]
    warm_values = [v for values in sg_warm.samples.values() for v in values]
    lines += [
        "",
        f"### Suggestions ({count} prefixes of 1-6 characters)",
        "",
        f"First call (builds the suggester for the snapshot): {_ms(build_ms)} ms.",
        "",
        "| calls | median ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        f"| first call per prefix | {statistics.median(cold_values):.3f} | "
        f"{percentile(cold_values, 0.95):.3f} | {max(cold_values):.3f} |",
        f"| repeated (lru_cache) | {statistics.median(warm_values):.3f} | "
        f"{percentile(warm_values, 0.95):.3f} | {max(warm_values):.3f} |",
    ]
    for length in sorted(by_length):
        values = by_length[length]
        lines.append(
            f"| first call, {length}-char prefixes (n={len(values)}) | "
            f"{statistics.median(values):.3f} | {percentile(values, 0.95):.3f} | "
            f"{max(values):.3f} |"
        )
    probes: list[dict[str, float]] = k["probes"]
    lines += [
        "",
        f"### Opening a searcher (fresh process, {len(probes)} runs; median / max ms)",
        "",
        "| step | median ms | max ms |",
        "| --- | ---: | ---: |",
    ]
    for key, title in (
        ("imports_ms", "import search.service"),
        ("snapshot_ms", "`Search(index).snapshot()`"),
        ("first_search_ms", "first `Search.search()`"),
        ("whoosh_open_ms", "plain Whoosh `open_dir` + searcher + parser"),
        ("whoosh_first_search_ms", "plain Whoosh first search"),
        ("process_wall_ms", "whole process (interpreter start to exit)"),
        ("rss_mb", "peak RSS of the process (MB)"),
    ):
        values = [p[key] for p in probes]
        lines.append(f"| {title} | {_ms(statistics.median(values))} | {_ms(max(values))} |")
    lines += [
        "",
        f"Peak RSS of this benchmark process: {k['rss']:,.0f} MB. Library code (hash of "
        f"indexer/ and search/ sources): {k['version']}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search", description=__doc__.split("\n")[0]
    )
    parser.add_argument("index", type=Path, help="index directory (holds CURRENT)")
    parser.add_argument("--archive", type=Path, help="the archive the index was built from")
    parser.add_argument(
        "--kind", choices=("synth", "zh"), help="query set (default: from --archive)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="output folder")
    parser.add_argument("--keep-fts", action="store_true", help="keep the FTS5 database in OUT")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe is not None:
        print(json.dumps(open_probe(args.index.resolve(), args.probe)))
        return 0
    if args.kind is None:
        name = (args.archive or args.index).resolve().name
        args.kind = "zh" if "zh" in name.split("-") or name == "zh" else "synth"
    args.repeat = max(1, args.repeat)
    args.out.mkdir(parents=True, exist_ok=True)
    table = run_bench(args)
    print(table)
    out = args.out / f"search-{args.kind}.md"
    out.write_text(table, "utf-8")
    log(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
