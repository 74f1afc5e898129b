"""Archives built to attack the indexer: script links, symlinks out of the archive, file
names that make broken addresses. Each is indexed with ``run`` and the index searched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from eventsearch.cli import main
from indexer import store
from indexer.archive import scan
from indexer.build import Report, run
from indexer.days import day_headings, read_day
from indexer.event import Event, Source
from indexer.stored import live_events
from indexer.text import fold_key

DAY = "news/2020/01/1"
GOOD = f"{DAY}/a-ferry-pier-opens"
SECRET = "Zanzibarquux"  # a word only the files outside the archive contain
OUTSIDE = "outside the archive"


def page(day: int = 1, word: str = "ferry", sources: str = "") -> str:
    return (
        f"### [2020-01-{day}](/news/2020/01/{day}/index.md)\n\n##### {word.title()} story\n"
        f"# A {word} pier opens in Examplia.\n\nThe {word} crossing took six years.\n\n"
        f"### Sources:\n\n{sources or '1. [Gazette](https://www.gazette.example.com/a)'}\n"
    )


def archive_with_a_day(tmp_path: Path) -> Path:
    archive = tmp_path / "archive"
    (archive / DAY).mkdir(parents=True)
    (archive / f"{GOOD}.md").write_text(page(), "utf-8")
    return archive


def secret_page(folder: Path, day: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "secret.md"
    target.write_text(page(day, SECRET), "utf-8")
    return target


def indexed(index_dir: Path) -> dict[str, Event]:
    generation = store.current_generation(index_dir)
    assert generation is not None
    return {e.id: e for e in live_events(generation)}


def stored_text(index_dir: Path) -> str:
    """Every stored event, decompressed, as one string to search for leaks."""
    generation = store.current_generation(index_dir)
    assert generation is not None
    events = [e.to_dict() for e in live_events(generation)]
    return json.dumps(events, ensure_ascii=False, default=str)


def skip_reasons(report: Report) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report.skipped}


# --- 1. script URLs ----------------------------------------------------------------------


def test_unsafe_source_and_image_urls_never_reach_the_index_and_are_reported(
    tmp_path: Path,
) -> None:
    archive = archive_with_a_day(tmp_path)
    sources = (
        "1. [Gazette](JaVaScRiPt:alert(document.cookie)) [IMG](vbscript:msgbox(1))\n"
        "1. [Cover Image](data:text/html,<script>alert(1)</script>)\n"
        "1. [Radio](https://radio.example.org/a) [IMG](https://img.example.org/a.jpg)\n"
    )
    (archive / f"{DAY}/hostile.md").write_text(page(word="harbour", sources=sources), "utf-8")

    report = run(archive, tmp_path / "ix", workers=1)

    event = indexed(tmp_path / "ix")[f"{DAY}/hostile"]
    assert event.sources == (
        Source("Gazette", "", ""),
        Source("Radio", "https://radio.example.org/a", "example.org"),
    )
    assert event.images == ("https://img.example.org/a.jpg",)
    leaked = stored_text(tmp_path / "ix").casefold()
    assert "javascript" not in leaked and "vbscript" not in leaked and "data:" not in leaked
    assert report.skipped == []
    assert [(w["path"], w["reason"].split(":", 1)[0]) for w in report.warnings] == [
        (f"{DAY}/hostile.md", "unsafe URL scheme 'javascript' dropped from source 'Gazette'"),
        (f"{DAY}/hostile.md", "unsafe URL scheme 'vbscript' dropped from image"),
        (f"{DAY}/hostile.md", "unsafe URL scheme 'data' dropped from image"),
    ]
    assert report.as_dict()["warnings"] == report.warnings  # what `index --json` prints


def test_warnings_survive_a_run_that_finds_nothing_changed(tmp_path: Path) -> None:
    archive = archive_with_a_day(tmp_path)
    sources = "1. [Gazette](javascript:alert(1))"
    (archive / f"{DAY}/hostile.md").write_text(page(word="harbour", sources=sources), "utf-8")
    first = run(archive, tmp_path / "ix", workers=1)

    again = run(archive, tmp_path / "ix", workers=1)

    assert again.mode == "unchanged"
    assert again.warnings == first.warnings and len(first.warnings) == 1


def test_index_command_prints_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = archive_with_a_day(tmp_path)
    sources = "1. [Gazette](javascript:alert(1))"
    (archive / f"{DAY}/hostile.md").write_text(page(word="harbour", sources=sources), "utf-8")
    command = ["index", str(archive), "--index", str(tmp_path / "ix"), "--workers", "1"]

    assert main([*command, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert main(command) == 0

    assert [w["path"] for w in printed["warnings"]] == [f"{DAY}/hostile.md"]
    assert "; 1 warnings (see --json)" in capsys.readouterr().out


# --- 2. symlinks out of the archive ------------------------------------------------------


def test_page_symlinked_to_a_file_outside_the_archive_is_skipped(tmp_path: Path) -> None:
    archive = archive_with_a_day(tmp_path)
    target = secret_page(tmp_path / "outside")
    link = archive / DAY / "x.md"
    link.symlink_to(os.path.relpath(target, link.parent))  # ../../../../../outside/secret.md

    report = run(archive, tmp_path / "ix", workers=1)

    assert skip_reasons(report)[f"{DAY}/x.md"] == OUTSIDE
    assert SECRET.casefold() not in stored_text(tmp_path / "ix").casefold()
    assert list(indexed(tmp_path / "ix")) == [GOOD]


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs /etc/passwd")
@pytest.mark.parametrize("name", ["passwd.md", "index.md"])
def test_page_or_listing_symlinked_to_etc_passwd_is_skipped_unread(
    tmp_path: Path, name: str
) -> None:
    archive = archive_with_a_day(tmp_path)
    (archive / DAY / name).symlink_to("/etc/passwd")

    report = run(archive, tmp_path / "ix", workers=1)

    assert skip_reasons(report)[f"{DAY}/{name}"] == OUTSIDE
    assert "root:" not in stored_text(tmp_path / "ix")


@pytest.mark.parametrize(
    ("linked", "target_day"),
    [
        ("news/2020/01/2", "."),  # a day folder
        ("news/2020/02", "1"),  # a month folder
        ("news/2021", "01/1"),  # a year folder
    ],
)
def test_folder_symlinked_outside_the_archive_is_skipped_and_reported(
    tmp_path: Path, linked: str, target_day: str
) -> None:
    archive = archive_with_a_day(tmp_path)
    outside = tmp_path / "outside" / "tree"
    secret_page(outside / target_day, day=2)
    link = archive / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)

    report = run(archive, tmp_path / "ix", workers=1)

    assert skip_reasons(report)[linked] == OUTSIDE
    assert SECRET.casefold() not in stored_text(tmp_path / "ix").casefold()


def test_news_folder_symlinked_outside_the_archive_is_not_walked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    secret_page(outside / "2020/01/1")
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "news").symlink_to(outside, target_is_directory=True)

    found = scan(archive)

    assert found.days == {}
    assert found.stray == [("news", OUTSIDE)]


def test_folder_symlinked_inside_the_archive_is_reported_not_followed(tmp_path: Path) -> None:
    archive = archive_with_a_day(tmp_path)
    (archive / "news/2020/01/2").symlink_to("1", target_is_directory=True)

    report = run(archive, tmp_path / "ix", workers=1)

    assert skip_reasons(report)["news/2020/01/2"] == "symlinked folder not followed"
    assert list(indexed(tmp_path / "ix")) == [GOOD]


def test_page_symlinked_to_a_file_inside_the_archive_is_indexed(tmp_path: Path) -> None:
    archive = archive_with_a_day(tmp_path)
    shared = archive / "drafts" / "harbour.md"
    shared.parent.mkdir()
    shared.write_text(page(word="harbour"), "utf-8")
    link = archive / DAY / "harbour.md"
    link.symlink_to(os.path.relpath(shared, link.parent))

    report = run(archive, tmp_path / "ix", workers=1)

    assert report.skipped == []
    assert sorted(indexed(tmp_path / "ix")) == [GOOD, f"{DAY}/harbour"]


@pytest.mark.parametrize("swapped", ["page", "day folder"])
def test_page_swapped_for_a_link_outside_after_the_scan_is_not_read(
    tmp_path: Path, swapped: str
) -> None:
    archive = archive_with_a_day(tmp_path)
    day = scan(archive).days[DAY]
    outside = tmp_path / "outside"
    secret = secret_page(outside)
    if swapped == "page":
        (archive / f"{GOOD}.md").unlink()
        (archive / f"{GOOD}.md").symlink_to(secret)
    else:
        (archive / DAY).rename(tmp_path / "moved-away")
        (archive / DAY).symlink_to(outside, target_is_directory=True)
        (outside / "a-ferry-pier-opens.md").write_text(page(word=SECRET), "utf-8")

    events, report = read_day(day, set())

    assert events == []
    assert report.skipped == [(f"{GOOD}.md", OUTSIDE)]
    assert fold_key(f"{SECRET} story") not in day_headings(day)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_named_like_a_page_is_skipped_without_blocking_the_run(tmp_path: Path) -> None:
    archive = archive_with_a_day(tmp_path)
    os.mkfifo(archive / DAY / "pipe.md")

    report = run(archive, tmp_path / "ix", workers=1)

    assert skip_reasons(report) == {f"{DAY}/pipe.md": "not a regular file"}
    assert list(indexed(tmp_path / "ix")) == [GOOD]


# --- 3. file names that make broken addresses --------------------------------------------

BAD_NAMES = ["..md", "...md", ".md", "new\nline.md", "tab\there.md", "bell\x07.md"]
BAD_NAMES += ["back\\slash.md", "\u202eevil.md", " leading-space.md", "trailing-space .md"]


def test_file_names_that_make_no_usable_address_are_skipped(tmp_path: Path) -> None:
    archive = archive_with_a_day(tmp_path)
    for n, name in enumerate(BAD_NAMES):
        (archive / DAY / name).write_text(page(word=f"word{n}x"), "utf-8")
    os.close(os.open(os.fsencode(archive / DAY) + b"/bad-utf8-\xff.md", os.O_CREAT | os.O_WRONLY))

    report = run(archive, tmp_path / "ix", workers=1)

    unusable = [s for s in report.skipped if "not usable as an event address" in s["reason"]]
    assert len(unusable) == len(BAD_NAMES) + 1 == len(report.skipped)
    assert all(s["path"].isprintable() for s in unusable)  # names are shown escaped
    assert f"{DAY}/new\\nline.md" in {s["path"] for s in unusable}
    assert list(indexed(tmp_path / "ix")) == [GOOD]


def test_day_folder_name_with_a_trailing_newline_is_not_a_day(tmp_path: Path) -> None:
    archive = archive_with_a_day(tmp_path)
    (archive / f"{DAY}\n").mkdir()
    (archive / f"{DAY}\n" / "harbour.md").write_text(page(word="harbour"), "utf-8")

    report = run(archive, tmp_path / "ix", workers=1)

    assert skip_reasons(report) == {f"{DAY}\\n/harbour.md": "not in a news/YYYY/MM/D/ folder"}
    assert list(indexed(tmp_path / "ix")) == [GOOD]


@pytest.mark.parametrize("name", [".hidden-draft.md", "v1.2-release.md", "示例港码头.md"])
def test_unusual_but_usable_file_names_are_indexed(tmp_path: Path, name: str) -> None:
    archive = archive_with_a_day(tmp_path)
    (archive / DAY / name).write_text(page(word="harbour"), "utf-8")

    report = run(archive, tmp_path / "ix", workers=1)

    assert report.skipped == []
    assert f"{DAY}/{name[:-3]}" in indexed(tmp_path / "ix")
