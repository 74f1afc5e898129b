"""``python -m bench.scale`` end to end at two small sizes (the curve of the benchmark in
small): every engine and size reaches the report, the plot is drawn, a size run alone is
merged with those run before, and the report names no folder of this machine."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bench.common import ROOT
from bench.common import revision as revision_of_checkout
from bench.scale import BUILT, engines, eventsearch_index, main, parse_args
from bench.scale_report import NAMES

SIZES = (300, 1200)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("matplotlib", reason="the dev extra: pip install -e '.[dev]'")
    folder = tmp_path_factory.mktemp("scale")
    out = folder / "docs" / "scale.md"
    common = ["--quick", "--work", str(folder / "data"), "--scratch", str(folder / "scratch"),
              "--out", str(out), "--levels", "1,8", "--datasette-at", str(SIZES[0])]  # fmt: skip
    main(["--sizes", str(SIZES[0]), *common])
    main(["--sizes", str(SIZES[1]), *common])  # merged into the first run's JSON
    return out


def test_every_engine_and_size_reaches_the_report_and_the_plot(report: Path) -> None:
    text = report.read_text("utf-8")
    found = engines()
    for size in SIZES:
        assert f"\n## {size:,} events\n" in text
    for engine in found:
        assert f"\n| {NAMES[engine]} | " in text
    assert text.count("| eventsearch HTTP (result cache off) (2 workers) | ") == len(SIZES)
    datasette = importlib.util.find_spec("datasette") is not None  # the bench extra
    assert text.count("| Datasette HTTP (1 worker) | ") == datasette  # at --datasette-at
    assert "\n## How cost grows\n" in text and f"{SIZES[0]:,} → {SIZES[1]:,}" in text
    runs = json.loads(report.with_suffix(".json").read_text("utf-8"))["runs"]
    assert sorted(runs) == sorted(map(str, SIZES))
    assert all(sorted(runs[str(n)]["engines"]) == sorted(found) for n in SIZES)
    assert report.with_suffix(".png").read_bytes().startswith(b"\x89PNG")


def test_each_size_names_the_revision_it_ran_from(report: Path) -> None:
    runs = json.loads(report.with_suffix(".json").read_text("utf-8"))["runs"]
    revision = revision_of_checkout()
    assert {runs[str(n)]["revision"] for n in SIZES} == {revision}
    assert f" | {revision} | " in report.read_text("utf-8")


def test_the_report_says_what_each_index_s_bytes_are(report: Path) -> None:
    runs = json.loads(report.with_suffix(".json").read_text("utf-8"))["runs"]
    for size in SIZES:
        figures = runs[str(size)]["engines"]
        kinds = figures["eventsearch"]["bytes_by_kind"]
        assert {"stored fields", "postings + positions", "term dictionary"} <= set(kinds)
        if "tantivy" in figures:
            assert {"stored fields", "postings", "positions"} <= set(
                figures["tantivy"]["bytes_by_kind"]
            )
    text = report.read_text("utf-8")
    assert text.count("What the index bytes are (MB):") == len(SIZES)
    (line,) = [x for x in text.splitlines() if x.startswith("- eventsearch (in process): ")][:1]
    assert "stored fields " in line and "postings + positions " in line


def test_the_report_names_the_machine_and_no_folder_of_it(report: Path) -> None:
    text = report.read_text("utf-8")
    assert " cores, " in text and " GiB; " in text and "CPython " in text
    assert str(ROOT) not in text and str(report.parent) not in text


def test_the_report_is_rendered_again_from_its_json_alone(report: Path) -> None:
    before = report.read_text("utf-8")
    report.unlink()
    main(["--render", "--out", str(report)])
    assert report.read_text("utf-8") == before


def test_a_reused_index_reports_the_build_that_made_it(tmp_path: Path) -> None:
    common = ["--sizes", "300", "--work", str(tmp_path / "data"), "--scratch", str(tmp_path)]
    assert main(["--build-only", *common]) == 0
    recorded = json.loads((tmp_path / "n300" / BUILT).read_text("utf-8"))
    assert recorded["build_s"] > 0 and recorded["built_at_revision"] == revision_of_checkout()
    args = parse_args(["--reuse", *common])
    before = {"engines": {"eventsearch": {"build_s": 1e9}}, "started": "an older run"}
    index, figures = eventsearch_index(args, tmp_path / "data", tmp_path / "n300", before)
    assert figures == recorded  # not the figures of the size's run before
    assert (index / "CURRENT").exists()
