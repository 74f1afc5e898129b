"""Following an archive that grows: poll, index what changed, publish, say how late.

``eventsearch index --watch`` runs :func:`follow`. Each poll is a quick scan
(:func:`indexer.archive.scan` given the day folders' mtimes from the poll before: a
``stat`` per day folder, and a listing only of the folders whose mtime moved). When a
listed day's files differ from what the poll before saw, or a day folder went away, an
indexing run (:func:`indexer.build.run`, ``quick=True``) publishes a new generation::

    poll ──► day folders' mtimes ──► same as before? ──► wait ``interval`` ──► poll …
                                      │ no
                                      ▼
                      run(quick=True) ──► Published(report, lag) ──► on_publish

Every ``rescan`` seconds (and on the first poll) the run is a plain one, which stats
every page and so also finds a page rewritten in place (its folder's mtime stays).
A failed run (another run holds the index, the archive shrank, the disk is full) is
passed to *on_error* and tried again at the next poll; malformed pages are skipped by
the run itself, with their reason in its report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.archive import Scan, archive_root, scan
from indexer.build import Report, run
from indexer.errors import IndexerError

RESCAN_SECONDS = 3600.0  # a plain run (every page stat'ed) at least this often
Marks = dict[str, tuple[int, str]]  # day key -> (folder mtime ns, fingerprint) last seen


@dataclass(frozen=True, slots=True)
class Published:
    """One poll's run that wrote a new generation."""

    poll: int  # 1 for the first poll
    report: Report
    # Seconds from the newest changed page's mtime to the generation being current (None
    # when only deletions changed). It includes the wait for the poll and the run itself.
    lag: float | None


def _marks(found: Scan, before: Marks) -> Marks:
    marks = {key: before[key] for key in found.unchanged if key in before}
    marks.update({k: (day.folder_mtime, day.fingerprint) for k, day in found.days.items()})
    return marks


def _changed(found: Scan, before: Marks) -> list[str]:
    """Keys of the day folders added, changed or removed since *before* was taken."""
    changed = [k for k, day in found.days.items() if before.get(k, (0, ""))[1] != day.fingerprint]
    gone = set(before) - set(found.days) - found.unchanged
    return [*changed, *sorted(gone)]


def _newest_page(found: Scan, keys: list[str]) -> float | None:
    """The mtime (seconds) of the newest page of the day folders *keys* still listed."""
    mtimes = [m for k in keys if k in found.days for _, _, m in found.days[k].files]
    return max(mtimes) / 1e9 if mtimes else None


def follow(
    archive: Path,
    index_dir: Path,
    *,
    interval: float,
    stop: threading.Event,
    on_publish: Callable[[Published], None],
    on_error: Callable[[IndexerError], None],
    rescan: float = RESCAN_SECONDS,
    polls: int | None = None,
    **run_options: Any,
) -> int:
    """Poll *archive* every *interval* seconds until *stop* is set (or *polls* polls
    were made); *run_options* go to :func:`~indexer.build.run`. Returns the polls made."""
    root = archive_root(archive)
    marks: Marks = {}
    last_plain = -float("inf")
    poll = 0
    while not stop.is_set() and (polls is None or poll < polls):
        poll += 1
        plain = time.monotonic() - last_plain >= rescan
        found = scan(root) if plain else scan(root, {k: m for k, (m, _) in marks.items() if m})
        changed = _changed(found, marks)
        if plain or changed:
            try:
                report = run(archive, index_dir, quick=not plain, **run_options)
            except IndexerError as exc:
                on_error(exc)
                found = Scan({}, [], set(marks))  # as if nothing was seen: try again
            else:
                last_plain = time.monotonic() if plain else last_plain
                if report.mode != "unchanged":
                    newest = _newest_page(found, changed)
                    lag = None if newest is None else round(time.time() - newest, 3)
                    on_publish(Published(poll, report, lag))
        marks = _marks(found, marks)
        if polls is None or poll < polls:
            stop.wait(interval)
    return poll
