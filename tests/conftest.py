"""Shared fixtures: the bundled example archive and the real corpora in ../shared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_ARCHIVE = ROOT / "examples" / "archive"
CORPUS = ROOT.parent / "shared" / "corpus"
ZH_CORPUS = CORPUS / "zh"
EN_CORPUS = CORPUS / "en"


def need_corpus(path: Path) -> Path:
    if not (path / "news").is_dir():
        pytest.skip(
            f"real archive not found at {path} (../shared/corpus is only on dev/CI machines)"
        )
    return path


@pytest.fixture(scope="session")
def zh_corpus() -> Path:
    return need_corpus(ZH_CORPUS)


@pytest.fixture(scope="session")
def en_corpus() -> Path:
    return need_corpus(EN_CORPUS)


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
