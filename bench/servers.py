"""Servers the benchmarks start on 127.0.0.1, each in its own process group, always stopped.

``Server`` starts a command (``eventsearch serve``, ``datasette serve``), waits for the
first HTTP 200 to a probe path and for every uvicorn worker to log its start-up, and stops
the whole process group on exit, stragglers included.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench.common import ROOT, ms_since
from bench.loadgen import get

HOST = "127.0.0.1"
READY_TIMEOUT_S = 180.0
POLL_S = 0.02
READY_LINE = "Application startup complete"  # what uvicorn logs once per worker

log = logging.getLogger("bench.servers").info


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def eventsearch_command(python: str, index: Path, port: int, *options: str) -> list[str]:
    """``eventsearch serve`` on *port* of 127.0.0.1 with *options* (e.g. ``--workers 2``)."""
    return [python, "-m", "eventsearch.cli", "serve", "--index", str(index), "--port", str(port),
            "--host", HOST, *options]  # fmt: skip


class Server:
    """A server process in its own process group; stopped (group-wide) on exit."""

    def __init__(
        self,
        name: str,
        command: list[str],
        port: int,
        probe_path: str,
        log_path: Path,
        env: dict[str, str],
        ready_lines: int,
    ) -> None:
        self.name, self.command, self.port = name, command, port
        self.probe_path, self.log_path, self.env = probe_path, log_path, env
        self.ready_lines = ready_lines
        self.proc: subprocess.Popen[bytes] | None = None
        self.first_200_ms = math.nan
        self.all_ready_ms = math.nan

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None, f"{self.name} was not started"
        return self.proc.pid

    def start(self) -> None:
        """Start the process; return once it answers 200 and every worker is up."""
        log(f"{self.name}: starting on port {self.port}")
        started = time.perf_counter()
        with self.log_path.open("wb") as handle:
            self.proc = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = started + READY_TIMEOUT_S
        self._wait_for_200(deadline)
        self.first_200_ms = ms_since(started)
        if self._wait_for_workers(deadline):
            self.all_ready_ms = ms_since(started)
        log(f"{self.name}: first 200 after {self.first_200_ms:,.0f} ms")

    def _wait_for_200(self, deadline: float) -> None:
        assert self.proc is not None
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text("utf-8", "replace").strip().splitlines()[-3:]
                raise RuntimeError(
                    f"{self.name} exited ({self.proc.returncode}): {' / '.join(tail)[-400:]}"
                )
            with contextlib.suppress(OSError):
                if get(HOST, self.port, self.probe_path, timeout=60)[0] == 200:
                    return
            time.sleep(POLL_S)
        raise RuntimeError(f"{self.name} answered no 200 in {READY_TIMEOUT_S:.0f} s")

    def _wait_for_workers(self, deadline: float) -> bool:
        """Whether every worker logged its start-up before *deadline*."""
        while time.perf_counter() < deadline:
            if self.log_path.read_text("utf-8", "replace").count(READY_LINE) >= self.ready_lines:
                return True
            time.sleep(POLL_S)
        return False

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):  # stragglers of the group
            os.killpg(proc.pid, signal.SIGKILL)
        log(f"{self.name}: stopped")
