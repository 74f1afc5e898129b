"""Plain Whoosh on an eventsearch generation, as ``bench.search`` sets it against eventsearch:
``MultifieldParser`` over the text fields and ``searcher.search(q, limit=10, filter=...)``,
optionally with ``groupedby`` context and domain facets (``allow_overlap=True``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bench.queries import Params, params_of, q_of, tokens


def whoosh_text(q: str) -> str:
    """eventsearch syntax -> Whoosh QueryParser syntax (``-word`` becomes ``NOT word``)."""
    return " ".join(f"NOT {t[1:]}" if t.startswith("-") and len(t) > 1 else t for t in tokens(q))


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
        from indexer.stored import StoredEvents, packed_events

        self.index = open_dir(str(generation))
        self.stored = StoredEvents.load(generation)
        self.searcher = self.index.searcher()
        self.packed = packed_events(self.searcher.reader())
        self.parser = MultifieldParser(list(TEXT_FIELDS), self.index.schema)

    def query(self, params: Params) -> Any:
        from whoosh import query as wq

        q = q_of(params)
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
        ids = [self.stored.unpack(self.packed[hit.docnum]).id for hit in results]
        if grouped:
            results.groups("context")
            results.groups("domain")
        return ids, results
