"""Errors raised by the indexer.

IndexerError                 anything the indexer refuses to do
├── ArchiveNotFound          the archive path is missing or not a directory
├── IndexLocked              another indexing run holds the index
├── IndexWriteFailed         the new generation could not be written (disk full, a worker died)
├── ArchiveShrank            the archive would lose most of its events (garbage, half-copied)
└── PageSkipped              one page cannot become an event (the run goes on)
"""

from __future__ import annotations

__all__ = [
    "ArchiveNotFound",
    "ArchiveShrank",
    "IndexLocked",
    "IndexWriteFailed",
    "IndexerError",
    "PageSkipped",
]


class IndexerError(Exception):
    """Base class: the message names the bad value."""


class ArchiveNotFound(IndexerError):
    """Raised when the archive path does not exist or is not a directory."""


class IndexLocked(IndexerError):
    """Raised when another run is writing the same index and waiting timed out."""


class IndexWriteFailed(IndexerError):
    """Raised when writing a new generation fails; the current one keeps serving."""


class ArchiveShrank(IndexerError):
    """Raised when a run would publish far fewer events than the current index holds."""


class PageSkipped(IndexerError):
    """Raised by the parser for a page that cannot be indexed; carries the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
