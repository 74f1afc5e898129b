"""Searches over the real archives, for the corpus tests (skipped when they are absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.service import Search


@pytest.fixture(scope="module")
def zh_search(zh_index: Path) -> Iterator[Search]:
    with Search(zh_index) as service:
        yield service


@pytest.fixture(scope="module")
def en_search(en_index: Path) -> Iterator[Search]:
    with Search(en_index) as service:
        yield service
