"""Per-client token buckets: in one process, or in a table every worker process shares.

uvicorn's ``--workers`` are separate processes, so buckets kept in a dict are per worker
and a client spreading its requests over fresh connections gets its budget once per
worker (with 2 workers, 241 of a 400-request burst passed a 120/minute limit). So
``eventsearch serve`` creates one small file before the workers start and names it in
``EVENTSEARCH_RATE_LIMIT_FILE``; each worker maps it into memory and takes tokens from it
under ``flock``. It is not a setting: without it (TestClient, a bare ``uvicorn``) each
process keeps its own buckets.

The file, a fixed-size table (1 MiB; sparse until slots are used)::

    bytes 0..15               random key of the slot hash, so no one can aim at a slot
    16 + 16 * slot            tokens (float64), last (float64: time.monotonic(), which is
                              system-wide on Linux; 0.0 = slot never used)

A client's slot is ``blake2b(address, key) mod SLOTS``. Two clients in the same slot share
one budget; with 65,536 slots that happens to about 1.5% of clients when 1,000 are active
in the same minute, and matters only if both are near the limit.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import math
import mmap
import os
import secrets
import struct
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

FILE_ENV = "EVENTSEARCH_RATE_LIMIT_FILE"  # set by `eventsearch serve` only
SLOTS = 65_536
KEY_BYTES = 16
SLOT = struct.Struct("=dd")  # tokens, last
MAX_CLIENTS = 100_000  # in-process buckets are dropped past this (address churn)


class Buckets(Protocol):
    def take(self, client: str, now: float | None = None, cost: int = 1) -> int:
        """0 when allowed (*cost* tokens taken), else seconds until they are available."""
        ...


def take_token(tokens: float, elapsed: float, rate: int, cost: int = 1) -> tuple[float, int]:
    """Refill a bucket of *rate* a minute for *elapsed* seconds, then take *cost* tokens
    (at most *rate*: a request dearer than the whole budget costs all of it).

    Returns the tokens left and 0, or (when too few) the tokens and whole seconds to wait.
    """
    per_second = rate / 60.0
    cost = min(cost, rate)
    tokens = min(float(rate), tokens + max(0.0, elapsed) * per_second)
    if tokens < cost:
        return tokens, max(1, math.ceil((cost - tokens) / per_second))
    return tokens - cost, 0


class TokenBuckets:
    """One process's buckets: *rate* requests a minute, bursts up to *rate*."""

    def __init__(self, rate: int, max_clients: int = MAX_CLIENTS) -> None:
        self.rate = rate
        self.buckets: dict[str, tuple[float, float]] = {}
        self.max_clients = max_clients

    def take(self, client: str, now: float | None = None, cost: int = 1) -> int:
        now = time.monotonic() if now is None else now
        tokens, last = self.buckets.get(client, (float(self.rate), now))
        tokens, wait = take_token(tokens, now - last, self.rate, cost)
        if len(self.buckets) >= self.max_clients and client not in self.buckets:
            self.buckets.clear()  # crude bound on memory under address churn
        self.buckets[client] = (tokens, now)
        return wait


def create_table(directory: Path | None = None, slots: int = SLOTS) -> Path:
    """A new, empty shared table (a private temporary file); the caller removes it."""
    fd, name = tempfile.mkstemp(prefix="eventsearch-rate-", suffix=".buckets", dir=directory)
    with os.fdopen(fd, "wb") as table:
        table.write(secrets.token_bytes(KEY_BYTES))
        table.truncate(KEY_BYTES + slots * SLOT.size)  # zeros: every slot unused
    return Path(name)


class SharedBuckets:
    """Buckets in a table made by :func:`create_table`, shared by every process mapping it."""

    def __init__(self, path: Path, rate: int) -> None:
        self.rate = rate
        # A bare descriptor (not a file object): workers keep it for their lifetime.
        self._fd = os.open(path, os.O_RDWR)
        self._map = mmap.mmap(self._fd, 0)
        self._key = bytes(self._map[:KEY_BYTES])
        self.slots = (len(self._map) - KEY_BYTES) // SLOT.size

    def slot(self, client: str) -> int:
        digest = hashlib.blake2b(client.encode(), key=self._key, digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.slots

    def take(self, client: str, now: float | None = None, cost: int = 1) -> int:
        offset = KEY_BYTES + self.slot(client) * SLOT.size
        with self._locked():
            now = time.monotonic() if now is None else now  # read under the lock: in order
            tokens, last = SLOT.unpack_from(self._map, offset)
            if last == 0.0:
                tokens, last = float(self.rate), now
            tokens, wait = take_token(tokens, now - last, self.rate, cost)
            SLOT.pack_into(self._map, offset, tokens, now)
        return wait

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # One lock for the whole table: it is held for a few microseconds per request,
        # far less than a request costs, so per-slot locks would buy nothing.
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


def buckets_for(rate: int, environ: Mapping[str, str] | None = None) -> Buckets:
    """The shared table when ``eventsearch serve`` made one, else this process's own."""
    path = (os.environ if environ is None else environ).get(FILE_ENV)
    return SharedBuckets(Path(path), rate) if path else TokenBuckets(rate)
