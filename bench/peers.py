"""The engines ``bench.compare`` sets against eventsearch, all fed the same events.

Every peer indexes the events stored in one eventsearch index (read back with
``indexer.schema.from_stored``), and answers the query sets of ``bench.queries``
translated to its own syntax:

- :class:`DatasettePeer`: a SQLite database built with ``sqlite-utils`` and served by
  Datasette. ``events`` holds id, date, year, lang, title, summary, contexts and domains (JSON
  arrays, for ``_facet_array``) and outlets; ``event_context(event_id, context)`` and
  ``event_domain(event_id, domain)`` hold the folded filter keys; ``events_fts`` is an FTS5
  table over title, summary, contexts and outlets. Chinese text is folded to Simplified and
  segmented with jieba before FTS5 sees it (FTS5's tokenizers keep a run of Han characters as
  one token), so the FTS table keeps its own segmented copy of the text and Datasette is
  pointed at it with ``fts_table`` metadata. Queries go to ``/events/events.json`` with
  ``_search`` (raw FTS5 syntax), ``_facet_array=contexts``, ``_facet_array=domains`` and
  ``_facet=year``. Datasette orders table search results by a column (here ``date``,
  newest first), not by relevance, and has no highlighting.
- :class:`TantivyPeer`: tantivy through its Python bindings, in process. Text fields use a
  registered analyzer (simple tokenizer, lowercase, ASCII folding, English stemmer) over the
  same jieba-segmented text; contexts, domains and lang are ``raw`` multi-valued fast text
  fields and year/day are fast integers. Facet counts come from ``Searcher.aggregate`` terms
  aggregations; titles and summaries of the top 10 are highlighted with
  ``SnippetGenerator``.
- :class:`EventsearchPeer`: ``Search._search()`` in process (no result cache) and the URL of
  ``/api/v1/search`` for the HTTP server.

Every answer is reduced to an :class:`Answer` (total, top ids, facet counts) so that totals
can be compared between engines.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.queries import Params
from bench.search import fts_match, fts_text, params_of
from indexer.event import Event

FACET_SIZE = 20
TEXT_FIELDS = ("title", "summary", "story", "outlets")
FIELD_BOOSTS = {"title": 3.0, "summary": 1.0, "story": 2.0, "outlets": 0.5}  # the schema's
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
DB_NAME = "events"
_QTOKEN = re.compile(r'-?"[^"]*"?|\S+')
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TANTIVY_SPECIAL = re.compile(r'[+\-:^(){}\[\]!"*~\\\'<>=]')


@dataclass
class Answer:
    """What an engine said about one query: total, top ids, facet counts."""

    total: int | None
    ids: list[str] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    highlighted: bool = False
    mode: str = ""  # eventsearch: "all", "any" (any-word fallback) or "corrected"


def q_of(params: Params) -> str:
    return next((v for k, v in params if k == "q"), "")


# --------------------------------------------------------------------------------------------
# The events.


def load_events(index_dir: Path) -> tuple[list[Event], Path]:
    """All stored events of the index's current generation, in document order."""
    from whoosh.index import open_dir

    from indexer import store
    from indexer.schema import from_stored

    generation = store.current_generation(index_dir)
    if generation is None:
        raise SystemExit(f"{index_dir} holds no eventsearch index (no CURRENT generation)")
    ix = open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            events = [from_stored(fields) for fields in searcher.all_stored_fields()]
    finally:
        ix.close()
    return events, generation


def outlets_text(event: Event) -> str:
    return " \n".join(f"{s.name} {s.domain}" for s in event.sources)


