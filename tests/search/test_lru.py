"""The search layer's LRU cache: bounded in bytes, and a value several threads miss at
once is made once and counted once."""

from __future__ import annotations

import functools
import threading
import time

import pytest

from search.lru import LRU


def sized(text: str) -> int:
    return len(text)


def test_values_are_kept_within_the_byte_budget_oldest_out_first() -> None:
    cache: LRU[str, str] = LRU(10, getsizeof=sized)
    for key in "abc":
        cache.get(key, functools.partial(str.__mul__, key, 4))  # 4 bytes each: "a" goes
    assert len(cache) == 2 and cache.used == 8
    made: list[str] = []

    def make() -> str:
        made.append("a")
        return "aaaa"

    cache.get("a", make)
    assert made == ["a"]  # made again: it had been dropped


def test_a_value_used_again_is_kept_over_an_older_one() -> None:
    cache: LRU[str, str] = LRU(8, getsizeof=sized)
    cache.get("a", lambda: "aaaa")
    cache.get("b", lambda: "bbbb")
    cache.get("a", lambda: "unused")  # now the most recent
    cache.get("c", lambda: "cccc")
    assert cache.get("a", lambda: "made again") == "aaaa"
    assert cache.get("b", lambda: "made again") == "made again"


def test_a_value_larger_than_the_budget_is_returned_not_kept() -> None:
    cache: LRU[str, str] = LRU(3, getsizeof=sized)
    assert cache.get("a", lambda: "aaaa") == "aaaa"
    assert len(cache) == 0 and cache.used == 0
    nothing: LRU[str, str] = LRU(0, getsizeof=sized)  # a budget of 0 keeps nothing
    assert nothing.get("a", lambda: "a") == "a" and len(nothing) == 0


def test_threads_missing_one_key_at_once_make_it_once_and_count_it_once() -> None:
    cache: LRU[str, str] = LRU(1000, getsizeof=sized)
    made: list[str] = []
    started = threading.Barrier(8)

    def make() -> str:
        made.append("value")
        time.sleep(0.05)  # the other threads ask meanwhile
        return "value"

    def ask() -> None:
        started.wait()
        assert cache.get("key", make) == "value"

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == ["value"] and cache.used == len("value") and len(cache) == 1


def test_a_failed_make_leaves_the_key_to_the_next_thread() -> None:
    cache: LRU[str, str] = LRU(1000, getsizeof=sized)

    def fail() -> str:
        raise OSError("disk")

    with pytest.raises(OSError):
        cache.get("key", fail)
    assert cache.get("key", lambda: "value") == "value"
