"""Publishing a finished generation into the directory replicas serve."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from indexer import store
from indexer.build import run

from ..conftest import EXAMPLE_ARCHIVE
from .test_build import write_day


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(EXAMPLE_ARCHIVE, copy)
    return copy


def test_publish_makes_a_complete_copy_current_in_the_target(archive: Path, tmp_path: Path) -> None:
    built = run(archive, tmp_path / "build", workers=1)
    generation, copied = store.publish_to(tmp_path / "build", tmp_path / "pub")
    assert copied and store.current_generation(tmp_path / "pub") == generation
    assert store.read_summary(generation).events == built.events
    source = store.current_generation(tmp_path / "build")
    assert source is not None
    assert sorted(p.name for p in source.rglob("*")) == sorted(
        p.name for p in generation.rglob("*") if p.name != store.SOURCE
    )


def test_publishing_the_same_generation_again_copies_nothing(archive: Path, tmp_path: Path) -> None:
    run(archive, tmp_path / "build", workers=1)
    first, _ = store.publish_to(tmp_path / "build", tmp_path / "pub")
    again, copied = store.publish_to(tmp_path / "build", tmp_path / "pub")
    assert (again, copied) == (first, False)


def test_after_an_incremental_run_unchanged_segments_are_linked_not_copied(
    archive: Path, tmp_path: Path
) -> None:
    run(archive, tmp_path / "build", workers=1)
    first, _ = store.publish_to(tmp_path / "build", tmp_path / "pub")
    write_day(archive)
    assert run(archive, tmp_path / "build", workers=1).mode == "incremental"
    second, copied = store.publish_to(tmp_path / "build", tmp_path / "pub")
    assert copied and second.name > first.name
    segment_files = [f for f in second.iterdir() if re.match(r"MAIN_[a-z0-9]+\.", f.name)]
    old = [f for f in segment_files if (first / f.name).exists()]
    assert old and all(f.samefile(first / f.name) for f in old)
    assert len(segment_files) > len(old)  # the new segment was copied


def test_a_killed_publisher_leaves_the_old_generation_current_and_is_cleaned_up(
    archive: Path, tmp_path: Path
) -> None:
    run(archive, tmp_path / "build", workers=1)
    first, _ = store.publish_to(tmp_path / "build", tmp_path / "pub")
    half = tmp_path / "pub" / ".staging-999999"  # what a publisher killed mid-copy leaves
    half.mkdir()
    (half / "MAIN_partial.seg").write_bytes(b"half")
    write_day(archive)
    run(archive, tmp_path / "build", workers=1)
    assert store.current_generation(tmp_path / "pub") == first  # readers never see `half`
    second, _ = store.publish_to(tmp_path / "build", tmp_path / "pub")
    assert not half.exists() and store.current_generation(tmp_path / "pub") == second


def test_publishing_without_an_index_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no index"):
        store.publish_to(tmp_path / "nothing", tmp_path / "pub")
