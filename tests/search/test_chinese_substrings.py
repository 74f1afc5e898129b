"""A Chinese word is found wherever it is in the text, even where the segmenter glued it
into a longer word, and a whole-word match still ranks above a mere substring.

Every page here is made up, in the archive's format, with the shapes of the cases that
failed on the real archive: a word inside a longer dictionary word (国际红十字会), a name
glued to the next character (石北俊因), a compound split differently (全国政协 委员), a
people's name with 人 (亚美尼亚人), a city inside a longer city (圣萨尔瓦多), numbers
with their unit (6.8万, 5.4级), and a false substring (马航 inside 天马航空).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer.build import run
from search.highlight import highlight_summary, highlight_title
from search.params import parse_request
from search.service import Search

# (day, slug, title); the slug is the event id's last part
PAGES = [
    ("2015/03/8", "mh-word", "馬航客機在東岸機場附近失聯"),
    ("2019/06/2", "tianma-substring", "天馬航空客機在東岸機場緊急迫降"),
    ("2016/04/1", "icrc-glued", "國際紅十字會代表抵達東岸難民營"),
    ("2016/05/1", "rc-word", "紅十字會向東岸災民發放物資"),
    ("2014/10/29", "name-glued", "東岸民主黨主席石北俊因批評市長的言論遭撤銷全國政協委員資格"),
    ("2013/01/1", "name-word", "石北俊宣布參選東岸市長"),
    ("2015/04/24", "armenians", "數千名亞美尼亞人在東岸廣場集會"),
    ("2018/05/8", "armenia", "亞美尼亞總理訪問東岸"),
    ("2017/07/1", "san-salvador", "聖薩爾瓦多發生火災"),
    ("2018/02/1", "salvador", "薩爾瓦多總統訪問東岸"),
    ("2019/01/3", "evacuated", "東岸市約6.8萬人撤離"),
    ("2019/02/3", "quake-54", "東岸發生5.4級地震"),
    ("2019/03/3", "quake-68", "東岸發生6.8級地震，1萬人受災"),
    ("2012/01/1", "russian-army", "俄軍在東岸邊境演習"),
    ("2012/02/1", "china-russia", "中俄兩國簽署東岸協議"),
]


def page(day: str, title: str) -> str:
    year, month, date = day.split("/")
    return (
        f"### [{year}-{month}-{date}](/news/{day}/index.md)\n\n##### 東岸新聞\n# {title}\n\n"
        "東岸日報報道。\n\n### 信息来源:\n\n1. [東岸日報](https://www.ribao.example.cn/a.html)\n"
    )


@pytest.fixture(scope="module")
def search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Search]:
    work = tmp_path_factory.mktemp("substrings")
    for day, slug, title in PAGES:
        folder = work / "archive" / "news" / day
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(page(day, title), "utf-8")
    run(work / "archive", work / "index", workers=1)
    with Search(work / "index") as service:
        yield service


def ranked(search: Search, query: str) -> list[str]:
    result = search.search(parse_request([("q", query), ("per_page", "50")]))
    return [hit.event.id.rsplit("/", 1)[1] for hit in result.hits]


@pytest.mark.parametrize(
    ("query", "glued", "whole"),
    [
        ("红十字会", "icrc-glued", "rc-word"),  # inside the dictionary word 国际红十字会
        ("紅十字會", "icrc-glued", "rc-word"),  # ... typed in Traditional
        ("石北俊", "name-glued", "name-word"),  # segmented 石北俊因
        ("亚美尼亚", "armenians", "armenia"),  # segmented 亚美尼亚人
        ("萨尔瓦多", "san-salvador", "salvador"),  # segmented 圣萨尔瓦多
    ],
)
def test_a_word_glued_into_a_longer_one_is_found_after_the_whole_word(
    search: Search, query: str, glued: str, whole: str
) -> None:
    found = ranked(search, query)
    assert found[:2] == [whole, glued]


def test_a_compound_segmented_differently_is_found(search: Search) -> None:
    assert ranked(search, "政协委员") == ["name-glued"]  # the text says 全国政协 委员


def test_whole_word_outranks_a_false_substring_even_when_older(search: Search) -> None:
    assert ranked(search, "马航") == ["mh-word", "tianma-substring"]


@pytest.mark.parametrize(
    ("query", "first"),
    [("6.8万", "evacuated"), ("6.8萬", "evacuated"), ("5.4级", "quake-54"), ("6.8级", "quake-68")],
)
def test_a_number_with_its_unit_finds_the_events_saying_it_first(
    search: Search, query: str, first: str
) -> None:
    assert ranked(search, query)[0] == first


def test_a_single_character_is_found_inside_words(search: Search) -> None:
    found = ranked(search, "俄")
    assert found[0] == "china-russia"  # 俄 is a word of its own there
    assert set(found) == {"china-russia", "russian-army"}


def test_words_typed_together_are_each_found_as_substrings(search: Search) -> None:
    assert ranked(search, "民主党石北俊")[0] == "name-glued"
    assert ranked(search, "石北俊 政协委员") == ["name-glued"]


def test_the_glued_word_is_marked_where_it_matched(search: Search) -> None:
    result = search.search(parse_request([("q", "红十字会")]))
    titles = {hit.event.id.rsplit("/", 1)[1]: hit.title_html for hit in result.hits}
    assert titles["icrc-glued"] == "國際<mark>紅十字會</mark>代表抵達東岸難民營"
    assert titles["rc-word"] == "<mark>紅十字會</mark>向東岸災民發放物資"


def test_a_quoted_phrase_is_found_inside_a_longer_word(search: Search) -> None:
    assert ranked(search, '"红十字会代表"') == ["icrc-glued"]


@pytest.mark.parametrize(
    ("text", "terms", "marked"),
    [
        ("國際紅十字會代表", {"红十字会"}, "國際<mark>紅十字會</mark>代表"),
        ("約6.8萬人撤離", {"6.8万"}, "約<mark>6.8萬</mark>人撤離"),
        (
            "G20峰會 in <Osaka>",
            {"g20峰会", "osaka"},
            "<mark>G20峰會</mark> in &lt;<mark>Osaka</mark>&gt;",
        ),
        ("中俄兩國", {"俄"}, "中<mark>俄</mark>兩國"),
    ],
)
def test_a_substring_is_marked_in_the_original_script(
    text: str, terms: set[str], marked: str
) -> None:
    assert highlight_title(text, terms) == marked
    assert highlight_summary(text, terms) == marked
