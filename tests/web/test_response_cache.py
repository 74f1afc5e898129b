"""Repeated GETs are answered from memory, per index generation, within a byte budget."""

from __future__ import annotations

from collections.abc import AsyncIterator, MutableMapping
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.web.conftest import make_client
from web import data
from web.response_cache import ENTRY_OVERHEAD, ResponseCache


def counting_app(generation: list[str], max_bytes: int = 1 << 20) -> tuple[TestClient, list[str]]:
    calls: list[str] = []

    def answer(request: Request) -> Response:
        calls.append(request.url.path)
        status = int(request.query_params.get("status", "200"))
        cache = request.query_params.get("cache", "public, max-age=60")
        body = request.query_params.get("body", "x") + generation[0]
        return PlainTextResponse(body, status, headers={"Cache-Control": cache})

    app = Starlette(routes=[Route("/{path:path}", answer)])
    wrapped = ResponseCache(app, generation=lambda: generation[0], max_bytes=max_bytes)
    return TestClient(wrapped), calls


def test_a_repeated_get_is_answered_without_the_app() -> None:
    client, calls = counting_app(["g1"])
    first, second = client.get("/a?q=1"), client.get("/a?q=1")
    assert first.text == second.text == "xg1" and calls == ["/a"]
    assert second.headers["cache-control"] == "public, max-age=60"
    client.get("/a?q=2")
    assert calls == ["/a", "/a"]  # another query string is another answer


def test_a_new_generation_is_answered_afresh() -> None:
    generation = ["g1"]
    client, calls = counting_app(generation)
    client.get("/a")
    generation[0] = "g2"
    assert client.get("/a").text == "xg2" and len(calls) == 2


@pytest.mark.parametrize(
    "query", ["status=404", "status=500", "cache=no-store", "cache=private, max-age=60"]
)
def test_errors_and_private_answers_are_never_replayed(query: str) -> None:
    client, calls = counting_app(["g1"])
    client.get(f"/a?{query}")
    client.get(f"/a?{query}")
    assert len(calls) == 2


def test_answers_depend_on_host_and_conditional_requests_reach_the_app() -> None:
    client, calls = counting_app(["g1"])
    client.get("/a", headers={"Host": "one.example"})
    client.get("/a", headers={"Host": "two.example"})
    client.get("/a", headers={"Host": "two.example", "If-None-Match": 'W/"x"'})
    assert len(calls) == 3


def test_kept_answers_stay_within_the_byte_budget() -> None:
    budget = 10 * (1000 + ENTRY_OVERHEAD + 200)
    client, _ = counting_app(["g1"], max_bytes=budget)
    app = client.app
    assert isinstance(app, ResponseCache)
    for number in range(50):
        client.get(f"/a?n={number}&body={'y' * 1000}")
    assert app.answers.currsize <= budget and 0 < len(app.answers) < 50


def test_a_long_stream_passes_through_as_it_comes_and_is_not_kept() -> None:
    from starlette.responses import StreamingResponse

    from web.response_cache import MAX_ENTRY_BYTES

    produced: list[int] = []
    sent: list[tuple[int, int]] = []  # (chunks produced, bytes) as each body message went

    async def chunks() -> AsyncIterator[bytes]:
        for number in range(4):
            produced.append(number)
            yield b"z" * (MAX_ENTRY_BYTES // 2)

    def answer(request: Request) -> Response:
        return StreamingResponse(chunks(), headers={"Cache-Control": "public, max-age=60"})

    cache = ResponseCache(
        Starlette(routes=[Route("/export", answer)]), generation=lambda: "g1", max_bytes=64 << 20
    )
    scope = {
        "type": "http", "method": "GET", "path": "/export", "raw_path": b"/export",
        "query_string": b"", "headers": [], "scheme": "http", "http_version": "1.1",
        "server": ("testserver", 80), "client": ("127.0.0.1", 1), "root_path": "",
    }  # fmt: skip

    requested: list[bool] = []

    async def receive() -> dict[str, object]:
        if requested:  # the client stays connected
            await anyio.sleep_forever()
        requested.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            sent.append((len(produced), len(message["body"])))

    anyio.run(cache, scope, receive, send)
    assert [n for n, _ in sent] == [1, 2, 3, 4]  # each chunk sent before the next is made
    assert sum(size for _, size in sent) == 2 * MAX_ENTRY_BYTES and len(cache.answers) == 0


def test_the_site_answers_a_repeated_search_without_searching_again(
    example_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    searches: list[object] = []
    real = data.search_data

    def counted(*args: object) -> object:
        searches.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(data, "search_data", counted)
    with make_client(example_index) as client:
        pages = [client.get("/search?q=boeing") for _ in range(3)]
        api = [client.get("/api/v1/search?q=boeing") for _ in range(3)]
    assert {p.text for p in pages} == {pages[0].text} and len({a.text for a in api}) == 1
    assert len(searches) == 2  # one for the page, one for the API answer
