"""tantivy through its Python bindings, in process.

Text fields use a registered analyzer (simple tokenizer, lowercase, ASCII folding, English
stemmer) over the same jieba-segmented text as FTS5 (``bench.fts``); contexts, domains and
lang are ``raw`` multi-valued fast text fields and year/day are fast integers. Facet counts
come from ``Searcher.aggregate`` terms aggregations; titles and summaries of the top 10 are
highlighted with ``SnippetGenerator``.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.common import disk_usage, spans
from bench.fts import fts_text, kept_words, outlets_text, segment
from bench.peers import FACET_SIZE, FIELD_BOOSTS, TEXT_FIELDS, Answer
from bench.queries import Params, params_of, q_of, tokens
from indexer.event import Event

ANALYZER = "es_text"
SPECIAL = re.compile(r'[+\-:^(){}\[\]!"*~\\\'<>=]')  # the query parser's syntax
AGGREGATIONS = {
    "context": {"terms": {"field": "context", "size": FACET_SIZE}},
    "domain": {"terms": {"field": "domain", "size": FACET_SIZE}},
    "year": {"terms": {"field": "year", "size": 1000}},
}


def _analyzer() -> Any:
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def build_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name=ANALYZER)
    builder.add_text_field("summary", stored=True, tokenizer_name=ANALYZER)
    builder.add_text_field("story", tokenizer_name=ANALYZER)
    builder.add_text_field("outlets", tokenizer_name=ANALYZER)
    for name in ("context", "domain", "lang"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    return builder.build()


def document(e: Event) -> Any:
    import tantivy

    from indexer.schema import context_key

    return tantivy.Document(
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


def _buckets(result: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        name: {str(b["key"]): int(b["doc_count"]) for b in agg.get("buckets", [])}
        for name, agg in result.items()
    }


class TantivyPeer:
    """A tantivy index of the events, searched in process."""

    name = "tantivy (Python bindings, in process)"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index: Any = None
        self.schema: Any = None
        self.searcher: Any = None
        self.build_seconds: dict[str, float] = {}

    def build(self, events: Sequence[Event], threads: int = 0) -> None:
        import tantivy

        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        started = time.perf_counter()
        index = tantivy.Index(build_schema(), path=str(self.folder))
        index.register_tokenizer(ANALYZER, _analyzer())
        writer = index.writer(heap_size=200_000_000, num_threads=threads)
        for e in events:
            writer.add_document(document(e))
        added = time.perf_counter()
        writer.commit()
        writer.wait_merging_threads()
        self.build_seconds = spans(
            started,
            ("add documents (jieba segmentation + tantivy)", added),
            ("commit + merges", time.perf_counter()),
        )

    def size(self) -> int:
        return disk_usage(self.folder)

    def open(self) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(self.folder))
        self.index.register_tokenizer(ANALYZER, _analyzer())
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    # -- queries ------------------------------------------------------------------------------
    def _parse(self, text: str) -> Any:
        options = {"field_boosts": FIELD_BOOSTS, "conjunction_by_default": True}
        try:
            return self.index.parse_query(text, list(TEXT_FIELDS), **options)
        except ValueError:
            query, _ = self.index.parse_query_lenient(text, list(TEXT_FIELDS), **options)
            return query

    def _prefix(self, body: str) -> Any | None:
        """``word*``: a regex ``word.*`` per field, since the query parser has no
        single-term prefix."""
        import tantivy

        from indexer.analysis import fold

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

    def _clause(self, body: str) -> Any | None:
        """One positive token of the benchmark syntax as a tantivy query (None: nothing)."""
        if body.endswith("*") and not body.startswith('"'):
            return self._prefix(body)
        phrase = body.startswith('"')
        words = SPECIAL.sub(" ", segment(body.strip('"'), for_index=False)).split()
        if not phrase:
            words = kept_words(words)
        if not words:
            return None
        text = " ".join(words)
        return self._parse(f'"{text}"' if phrase else text)

    def text_query(self, q: str) -> Any | None:
        """The ``q`` of a benchmark query: words (all required), phrases, ``OR``, ``-word``,
        ``word*``. None when nothing is left (an empty query)."""
        import tantivy

        clauses: list[tuple[Any, Any]] = []
        pending_or = False
        for token in tokens(q):
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
                either = [(tantivy.Occur.Should, clauses.pop()[1]), (tantivy.Occur.Should, query)]
                clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(either)))
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

        values: dict[str, list[Any]] = {
            "context": [context_key(c) for c in params_of(params, "context")],
            "domain": [d.casefold() for d in params_of(params, "domain")],
            "year": [int(y) for y in params_of(params, "year")],
        }
        return {
            name: tantivy.Query.term_set_query(self.schema, name, found)
            for name, found in values.items()
            if found
        }

    @staticmethod
    def _combine(text: Any | None, filters: Iterable[Any]) -> Any:
        import tantivy

        parts = [q for q in [text, *filters] if q is not None]
        if not parts:
            return tantivy.Query.all_query()
        if len(parts) == 1:
            return parts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in parts])

    def search(self, params: Params, facets: bool = True) -> Answer:
        """Top 10 (highlighted when *facets*), the total, and context/domain/year counts
        when *facets*."""
        searcher = self.searcher
        text = self.text_query(q_of(params))
        filters = self.filters(params)
        query = self._combine(text, filters.values())
        if text is None:  # no text: newest first, as eventsearch orders an empty query
            result = searcher.search(query, 10, count=True, order_by_field="day")
        else:
            result = searcher.search(query, 10, count=True)
        docs = [searcher.doc(address) for _, address in result.hits]
        highlighted = facets and text is not None and bool(docs) and self._highlight(text, docs)
        return Answer(
            total=int(result.count) if result.count is not None else None,
            ids=[doc["id"][0] for doc in docs],
            facets=self._facets(query, text, filters) if facets else {},
            highlighted=highlighted,
        )

    def prefix(self, prefix: str) -> list[str]:
        """Suggestions stand-in: the titles of the top 10 of a ``prefix*`` query."""
        query = self._prefix(prefix)
        if query is None:
            return []
        result = self.searcher.search(query, 10)
        return [self.searcher.doc(address)["title"][0] for _, address in result.hits]

    def close(self) -> None:
        self.searcher = self.index = None

    def _highlight(self, text: Any, docs: list[Any]) -> bool:
        import tantivy

        for name in ("title", "summary"):
            generator = tantivy.SnippetGenerator.create(self.searcher, text, self.schema, name)
            for doc in docs:
                generator.snippet_from_doc(doc).to_html()
        return True

    def _facets(self, query: Any, text: Any | None, filters: dict[str, Any]) -> dict[str, Any]:
        """Like eventsearch's, each facet's counts ignore that facet's own filter: one more
        aggregation per filtered facet."""
        facets: dict[str, dict[str, int]] = {}
        shared = {k: v for k, v in AGGREGATIONS.items() if k not in filters}
        if shared:
            facets.update(_buckets(self.searcher.aggregate(query, shared)))
        for kind in filters:
            others = [q for k, q in filters.items() if k != kind]
            only = {kind: AGGREGATIONS[kind]}
            facets.update(_buckets(self.searcher.aggregate(self._combine(text, others), only)))
        return facets
