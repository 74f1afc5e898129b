"""Whole answers to repeated GETs, served from memory on the event loop.

Search and page handlers run in the thread pool so a slow one never stalls the event
loop; but a hop to a thread, and the GIL hand-offs between the loop and busy threads,
cost more than most answers do (a keystroke's suggestions, a popular search, an event
page that is linked from everywhere). Answers are a function of the URL, a few request
headers and the index generation, so the second request for one is answered here,
without a thread. Only ``200`` answers marked ``public`` are kept, bounded in bytes;
a new generation starts afresh, since the generation is part of the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# cachetools: a well-kept LRU with a size function, so the budget is in bytes.
from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Request headers an answer may depend on; part of the key. Any other header named in a
# response's Vary makes that response uncacheable here, except Accept-Encoding: this sits
# inside the compression middleware, so it keeps answers uncompressed.
KEY_HEADERS = (b"host", b"accept", b"accept-language")
ENTRY_OVERHEAD = 512  # bytes of bookkeeping per kept answer, roughly
MAX_ENTRY_BYTES = 1 << 20  # larger answers are rare and not worth the room


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    def nbytes(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


def _keepable(message: Message) -> bool:
    headers = {k.lower(): v.lower() for k, v in message.get("headers", [])}
    vary = {v.strip().encode() for v in headers.get(b"vary", b"").decode().split(",") if v.strip()}
    return (
        message["status"] == 200
        and b"public" in headers.get(b"cache-control", b"")
        and b"set-cookie" not in headers
        and vary <= {b"accept-encoding", *KEY_HEADERS}
    )


class ResponseCache:
    """Pure ASGI middleware: replay a kept answer, or keep the one the app gives."""

    def __init__(self, app: ASGIApp, generation: Callable[[], str], max_bytes: int) -> None:
        self.app = app
        self.generation = generation
        self.answers: LRUCache[tuple[object, ...], Answer] = LRUCache(
            max_bytes, getsizeof=Answer.nbytes
        )

    def _key(self, scope: Scope) -> tuple[object, ...] | None:
        if scope["type"] != "http" or scope["method"] != "GET" or not self.answers.maxsize:
            return None
        headers = dict(scope["headers"])
        if b"if-none-match" in headers or b"range" in headers:
            return None  # conditional and partial requests go to the app
        try:
            generation = self.generation()
        except Exception:  # no index yet: the app says so
            return None
        wanted = tuple(headers.get(name, b"") for name in KEY_HEADERS)
        return (generation, scope["scheme"], scope["path"], scope["query_string"], wanted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        kept = self.answers.get(key)
        if kept is not None:
            await send(
                {"type": "http.response.start", "status": kept.status, "headers": kept.headers}
            )
            await send({"type": "http.response.body", "body": kept.body})
            return
        await self.app(scope, receive, self._keeping(key, send))

    def _keeping(self, key: tuple[object, ...], send: Send) -> Send:
        start: tuple[int, tuple[tuple[bytes, bytes], ...]] | None = None
        chunks: list[bytes] = []
        size = 0

        async def wrapped(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start" and _keepable(message):
                # copied now: middleware outside (CORS, security headers) edit it in place
                start = (
                    message["status"],
                    tuple((bytes(k), bytes(v)) for k, v in message["headers"]),
                )
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > MAX_ENTRY_BYTES:  # a long stream (an export): let it pass
                    start = None
                    chunks.clear()
                elif not message.get("more_body", False):
                    answer = Answer(*start, b"".join(chunks))
                    if answer.nbytes() <= self.answers.maxsize:
                        self.answers[key] = answer
            await send(message)

        return wrapped
