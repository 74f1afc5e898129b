"""Any bytes in: an event page or a reasoned skip out, never another exception."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import PageSkipped
from indexer.merge import merge_day
from indexer.parse import Page, decode, parse_listing, parse_page

LINES = st.sampled_from(
    [
        "### [2017-02-3](/news/2017/02/3/index.md)",
        "## [2017-02-3](/news/2017/02/3/index.md)",
        "##### Syrian Civil War",
        "# A title",
        "### Sources:",
        "### Source:",
        "### 信息来源:",
        "### Related:",
        "### 有关:",
        "### Changes:",
        "1. [BBC](http://news.bbc.co.uk/x)",
        "1. [Cover Image](http://x/y.jpg)",
        "2. [x](/zh/news/2017/02/3/y.md) _Context: A, , $_",
        "### [Event](/news/2017/02/3/e.md)",
        "_Context: a, b_",
        "_消息: 中国_",
        "Formats: [HTML](x)",
        "## [Previous Day...](/news/2017/02/2/index.md)",
        "",
        "   ",
        "# ",
        "### [",
        "1. [](",
        "### [2017-13-45](/x)",
        "&amp;&#039;&quot;",
        "''italic''",
        "-{zh-cn:a; zh-tw:b}-",
    ]
)
PAGES = st.lists(st.one_of(LINES, st.text(max_size=80)), max_size=30).map("\n".join)
SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_skip_with_reason(raw: bytes) -> None:
    try:
        text = decode(raw, "news/2017/02/3/x.md")
    except PageSkipped as skip:
        assert skip.reason
        return
    assert isinstance(text, str)


@SLOW
@given(PAGES)
def test_any_page_text_parses_or_skips_with_reason(text: str) -> None:
    try:
        page = parse_page(text, "news/2017/02/3/x.md")
    except PageSkipped as skip:
        assert skip.reason and skip.path == "news/2017/02/3/x.md"
        return
    assert isinstance(page, Page) and page.title and page.date


@SLOW
@given(PAGES, st.lists(PAGES, max_size=4))
def test_any_listing_and_pages_merge_without_error(listing_text: str, pages: list[str]) -> None:
    parsed = []
    for n, text in enumerate(pages):
        with contextlib.suppress(PageSkipped):
            parsed.append(parse_page(text, f"news/2017/02/3/p{n}.md"))
    try:
        listing = parse_listing(listing_text, "news/2017/02/3/index.md")
    except PageSkipped:
        listing = []
    result = merge_day(parsed, listing, {"syriancivilwar"})
    ids = [i for e in result.events for i in e.all_ids]
    assert len(ids) == len(set(ids))  # every id belongs to one event
    assert len(result.events) <= len(parsed) + len(listing)
