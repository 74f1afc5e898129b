"""Highlighting costs what is shown, not what the page holds (issue "Hostile archives" §3)."""

from __future__ import annotations

from collections.abc import Container, Iterator

import pytest

from indexer.analysis import word_spans
from search import highlight
from search.highlight import (
    SCAN_CHARS,
    SNIPPET_CHARS,
    TEXT_CHARS,
    clip,
    highlight_summary,
    highlight_title,
)

BIG = 1_900_000  # just under the indexer's page limit
LATIN = ("alpha beta gamma delta " * (BIG // 23))[:BIG]
HAN = "中华人民共和国国务院" * (BIG // 10)  # no spaces at all
NO_SPACES = "x" * BIG


class Counting:
    """The word matcher, counting the characters it is given and the matches read from it."""

    def __init__(self) -> None:
        self.chars = 0
        self.words = 0

    def __call__(self, text: str, terms: Container[str]) -> Iterator[tuple[int, int]]:
        self.chars += len(text)
        for span in word_spans(text, terms):
            self.words += 1
            yield span


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counting:
    counter = Counting()
    monkeypatch.setattr(highlight, "word_spans", counter)
    return counter


@pytest.mark.parametrize("text", [LATIN, HAN, NO_SPACES], ids=["latin", "han", "no-spaces"])
def test_snippet_of_a_huge_summary_reads_a_bounded_prefix(counted: Counting, text: str) -> None:
    snippet = highlight_summary(text + " needle", {"needl"})
    assert counted.chars <= SCAN_CHARS
    assert "<mark>" not in snippet  # the match is far past what is read
    assert len(snippet) <= SNIPPET_CHARS + 2 * highlight.WORD_CHARS + 4


def test_snippet_stops_reading_at_the_end_of_its_window(counted: Counting) -> None:
    snippet = highlight_summary("needle " + LATIN, {"needl", "alpha"})
    assert snippet.startswith("<mark>needle</mark> <mark>alpha</mark>")
    assert counted.words <= (SNIPPET_CHARS + 2 * highlight.WORD_CHARS) // 5  # 1 word in 4


@pytest.mark.parametrize("text", [LATIN, HAN, NO_SPACES], ids=["latin", "han", "no-spaces"])
def test_huge_title_is_cut_before_it_is_marked(counted: Counting, text: str) -> None:
    marked = highlight_title(text, {"alpha", "中华"})
    assert counted.chars <= TEXT_CHARS
    assert marked.endswith(" …")
    assert len(marked.replace("<mark>", "").replace("</mark>", "")) <= TEXT_CHARS + 2


def test_a_match_deep_in_the_longest_real_summary_is_still_marked() -> None:
    summary = "filler words here " * 200 + "the ceasefire holds"  # ~3,600 characters
    assert len(summary) < SCAN_CHARS
    assert "<mark>ceasefire</mark>" in highlight_summary(summary, {"ceasefir"})


def test_short_texts_are_marked_whole_as_before() -> None:
    assert (
        highlight_title("Floods in <Jakarta>", {"flood"})
        == "<mark>Floods</mark> in &lt;Jakarta&gt;"
    )
    assert highlight_summary("Floods hit", {"hit"}) == "Floods <mark>hit</mark>"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three four", 9, "one two"),  # at a space
        ("x" * 30, 10, "x" * 10),  # no space near: a hard cut
        ("中华人民共和国", 3, "中华人"),
        ("a " * 10, 1, "a"),
    ],
)
def test_clip_cuts_at_a_space_when_there_is_one_near(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected
    assert len(clip(text, limit)) <= limit
