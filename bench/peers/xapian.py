"""Xapian (Debian's ``python3-xapian``, the C++ engine behind many Python projects), in process.

Text: the same jieba-segmented text as FTS5 and tantivy (``bench.fts``), folded like an
eventsearch term (lower case, no accents: ``indexer.analysis.fold``, since Xapian's term
generator does not strip accents), indexed by ``TermGenerator`` with Xapian's English
stemmer. Every text field goes into the one unprefixed term space with positions (phrases
work across the whole event, fields apart by a position gap); a field's weight is its
``wdf_inc`` (title 6, story 4, summary 2, outlets 1: the schema's boosts doubled, as wdf is
an integer), which is how Xapian's BM25 weighs fields that share a term space.

Filters are boolean terms (``K`` context key, ``D`` domain, ``Y`` year) under
``OP_FILTER``. Facets: ``ValueCountMatchSpy`` over the whole match (``check_at_least`` =
the document count, which also makes the total exact). A spy counts the *whole* value of
its slot, so the multi-valued contexts and domains are stored as one serialised value per
document (the sorted distinct keys joined by ``\\x1f``): the spy then counts each
combination, and a value's count is the sum over the combinations that hold it, exact
since a document holds a key once. (The other way, reading each matching document's term
list, costs a list read per match.) Like eventsearch, each facet's counts ignore that
facet's own filter: one more match per filtered facet.

Stored fields: the document data is the event's id, title and summary as JSON; the top 10
are read back. Highlights: Xapian has one, ``MSet.snippet`` (the query's terms, phrases and
wildcards marked in a text), run on the top 10 titles and summaries.

``xapian`` is imported through :func:`load_xapian`: Debian installs it for the system's
CPython 3.11 in ``/usr/lib/python3/dist-packages``, which a virtual environment does not
see, so that folder is appended to ``sys.path`` when a plain import fails.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.common import disk_usage, spans
from bench.fts import fts_text, kept_words, outlets_text, segment
from bench.peers import FACET_SIZE, Answer
from bench.queries import Params, params_of, q_of, tokens
from indexer.event import Event

DEBIAN_DIST_PACKAGES = Path("/usr/lib/python3/dist-packages")
WDF = {"title": 6, "summary": 2, "story": 4, "outlets": 1}  # FIELD_BOOSTS x 2, as integers
FIELD_GAP = 100  # positions between fields: no phrase spans two of them
SLOTS = {"context": 0, "domain": 1, "year": 2}
DAY_SLOT = 3
PREFIXES = {"context": "K", "domain": "D", "year": "Y"}
JOIN = "\x1f"  # between the keys of a multi-valued slot
BATCH = 10_000  # documents per commit while building


@cache
def load_xapian() -> ModuleType | None:
    """The ``xapian`` module, from the environment or Debian's dist-packages; None when
    neither has it (see :func:`missing_reason`)."""
    with contextlib.suppress(ImportError):
        return importlib.import_module("xapian")
    if DEBIAN_DIST_PACKAGES.is_dir() and str(DEBIAN_DIST_PACKAGES) not in sys.path:
        sys.path.append(str(DEBIAN_DIST_PACKAGES))
        with contextlib.suppress(ImportError):
            return importlib.import_module("xapian")
    return None


def missing_reason() -> str:
    """Why the Xapian peer cannot run ("" when it can)."""
    if load_xapian() is not None:
        return ""
    return (
        "xapian is not importable (apt-get install python3-xapian: Debian's bindings, "
        f"looked for in {DEBIAN_DIST_PACKAGES} too)"
    )


def version() -> str:
    xapian = load_xapian()
    return f"xapian {xapian.version_string()}" if xapian else "xapian (not installed)"


def _xapian() -> Any:
    xapian = load_xapian()
    if xapian is None:
        raise RuntimeError(missing_reason())
    return xapian


def text_of(text: str) -> str:
    """A field's text as Xapian is given it: jieba-segmented, folded."""
    from indexer.analysis import fold

    return fold(fts_text(text))


def facet_values(e: Event) -> dict[str, list[str]]:
    from indexer.schema import context_key

    return {
        "context": sorted({context_key(c) for c in e.contexts}),
        "domain": sorted({d.casefold() for d in e.domains}),
        "year": [str(e.date.year)],
    }


