"""The index directory: complete generations, one of them current.

    INDEX_DIR/
    ├── CURRENT          "gen-000007"  (replaced atomically; readers follow it)
    ├── gen-000007/      a complete Whoosh index + manifest.json.gz
    ├── gen-000006/      the previous one, kept for readers still using it
    └── .lock            held (flock) by the one indexing run allowed at a time

A run never touches the current generation: it writes a new directory (an incremental
run starts from hard links of the current one; Whoosh never rewrites a file in place),
syncs it, then swaps CURRENT. A run killed at any point leaves CURRENT pointing at the
last complete generation; its half-written directory is removed by the next run.

:func:`publish_to` copies the current generation into another index directory of the same
layout, the one replicas serve: files go to a hidden staging folder, which is synced and
renamed to the next ``gen-NNNNNN`` of that directory, and only then is its CURRENT swapped.
A replica therefore sees the old generation or the new one, never a partial copy.

Each generation says what it was built from in ``manifest.json.gz`` (:class:`Manifest`: per
day folder a :class:`DayReport`, which the next run compares with the archive) and, for
readers that need only a few numbers, ``summary.json`` (:class:`Summary`)::

    {"segments": 3, "documents": 9120, "deleted_docs": 41, "schema": 8,
     "archive": "/srv/archive", "created": 1718000000.0, "stray": [["news/x.md", "…"]],
     "days": {"news/2017/02/3": {"fingerprint": "…", "pages": 12, "events": 11,
              "duplicates": 1, "listing_only": 0, "skipped": [], "warnings": [],
              "headings": ["…"], "folder_mtime": 1717990000000000000}, …}}
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Self

from indexer.errors import IndexLocked

CURRENT = "CURRENT"
# Per-day state for incremental runs, gzipped: a day lists every heading it mentions, so the
# JSON was 16 MB at 200k synthetic events (3% of the index); gzip makes it 2.2 MB, written
# in 0.2 s and read in 0.05 s.
MANIFEST = "manifest.json.gz"
PLAIN_MANIFEST = "manifest.json"  # before schema 11: still read, so a run sees it is old
SUMMARY = "summary.json"  # the few numbers readers need: schema version, event count
OWN_FILES = (MANIFEST, PLAIN_MANIFEST, SUMMARY)  # written anew by each run, never linked
KEEP_GENERATIONS = 2
_GEN = re.compile(r"^gen-(\d{6,})$")
_SEGMENT_FILE = re.compile(r"^MAIN_[a-z0-9]+\.")  # Whoosh segment files: unique, immutable
SOURCE = "source.json"  # in a published generation: which built generation it copies


Reason = tuple[str, str]  # (path, why it was left out or changed)


@dataclass(slots=True, kw_only=True)
class DayReport:
    """One day folder as a generation indexed it: its fingerprint, and what it contributed
    (kept so that totals survive incremental runs, which re-read only changed days)."""

    fingerprint: str  # archive.DayFiles.fingerprint when it was read
    pages: int = 0
    events: int = 0
    duplicates: int = 0
    listing_only: int = 0
    skipped: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)  # pages indexed minus a link
    # fold_keys, for other days' ungluing; sorted (a tuple: a set takes several times the
    # memory, and a manifest holds one per day)
    headings: tuple[str, ...] = ()
    folder_mtime: int = 0  # archive.DayFiles.folder_mtime when it was last listed

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = {f.name for f in fields(cls)} - {"skipped", "warnings", "headings"}
        return cls(
            **{k: v for k, v in data.items() if k in known},
            skipped=_reasons(data.get("skipped", ())),
            warnings=_reasons(data.get("warnings", ())),  # absent before warnings were kept
            headings=tuple(data.get("headings", ())),
        )


def _reasons(pairs: Any) -> list[Reason]:
    return [(str(path), str(reason)) for path, reason in pairs]


@dataclass(frozen=True, slots=True)
class Summary:
    """The few numbers readers need (``summary.json``), without the whole manifest."""

    schema: int | None  # indexer.schema.SCHEMA_VERSION that built it
    events: int
    created: float | None  # time.time() when it was written


@dataclass(slots=True, kw_only=True)
class Manifest:
    """What a generation was built from (``manifest.json.gz``): the next run's baseline.
    Fields absent from an older manifest read as their defaults."""

    segments: int = 1  # Whoosh segments (incremental runs add one each)
    documents: int = 1  # Whoosh documents, deleted ones included
    deleted_docs: int = 0
    schema: int | None = None
    archive: str = ""  # the archive's root folder
    created: float | None = None
    days: dict[str, DayReport] = field(default_factory=dict)  # by day folder key
    stray: list[Reason] = field(default_factory=list)  # files and folders left out

    @property
    def events(self) -> int:
        return sum(day.events for day in self.days.values())

    def summary(self) -> Summary:
        return Summary(self.schema, self.events, self.created)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = {f.name for f in fields(cls)} - {"days", "stray"}
        return cls(
            **{k: v for k, v in data.items() if k in known},
            days={k: DayReport.from_json(day) for k, day in data.get("days", {}).items()},
            stray=_reasons(data.get("stray", ())),
        )


def generation_name(number: int) -> str:
    return f"gen-{number:06d}"


def current_generation(index_dir: Path) -> Path | None:
    """The directory of the current complete generation, or None before the first build."""
    try:
        name = (index_dir / CURRENT).read_text("utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    path = index_dir / name
    found = _GEN.match(name) and any((path / m).is_file() for m in (MANIFEST, PLAIN_MANIFEST))
    return path if found else None


def needs_rebuild(index_dir: Path) -> bool:
    """True when there is no index, or it was built by an incompatible eventsearch."""
    from indexer.schema import SCHEMA_VERSION

    generation = current_generation(index_dir)
    return generation is None or read_summary(generation).schema != SCHEMA_VERSION


def read_summary(generation: Path) -> Summary:
    """Schema version and counts of a generation, without reading the whole manifest."""
    try:
        data = json.loads((generation / SUMMARY).read_text("utf-8"))
    except FileNotFoundError:  # written before summaries existed: derive it once
        return read_manifest(generation).summary()
    return Summary(data.get("schema"), data.get("events", 0), data.get("created"))


def generations(index_dir: Path) -> list[Path]:
    found = [p for p in index_dir.iterdir() if _GEN.match(p.name)] if index_dir.is_dir() else []
    return sorted(found, key=lambda p: p.name)


def _next_name(index_dir: Path) -> str:
    existing = generations(index_dir)
    number = int(_GEN.match(existing[-1].name)[1]) + 1 if existing else 1  # type: ignore[index]
    return generation_name(number)


def new_generation(index_dir: Path) -> Path:
    path = index_dir / _next_name(index_dir)
    path.mkdir(parents=True)
    return path


def read_manifest(generation: Path) -> Manifest:
    if (generation / MANIFEST).is_file():
        packed = (generation / MANIFEST).read_bytes()
        return Manifest.from_json(json.loads(gzip.decompress(packed)))
    return Manifest.from_json(json.loads((generation / PLAIN_MANIFEST).read_text("utf-8")))


def write_manifest(generation: Path, manifest: Manifest) -> None:
    text = json.dumps(manifest, default=_fields, ensure_ascii=False, separators=(",", ":"))
    _replace(generation / MANIFEST, gzip.compress(text.encode("utf-8"), mtime=0))
    _replace(generation / SUMMARY, json.dumps(asdict(manifest.summary())).encode("utf-8"))


def _fields(value: object) -> dict[str, Any]:
    """A manifest or a day's report as the JSON object of its fields, in their order (made
    one at a time as the encoder meets them, so a big manifest is never copied whole)."""
    if isinstance(value, Manifest | DayReport):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    raise TypeError(f"{type(value).__name__} is not part of a manifest")


def _replace(path: Path, data: bytes) -> None:
    """Write *path* as a new file: an incremental run's generation starts from hard links
    of the current one, and writing into a linked file would change the current
    generation's copy too (a kill before the switch left it disagreeing with its index)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def link_copy(source: Path, target: Path) -> None:
    """Hard-link every index file of *source* into the empty directory *target*."""
    for entry in source.iterdir():
        if entry.is_file() and "LOCK" not in entry.name.upper() and entry.name not in OWN_FILES:
            os.link(entry, target / entry.name)


