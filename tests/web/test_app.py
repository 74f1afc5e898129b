"""The application factory hands each setting to the part it tunes."""

from __future__ import annotations

from pathlib import Path

from eventsearch.settings import Settings
from search.service import RESULT_CACHE_BYTES
from search.snapshot import CACHE_BYTES
from web.app import create_app


def test_the_term_cache_setting_reaches_search(example_index: Path) -> None:
    app = create_app(Settings.load({}, index=str(example_index), term_cache_mb=8))
    assert app.state.eventsearch.search.snapshot().cache.cache.maxsize == 8 << 20


def test_served_memory_defaults_are_the_search_librarys() -> None:
    """`serve` and an in-process Search (the CLI, bench) keep as much by default."""
    defaults = Settings.load({})
    assert (defaults.cache_mb << 20) * 2 // 3 == RESULT_CACHE_BYTES  # results: two thirds
    assert defaults.term_cache_mb << 20 == CACHE_BYTES