def document(e: Event, generator: Any) -> Any:
    xapian = _xapian()
    doc = xapian.Document()
    generator.set_document(doc)
    texts = {
        "title": e.title,
        "summary": e.summary,
        "story": " \n".join(e.contexts),
        "outlets": outlets_text(e),
    }
    for name, text in texts.items():
        generator.index_text(text_of(text), WDF[name])
        generator.increase_termpos(FIELD_GAP)
    for name, values in facet_values(e).items():
        for value in values:
            doc.add_boolean_term(PREFIXES[name] + value)
        doc.add_value(SLOTS[name], JOIN.join(values))
    doc.add_value(DAY_SLOT, xapian.sortable_serialise(e.date.toordinal()))
    doc.set_data(json.dumps({"id": e.id, "title": e.title, "summary": e.summary}))
    doc.add_boolean_term("Q" + e.id)
    return doc


def _counts(spy: Any) -> dict[str, int]:
    """A spy's counts per serialised combination, as counts per key."""
    found: dict[str, int] = {}
    for item in spy.values():
        combination = item.term.decode()
        for key in combination.split(JOIN) if combination else ():
            found[key] = found.get(key, 0) + item.termfreq
    return found


def _top(counts: dict[str, int], name: str) -> dict[str, int]:
    if name == "year":
        return counts
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(ordered[:FACET_SIZE])