def disk_usage(path: Path) -> int:
    """Bytes allocated under *path* (a file or a folder), like ``du``."""
    if path.is_file():
        return path.stat().st_blocks * 512
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------------------------
# Datasette + SQLite FTS5 (built with sqlite-utils).


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DatasettePeer:
    """A sqlite-utils database of the events, served by ``datasette serve``."""

    name = "Datasette + SQLite FTS5"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_path = folder / f"{DB_NAME}.db"
        self.metadata_path = folder / "metadata.json"
        self.build_seconds: dict[str, float] = {}

    # -- build --------------------------------------------------------------------------------
    def build(self, events: Sequence[Event]) -> None:
        import sqlite_utils

        from indexer.schema import context_key

        self.folder.mkdir(parents=True, exist_ok=True)
        if self.db_path.exists():
            self.db_path.unlink()
        started = time.perf_counter()
        db = sqlite_utils.Database(self.db_path)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.table("events").create(
            {
                "id": str,
                "date": str,
                "year": int,
                "lang": str,
                "title": str,
                "summary": str,
                "contexts": str,
                "domains": str,
                "outlets": str,
            },
            pk="id",
        )
        db.table("event_context").create(
            {"event_id": str, "context": str},
            pk=("event_id", "context"),
            foreign_keys=[("event_id", "events", "id")],
        )
        db.table("event_domain").create(
            {"event_id": str, "domain": str},
            pk=("event_id", "domain"),
            foreign_keys=[("event_id", "events", "id")],
        )
        db.table("events").insert_all(
            (
                {
                    "id": e.id,
                    "date": e.date.isoformat(),
                    "year": e.date.year,
                    "lang": e.lang,
                    "title": e.title,
                    "summary": e.summary,
                    "contexts": list(e.contexts),  # stored as a JSON array
                    "domains": list(e.domains),
                    "outlets": outlets_text(e),
                }
                for e in events
            ),
            batch_size=2000,
        )
        db.table("event_context").insert_all(
            (
                {"event_id": e.id, "context": key}
                for e in events
                for key in dict.fromkeys(context_key(c) for c in e.contexts)
            ),
            batch_size=5000,
            ignore=True,
        )
        db.table("event_domain").insert_all(
            ({"event_id": e.id, "domain": d.casefold()} for e in events for d in e.domains),
            batch_size=5000,
            ignore=True,
        )
        tables = time.perf_counter()
        # FTS5 over a jieba-segmented copy of the text (see the module docstring);
        # sqlite-utils' enable_fts() would index the events table's own, unsegmented columns.
        db.execute(
            "CREATE VIRTUAL TABLE events_fts USING fts5("
            f"title, summary, contexts, outlets, tokenize = '{FTS_TOKENIZE}')"
        )
        rowid_of = dict(db.execute("SELECT id, rowid FROM events").fetchall())
        batch: list[tuple[Any, ...]] = []
        for e in events:
            batch.append(
                (
                    rowid_of[e.id],
                    fts_text(e.title),
                    fts_text(e.summary),
                    fts_text(" \n".join(e.contexts)),
                    fts_text(outlets_text(e)),
                )
            )
            if len(batch) >= 2000:
                self._insert_fts(db.conn, batch)
        self._insert_fts(db.conn, batch)
        fts = time.perf_counter()
        db.table("event_context").create_index(["context", "event_id"])
        db.table("event_domain").create_index(["domain", "event_id"])
        db.table("events").create_index(["year"])
        db.table("events").create_index(["date"])
        db.execute("INSERT INTO events_fts (events_fts) VALUES ('optimize')")
        db.conn.commit()
        db.execute("ANALYZE")
        db.conn.commit()
        db.close()
        done = time.perf_counter()
        self.build_seconds = {
            "tables (sqlite-utils insert_all)": tables - started,
            "FTS5 (jieba segmentation + insert)": fts - tables,
            "indexes, optimize, ANALYZE": done - fts,
            "total": done - started,
        }
        self.metadata_path.write_text(
            json.dumps(
                {
                    "databases": {
                        DB_NAME: {
                            "tables": {
                                "events": {
                                    "fts_table": "events_fts",
                                    "fts_pk": "rowid",
                                    "searchmode": "raw",
                                }
                            }
                        }
                    }
                },
                indent=1,
            ),
            "utf-8",
        )

    @staticmethod
    def _insert_fts(conn: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> None:
        conn.executemany(
            "INSERT INTO events_fts (rowid, title, summary, contexts, outlets) "
            "VALUES (?, ?, ?, ?, ?)",
            batch,
        )
        batch.clear()

    def size(self) -> int:
        return disk_usage(self.db_path)

    # -- serve --------------------------------------------------------------------------------
    def command(self, python: str, port: int) -> list[str]:
        return [
            python,
            "-m",
            "datasette",
            "serve",
            "--immutable",
            str(self.db_path),
            "--metadata",
            str(self.metadata_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--setting",
            "default_page_size",
            "10",
            "--setting",
            "default_facet_size",
            str(FACET_SIZE),
            "--setting",
            "facet_time_limit_ms",
            "10000",
            "--setting",
            "sql_time_limit_ms",
            "20000",
            "--setting",
            "suggest_facets",
            "off",
        ]

    # -- queries ------------------------------------------------------------------------------
    @staticmethod
    def path(params: Params) -> str:
        """The Datasette table URL for a benchmark query."""
        from indexer.schema import context_key

        args: list[tuple[str, str]] = []
        match = fts_match(q_of(params)) if q_of(params).strip() else None
        if match is not None:
            args += [("_search", match), ("_searchmode", "raw")]
        contexts = [context_key(c) for c in params_of(params, "context")]
        if contexts:
            values = ", ".join(_sql_literal(c) for c in contexts)
            args.append(
                (
                    "_where",
                    f"id in (select event_id from event_context where context in ({values}))",
                )
            )
        domains = [d.casefold() for d in params_of(params, "domain")]
        if domains:
            values = ", ".join(_sql_literal(d) for d in domains)
            args.append(
                ("_where", f"id in (select event_id from event_domain where domain in ({values}))")
            )
        years = params_of(params, "year")
        if len(years) == 1:
            args.append(("year", years[0]))
        elif years:
            args.append(("year__in", ",".join(years)))
        args += [
            ("_sort_desc", "date"),
            ("_size", "10"),
            ("_facet_array", "contexts"),
            ("_facet_array", "domains"),
            ("_facet", "year"),
            ("_facet_size", str(FACET_SIZE)),
            ("_nosuggest", "1"),
        ]
        return f"/{DB_NAME}/events.json?" + urllib.parse.urlencode(args)

    @staticmethod
    def answer(body: bytes) -> Answer:
        data = json.loads(body)
        columns = data.get("columns", [])
        id_at = columns.index("id") if "id" in columns else 0
        facets: dict[str, dict[str, int]] = {}
        for key, facet in (data.get("facet_results") or {}).items():
            name = {"contexts": "context", "domains": "domain"}.get(key, key)
            facets[name] = {str(r["value"]): int(r["count"]) for r in facet.get("results", [])}
        rows = data.get("rows", [])
        return Answer(
            total=data.get("filtered_table_rows_count"),
            ids=[r[id_at] if isinstance(r, list) else r.get("id") for r in rows],
            facets=facets,
        )


# --------------------------------------------------------------------------------------------
# tantivy (Python bindings), in process.

TANTIVY_ANALYZER = "es_text"


def _tantivy_analyzer() -> Any:
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _segment_query(text: str) -> str:
    """Han runs of query text folded to Simplified and cut with jieba (default mode)."""
    import rjieba

    from indexer.analysis import to_simplified

    def cut(match: re.Match[str]) -> str:
        return (
            " " + " ".join(w for w in rjieba.cut(to_simplified(match.group())) if w.strip()) + " "
        )

    return re.sub(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", cut, text)


class TantivyPeer:
    """A tantivy index of the events, searched in process."""

    name = "tantivy (Python bindings, in process)"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index: Any = None
        self.schema: Any = None
        self.searcher: Any = None
        self.build_seconds: dict[str, float] = {}

    @staticmethod
    def build_schema() -> Any:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name=TANTIVY_ANALYZER)
        builder.add_text_field("summary", stored=True, tokenizer_name=TANTIVY_ANALYZER)
        builder.add_text_field("story", tokenizer_name=TANTIVY_ANALYZER)
        builder.add_text_field("outlets", tokenizer_name=TANTIVY_ANALYZER)
        builder.add_text_field("context", tokenizer_name="raw", fast=True)
        builder.add_text_field("domain", tokenizer_name="raw", fast=True)
        builder.add_text_field("lang", tokenizer_name="raw", fast=True)
        builder.add_integer_field("year", indexed=True, fast=True)
        builder.add_integer_field("day", indexed=True, fast=True)
        return builder.build()

    def build(self, events: Sequence[Event], threads: int = 0) -> None:
        import shutil

        import tantivy

        from indexer.schema import context_key

        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        started = time.perf_counter()
        schema = self.build_schema()
        index = tantivy.Index(schema, path=str(self.folder))
        index.register_tokenizer(TANTIVY_ANALYZER, _tantivy_analyzer())
        writer = index.writer(heap_size=200_000_000, num_threads=threads)
        for e in events:
            writer.add_document(
                tantivy.Document(
                    id=e.id,
                    title=fts_text(e.title),
                    summary=fts_text(e.summary),
                    story=fts_text(" \n".join(e.contexts)),
                    outlets=fts_text(outlets_text(e)),
                    context=list(dict.fromkeys(context_key(c) for c in e.contexts)),
                    domain=[d.casefold() for d in e.domains],
                    lang=e.lang,
                    year=e.date.year,
                    day=e.date.toordinal(),
                )
            )
        added = time.perf_counter()
        writer.commit()
        writer.wait_merging_threads()
        done = time.perf_counter()
        self.build_seconds = {
            "add documents (jieba segmentation + tantivy)": added - started,
            "commit + merges": done - added,
            "total": done - started,
        }

    def size(self) -> int:
        return disk_usage(self.folder)

    def open(self) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(self.folder))
        self.index.register_tokenizer(TANTIVY_ANALYZER, _tantivy_analyzer())
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    # -- queries ------------------------------------------------------------------------------
    def _parse(self, text: str) -> Any:
        try:
            return self.index.parse_query(
                text,
                list(TEXT_FIELDS),
                field_boosts=FIELD_BOOSTS,
                conjunction_by_default=True,
            )
        except ValueError:
            query, _ = self.index.parse_query_lenient(
                text, list(TEXT_FIELDS), field_boosts=FIELD_BOOSTS, conjunction_by_default=True
            )
            return query

    def _clause(self, body: str) -> Any | None:
        """One positive token of the benchmark syntax as a tantivy query (None: nothing)."""
        import tantivy

        from indexer.analysis import STOP, fold

        if body.endswith("*") and not body.startswith('"'):
            stem = fold(body.rstrip("*"))
            if not stem:
                return None
            pattern = re.escape(stem) + ".*"
            return tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(
                            tantivy.Query.regex_query(self.schema, f, pattern), FIELD_BOOSTS[f]
                        ),
                    )
                    for f in TEXT_FIELDS
                ]
            )
        if body.startswith('"'):
            words = _TANTIVY_SPECIAL.sub(" ", _segment_query(body.strip('"'))).split()
            if not words:
                return None
            return self._parse('"' + " ".join(words) + '"')
        words = _TANTIVY_SPECIAL.sub(" ", _segment_query(body)).split()
        # eventsearch drops English stop words (and 1-letter words) outside phrases
        words = [
            w
            for w in words
            if _HAN.search(w) or not (w.casefold() in STOP or (len(w) < 2 and not w.isdigit()))
        ]
        if not words:
            return None
        return self._parse(" ".join(words))

    def text_query(self, q: str) -> Any | None:
        """The ``q`` of a benchmark query: words (all required), phrases, ``OR``, ``-word``,
        ``word*``. None when nothing is left (an empty query)."""
        import tantivy

        clauses: list[tuple[Any, Any]] = []
        pending_or = False
        for token in _QTOKEN.findall(q):
            negated = token.startswith("-") and len(token) > 1
            body = token[1:] if negated else token
            if body == "OR":
                pending_or = bool(clauses)
                continue
            query = self._clause(body)
            if query is None:
                continue
            if negated:
                clauses.append((tantivy.Occur.MustNot, query))
            elif pending_or and clauses[-1][0] == tantivy.Occur.Must:
                last = clauses.pop()[1]
                clauses.append(
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.boolean_query(
                            [(tantivy.Occur.Should, last), (tantivy.Occur.Should, query)]
                        ),
                    )
                )
            else:
                clauses.append((tantivy.Occur.Must, query))
            pending_or = False
        if not clauses:
            return None
        if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
            clauses.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def filters(self, params: Params) -> dict[str, Any]:
        import tantivy

        from indexer.schema import context_key

        out: dict[str, Any] = {}
        contexts = [context_key(c) for c in params_of(params, "context")]
        if contexts:
            out["context"] = tantivy.Query.term_set_query(self.schema, "context", contexts)
        domains = [d.casefold() for d in params_of(params, "domain")]
        if domains:
            out["domain"] = tantivy.Query.term_set_query(self.schema, "domain", domains)
        years = [int(y) for y in params_of(params, "year")]
        if years:
            out["year"] = tantivy.Query.term_set_query(self.schema, "year", years)
        return out

    @staticmethod
    def _combine(text: Any | None, filters: Iterable[Any]) -> Any:
        import tantivy

        parts = [q for q in [text, *filters] if q is not None]
        if not parts:
            return tantivy.Query.all_query()
        if len(parts) == 1:
            return parts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in parts])

    def search(self, params: Params) -> Answer:
        """Top 10 (highlighted), the total, and context/domain/year counts; like eventsearch,
        each facet's counts ignore that facet's own filter (one more aggregation per filtered
        facet)."""
        import tantivy

        searcher = self.searcher
        text = self.text_query(q_of(params))
        filters = self.filters(params)
        query = self._combine(text, filters.values())
        if text is None:  # no text: newest first, as eventsearch orders an empty query
            result = searcher.search(query, 10, count=True, order_by_field="day")
        else:
            result = searcher.search(query, 10, count=True)
        docs = [searcher.doc(address) for _, address in result.hits]
        highlighted = False
        if text is not None and docs:
            for name in ("title", "summary"):
                generator = tantivy.SnippetGenerator.create(searcher, text, self.schema, name)
                for doc in docs:
                    generator.snippet_from_doc(doc).to_html()
            highlighted = True
        facets: dict[str, dict[str, int]] = {}
        aggs = {
            "context": {"terms": {"field": "context", "size": FACET_SIZE}},
            "domain": {"terms": {"field": "domain", "size": FACET_SIZE}},
            "year": {"terms": {"field": "year", "size": 1000}},
        }
        shared = {k: v for k, v in aggs.items() if k not in filters}
        if shared:
            facets.update(_buckets(searcher.aggregate(query, shared)))
        for kind in filters:  # multi-select: drop the facet's own filter
            others = [q for k, q in filters.items() if k != kind]
            facets.update(
                _buckets(searcher.aggregate(self._combine(text, others), {kind: aggs[kind]}))
            )
        return Answer(
            total=int(result.count) if result.count is not None else None,
            ids=[doc["id"][0] for doc in docs],
            facets=facets,
            highlighted=highlighted,
        )


