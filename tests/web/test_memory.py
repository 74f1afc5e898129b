"""A worker limits glibc's malloc arenas, so request threads share the memory they free."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from eventsearch.settings import Settings
from web import app as web_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's"
)

# Eight threads alive at once each malloc (100 kB: above pymalloc's sizes, below glibc's
# mmap threshold, so from an arena); then glibc's malloc_info lists the arenas (<heap>).
ARENAS_AFTER_THREADS = """
import ctypes, ctypes.util, os, sys, tempfile, threading
from web.memory import limit_malloc_arenas

limit = int(sys.argv[1])
if limit:
    assert limit_malloc_arenas(limit)
barrier = threading.Barrier(8)

def work():
    held = [bytearray(100_000) for _ in range(20)]
    barrier.wait()

threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fdopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
with tempfile.TemporaryFile() as f:
    stream = libc.fdopen(os.dup(f.fileno()), b"w")
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    f.seek(0)
    print(f.read().count(b"<heap nr="))
"""


def arenas_after_threads(limit: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", ARENAS_AFTER_THREADS, str(limit)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(done.stdout)


def test_threads_allocating_at_once_share_the_arenas_the_limit_allows() -> None:
    assert arenas_after_threads(0) > 2  # glibc's default: an arena per thread
    assert arenas_after_threads(2) <= 2


def test_the_app_sets_the_limit_its_settings_give(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[int] = []
    monkeypatch.setattr(web_app, "limit_malloc_arenas", asked.append)
    web_app.create_app(Settings.load({}, index=tmp_path / "index", malloc_arenas="3"))
    assert asked == [3]