def _fsync_tree(path: Path) -> None:
    for entry in path.iterdir():
        if entry.is_dir():
            _fsync_tree(entry)
        elif entry.is_file():
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, generation: Path) -> None:
    """Make *generation* current, atomically, then drop generations nobody needs."""
    _fsync_tree(generation)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(generation.name + "\n", "utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(index_dir / CURRENT)
    prune(index_dir)


def prune(index_dir: Path) -> None:
    """Remove unfinished generations and all but the newest complete ones.

    Only called while holding the lock, so no other run is writing a generation.
    """
    current = current_generation(index_dir)
    complete = [g for g in generations(index_dir) if current and g.name <= current.name]
    keep = set(complete[-KEEP_GENERATIONS:])
    for generation in generations(index_dir):
        if generation not in keep:
            shutil.rmtree(generation, ignore_errors=True)


def _source_of(generation: Path) -> dict[str, Any]:
    return {"generation": generation.name, "created": read_summary(generation).created}


def publish_to(index_dir: Path, target: Path, wait: float = 0.0) -> tuple[Path, bool]:
    """Publish the current generation of *index_dir* into the index directory *target*.

    Returns (the generation in *target*, whether it was copied now). Nothing is copied
    when *target* already serves it. Segment files the previous published generation
    already has are hard-linked from it rather than copied, so publishing after an
    incremental run writes little more than the new segment.
    """
    generation = current_generation(index_dir)
    if generation is None:
        raise FileNotFoundError(f"no index at {index_dir} to publish")
    source = _source_of(generation)
    with write_lock(target, wait):
        previous = current_generation(target)
        if previous is not None and _read_json(previous / SOURCE) == source:
            return previous, False
        for stale in target.glob(".staging-*"):  # left by a publisher that was killed
            shutil.rmtree(stale, ignore_errors=True)
        staging = target / f".staging-{os.getpid()}"
        shutil.copytree(generation, staging, copy_function=_linker(generation, previous))
        (staging / SOURCE).write_text(json.dumps(source), "utf-8")
        final = target / _next_name(target)
        staging.rename(final)
        publish(target, final)  # synced before CURRENT names it
        return final, True


def _linker(generation: Path, previous: Path | None) -> Any:
    def copy(src: str, dst: str) -> None:
        name = Path(src).name
        old = previous / name if previous is not None else None
        if (
            old is not None
            and _SEGMENT_FILE.match(name)
            and Path(src).parent == generation
            and old.is_file()
            and old.stat().st_size == Path(src).stat().st_size
        ):
            os.link(old, dst)
        else:
            shutil.copy2(src, dst)

    return copy


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def write_lock(index_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's writer lock; the kernel drops it if the process dies."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / ".lock"
    with path.open("a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise IndexLocked(
                        f"index {index_dir} is being written by {holder}; "
                        "wait for it to finish (or pass --wait SECONDS)"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
