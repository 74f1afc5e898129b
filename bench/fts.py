"""SQLite FTS5 as ``bench.search`` and ``bench.compare`` use it: the text both give FTS5
(Han runs folded to Simplified and cut by jieba, since FTS5's tokenizers keep a run of Han
characters as one token), the benchmark's queries as FTS5 ``MATCH`` expressions, and
:class:`Fts`, the FTS5 database of ``bench.search`` with its queries.

The query syntax is the small one of ``bench/data/queries.toml``: words, ``"phrases"``,
``OR``, ``-word`` and ``word*``.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bench.queries import Params, params_of, tokens
from indexer.analysis import HAN_CHARS

HAN_RUN = re.compile(f"[{HAN_CHARS}]+")
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
FTS_WEIGHTS = "3.0, 1.0, 2.0, 0.5"  # bm25 column weights = the schema's field boosts
FACET_LIMIT = 20
BATCH = 5000

SCHEMA = f"""
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE events (id INTEGER PRIMARY KEY, eid TEXT, day TEXT, year INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(
    title, summary, contexts, outlets, tokenize = '{FTS_TOKENIZE}');
CREATE TABLE contexts (id INTEGER PRIMARY KEY, name TEXT, fold TEXT UNIQUE);
CREATE TABLE domains (id INTEGER PRIMARY KEY, name TEXT UNIQUE);
CREATE TABLE event_context (event INTEGER, context INTEGER,
    PRIMARY KEY (event, context)) WITHOUT ROWID;
CREATE TABLE event_domain (event INTEGER, domain INTEGER,
    PRIMARY KEY (event, domain)) WITHOUT ROWID;
INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25({FTS_WEIGHTS})');
"""
INDEXES = """
CREATE INDEX event_context_by_context ON event_context (context, event);
CREATE INDEX event_domain_by_domain ON event_domain (domain, event);
CREATE INDEX events_by_year ON events (year, id);
INSERT INTO fts (fts) VALUES ('optimize');
"""


def segment(text: str, for_index: bool) -> str:
    """Han runs folded to Simplified and cut by jieba (search mode when indexing, so that
    the index holds the short words inside the long ones too)."""
    import rjieba

    from indexer.analysis import to_simplified

    def words(match: re.Match[str]) -> str:
        run = to_simplified(match.group())
        cut = rjieba.cut_for_search(run) if for_index else rjieba.cut(run)
        return f" {' '.join(w for w in cut if w.strip())} "

    return HAN_RUN.sub(words, text)


def fts_text(text: str) -> str:
    """Text as an FTS5 index (or tantivy's) is given it."""
    return segment(text, for_index=True)


def outlets_text(event: Any) -> str:
    """An event's sources as one text: each outlet's name and domain."""
    return " \n".join(f"{s.name} {s.domain}" for s in event.sources)


def kept_words(words: Iterable[str]) -> list[str]:
    """The words eventsearch keeps outside phrases: no English stop words, no 1-letter
    words (digits stay). Han words always stay."""
    from indexer.analysis import STOP

    return [
        w
        for w in words
        if HAN_RUN.search(w) or not (w.casefold() in STOP or (len(w) < 2 and not w.isdigit()))
    ]


def _fts_terms(text: str, keep_stops: bool) -> list[str]:
    """Words of *text* as FTS5 terms; outside phrases, the words eventsearch drops go too."""
    from whoosh.analysis.filters import STOP_WORDS

    words = re.findall(r"\w+", segment(text, for_index=False))
    if keep_stops:
        return words
    return [w for w in words if w.casefold() not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


def fts_match(q: str) -> str | None:
    """The benchmark query as an FTS5 MATCH expression (None: no text condition)."""
    parts: list[str] = []
    pending_not: list[str] = []
    for token in tokens(q):
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
            if not phrase and len(terms) > 1 and not HAN_RUN.search(body):
                clause = " AND ".join(f'"{t}"' for t in terms)
        (pending_not if negated else parts).append(clause)
    if not parts:
        return None
    expression = " ".join(parts)
    for clause in pending_not:
        expression = f"({expression}) NOT {clause}"
    return expression


class Fts:
    """An FTS5 database of the index's events, and the benchmark's queries against it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        self.build_seconds: dict[str, float] = {}

    def build(self, events: Iterator[tuple[int, Any]]) -> int:
        """Insert (document number, event) pairs; return how many. The time spent reading
        *events* and preparing rows is booked apart from the insertion."""
        self.db.executescript(SCHEMA)
        rows = _Rows(self.db)
        read = prepare = 0.0
        started = mark = time.perf_counter()
        for docnum, event in events:
            now = time.perf_counter()
            read += now - mark
            rows.add(docnum, event)
            mark = time.perf_counter()
            prepare += mark - now
            if len(rows.events) >= BATCH:
                rows.flush()
                mark = time.perf_counter()
        rows.flush()
        inserted = time.perf_counter()
        self.db.executescript(INDEXES)
        self.db.commit()
        done = time.perf_counter()
        self.build_seconds = {
            "read stored events from the Whoosh index": read,
            "segment/prepare rows": prepare,
            "insert (FTS5 tokenising + writing)": inserted - started - read - prepare,
            "indexes + FTS5 optimize": done - inserted,
            "total": done - started,
        }
        return rows.count

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


class _Rows:
    """Rows waiting to be inserted into :class:`Fts`, and the ids given to contexts and
    domains so far (each gets its row at once)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.count = 0
        self.events: list[tuple[Any, ...]] = []
        self.texts: list[tuple[Any, ...]] = []
        self.in_context: list[tuple[int, int]] = []
        self.in_domain: list[tuple[int, int]] = []
        self.contexts: dict[str, int] = {}
        self.domains: dict[str, int] = {}

    def add(self, docnum: int, event: Any) -> None:
        self.count += 1
        self.events.append((docnum, event.id, event.date.isoformat(), event.date.year))
        texts = (event.title, event.summary, " \n".join(event.contexts), outlets_text(event))
        self.texts.append((docnum, *map(fts_text, texts)))
        for name in event.contexts:
            self.in_context.append((docnum, self._context(name)))
        for domain in event.domains:
            self.in_domain.append((docnum, self._domain(domain)))

    def _context(self, name: str) -> int:
        key = name.casefold()
        if key not in self.contexts:
            self.contexts[key] = len(self.contexts) + 1
            self.db.execute(
                "INSERT INTO contexts VALUES (?, ?, ?)", (self.contexts[key], name, key)
            )
        return self.contexts[key]

    def _domain(self, domain: str) -> int:
        if domain not in self.domains:
            self.domains[domain] = len(self.domains) + 1
            self.db.execute("INSERT INTO domains VALUES (?, ?)", (self.domains[domain], domain))
        return self.domains[domain]

    def flush(self) -> None:
        db = self.db
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", self.events)
        db.executemany(
            "INSERT INTO fts (rowid, title, summary, contexts, outlets) VALUES (?, ?, ?, ?, ?)",
            self.texts,
        )
        db.executemany("INSERT OR IGNORE INTO event_context VALUES (?, ?)", self.in_context)
        db.executemany("INSERT OR IGNORE INTO event_domain VALUES (?, ?)", self.in_domain)
        for batch in (self.events, self.texts, self.in_context, self.in_domain):
            batch.clear()
