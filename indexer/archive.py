"""Finding the files of an archive, grouped by day, with cheap change fingerprints.

Files and folders that may not be read (see ``paths``) are left out here with the
reason, before anything opens them.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import ArchiveNotFound
from indexer.paths import (
    OUTSIDE,
    UNUSABLE_NAME,
    is_inside,
    leads_outside,
    read_inside,
    real_root,
    slug_problem,
)
from indexer.text import printable

LISTING_NAMES = ("index.md", "README.md")
LINKED_FOLDER = "symlinked folder not followed"
# ASCII digits and fullmatch: "\d" takes any script's digits and "$" a trailing newline,
# both of which would end up in event ids.
_DAY_DIR = re.compile(r"news/[0-9]{4}/[0-9]{2}/[0-9]{1,2}")


@dataclass(frozen=True, slots=True)
class DayFiles:
    """The Markdown files of one ``news/YYYY/MM/D`` folder."""

    key: str  # "news/2017/02/3"
    path: Path
    files: tuple[tuple[str, int, int], ...]  # (name, size, mtime_ns), sorted by name
    root: Path  # the archive's real path: no file outside it is read

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


def scan(root: Path) -> Scan:
    """Every day folder under ``root/news`` with its files' sizes and mtimes."""
    days: dict[str, DayFiles] = {}
    stray: list[tuple[str, str]] = []
    real = real_root(root)

    def on_error(error: OSError) -> None:
        rel = os.path.relpath(error.filename or str(root), root)
        stray.append((printable(rel), f"unreadable: {error.strerror}"))

    news = root / "news"
    if not news.is_dir():
        return Scan(days, [("news", "archive has no news/ folder")])
    if not is_inside(news, real):  # else the whole walk happens outside (news -> /)
        return Scan(days, [("news", OUTSIDE)])
    for dirpath, dirnames, filenames in os.walk(news, onerror=on_error):
        folder = Path(dirpath)
        rel = folder.relative_to(root).as_posix()
        dirnames[:] = _real_folders(folder, rel, dirnames, real, stray)
        entries = _page_entries(folder, rel, filenames, real, stray)
        if not entries:
            continue
        if _DAY_DIR.fullmatch(rel):
            days[rel] = DayFiles(rel, folder, tuple(entries), real)
        else:
            stray.extend(
                (printable(f"{rel}/{n}"), "not in a news/YYYY/MM/D/ folder") for n, _, _ in entries
            )
    return Scan(days, stray)


def _real_folders(
    folder: Path, rel: str, names: list[str], real: Path, stray: list[tuple[str, str]]
) -> list[str]:
    """The subfolders to walk into: symlinked ones are reported, never followed.

    Not even those that stay inside the archive: a linked day would be indexed twice
    under two ids, links can loop, and the generator never writes them. os.walk never
    followed them either, only silently; now the report says so.
    """
    kept = []
    for name in sorted(names):
        if (folder / name).is_symlink():
            reason = LINKED_FOLDER if is_inside(folder / name, real) else OUTSIDE
            stray.append((printable(f"{rel}/{name}"), reason))
        else:
            kept.append(name)
    return kept


def _page_entries(
    folder: Path, rel: str, names: list[str], real: Path, stray: list[tuple[str, str]]
) -> list[tuple[str, int, int]]:
    """(name, size, mtime_ns) of the folder's .md files that may be read."""
    entries = []
    for name in sorted(n for n in names if n.endswith(".md")):
        found = _page_stat(folder / name, real)
        if isinstance(found, str):
            stray.append((printable(f"{rel}/{name}"), found))
        else:
            entries.append((name, found.st_size, found.st_mtime_ns))
    return entries


def _page_stat(path: Path, real: Path) -> os.stat_result | str:
    """The stat of a file that may be read as a page, else the reason it may not.

    Name and symlink come first: a refused file is not even stat'ed through its link.
    """
    problem = slug_problem(path.name[: -len(".md")])
    if problem:
        return f"{UNUSABLE_NAME} ({problem})"
    if leads_outside(path, real):
        return OUTSIDE
    try:
        info = path.stat()
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    # A FIFO would block the read for ever; a device is not a page.
    return info if stat.S_ISREG(info.st_mode) else "not a regular file"