class XapianPeer:
    """A Xapian database of the events, searched in process."""

    name = "Xapian (Debian's python3-xapian, in process)"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db: Any = None
        self.parser: Any = None
        self.stemmer: Any = None
        self.build_seconds: dict[str, float] = {}

    def build(self, events: Sequence[Event]) -> None:
        xapian = _xapian()
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        db = xapian.WritableDatabase(str(self.folder), xapian.DB_CREATE_OR_OVERWRITE)
        generator = xapian.TermGenerator()
        generator.set_stemmer(xapian.Stem("english"))
        for count, e in enumerate(events, 1):
            db.add_document(document(e, generator))
            if count % BATCH == 0:
                db.commit()
        added = time.perf_counter()
        db.commit()
        db.close()
        self.build_seconds = spans(
            started,
            ("add documents (jieba segmentation + Xapian)", added),
            ("commit", time.perf_counter()),
        )

    def size(self) -> int:
        return disk_usage(self.folder)

    def open(self) -> None:
        xapian = _xapian()
        self.db = xapian.Database(str(self.folder))
        self.stemmer = xapian.Stem("english")
        parser = xapian.QueryParser()
        parser.set_stemmer(self.stemmer)
        parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        parser.set_default_op(xapian.Query.OP_AND)
        parser.set_database(self.db)  # wildcards expand over its terms
        self.parser = parser

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- queries ------------------------------------------------------------------------------
    def _parse(self, text: str, flags: int) -> Any:
        return self.parser.parse_query(text, flags)

    def _clause(self, body: str) -> Any | None:
        """One positive token of the benchmark syntax as a Xapian query (None: nothing)."""
        from indexer.analysis import fold

        xapian = _xapian()
        if body.endswith("*") and not body.startswith('"'):
            stem = fold(body.rstrip("*"))
            return self._parse(stem + "*", xapian.QueryParser.FLAG_WILDCARD) if stem else None
        phrase = body.startswith('"')
        words = fold(segment(body.strip('"'), for_index=False)).split()
        words = [w for w in ("".join(c for c in w if c.isalnum()) for w in words) if w]
        if not phrase:
            words = kept_words(words)
        if not words:
            return None
        text = " ".join(words)
        return self._parse(f'"{text}"' if phrase else text, xapian.QueryParser.FLAG_PHRASE)

    def text_query(self, q: str) -> Any | None:
        """The ``q`` of a benchmark query: words (all required), phrases, ``OR``, ``-word``,
        ``word*``. None when nothing is left (an empty query)."""
        xapian = _xapian()
        must: list[Any] = []
        must_not: list[Any] = []
        pending_or = False
        for token in tokens(q):
            negated = token.startswith("-") and len(token) > 1
            body = token[1:] if negated else token
            if body == "OR":
                pending_or = bool(must)
                continue
            query = self._clause(body)
            if query is None:
                continue
            if negated:
                must_not.append(query)
            elif pending_or:
                must.append(xapian.Query(xapian.Query.OP_OR, must.pop(), query))
            else:
                must.append(query)
            pending_or = False
        if not must and not must_not:
            return None
        query = xapian.Query(xapian.Query.OP_AND, must) if must else xapian.Query.MatchAll
        if must_not:
            query = xapian.Query(
                xapian.Query.OP_AND_NOT, query, xapian.Query(xapian.Query.OP_OR, must_not)
            )
        return query

    def filters(self, params: Params) -> dict[str, Any]:
        """One OR of boolean terms per filtered facet."""
        from indexer.schema import context_key

        xapian = _xapian()
        values = {
            "context": [context_key(c) for c in params_of(params, "context")],
            "domain": [d.casefold() for d in params_of(params, "domain")],
            "year": [str(int(y)) for y in params_of(params, "year")],
        }
        return {
            name: xapian.Query(xapian.Query.OP_OR, [PREFIXES[name] + v for v in found])
            for name, found in values.items()
            if found
        }

    @staticmethod
    def _combine(text: Any | None, filters: Iterable[Any]) -> Any:
        xapian = _xapian()
        query = text if text is not None else xapian.Query.MatchAll
        for found in filters:
            query = xapian.Query(xapian.Query.OP_FILTER, query, found)
        return query

    def _enquire(self, query: Any, newest: bool) -> Any:
        xapian = _xapian()
        enquire = xapian.Enquire(self.db)
        enquire.set_query(query)
        if newest:  # no text: newest first, as eventsearch orders an empty query
            enquire.set_sort_by_value(DAY_SLOT, True)
        return enquire

    def search(self, params: Params, facets: bool = True) -> Answer:
        """Top 10 (stored fields read; highlighted when *facets*), the exact total, and
        context/domain/year counts when *facets*."""
        xapian = _xapian()
        text = self.text_query(q_of(params))
        filters = self.filters(params)
        query = self._combine(text, filters.values())
        enquire = self._enquire(query, newest=text is None)
        spies: dict[str, Any] = {}
        if facets:
            for name in SLOTS:
                if name not in filters:
                    spies[name] = xapian.ValueCountMatchSpy(SLOTS[name])
                    enquire.add_matchspy(spies[name])
        mset = enquire.get_mset(0, 10, self.db.get_doccount())
        stored = [json.loads(item.document.get_data()) for item in mset]
        highlighted = facets and text is not None and bool(stored)
        if highlighted:
            self._highlight(mset, stored)
        counts = {name: _top(_counts(spy), name) for name, spy in spies.items()}
        if facets:
            for name in filters:
                others = [q for k, q in filters.items() if k != name]
                counts[name] = self._facet(self._combine(text, others), name)
        return Answer(
            total=int(mset.get_matches_estimated()),
            ids=[data["id"] for data in stored],
            facets=counts,
            highlighted=highlighted,
        )

    def _facet(self, query: Any, name: str) -> dict[str, int]:
        xapian = _xapian()
        enquire = self._enquire(query, newest=False)
        spy = xapian.ValueCountMatchSpy(SLOTS[name])
        enquire.add_matchspy(spy)
        enquire.get_mset(0, 0, self.db.get_doccount())
        return _top(_counts(spy), name)

    def _highlight(self, mset: Any, stored: list[dict[str, str]]) -> None:
        for data in stored:
            for name in ("title", "summary"):
                mset.snippet(text_of(data[name]), 300, self.stemmer, 0, "<mark>", "</mark>")

    def prefix(self, prefix: str) -> list[str]:
        """Suggestions stand-in: the top 10 titles of a ``prefix*`` query (ids)."""
        from indexer.analysis import fold

        xapian = _xapian()
        stem = fold(prefix)
        if not stem.strip():
            return []
        query = self._parse(stem + "*", xapian.QueryParser.FLAG_WILDCARD)
        mset = self._enquire(query, newest=False).get_mset(0, 10)
        return [json.loads(item.document.get_data())["title"] for item in mset]
