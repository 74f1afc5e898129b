"""The real-archive tests find their archives where EVENTSEARCH_TEST_CORPUS says."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CORPUS_ENV, DEFAULT_CORPUS, ROOT, corpus_root, need_corpus


def test_corpus_defaults_to_the_shared_folder_beside_the_checkout() -> None:
    assert corpus_root({}) == DEFAULT_CORPUS == ROOT.parent / "shared" / "corpus"
    assert corpus_root({CORPUS_ENV: ""}) == DEFAULT_CORPUS


def test_the_variable_points_the_corpus_tests_anywhere(tmp_path: Path) -> None:
    (tmp_path / "zh" / "news").mkdir(parents=True)
    root = corpus_root({CORPUS_ENV: str(tmp_path)})
    assert root == tmp_path
    assert need_corpus(root / "zh") == tmp_path / "zh"


def test_a_missing_archive_skips_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match=f"set {CORPUS_ENV} to a folder holding"):
        need_corpus(corpus_root({CORPUS_ENV: str(tmp_path)}) / "en")


def test_a_variable_naming_no_folder_fails_rather_than_skips(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=f"{CORPUS_ENV}=.* is not a folder"):
        corpus_root({CORPUS_ENV: str(tmp_path / "typo")})
