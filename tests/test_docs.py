"""README's promises to new users, and the archive format description kept true."""

from __future__ import annotations

import re
import tomllib

import pytest

from indexer.merge import headings_of, merge_day
from indexer.parse import ListingEntry, Page, parse_listing, parse_page

from .conftest import ROOT, corpus_root

README = ROOT / "README.md"
FORMAT_DOC = ROOT / "docs" / "archive-format.md"
# "`news/…/<name>.md`:" then a ```markdown block: each example file in the format doc.
_EXAMPLE = re.compile(r"^`(news/[^`]+\.md)`:\n\n```markdown\n(.*?)^```", re.M | re.S)


def section(markdown: str, title: str) -> str:
    start = markdown.index(f"\n## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


def test_quick_start_is_one_command_to_run_and_one_to_test() -> None:
    quick_start = section(README.read_text("utf-8"), "Quick start")
    assert "scripts/install && .venv/bin/eventsearch serve" in quick_start
    assert "\nscripts/test\n" in quick_start
    assert all((ROOT / "scripts" / name).stat().st_mode & 0o111 for name in ("install", "test"))


def test_quick_start_says_how_to_run_the_other_commands_from_the_venv() -> None:
    quick_start = section(README.read_text("utf-8"), "Quick start")
    assert '\n.venv/bin/eventsearch search "malaysia airlines"\n' in quick_start
    assert "`source .venv/bin/activate`" in quick_start
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts["eventsearch"] == "eventsearch.cli:main"  # what .venv/bin/eventsearch runs


def test_quick_start_names_the_variable_that_moves_the_real_archives() -> None:
    assert "EVENTSEARCH_TEST_CORPUS=" in section(README.read_text("utf-8"), "Quick start")


def test_readme_points_to_the_format_description_in_the_repository() -> None:
    readme = README.read_text("utf-8")
    assert "](docs/archive-format.md)" in readme
    assert "FORMAT.md" not in readme
    assert FORMAT_DOC.is_file()


def examples() -> dict[str, str]:
    found = dict(_EXAMPLE.findall(FORMAT_DOC.read_text("utf-8")))
    assert len(found) == 4, sorted(found)
    return found


def parsed_examples() -> tuple[list[Page], list[ListingEntry]]:
    pages, listing = [], []
    for path, text in examples().items():
        if path.endswith("/index.md"):
            listing = parse_listing(text, path)
        else:
            pages.append(parse_page(text, path))
    return pages, listing


def test_the_page_example_parses_as_the_format_doc_says() -> None:
    pages, _ = parsed_examples()
    ferry = next(p for p in pages if p.title.startswith("A passenger ferry"))
    assert ferry.heading == "March 2018 storms"
    assert ferry.summary.startswith("The coastguard said the ship's hull was not breached")
    assert [(s.name, s.domain) for s in ferry.sources] == [
        ("Reuters", "reuters.com"),
        ("Le Télégramme", "letelegramme.fr"),
        ("Harbour radio", ""),  # its file: URL dropped, the name kept
    ]
    assert ferry.images == (
        "https://images.example.net/ferry-on-rocks.jpg",
        "https://images.example.net/ferry-tugs.jpg",
    )
    assert any(
        "unsafe URL scheme 'file' dropped from source 'Harbour radio'" in d for d in ferry.dropped
    )
    assert ferry.current_variant == ferry.id and len(ferry.variants) == 2
    [related] = ferry.related
    assert related.contexts == ("March 2018 storms", "Brittany")


def test_the_chinese_example_drops_the_language_prefix_from_links() -> None:
    pages, _ = parsed_examples()
    [page] = [p for p in pages if p.lang == "zh"]
    [related] = page.related
    assert related.id.startswith("news/2018/03/7/") and related.contexts == (
        "2018年3月欧洲风暴",
        "布列塔尼",
    )
    assert [s.domain for s in page.sources] == ["rfi.fr"]


def test_the_day_example_merges_as_the_format_doc_says() -> None:
    pages, listing = parsed_examples()
    english = [p for p in pages if p.lang == "en"]
    day = merge_day(english, listing, headings_of(english, listing))
    ferry, schools, court = day.events
    assert ferry.aliases == ("news/2018/03/7/a-passenger-ferry-runs-aground-in-fog-off-brittany",)
    assert ferry.contexts == ("March 2018 storms", "Brittany", "Shipping")
    assert (schools.story, schools.title) == (
        "March 2018 storms",
        "Schools in Rennes stay closed after overnight snow.",
    )
    assert court.listing_only and court.summary.startswith("Boat owners accuse")
    assert (day.listing_only, day.duplicates) == (1, 1)


def test_the_format_doc_is_in_our_own_words() -> None:
    original = corpus_root() / "FORMAT.md"
    if not original.is_file():
        pytest.skip(f"no {original} to compare with")

    def phrases(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.casefold())
        return {tuple(words[i : i + 7]) for i in range(len(words) - 6)}

    shared = phrases(FORMAT_DOC.read_text("utf-8")) & phrases(original.read_text("utf-8"))
    assert not shared, sorted(" ".join(p) for p in shared)[:10]
