"""Finding the files of an archive, grouped by day, with cheap change fingerprints."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import ArchiveNotFound

LISTING_NAMES = ("index.md", "README.md")
_DAY_DIR = re.compile(r"^news/\d{4}/\d{2}/\d{1,2}$")


@dataclass(frozen=True, slots=True)
class DayFiles:
    """The Markdown files of one ``news/YYYY/MM/D`` folder."""

    key: str  # "news/2017/02/3"
    path: Path
    files: tuple[tuple[str, int, int], ...]  # (name, size, mtime_ns), sorted by name

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
    stray: list[tuple[str, str]]  # (path, reason) for .md files outside a day folder


def scan(root: Path) -> Scan:
    """Every day folder under ``root/news`` with its files' sizes and mtimes."""
    days: dict[str, DayFiles] = {}
    stray: list[tuple[str, str]] = []

    def on_error(error: OSError) -> None:
        rel = os.path.relpath(error.filename or str(root), root)
        stray.append((rel, f"unreadable: {error.strerror}"))

    news = root / "news"
    if not news.is_dir():
        return Scan(days, [("news", "archive has no news/ folder")])
    for dirpath, dirnames, filenames in os.walk(news, onerror=on_error):
        dirnames.sort()
        rel = Path(dirpath).relative_to(root).as_posix()
        entries = []
        for name in sorted(filenames):
            if not name.endswith(".md"):
                continue
            try:
                stat = (Path(dirpath) / name).stat()
            except OSError as exc:
                stray.append((f"{rel}/{name}", f"unreadable: {exc.strerror}"))
                continue
            entries.append((name, stat.st_size, stat.st_mtime_ns))
        if not entries:
            continue
        if _DAY_DIR.match(rel):
            days[rel] = DayFiles(rel, Path(dirpath), tuple(entries))
        else:
            stray.extend((f"{rel}/{n}", "not in a news/YYYY/MM/D/ folder") for n, _, _ in entries)
    return Scan(days, stray)
