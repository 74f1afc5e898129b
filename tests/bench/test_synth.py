"""bench.synth: the seeded archive, with its word lists read from bench/data/synth/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bench import synth

# sha256 of the archive written by generate(out, 300, seed=5, zh_share=0.3) before the word
# lists became data files: the same seed must keep writing the same bytes.
ARCHIVE_300_SEED_5 = "9b037dfeb7f48afed347dc6f9bc8dbfb33ae4185d14d21dd074acac132d121f2"


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_a_seed_always_writes_the_same_archive(tmp_path: Path) -> None:
    assert synth.generate(tmp_path, 300, seed=5, zh_share=0.3, writers=0) == 300
    assert digest(tmp_path) == ARCHIVE_300_SEED_5
