"""Finding the files of an archive, grouped by day, with cheap change fingerprints.

Files and folders that may not be read (see ``paths``) are left out here with the
reason, before anything opens them.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ArchiveNotFound
from indexer.paths import (
    OUTSIDE,
    UNUSABLE_NAME,
    is_inside,
    read_inside,
    real_root,
    slug_problem,
)
from indexer.text import printable

LISTING_NAMES = ("index.md", "README.md")
LINKED_FOLDER = "symlinked folder not followed"
# ASCII digits and fullmatch: "\d" takes any script's digits and "$" a trailing newline,
# both of which would end up in event ids.
SETTLE_NS = 2_000_000_000  # a folder changed this recently is listed again next time
_DAY_DIR = re.compile(r"news/[0-9]{4}/[0-9]{2}/[0-9]{1,2}")


@dataclass(frozen=True, slots=True)
class DayFiles:
    """The Markdown files of one ``news/YYYY/MM/D`` folder."""

    key: str  # "news/2017/02/3"
    path: Path
    files: tuple[tuple[str, int, int], ...]  # (name, size, mtime_ns), sorted by name
    root: Path  # the archive's real path: no file outside it is read
    # The folder's mtime (ns) when it was listed, for quick scans; 0 when it was too
    # recent to trust (a page added within the same clock tick would not change it).
    folder_mtime: int = 0

    @property
    def fingerprint(self) -> str:
        digest = hashlib.blake2b(digest_size=16)
        for name, size, mtime in self.files:
            digest.update(f"{name}\0{size}\0{mtime}\n".encode())
        return digest.hexdigest()

    @property
    def page_names(self) -> list[str]:
        return [n for n, _, _ in self.files if n not in LISTING_NAMES]

    @property
    def listing_name(self) -> str | None:
        names = {n for n, _, _ in self.files}
        return next((n for n in LISTING_NAMES if n in names), None)

    def size_of(self, name: str) -> int:
        return next(size for n, size, _ in self.files if n == name)

    def read(self, name: str) -> bytes:
        """One of the day's files; :class:`PageSkipped` if it now resolves outside."""
        return read_inside(self.path / name, self.root, f"{self.key}/{name}")


def archive_root(path: Path) -> Path:
    """The folder that holds ``news/`` (accepting the ``news`` folder itself)."""
    if not path.exists():
        raise ArchiveNotFound(f"archive folder not found: {path}")
    if not path.is_dir():
        raise ArchiveNotFound(f"archive path is not a folder: {path}")
    if path.name == "news" and not (path / "news").is_dir():
        return path.parent
    return path


@dataclass(slots=True)
class Scan:
    days: dict[str, DayFiles]
    stray: list[tuple[str, str]]  # (path, reason) for .md files and folders left out
    # Day keys a quick scan did not list: their folder's mtime is the one it was given.
    unchanged: set[str] = field(default_factory=set)


def scan(root: Path, trusted: Mapping[str, int] | None = None) -> Scan:
    """Every day folder under ``root/news`` with its files' sizes and mtimes.

    *trusted* makes it a quick scan: day key -> the folder mtime (ns) an earlier scan
    recorded (:attr:`DayFiles.folder_mtime`). A day folder whose mtime is still that one
    is not listed (no file was added, removed or renamed in it since) and lands in
    :attr:`Scan.unchanged`. A page rewritten in place leaves its folder's mtime alone, so
    a quick scan misses it: a plain scan, which stats every page, finds it.
    """
    found = Scan({}, [])
    real = real_root(root)
    news = root / "news"
    if not news.is_dir():
        return Scan({}, [("news", "archive has no news/ folder")])
    if not is_inside(news, real):  # else the whole walk happens outside (news -> /)
        return Scan({}, [("news", OUTSIDE)])
    _Walk(found, real, trusted or {}, time.time_ns() - SETTLE_NS).folder(news, "news", None)
    return found


@dataclass(slots=True)
class _Walk:
    """A depth-first walk in name order (``os.scandir``: the kind of each entry comes
    with the listing; a page costs one ``stat``)."""

    found: Scan
    real: Path
    trusted: Mapping[str, int]
    settled: int  # folder mtimes after this (ns) are too recent to be trusted next time

    def folder(self, folder: Path, rel: str, info: os.stat_result | None) -> None:
        is_day = _DAY_DIR.fullmatch(rel) is not None
        mtime = info.st_mtime_ns if info is not None and is_day else 0
        if mtime and self.trusted.get(rel) == mtime:
            self.found.unchanged.add(rel)
            return
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            self.found.stray.append((printable(rel), f"unreadable: {error.strerror}"))
            return
        folders = [e for e in entries if _is_folder(e)]
        kept = self._real_folders(rel, folders)
        names = {e.name for e in folders}
        files = [e for e in entries if e.name.endswith(".md") and e.name not in names]
        pages = self._page_entries(rel, files)
        if pages and is_day:
            settled = mtime if mtime <= self.settled else 0
            self.found.days[rel] = DayFiles(rel, folder, tuple(pages), self.real, settled)
        elif pages:
            self.found.stray.extend(
                (printable(f"{rel}/{n}"), "not in a news/YYYY/MM/D/ folder") for n, _, _ in pages
            )
        for entry in kept:
            self.folder(Path(entry.path), f"{rel}/{entry.name}", _folder_stat(entry))

    def _real_folders(self, rel: str, entries: list[os.DirEntry[str]]) -> list[os.DirEntry[str]]:
        """The subfolders to walk into: symlinked ones are reported, never followed.

        Not even those that stay inside the archive: a linked day would be indexed twice
        under two ids, links can loop, and the generator never writes them.
        """
        kept = []
        for entry in entries:
            if entry.is_symlink():
                reason = LINKED_FOLDER if is_inside(entry.path, self.real) else OUTSIDE
                self.found.stray.append((printable(f"{rel}/{entry.name}"), reason))
            else:
                kept.append(entry)
        return kept

    def _page_entries(
        self, rel: str, entries: list[os.DirEntry[str]]
    ) -> list[tuple[str, int, int]]:
        """(name, size, mtime_ns) of the folder's .md files that may be read."""
        pages = []
        for entry in entries:
            found = _page_stat(entry, self.real)
            if isinstance(found, str):
                self.found.stray.append((printable(f"{rel}/{entry.name}"), found))
            else:
                pages.append((entry.name, found.st_size, found.st_mtime_ns))
        return pages


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # through a symlink too: linked folders are reported
    except OSError:
        return False


def _folder_stat(entry: os.DirEntry[str]) -> os.stat_result | None:
    try:
        return entry.stat(follow_symlinks=False)
    except OSError:
        return None  # listing it reports the error


def _page_stat(entry: os.DirEntry[str], real: Path) -> os.stat_result | str:
    """The stat of a file that may be read as a page, else the reason it may not.

    Name and symlink come first: a refused file is not even stat'ed through its link.
    """
    problem = slug_problem(entry.name[: -len(".md")])
    if problem:
        return f"{UNUSABLE_NAME} ({problem})"
    if entry.is_symlink() and not is_inside(entry.path, real):
        return OUTSIDE
    try:
        info = entry.stat()
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    # A FIFO would block the read for ever; a device is not a page.
    return info if stat.S_ISREG(info.st_mode) else "not a regular file"
