"""Which files of an archive may be read, and reading them without being led outside it.

An archive is untrusted input (a copied tree, an unpacked tarball), so two rules hold
for every file before it is read:

- its real path (every symlink resolved) must be inside the real path of the archive
  root, or it is skipped as "outside the archive": a page linked to ``/etc/passwd`` or
  to a file beside the archive is never read, nor served;
- its slug (the name without ``.md``) must make a usable event address, since it becomes
  the last part of the event id and of the event's URL (see :func:`slug_problem`).

Only regular files are read (a FIFO would hang the run). Real archives pass all of
this: the generator writes neither symlinks nor odd names.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from indexer.errors import PageSkipped

OUTSIDE = "outside the archive"
UNUSABLE_NAME = "file name not usable as an event address"
# Controls (newline, escape), invisible formatting (bidi overrides that make a name read
# as another), lone surrogates (bytes that are not UTF-8) and line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Non-blocking: a FIFO swapped in after the scan must not hang the run (it is refused
# as not a regular file); no controlling terminal from a device node.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def real_root(root: Path) -> Path:
    return Path(os.path.realpath(root))


def is_inside(path: Path | str, root: Path) -> bool:
    """Whether *path*, all symlinks resolved, is within *root* (a :func:`real_root`)."""
    return Path(os.path.realpath(path)).is_relative_to(root)


def slug_problem(slug: str) -> str | None:
    """Why *slug* cannot be the last part of an event address, or None when it can.

    ``""``, ``.`` and ``..`` are path segments a browser resolves away; a backslash
    reads as ``/`` in a URL; hidden characters break links and report lines; spaces at
    either end are lost by links and copy-paste. Real slugs are letters, digits, ``-``
    and ``_``, so this leaves them all.
    """
    if not slug.strip("."):
        return "empty or only dots"
    if "\\" in slug:
        return "backslash"
    # isprintable() is False for every hidden category (and a few visible ones): only
    # then is the name looked at character by character.
    hidden = None
    if not slug.isprintable():
        hidden = next((c for c in slug if unicodedata.category(c) in _HIDDEN_CATEGORIES), None)
    if hidden is not None:
        return f"control or invisible character U+{ord(hidden):04X}"
    if slug != slug.strip():
        return "space at the start or end"
    return None


def leads_outside(path: Path, root: Path) -> bool:
    """Whether the file *path* is a symlink out of *root*, for a path whose folders
    are known not to be links (the scan never walks into a linked folder)."""
    return path.is_symlink() and not is_inside(path, root)


def read_inside(path: Path, root: Path, shown: str) -> bytes:
    """The bytes of *path*, or :class:`PageSkipped` when it is no longer safe to read.

    The scan checked the path already; checking again at the read closes the gap in
    which a page or its folder is swapped for a symlink out of the archive. A page that
    became a link out is refused before it is opened; anything else (a folder on the
    way swapped) is caught on the opened file itself, before a byte is read. That check
    is on what was opened, so no swap between check and read gets past it (on Linux; on
    other systems the path is resolved once more).
    """
    if leads_outside(path, root):
        raise PageSkipped(shown, OUTSIDE)
    with os.fdopen(os.open(path, _OPEN_FLAGS), "rb") as handle:
        if not _opened_path(handle.fileno(), path).is_relative_to(root):
            raise PageSkipped(shown, OUTSIDE)
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise PageSkipped(shown, "not a regular file")
        return handle.read()


def _opened_path(fd: int, path: Path) -> Path:
    # Linux names the file a descriptor really is; elsewhere resolve the path once more.
    try:
        return Path(f"/proc/self/fd/{fd}").readlink()
    except OSError:
        return Path(os.path.realpath(path))
