"""SQLite FTS5 in process, as a peer: the database and queries of ``bench.fts`` (jieba-segmented
text, bm25 with the schema's field weights, context/domain/year facets that each ignore
their own filter), answering an :class:`Answer` like the other peers.

Its top 10 always carries ``highlight()`` of the title and ``snippet()`` of the summary
(the one query of ``Fts.top10``), so its plain search includes them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from bench.fts import Fts, fts_match
from bench.peers import Answer
from bench.queries import Params, q_of
from indexer.event import Event

FILE = "events.sqlite"


class Fts5Peer:
    """An FTS5 database of the events (Python's sqlite3), searched in process."""

    name = "SQLite FTS5 (Python's sqlite3, in process)"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fts: Fts | None = None
        self.build_seconds: dict[str, float] = {}

    @property
    def path(self) -> Path:
        return self.folder / FILE

    def build(self, events: Sequence[Event]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        fts = Fts(self.path)
        fts.build(enumerate(events))
        built = fts.build_seconds.items()
        self.build_seconds = {k: v for k, v in built if not k.startswith("read")}
        fts.close()

    def size(self) -> int:
        return self.path.stat().st_size

    def open(self) -> None:
        self.fts = Fts(self.path)

    def close(self) -> None:
        if self.fts is not None:
            self.fts.close()
            self.fts = None

    def _db(self) -> Fts:
        if self.fts is None:
            raise RuntimeError("Fts5Peer.open() first")
        return self.fts

    def search(self, params: Params, facets: bool = True) -> Answer:
        """Top 10 (with highlight/snippet), the exact count, facets when *facets*."""
        fts = self._db()
        match = fts_match(q_of(params))
        rows = fts.top10(params, match)
        counts = {}
        if facets:
            counts = {
                kind: {str(value).casefold(): int(n) for value, n in found}
                for kind, found in fts.facets(params, match).items()
            }
        return Answer(
            total=fts.count(params, match),
            ids=[row[0] for row in rows],
            facets=counts,
            highlighted=match is not None,
        )

    def prefix(self, prefix: str) -> list[str]:
        """Suggestions stand-in: the ids of the top 10 of a ``prefix*`` MATCH."""
        match = fts_match(prefix.strip() + "*") if prefix.strip() else None
        if match is None:
            return []
        try:
            return [row[0] for row in self._db().top10([], match)]
        except sqlite3.OperationalError:  # a prefix FTS5 cannot parse (e.g. punctuation)
            return []
