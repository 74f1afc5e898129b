"""Datasette + SQLite FTS5: a database built with sqlite-utils, served by ``datasette serve``.

``events`` holds id, date, year, lang, title, summary, contexts and domains (JSON arrays, for
``_facet_array``) and outlets; ``event_context(event_id, context)`` and
``event_domain(event_id, domain)`` hold the folded filter keys; ``events_fts`` is an FTS5
table over title, summary, contexts and outlets. Chinese text is folded to Simplified and
segmented with jieba before FTS5 sees it (FTS5's tokenizers keep a run of Han characters as
one token), so the FTS table keeps its own segmented copy of the text and Datasette is
pointed at it with ``fts_table`` metadata. Queries go to ``/events/events.json`` with
``_search`` (raw FTS5 syntax), ``_facet_array=contexts``, ``_facet_array=domains`` and
``_facet=year``. Datasette orders table search results by a column (here ``date``, newest
first), not by relevance, and has no highlighting.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import disk_usage, spans
from bench.fts import FTS_TOKENIZE, fts_match, fts_text, outlets_text
from bench.peers import FACET_SIZE, Answer
from bench.queries import Params, params_of, q_of
from indexer.event import Event

DB_NAME = "events"
BATCH = 2000
EVENTS = {"id": str, "date": str, "year": int, "lang": str, "title": str, "summary": str,
          "contexts": str, "domains": str, "outlets": str}  # fmt: skip
SETTINGS = {"default_page_size": 10, "default_facet_size": FACET_SIZE, "facet_time_limit_ms": 10000,
            "sql_time_limit_ms": 20000, "suggest_facets": "off"}  # fmt: skip
METADATA = {"databases": {DB_NAME: {"tables": {"events": {
    "fts_table": "events_fts", "fts_pk": "rowid", "searchmode": "raw"}}}}}  # fmt: skip
FACETS = [("_sort_desc", "date"), ("_size", "10"), ("_facet_array", "contexts"),
          ("_facet_array", "domains"), ("_facet", "year"), ("_facet_size", str(FACET_SIZE)),
          ("_nosuggest", "1")]  # fmt: skip


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _row(e: Event) -> dict[str, Any]:
    return {
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


def _create_tables(db: Any) -> None:
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.table("events").create(EVENTS, pk="id")
    for table, column in (("event_context", "context"), ("event_domain", "domain")):
        db.table(table).create(
            {"event_id": str, column: str},
            pk=("event_id", column),
            foreign_keys=[("event_id", "events", "id")],
        )


def _insert_tables(db: Any, events: Sequence[Event]) -> None:
    from indexer.schema import context_key

    db.table("events").insert_all((_row(e) for e in events), batch_size=BATCH)
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


def _insert_fts(db: Any, events: Sequence[Event]) -> None:
    """FTS5 over a jieba-segmented copy of the text (see the module docstring);
    sqlite-utils' enable_fts() would index the events table's own, unsegmented columns."""
    db.execute(
        "CREATE VIRTUAL TABLE events_fts USING fts5("
        f"title, summary, contexts, outlets, tokenize = '{FTS_TOKENIZE}')"
    )
    rowid_of = dict(db.execute("SELECT id, rowid FROM events").fetchall())
    batch: list[tuple[Any, ...]] = []
    for e in events:
        texts = (e.title, e.summary, " \n".join(e.contexts), outlets_text(e))
        batch.append((rowid_of[e.id], *map(fts_text, texts)))
        if len(batch) >= BATCH:
            _insert_fts_rows(db, batch)
    _insert_fts_rows(db, batch)


def _insert_fts_rows(db: Any, batch: list[tuple[Any, ...]]) -> None:
    db.conn.executemany(
        "INSERT INTO events_fts (rowid, title, summary, contexts, outlets) VALUES (?, ?, ?, ?, ?)",
        batch,
    )
    batch.clear()


def _finish(db: Any) -> None:
    db.table("event_context").create_index(["context", "event_id"])
    db.table("event_domain").create_index(["domain", "event_id"])
    db.table("events").create_index(["year"])
    db.table("events").create_index(["date"])
    db.execute("INSERT INTO events_fts (events_fts) VALUES ('optimize')")
    db.conn.commit()
    db.execute("ANALYZE")
    db.conn.commit()


class DatasettePeer:
    """A sqlite-utils database of the events, served by ``datasette serve``."""

    name = "Datasette + SQLite FTS5"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_path = folder / f"{DB_NAME}.db"
        self.metadata_path = folder / "metadata.json"
        self.build_seconds: dict[str, float] = {}

    def build(self, events: Sequence[Event]) -> None:
        import sqlite_utils

        self.folder.mkdir(parents=True, exist_ok=True)
        self.db_path.unlink(missing_ok=True)
        started = time.perf_counter()
        db = sqlite_utils.Database(self.db_path)
        _create_tables(db)
        _insert_tables(db, events)
        tables = time.perf_counter()
        _insert_fts(db, events)
        fts = time.perf_counter()
        _finish(db)
        db.close()
        self.build_seconds = spans(
            started,
            ("tables (sqlite-utils insert_all)", tables),
            ("FTS5 (jieba segmentation + insert)", fts),
            ("indexes, optimize, ANALYZE", time.perf_counter()),
        )
        self.metadata_path.write_text(json.dumps(METADATA, indent=1), "utf-8")

    def size(self) -> int:
        return disk_usage(self.db_path)

    def command(self, python: str, port: int) -> list[str]:
        settings = [arg for k, v in SETTINGS.items() for arg in ("--setting", k, str(v))]
        return [python, "-m", "datasette", "serve", "--immutable", str(self.db_path),
                "--metadata", str(self.metadata_path), "--host", "127.0.0.1",
                "--port", str(port), *settings]  # fmt: skip

    @staticmethod
    def path(params: Params) -> str:
        """The Datasette table URL for a benchmark query."""
        q = q_of(params)
        match = fts_match(q) if q.strip() else None
        args = [("_search", match), ("_searchmode", "raw")] if match is not None else []
        args += _filters(params) + FACETS
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


def _filters(params: Params) -> list[tuple[str, str]]:
    """Datasette arguments for the query's context, domain and year filters."""
    from indexer.schema import context_key

    args = []
    for kind, keys in (
        ("context", [context_key(c) for c in params_of(params, "context")]),
        ("domain", [d.casefold() for d in params_of(params, "domain")]),
    ):
        if keys:
            values = ", ".join(_sql_literal(k) for k in keys)
            subquery = f"select event_id from event_{kind} where {kind} in ({values})"
            args.append(("_where", f"id in ({subquery})"))
    years = params_of(params, "year")
    if len(years) == 1:
        args.append(("year", years[0]))
    elif years:
        args.append(("year__in", ",".join(years)))
    return args
