"""The engines ``bench.compare`` sets against eventsearch, all fed the same events.

Every peer indexes the events stored in one eventsearch index (read back with
``indexer.stored.live_events``, :func:`load_events`), and answers the query sets of
``bench.queries`` translated to its own syntax:

- ``bench.peers.datasette``: a SQLite database built with ``sqlite-utils`` (FTS5 over a
  jieba-segmented copy of the text, JSON-array facets), served by ``datasette serve``;
- ``bench.peers.tantivy``: tantivy through its Python bindings, in process;
- ``bench.peers.xapian``: Xapian through Debian's ``python3-xapian``, in process;
- ``bench.peers.fts5``: SQLite FTS5 (``bench.fts``'s database and queries), in process;
- ``bench.peers.eventsearch``: ``Search(index, cache_bytes=0).search()`` in process (no
  result cache) and the URL of ``/api/v1/search`` for the HTTP server.

Every answer is reduced to an :class:`Answer` (total, top ids, facet counts) so that totals
and facet counts can be compared between engines (:func:`facets_agree`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.event import Event

FACET_SIZE = 20
TEXT_FIELDS = ("title", "summary", "story", "outlets")
FIELD_BOOSTS = {"title": 3.0, "summary": 1.0, "story": 2.0, "outlets": 0.5}  # the schema's
COMPARED_FACETS = ("context", "domain", "year")


@dataclass
class Answer:
    """What an engine said about one query: total, top ids, facet counts."""

    total: int | None
    ids: list[str] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    highlighted: bool = False
    mode: str = ""  # eventsearch: "all", "any" (any-word fallback) or "corrected"


def load_events(index_dir: Path) -> tuple[list[Event], Path]:
    """All stored events of the index's current generation, in document order."""
    from indexer import store
    from indexer.stored import live_events

    generation = store.current_generation(index_dir)
    if generation is None:
        raise SystemExit(f"{index_dir} holds no eventsearch index (no CURRENT generation)")
    return live_events(generation), generation


def facet_key(name: str, value: str) -> str:
    """A facet value as the engines' counts are compared: a context's key (case and script
    folded), a domain case-folded."""
    from indexer.schema import context_key

    return context_key(value) if name == "context" else value.casefold()


def facets_agree(ours: dict[str, Answer], theirs: dict[str, Answer]) -> tuple[int, int]:
    """(queries whose facet counts a peer shares with eventsearch, queries compared): those
    whose totals agree, a count compared when eventsearch shows it above zero and above the
    smallest count of a cut list (values tied at a top-20 cut may be cut differently)."""
    same = compared = 0
    for label, answer in theirs.items():
        if answer.total != ours[label].total:
            continue
        compared += 1
        counts = {
            name: {facet_key(name, v): n for v, n in found.items()}
            for name, found in answer.facets.items()
        }
        same += all(
            counts.get(name, {}).get(facet_key(name, value), 0) == count
            for name, found in ours[label].facets.items()
            for value, count in found.items()
            if count and (len(found) < FACET_SIZE or count > min(found.values()))
        )
    return same, compared
