"""The one LRU cache of the search layer, bounded in bytes and shared by threads.

Term arrays (:mod:`search.snapshot`) and whole answers (:mod:`search.service`) vary
in size by orders of magnitude, so a count of entries would let a few large ones fill
the memory: both are kept in a ``cachetools.LRUCache`` whose ``getsizeof`` gives each
value's size. A miss is computed outside the cache's lock, and by one thread only:
``cachetools.cached(condition=...)`` makes other threads asking for the same key
meanwhile wait for that value instead of computing (and storing) it again; the cache
accounts for what it holds, so nothing is counted twice. A value larger than the whole
budget is returned, not kept (a budget of 0 keeps nothing).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache, cached

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _key(key: K, make: object) -> K:
    return key


def _make(key: object, make: Callable[[], V]) -> V:
    return make()


class LRU(Generic[K, V]):
    """Values by key, the least recently used dropped past *budget* bytes."""

    def __init__(self, budget: int, getsizeof: Callable[[V], int]) -> None:
        self.cache: LRUCache[K, V] = LRUCache(budget, getsizeof=getsizeof)
        self._get = cached(self.cache, key=_key, condition=threading.Condition())(_make)

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for *key*, else ``make()`` (kept if it fits)."""
        value: V = self._get(key, make)
        return value

    @property
    def used(self) -> int:
        """Bytes the kept values hold, as ``getsizeof`` counts them."""
        return int(self.cache.currsize)

    def __len__(self) -> int:
        return len(self.cache)
