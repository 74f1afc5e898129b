"""What an index's bytes are: its files grouped by what they hold, for each engine.

    bytes_by_kind("tantivy", folder) -> {"stored fields": 61_234_567, "postings": ..., ...}

Each engine's files are named by what they hold (Whoosh's and ours by suffix or folder,
tantivy's by extension, Xapian's by table), so the grouping is read off the names: the
first rule whose pattern occurs in a file's path inside the index names its kind; a file
no rule names is "other". Sizes are bytes allocated on disk, as ``du`` counts them.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import disk_usage

Rules = tuple[tuple[str, str], ...]  # (pattern in the relative path, kind)

STORED, POSTINGS, POSITIONS, TERMS = "stored fields", "postings", "positions", "term dictionary"
RULES: dict[str, Rules] = {
    "eventsearch": (
        ("._stored.col", STORED),
        (".event.col", STORED),  # the packed events' column (indexer.stored)
        ("events.zdict", STORED),  # the dictionary the stored fields are compressed with
        (".pst", "postings + positions"),  # Whoosh keeps a posting's positions inline
        (".trm", TERMS),
        ("postings/", "frequent-term arrays (numpy)"),
        ("columns/", "search columns + vocabulary"),
        (".col", "field lengths + dates (Whoosh)"),
        ("manifest.json", "manifest (per-day state)"),
    ),
    "tantivy": (
        (".store", STORED),
        (".idx", POSTINGS),
        (".pos", POSITIONS),
        (".term", TERMS),
        (".fast", "fast fields (facets, dates)"),
        (".fieldnorm", "field norms"),
    ),
    "xapian": (
        ("docdata.", STORED),
        ("postlist.", POSTINGS),
        ("position.", POSITIONS),
        ("termlist.", "term lists (per document)"),
    ),
}


def bytes_by_kind(engine: str, folder: Path) -> dict[str, int]:
    """Bytes of *folder*'s files by kind (see the module docstring), largest first."""
    rules = RULES.get(engine, ())
    found: dict[str, int] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        kind = next((k for pattern, k in rules if pattern in name), "other")
        found[kind] = found.get(kind, 0) + disk_usage(path)
    return dict(sorted(found.items(), key=lambda item: -item[1]))
