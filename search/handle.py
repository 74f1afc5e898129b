"""The current generation of an index directory, swapped when a new one is published.

:class:`IndexHandle` checks ``CURRENT`` at most every *refresh_seconds*
(``REFRESH_SECONDS``); when it names another generation, and that generation was built
by this version of eventsearch, the handle opens it (with the function it was given:
:func:`search.service.open_snapshot`) and hands it out from then on. The old one is
closed *retire_seconds* (``RETIRE_SECONDS``) later, once the requests still using it are
done. A generation that cannot be opened (vanished, damaged) leaves the one that works
in place.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from indexer import store
from search.errors import IndexUnavailable

log = logging.getLogger("eventsearch.search")

REFRESH_SECONDS = 1.0  # how often CURRENT is checked for a new generation
RETIRE_SECONDS = 30.0  # an old snapshot is closed this long after a new one opens


class Opened(Protocol):
    """An open generation (:class:`search.snapshot.Snapshot`), as the handle sees it."""

    name: str

    def close(self) -> None: ...


S = TypeVar("S", bound=Opened)


class IndexHandle(Generic[S]):
    """The current snapshot of an index directory, refreshed when CURRENT changes;
    *open_generation* opens a generation's folder."""

    def __init__(
        self,
        index_dir: Path,
        open_generation: Callable[[Path], S],
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        retire_seconds: float = RETIRE_SECONDS,
    ) -> None:
        self.index_dir = index_dir
        self.refresh_seconds, self.retire_seconds = refresh_seconds, retire_seconds
        self.open_generation = open_generation
        self._snapshot: S | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> S:
        now = time.monotonic()
        snapshot = self._snapshot
        if snapshot is not None and now - self._checked < self.refresh_seconds:
            return snapshot
        with self._lock:
            self._checked = now
            return self._refresh()

    def _refresh(self) -> S:
        generation = store.current_generation(self.index_dir)
        if generation is None:
            if self._snapshot is not None:
                return self._snapshot
            raise IndexUnavailable(f"no index at {self.index_dir}; run `eventsearch index` first")
        if self._snapshot is not None and self._snapshot.name == generation.name:
            return self._snapshot
        if store.needs_rebuild(self.index_dir):
            raise IndexUnavailable(
                f"the index at {self.index_dir} was built by another version of "
                "eventsearch; run `eventsearch index` again"
            )
        try:
            fresh = self.open_generation(generation)
        except Exception as exc:  # vanished, unreadable, damaged: keep what works
            log.warning("cannot open index generation %s: %s", generation, exc)
            if self._snapshot is None:
                raise IndexUnavailable(
                    f"cannot open index generation {generation.name}: {exc}"
                ) from None
            return self._snapshot
        if self._snapshot is not None:
            self._retire(self._snapshot)
        self._snapshot = fresh
        return fresh

    def _retire(self, snapshot: S) -> None:
        """Close *snapshot* once the requests in flight that may still use it are done."""
        timer = threading.Timer(self.retire_seconds, snapshot.close)
        timer.daemon = True
        timer.start()

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
