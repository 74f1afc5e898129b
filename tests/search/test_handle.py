"""The index handle: opens the current generation once, follows CURRENT to a new one
(closing the old later), keeps what works when a generation cannot be opened, and
refuses an index built by another version."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer import store
from search.errors import IndexUnavailable
from search.handle import IndexHandle


class Opened:
    def __init__(self, generation: Path) -> None:
        self.name = generation.name
        self.closed = False

    def close(self) -> None:
        self.closed = True


class Index:
    """What the handle reads of an index directory: which generation is current and
    whether it needs a rebuild; and every generation it opened."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = tmp_path
        self.current: str | None = "gen-1"
        self.stale = False
        self.broken: set[str] = set()
        self.opened: list[Opened] = []
        monkeypatch.setattr(store, "current_generation", self.current_generation)
        monkeypatch.setattr(store, "needs_rebuild", lambda index_dir: self.stale)

    def current_generation(self, index_dir: Path) -> Path | None:
        assert index_dir == self.root
        return self.root / self.current if self.current else None

    def open(self, generation: Path) -> Opened:
        if generation.name in self.broken:
            raise OSError(f"damaged: {generation.name}")
        self.opened.append(Opened(generation))
        return self.opened[-1]

    def handle(self, refresh_seconds: float = 0.0) -> IndexHandle[Opened]:
        return IndexHandle(
            self.root, self.open, refresh_seconds=refresh_seconds, retire_seconds=0.0
        )


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Index:
    return Index(tmp_path, monkeypatch)


def test_the_current_generation_is_opened_once(index: Index) -> None:
    current = index.handle()
    assert current.current() is current.current()
    assert [o.name for o in index.opened] == ["gen-1"]


def test_a_new_generation_replaces_the_old_which_is_closed_later(index: Index) -> None:
    current = index.handle()
    old = current.current()
    index.current = "gen-2"
    new = current.current()
    assert new.name == "gen-2" and new is not old
    for _ in range(100):  # the retire timer runs at once, on its own thread
        if old.closed:
            break
        time.sleep(0.01)
    assert old.closed and not new.closed


def test_current_is_read_at_most_every_refresh_seconds(index: Index) -> None:
    current = index.handle(refresh_seconds=3600.0)
    first = current.current()
    index.current = "gen-2"
    assert current.current() is first


def test_a_generation_that_cannot_be_opened_leaves_the_one_that_works(index: Index) -> None:
    current = index.handle()
    working = current.current()
    index.current, index.broken = "gen-2", {"gen-2"}
    assert current.current() is working and not working.closed


def test_without_any_generation_that_opens_the_index_is_unavailable(index: Index) -> None:
    index.broken = {"gen-1"}
    with pytest.raises(IndexUnavailable, match="cannot open index generation gen-1"):
        index.handle().current()
    index.current = None
    with pytest.raises(IndexUnavailable, match="run `eventsearch index` first"):
        index.handle().current()


def test_a_vanished_current_keeps_the_open_generation(index: Index) -> None:
    current = index.handle()
    working = current.current()
    index.current = None
    assert current.current() is working


def test_an_index_built_by_another_version_is_refused(index: Index) -> None:
    index.stale = True
    with pytest.raises(IndexUnavailable, match="built by another version"):
        index.handle().current()
    assert index.opened == []


def test_closing_the_handle_closes_its_snapshot(index: Index) -> None:
    current = index.handle()
    opened = current.current()
    current.close()
    assert opened.closed
