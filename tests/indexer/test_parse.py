"""The parser, one archive variant at a time, from small fixture pages written here."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.errors import PageSkipped
from indexer.event import Related, Source
from indexer.parse import MAX_PAGE_BYTES, decode, page_id, parse_listing, parse_page

DAY = "news/2020/01/5"
PAGE_PATH = f"{DAY}/the-examplia-harbour-board-opens-a-second-ferry-pier.md"

EN_PAGE = """\
### [2020-01-5](/news/2020/01/5/index.md)

##### Examplia ferry network
# The Examplia harbour board opens a second ferry pier.

The board says the pier doubles capacity for morning commuters.


### Source:

1. [Examplia Gazette](https://news.gazette.example.co.uk/2020/01/pier)

### Related:

1. [ The board plans a pier. ](/news/2019/06/12/board-plans-pier.md) _Context: Ferries, Examplia_
"""

ZH_PAGE = """\
### [2020-01-5](/news/2020/01/5/index.md)

##### 示例港渡轮
# 示例港管理局启用第二座渡轮码头。

管理局表示，新码头将使早高峰运力翻倍。


### 信息来源:

1. [示例日报](https://www.ribao.example.cn/2020/01/pier.html)

### 有关:

1. [示例港宣布兴建码头。](/zh/news/2019/06/12/示例港宣布兴建码头.md) _消息: 示例港渡轮_
"""


def page_with(*, title: str = "# A ferry pier opens in Examplia.", body: str = "") -> str:
    """A minimal English page: date line, title, then *body* (summary and sections)."""
    return f"### [2020-01-5](/news/2020/01/5/index.md)\n\n{title}\n\n{body}"


def page_with_sources(heading: str, *items: str) -> str:
    listed = "\n".join(f"1. {item}" for item in items)
    return page_with(body=f"### {heading}\n\n{listed}\n")


# --- event pages -------------------------------------------------------------------------


def test_english_page_gives_date_heading_title_summary_sources_and_related() -> None:
    page = parse_page(EN_PAGE, PAGE_PATH)

    assert page.id == "news/2020/01/5/the-examplia-harbour-board-opens-a-second-ferry-pier"
    assert page.date == dt.date(2020, 1, 5)
    assert page.heading == "Examplia ferry network"
    assert page.title == "The Examplia harbour board opens a second ferry pier."
    assert page.summary == "The board says the pier doubles capacity for morning commuters."
    assert page.sources == (
        Source(
            "Examplia Gazette",
            "https://news.gazette.example.co.uk/2020/01/pier",
            "example.co.uk",
        ),
    )
    assert page.related == (
        Related(
            "news/2019/06/12/board-plans-pier",
            "The board plans a pier.",
            ("Ferries", "Examplia"),
        ),
    )
    assert page.lang == "en"


def test_chinese_page_reads_its_own_section_names_and_context_marker() -> None:
    page = parse_page(ZH_PAGE, f"zh/{DAY}/示例港管理局启用第二座渡轮码头.md")

    assert page.id == "news/2020/01/5/示例港管理局启用第二座渡轮码头"
    assert page.heading == "示例港渡轮"
    assert page.title == "示例港管理局启用第二座渡轮码头。"
    assert page.summary == "管理局表示，新码头将使早高峰运力翻倍。"
    assert [s.name for s in page.sources] == ["示例日报"]
    assert page.sources[0].domain == "example.cn"
    assert page.related == (
        Related("news/2019/06/12/示例港宣布兴建码头", "示例港宣布兴建码头。", ("示例港渡轮",)),
    )
    assert page.lang == "zh"


@pytest.mark.parametrize("heading", ["Source:", "Sources:", "信息来源:", "信息来源：", "Sources"])
def test_every_source_heading_variant_starts_the_sources_list(heading: str) -> None:
    text = page_with_sources(heading, "[Examplia Gazette](https://www.gazette.example.com/a)")

    page = parse_page(text, PAGE_PATH)

    assert [s.name for s in page.sources] == ["Examplia Gazette"]


@pytest.mark.parametrize(
    ("heading", "item", "contexts"),
    [
        (
            "Related:",
            "[A ferry sinks off Examplia.](/news/2018/03/1/a-ferry-sinks-off-examplia.md)"
            " _Context: Ferries, Examplia_",
            ("Ferries", "Examplia"),
        ),
        (
            "有关:",
            "[一艘渡轮沉没。](/zh/news/2018/03/1/一艘渡轮沉没.md) _消息: 渡轮、示例港_",
            ("渡轮", "示例港"),
        ),
        (
            "Related:",
            "[A ferry sinks off Examplia.](/news/2018/03/1/a-ferry-sinks-off-examplia.md)"
            " _Context: Ferries, , $, Examplia, Ferries_",
            ("Ferries", "Examplia"),
        ),
        (
            "Related:",
            "[A ferry sinks off Examplia.](/news/2018/03/1/a-ferry-sinks-off-examplia.md)",
            (),
        ),
    ],
)
def test_related_items_carry_their_contexts(
    heading: str, item: str, contexts: tuple[str, ...]
) -> None:
    page = parse_page(page_with(body=f"### {heading}\n\n1. {item}\n"), PAGE_PATH)

    assert len(page.related) == 1
    assert page.related[0].contexts == contexts
    assert page.related[0].id.startswith("news/2018/03/1/")


def test_related_links_resolve_across_language_prefix() -> None:
    body = "### 有关:\n\n1. [示例新闻。](/zh/news/2011/03/11/示例新闻.md) _消息: 示例_\n"

    page = parse_page(page_with(title="# 示例港启用新码头。", body=body), PAGE_PATH)

    assert [r.id for r in page.related] == ["news/2011/03/11/示例新闻"]


def test_related_item_contexts_resolve_a_variant_block_instead_of_splitting_it() -> None:
    body = (
        "### 有关:\n\n1. [示例电影节开幕。](/zh/news/2009/05/13/示例电影节开幕.md)"
        " _消息: -{zh-cn:甲城; zh-hk:乙城; zh-tw:丙城;}-, 示例电影节_\n"
    )

    page = parse_page(page_with(title="# 示例电影获奖。", body=body), PAGE_PATH)

    assert page.related[0].contexts == ("甲城", "示例电影节")


def test_heading_and_related_contexts_pick_the_same_variant() -> None:
    block = "-{zh-tw:丙城; zh-cn:甲城; zh-hk:乙城}-"
    text = (
        f"### [2020-01-5](/zh/news/2020/01/5/index.md)\n\n##### {block}\n# 示例电影获奖。\n\n"
        f"### 有关:\n\n1. [示例电影节开幕。](/zh/news/2009/05/13/x.md) _消息: {block}_\n"
    )

    page = parse_page(text, PAGE_PATH)

    assert page.heading == page.related[0].contexts[0] == "甲城"


def test_title_and_related_text_lose_template_residue() -> None:
    ref = "[http:--www.example.com-news-1.html 示例社]date=十一月 2017 "
    body = f"### 有关:\n\n1. [示例港启用码头。{ref}](/zh/news/2007/01/2/x.md) _消息: 示例港_\n"

    page = parse_page(
        page_with(title=f"# 示例县{{{{DPP}}}}籍县长就职。{ref}", body=body), PAGE_PATH
    )

    assert page.title == "示例县民主進步黨籍县长就职。"
    assert page.related[0].text == "示例港启用码头。"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/zh/news/2019/03/3/example-slug.md", "news/2019/03/3/example-slug"),
        ("zh/news/2019/03/3/example-slug.md", "news/2019/03/3/example-slug"),
        ("/en/news/2019/03/3/example-slug.md", "news/2019/03/3/example-slug"),
        ("/news/2019/03/3/example-slug.md", "news/2019/03/3/example-slug"),
        ("news/2019/03/3/example-slug.md", "news/2019/03/3/example-slug"),
        ("news/2019/03/3/example-slug", "news/2019/03/3/example-slug"),
        (" news/2019/03/3/example-slug.md ", "news/2019/03/3/example-slug"),
        ("news\\2019\\03\\3\\example-slug.md", "news/2019/03/3/example-slug"),
        ("/zh/news/2019/03/3/示例港启用新码头.md", "news/2019/03/3/示例港启用新码头"),
    ],
)
def test_page_id_drops_language_prefix_leading_slash_and_extension(
    link: str, expected: str
) -> None:
    assert page_id(link) == expected


def test_cover_image_and_img_links_are_images_not_sources() -> None:
    text = page_with_sources(
        "Sources:",
        "[Cover Image](https://img.example.com/cover.jpg)",
        "[Examplia Gazette](https://www.gazette.example.com/a) [IMG](https://img.example.com/a.jpg)",
    )

    page = parse_page(text, PAGE_PATH)

    assert [s.name for s in page.sources] == ["Examplia Gazette"]
    assert page.images == ("https://img.example.com/cover.jpg", "https://img.example.com/a.jpg")


def test_repeated_item_numbers_keep_every_item() -> None:
    text = page_with(
        body=(
            "### Sources:\n\n"
            "1. [Examplia Gazette](https://www.gazette.example.com/a)\n"
            "1. [Harbour Radio](https://radio.harbour.example.org/b)\n"
            "1. [Examplia Gazette](https://www.gazette.example.com/a)\n"
        )
    )

    page = parse_page(text, PAGE_PATH)

    assert [s.name for s in page.sources] == ["Examplia Gazette", "Harbour Radio"]


@pytest.mark.parametrize(
    ("item", "url"),
    [
        (
            "[Wikipedia](https://en.wikipedia.org/wiki/Pier_(architecture))",
            "https://en.wikipedia.org/wiki/Pier_(architecture)",
        ),
        (
            "[Wikipedia](https://en.wikipedia.org/wiki/Pier_(architecture))"
            " [IMG](https://img.example.com/pier_(1).jpg)",
            "https://en.wikipedia.org/wiki/Pier_(architecture)",
        ),
    ],
)
def test_source_url_with_parentheses_is_kept_whole(item: str, url: str) -> None:
    page = parse_page(page_with_sources("Source:", item), PAGE_PATH)

    assert [(s.url, s.domain) for s in page.sources] == [(url, "wikipedia.org")]


def test_source_in_an_archive_wrapper_is_credited_to_the_wrapped_outlet() -> None:
    url = "https://web.archive.org/web/20200105093000/http://www.reuters.com/article/pier"
    page = parse_page(page_with_sources("Source:", f"[Reuters]({url})"), PAGE_PATH)

    assert page.sources == (Source("Reuters", url, "reuters.com"),)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example.com/x",
    ],
)
def test_source_with_an_unsafe_url_keeps_its_name_as_plain_text_and_reports_the_drop(
    url: str,
) -> None:
    page = parse_page(page_with_sources("Source:", f"[Examplia Gazette]({url})"), PAGE_PATH)

    assert page.sources == (Source("Examplia Gazette", "", ""),)
    assert len(page.dropped) == 1
    assert "dropped from source 'Examplia Gazette'" in page.dropped[0]


def test_image_with_an_unsafe_url_is_dropped_and_reported() -> None:
    text = page_with_sources(
        "Sources:",
        "[Cover Image](data:text/html,<script>alert(1)</script>)",
        "[Examplia Gazette](https://www.gazette.example.com/a) [IMG](javascript:alert(1))",
        "[Harbour Radio](https://radio.example.org/b) [IMG](https://img.example.com/b.jpg)",
    )

    page = parse_page(text, PAGE_PATH)

    assert page.images == ("https://img.example.com/b.jpg",)
    assert [s.url for s in page.sources] == [
        "https://www.gazette.example.com/a",
        "https://radio.example.org/b",
    ]
    assert [reason.split(":", 1)[0] for reason in page.dropped] == [
        "unsafe URL scheme 'data' dropped from image",
        "unsafe URL scheme 'javascript' dropped from image",
    ]


def test_source_with_no_name_and_an_unsafe_url_is_dropped_whole() -> None:
    page = parse_page(page_with_sources("Source:", "[](javascript:alert(1))"), PAGE_PATH)

    assert page.sources == ()
    assert page.dropped == (
        "unsafe URL scheme 'javascript' dropped from unnamed source: javascript:alert(1)",
    )


def test_formats_line_before_the_date_line_is_ignored() -> None:
    formats = (
        "Formats: [HTML](/news/2020/01/5/x.html)  [JSON](/news/2020/01/5/x.json)"
        "  [XML](/news/2020/01/5/x.xml)  \n\n"
    )

    page = parse_page(formats + EN_PAGE, PAGE_PATH)

    assert page.date == dt.date(2020, 1, 5)
    assert page.title == "The Examplia harbour board opens a second ferry pier."
    assert "Formats" not in page.summary


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The pier&#039;s opening", "The pier's opening"),
        ("A &quot;historic&quot; day", 'A "historic" day'),
        ("Ferries&nbsp;and&nbsp;buses", "Ferries and buses"),
        ("Ferries &amp; buses", "Ferries & buses"),
        ("Ferries &amp;amp; buses", "Ferries & buses"),  # encoded twice by the generator
    ],
)
def test_html_entities_are_decoded_in_title_and_summary(raw: str, expected: str) -> None:
    page = parse_page(page_with(title=f"# {raw}", body=f"{raw}\n"), PAGE_PATH)

    assert page.title == expected
    assert page.summary == expected


def test_whitespace_is_normalised_in_title_and_summary() -> None:
    text = page_with(
        title="#   The  harbour board\topens a pier.   ",
        body="  The board says\n\nthe pier   doubles capacity.  \n",
    )

    page = parse_page(text, PAGE_PATH)

    assert page.title == "The harbour board opens a pier."
    assert page.summary == "The board says the pier doubles capacity."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The ship ''Examplia Star'' docks.", "The ship Examplia Star docks."),
        ("The ship '''Examplia Star''' docks.", "The ship Examplia Star docks."),
    ],
)
def test_wiki_italics_are_unwrapped(raw: str, expected: str) -> None:
    page = parse_page(page_with(title=f"# {raw}"), PAGE_PATH)

    assert page.title == expected


def test_changes_section_gives_variants_and_current_version() -> None:
    body = (
        "### Changes:\n\n"
        "1. [Ferries: A pier opens.](/news/2020/01/5/ferries-a-pier-opens.md)"
        " _2020-01-06 08:00:00 (First version)_\n"
        "1. [A pier opens.](/news/2020/01/5/a-pier-opens.md) _(Current version)_\n"
    )

    page = parse_page(page_with(body=body), PAGE_PATH)

    assert page.variants == (
        "news/2020/01/5/ferries-a-pier-opens",
        "news/2020/01/5/a-pier-opens",
    )
    assert page.current_variant == "news/2020/01/5/a-pier-opens"
    assert page.related == ()  # the Changes list is not a Related list


def test_page_without_changes_section_has_no_variants() -> None:
    page = parse_page(EN_PAGE, PAGE_PATH)

    assert page.variants == ()
    assert page.current_variant is None


@pytest.mark.parametrize(
    "text",
    [
        "# A ferry pier opens in Examplia.\n\nThe board says so.\n",
        "##### Examplia ferry network\n# A ferry pier opens in Examplia.\n",
        "### [2020-02-30](/news/2020/02/30/index.md)\n\n# A ferry pier opens in Examplia.\n",
        "",
    ],
    ids=["no-date-line", "heading-but-no-date", "impossible-date", "empty"],
)
def test_page_without_date_line_is_skipped_with_reason(text: str) -> None:
    with pytest.raises(PageSkipped) as caught:
        parse_page(text, PAGE_PATH)

    assert caught.value.path == PAGE_PATH
    assert "no date line" in caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "### [2020-01-5](/news/2020/01/5/index.md)\n\n##### Examplia ferry network\n",
        "### [2020-01-5](/news/2020/01/5/index.md)\n\n# \n\nThe board says so.\n",
        "### [2020-01-5](/news/2020/01/5/index.md)\n\n#   &nbsp;  \n",
    ],
    ids=["no-title-line", "blank-title", "title-of-spaces"],
)
def test_page_without_title_is_skipped_with_reason(text: str) -> None:
    with pytest.raises(PageSkipped) as caught:
        parse_page(text, PAGE_PATH)

    assert caught.value.path == PAGE_PATH
    assert "no title" in caught.value.reason


# --- decoding bytes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t", "empty file"),
        (b"### [2020-01-5]\x00\x00# title", "binary file"),
        ("# Caf\u00e9".encode("latin-1"), "not UTF-8"),
        (b"# " + b"a" * MAX_PAGE_BYTES, "too large"),
    ],
    ids=["empty", "only-whitespace", "nul-bytes", "latin-1", "too-large"],
)
def test_decode_refuses_what_is_not_a_page(raw: bytes, reason: str) -> None:
    with pytest.raises(PageSkipped) as caught:
        decode(raw, PAGE_PATH)

    assert caught.value.path == PAGE_PATH
    assert caught.value.reason.startswith(reason)
    assert PAGE_PATH in str(caught.value)


def test_decode_names_the_offset_of_the_first_bad_byte() -> None:
    with pytest.raises(PageSkipped) as caught:
        decode(b"# Caf\xe9", PAGE_PATH)

    assert "offset 5" in caught.value.reason


def test_decode_accepts_utf8_and_drops_a_byte_order_mark() -> None:
    raw = "\ufeff# 示例港启用新码头 café".encode()

    assert decode(raw, PAGE_PATH) == "# 示例港启用新码头 café"


# --- day listings ------------------------------------------------------------------------

EN_LISTING = """\
Formats: [HTML](2020/01/5/index.html)  [JSON](2020/01/5/index.json)  [XML](2020/01/5/index.xml)

## [2020-01-5](/news/2020/01/5/index.md)

##### Examplia ferry network
### [The Examplia harbour board opens a second ferry pier. ](/news/2020/01/5/second-ferry-pier.md)
The board says the pier doubles capacity for morning commuters.

##### Examplia general election
### [Voters in Examplia elect a new parliament. ](/news/2020/01/5/voters-elect.md)
_Context: Elections in Examplia, , Parliament of Examplia, $_

### [A comet is visible over Examplia without a telescope. ](/news/2020/01/5/a-comet.md)
_Context: Astronomy_

## [Previous Day...](/news/2020/01/4/index.md)
"""


def test_listing_entries_keep_heading_summary_and_contexts_in_order() -> None:
    entries = parse_listing(EN_LISTING, f"{DAY}/index.md")

    assert [(e.position, e.heading, e.title) for e in entries] == [
        (0, "Examplia ferry network", "The Examplia harbour board opens a second ferry pier."),
        (1, "Examplia general election", "Voters in Examplia elect a new parliament."),
        (2, None, "A comet is visible over Examplia without a telescope."),
    ]
    assert entries[0].id == "news/2020/01/5/second-ferry-pier"
    assert entries[0].summary == "The board says the pier doubles capacity for morning commuters."
    assert entries[0].contexts == ()
    assert entries[1].summary == ""
    assert entries[2].contexts == ("Astronomy",)
    assert {e.date for e in entries} == {dt.date(2020, 1, 5)}


def test_listing_contexts_drop_empty_items_and_stray_symbols() -> None:
    entries = parse_listing(EN_LISTING, f"{DAY}/index.md")

    assert entries[1].contexts == ("Elections in Examplia", "Parliament of Examplia")


def test_listing_previous_day_link_is_not_an_event_nor_a_summary() -> None:
    entries = parse_listing(EN_LISTING, f"{DAY}/index.md")

    assert len(entries) == 3
    assert all("Previous" not in e.title and "Previous" not in e.summary for e in entries)
    assert all(e.id != "news/2020/01/4/index" for e in entries)


def test_chinese_listing_reads_headings_context_marker_and_previous_day() -> None:
    text = """\
## [2020-01-5](/zh/news/2020/01/5/index.md)

##### 示例港渡轮
### [示例港管理局启用第二座渡轮码头。 ](/zh/news/2020/01/5/示例港管理局启用第二座渡轮码头.md)
##### 示例国大选
### [示例国选民选出新一届议会。 ](/zh/news/2020/01/5/示例国选民选出新一届议会.md)
_消息: 示例国选举、示例国议会_
## [前一天...](/zh/news/2020/01/4/index.md)
"""

    entries = parse_listing(text, f"zh/{DAY}/index.md")

    assert [(e.id, e.heading, e.contexts) for e in entries] == [
        ("news/2020/01/5/示例港管理局启用第二座渡轮码头", "示例港渡轮", ()),
        ("news/2020/01/5/示例国选民选出新一届议会", "示例国大选", ("示例国选举", "示例国议会")),
    ]
    assert [e.position for e in entries] == [0, 1]


def test_chinese_root_listing_skips_today_link_before_the_date() -> None:
    text = """\
## [今天](/zh/news/index.md)

## [2020-01-5](/zh/news/2020/01/5/index.md)

### [示例港启用新码头。](/zh/news/2020/01/5/示例港启用新码头.md)
## [前一天...](/zh/news/2020/01/4/index.md)
"""

    entries = parse_listing(text, "zh/news/index.md")

    assert [(e.date, e.id) for e in entries] == [
        (dt.date(2020, 1, 5), "news/2020/01/5/示例港启用新码头")
    ]


def test_old_listing_with_only_context_lines_has_no_headings() -> None:
    text = """\
## [2005-07-7](/news/2005/07/7/index.md)

### [ Examplia joins a regional trade pact.  ](/news/2005/07/7/trade-pact.md)
_Context: Examplia, trade_

### [ A heatwave closes schools across Examplia. ](/news/2005/07/7/heatwave.md)
_Context: heatwave, Examplia, education_

## [Previous Day...](/news/2005/07/6/index.md)
"""

    entries = parse_listing(text, "news/2005/07/7/index.md")

    assert [(e.heading, e.title, e.contexts, e.summary) for e in entries] == [
        (None, "Examplia joins a regional trade pact.", ("Examplia", "trade"), ""),
        (
            None,
            "A heatwave closes schools across Examplia.",
            ("heatwave", "Examplia", "education"),
            "",
        ),
    ]


def test_listing_heading_applies_only_to_the_next_event() -> None:
    text = """\
## [2020-01-5](/news/2020/01/5/index.md)

##### Examplia ferry network

### [A ferry pier opens. ](/news/2020/01/5/a-ferry-pier-opens.md)
### [A comet is visible. ](/news/2020/01/5/a-comet-is-visible.md)
"""

    entries = parse_listing(text, f"{DAY}/index.md")

    assert [e.heading for e in entries] == ["Examplia ferry network", None]


def test_listing_summary_is_cleaned_like_page_text() -> None:
    text = (
        "## [2020-01-5](/news/2020/01/5/index.md)\n\n"
        "### [A ferry pier opens. ](/news/2020/01/5/a-ferry-pier-opens.md)\n"
        " The board&#039;s  &quot;second&quot; pier.  \n"
    )

    (entry,) = parse_listing(text, f"{DAY}/index.md")

    assert entry.summary == 'The board\'s "second" pier.'


@pytest.mark.parametrize(
    "text",
    [
        "### [A ferry pier opens. ](/news/2020/01/5/a-ferry-pier-opens.md)\n_Context: Ferries_\n",
        "## [Previous Day...](/news/2020/01/4/index.md)\n",
        "",
    ],
    ids=["events-without-date", "only-previous-day", "empty"],
)
def test_listing_without_date_is_skipped_with_reason(text: str) -> None:
    with pytest.raises(PageSkipped) as caught:
        parse_listing(text, f"{DAY}/index.md")

    assert caught.value.path == f"{DAY}/index.md"
    assert "not a day listing" in caught.value.reason


def test_listing_with_date_but_no_events_is_empty() -> None:
    text = (
        "## [2020-01-5](/news/2020/01/5/index.md)\n\n## [Previous Day...](/news/2020/01/4/i.md)\n"
    )

    assert parse_listing(text, f"{DAY}/index.md") == []