def _buckets(result: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        name: {str(b["key"]): int(b["doc_count"]) for b in agg.get("buckets", [])}
        for name, agg in result.items()
    }


# --------------------------------------------------------------------------------------------
# eventsearch.


class EventsearchPeer:
    """eventsearch in process (``Search._search``, result cache bypassed) and its API URL."""

    name = "eventsearch"

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.service: Any = None
        self.snapshot: Any = None

    def open(self) -> None:
        from search.service import Search

        self.service = Search(self.index_dir)
        self.snapshot = self.service.snapshot()

    def close(self) -> None:
        if self.service is not None:
            self.service.close()

    def search(self, params: Params) -> Answer:
        from search.params import parse_request

        result = self.service._search(self.snapshot, parse_request(params))
        return Answer(
            total=result.total,
            ids=[hit.event.id for hit in result.hits],
            facets={
                f.name: {v.value: v.count for v in f.values}
                for f in result.facets
                if f.name in ("context", "domain", "year")
            },
            highlighted=True,
            mode=result.mode,
        )

    @staticmethod
    def path(params: Params) -> str:
        return "/api/v1/search?" + urllib.parse.urlencode(params)

    @staticmethod
    def answer(body: bytes) -> Answer:
        data = json.loads(body)
        return Answer(
            total=data.get("total"),
            ids=[h["id"] for h in data.get("hits", [])],
            facets={
                f["name"]: {str(v["value"]): int(v["count"]) for v in f["values"]}
                for f in data.get("facets", [])
                if f["name"] in ("context", "domain", "year")
            },
            highlighted=True,
            mode=data.get("mode", ""),
        )
