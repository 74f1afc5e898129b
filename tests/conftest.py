"""Shared fixtures: the bundled example archive and the real archives (zh, en)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_ARCHIVE = ROOT / "examples" / "archive"
CORPUS_ENV = "EVENTSEARCH_TEST_CORPUS"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"  # on dev and CI machines


def corpus_root(environ: Mapping[str, str] | None = None) -> Path:
    """The folder holding the real archives ``zh/`` and ``en/``: the one
    ``EVENTSEARCH_TEST_CORPUS`` names, else ``../shared/corpus``."""
    named = (os.environ if environ is None else environ).get(CORPUS_ENV, "").strip()
    if not named:
        return DEFAULT_CORPUS
    root = Path(named).expanduser()
    if not root.is_dir():  # asked for by name: a typo must not pass as "skipped"
        pytest.fail(f"{CORPUS_ENV}={named!r} is not a folder", pytrace=False)
    return root


def need_corpus(path: Path) -> Path:
    if not (path / "news").is_dir():
        pytest.skip(
            f"real archive not found at {path} (set {CORPUS_ENV} to a folder holding "
            f"zh/ and en/; default ../shared/corpus)"
        )
    return path


@pytest.fixture(scope="session")
def zh_corpus() -> Path:
    return need_corpus(corpus_root() / "zh")


@pytest.fixture(scope="session")
def en_corpus() -> Path:
    return need_corpus(corpus_root() / "en")


@pytest.fixture
def archive_copy(tmp_path: Path) -> Path:
    """A writable copy of the example archive."""
    target = tmp_path / "archive"
    shutil.copytree(EXAMPLE_ARCHIVE, target)
    return target


@pytest.fixture(scope="session")
def example_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example archive, indexed once per test session (read-only for tests)."""
    from indexer.build import run

    index_dir = tmp_path_factory.mktemp("example-index")
    run(EXAMPLE_ARCHIVE, index_dir, workers=1)
    return index_dir


def _built(archive: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    from indexer.build import run

    index = tmp_path_factory.mktemp(name)
    run(archive, index, workers=2)
    return index


@pytest.fixture(scope="session")
def zh_index(zh_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real zh archive, indexed once per test session (read-only for tests)."""
    return _built(zh_corpus, tmp_path_factory, "zh-index")


@pytest.fixture(scope="session")
def en_index(en_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real en sample, indexed once per test session (read-only for tests)."""
    return _built(en_corpus, tmp_path_factory, "en-index")
