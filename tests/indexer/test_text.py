"""Text clean-up: the wiki markup the generator left, variant blocks, language and script.

Each raw string has the shape of one found in the real archives, with made-up words.
"""

from __future__ import annotations

import re

import pytest

from indexer.analysis import HAN_CHARS, is_han
from indexer.parse import split_contexts
from indexer.text import (
    clean,
    fold_letters,
    has_han,
    lang_of,
    name_key,
    resolve_variants,
    script_of,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a template that renders words becomes those words
        ("示例县选举，{{DPP}}籍候选人当选。", "示例县选举，民主進步黨籍候选人当选。"),
        ("首任{{nonp}}民选县长某某。", "首任無黨籍民选县长某某。"),
        # language and maintenance tags render nothing worth keeping
        ("示例报，查阅。{{en}}", "示例报，查阅。"),
        ("示例事件。{{cn}}", "示例事件。"),
        ("示例报道。{{zh-hant}}", "示例报道。"),
        # a dead-link template's date is all that is left after the reference
        (
            "示例港启用新码头。[http:--www.example.com-news-1.html 示例社]date=十一月 2017 ",
            "示例港启用新码头。",
        ),
        ("示例港启用新码头。date=2018年5月 date=2019年12月", "示例港启用新码头。"),
        ("死亡人数一为7人date=2018年2月 ，一为13人。", "死亡人数一为7人 ，一为13人。"),
        # a template's head cut off by the end of the text
        ("示例周刊]]》被停刊的回应。{{dead link ", "示例周刊》被停刊的回应。"),
        ("{{link-en", ""),
        # a template's tail whose opening was lost
        (
            "link|date=2019年12月 |bot=InternetArchiveBot |fix-attempted=yes }} 示例新闻 ",
            "示例新闻",
        ),
        # citation parameters without their braces
        ("url=https://news.example.hk/1-20190802.htm |date=20190802111847  示例台 ", "示例台"),
        (
            "示例组织宣布升级警戒。 language = zh-hans | author = 某某 | coauthors = | "
            "url = http:--www.example.org-x.html | title = 示例标题 | date = 2009-06-11 | "
            "accessdate = 2010-02-11 ",
            "示例组织宣布升级警戒。",
        ),
        ("某运动员宣布退役。 url=https:--news.example.net-2019-01-x.html ", "某运动员宣布退役。"),
        # a reference's URL with its slashes turned to dashes, its "[" lost
        ("示例公司推出新产品。http:--www.example.com-product", "示例公司推出新产品。"),
        ("示例巨头（en:--news.example.co.uk-1.stm 示例台]", "示例巨头（"),
        # wiki links, whole or half
        ("刊出《[[示例周刊|示例]]》", "刊出《示例》"),
        ("访问[[示例城]]。", "访问示例城。"),
    ],
)
def test_wiki_markup_left_by_the_generator_is_removed(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Formula E=mc2 is quoted",
        "A vote of 3 = 3 ties the council",
        "The band {Examplia} plays",
        "Examplia Gazette | Opinion",
    ],
)
def test_ordinary_text_with_braces_equals_or_bars_is_kept(text: str) -> None:
    assert clean(text) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("在-{zh-tw:乙城; zh-cn:甲城; zh-hk:丙城;}-举行", "在甲城举行"),
        ("-{zh-hans:甲岛; zh-hant:甲島; zh-cn:甲岛屿;}-主权", "甲岛屿主权"),  # zh-cn first
        ("-{zh-hant:甲島; zh-hans:甲岛}-", "甲岛"),
        ("-{zh:甲队;zh-hk:乙队;zh-tw:丙队;}-", "甲队"),
        ("-{zh-tw:乙城; zh-hk:丙城}-", "乙城"),  # none preferred: the first
        ("-{示例}-", "示例"),  # no variants: the text itself
        ("-{zh-cn:甲城; zh-tw:乙城", "甲城"),  # its closing lost
        # its opening lost: the first option, after whatever word the colon ends
        (
            "示例杯决赛 Examplia Cup Final:示例杯;zh-hk:示例盃;zh-tw:示例盃;}-冠军",
            "示例杯决赛 Examplia Cup 示例杯冠军",
        ),
    ],
)
def test_variant_block_gives_its_simplified_mainland_text(raw: str, expected: str) -> None:
    assert resolve_variants(raw).strip() == expected
    assert clean(raw) == expected


def test_topics_split_outside_variant_blocks() -> None:
    topics = "_-{zh-cn:甲城; zh-hk:乙城; zh-tw:丙城;}-, 示例港_"

    assert split_contexts(topics) == ("甲城", "示例港")


def test_topics_split_on_every_separator_the_archive_uses() -> None:
    assert split_contexts("甲国内战、乙国冲突；丙国, 丁国，戊国;己国") == (
        "甲国内战",
        "乙国冲突",
        "丙国",
        "丁国",
        "戊国",
        "己国",
    )


@pytest.mark.parametrize(
    ("text", "lang", "script"),
    [
        ("The Examplia harbour board opens a pier.", "en", ""),
        ("示例港管理局启用第二座渡轮码头。", "zh", "Hans"),
        ("示例港管理局啟用第二座渡輪碼頭。", "zh", "Hant"),
        ("示例國管理局启用新码头。", "zh", "Hans"),  # mixed: more Simplified-only characters
        ("示例國管理局啟用新碼頭。", "zh", "Hant"),
        ("示例港口", "zh", "Hans"),  # no character of either kind
    ],
)
def test_language_and_script_of_text(text: str, lang: str, script: str) -> None:
    assert lang_of(text) == lang
    assert script_of(text) == script


@pytest.mark.parametrize("char", ["\u3400", "\u4e00", "\u9fa5", "\uf900", "\ufa6a"])
def test_every_han_block_counts_as_han_text_everywhere(char: str) -> None:
    # U+F900-FAFF (compatibility ideographs) once went missing from one of three copies
    assert is_han(char) and has_han(f"ab{char}") and lang_of(char) == "zh"
    assert re.fullmatch(f"[{HAN_CHARS}]", char)


@pytest.mark.parametrize("text", ["abc", "İstanbul", "１２３", "，。"])
def test_text_without_han_characters_is_not_han(text: str) -> None:
    assert not has_han(text) and not is_han(text[0])


def test_letters_fold_to_plain_lower_case_keeping_punctuation() -> None:
    assert fold_letters("Nicolás MADURO, Łódź") == "nicolas maduro, lodz"
    assert fold_letters("示例，港") == "示例，港"  # full-width forms stay (fold changes them)


def test_a_name_key_is_what_typed_text_and_names_meet_at() -> None:
    assert name_key("  Nicolás   Maduro ") == "nicolas maduro"
    assert name_key("選舉委員會") == name_key("选举委员会") == "选举委员会"
