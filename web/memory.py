"""Fewer glibc malloc arenas per worker: memory freed by a request thread is reused.

glibc gives each new thread its own malloc arena, up to eight per core, and an arena
keeps the memory its thread freed for that arena alone. A worker answers requests in a
pool of threads (Starlette runs a search in anyio's threads), so under concurrent load
every thread's arena ends up holding its own share of freed result arrays: measured at
200,000 events, one worker grew from 342 MB settled to 466 MB after 15 s at concurrency
32, against 320 MB to 366 MB with two arenas (the GIL already serialises the threads'
Python work, so they gain little from separate arenas). ``mallopt(M_ARENA_MAX)`` is
glibc's own switch for this, the same as the ``MALLOC_ARENA_MAX`` environment variable,
but set from the worker itself so that it holds however the worker was started
(``eventsearch serve``, uvicorn's or gunicorn's command line). Elsewhere (musl, macOS)
there is no such switch and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import platform

M_ARENA_MAX = -8  # glibc's malloc.h
log = logging.getLogger("eventsearch")


def limit_malloc_arenas(count: int) -> bool:
    """Let at most *count* malloc arenas be made from now on (0: leave glibc's default).
    Returns whether the limit was set."""
    if count <= 0 or platform.libc_ver()[0] != "glibc":
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    done = bool(ctypes.CDLL(name).mallopt(M_ARENA_MAX, count))
    if not done:
        log.warning("could not limit malloc arenas to %d", count)
    return done
