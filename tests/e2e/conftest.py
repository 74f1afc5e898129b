"""A real ``eventsearch serve`` on 127.0.0.1, started as a user would start it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from ..conftest import EXAMPLE_ARCHIVE, ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    archive: Path
    index: Path
    process: subprocess.Popen[str]
    log: Path

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")


def wait_until_up(url: str, process: subprocess.Popen[str], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not come up:\n{log.read_text()}")


def start_server(
    tmp: Path,
    workers: int = 2,
    env: dict[str, str] | None = None,
    source: Path = EXAMPLE_ARCHIVE,
) -> Server:
    """``eventsearch serve`` over a copy of the archive *source*, indexed under *tmp*."""
    archive = tmp / "archive"
    shutil.copytree(source, archive)
    index = tmp / "index"
    port = free_port()
    log = tmp / "server.log"
    env = {**os.environ, "EVENTSEARCH_RATE_LIMIT": "0", "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [
        sys.executable,
        "-m",
        "eventsearch.cli",
        "serve",
        "--archive",
        str(archive),
        "--index",
        str(index),
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process, log)
    return Server(url, archive, index, process, log)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("served"))
    yield running
    stop_server(running)


# Debian's chromium, driven by Playwright (no browser download).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """``open_page(viewport, javascript=True, locale=None)``: a fresh tab (in a browser
    set to *locale*, as its Accept-Language and navigator.language) that must log no errors."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(
        viewport: dict[str, int] | None = None, javascript: bool = True, locale: str | None = None
    ) -> Any:
        context = browser.new_context(
            viewport=viewport or {"width": 1200, "height": 900},
            java_script_enabled=javascript,
            locale=locale,
        )
        contexts.append(context)
        opened = context.new_page()
        opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        opened.on("pageerror", lambda e: errors.append(str(e)))
        return opened

    yield make
    for context in contexts:
        context.close()
    assert errors == []  # no script errors, no CSP violations
