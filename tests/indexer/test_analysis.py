"""The shared analyzer on headline-style text in English and Chinese."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.analysis import Analyzer

from indexer.analysis import (
    GramAnalyzer,
    analyze,
    fold_chars,
    gram_positions,
    gram_text,
    grams,
    plain_analyzer,
    query_grams,
    text_analyzer,
    to_simplified,
    word_spans,
)
from indexer.text import has_han


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return text_analyzer()


def terms(analyzer: Analyzer, text: str) -> list[str]:
    return [token.text for token in analyzer(text)]


# --- English -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Gunmen killed four guards", "gunmen killing four guards"),
        ("Floods displace villagers", "flood displaced villager"),
        ("Parliament elects a president", "parliament electing the presidents"),
        ("Protesters march", "protest marches"),
    ],
)
def test_inflected_english_words_share_a_stem(analyzer: Analyzer, one: str, other: str) -> None:
    assert terms(analyzer, one) == terms(analyzer, other)


def test_killed_and_killing_give_the_same_term(analyzer: Analyzer) -> None:
    assert terms(analyzer, "killed") == terms(analyzer, "killing") == ["kill"]


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("Police in Madrid detain Leopoldo López", "police in madrid detain leopoldo lopez"),
        ("Erdoğan visits Gdańsk", "Erdogan visits Gdansk"),
        ("Floods hit São Paulo and Zürich", "floods hit sao paulo and zurich"),
        ("Nicolás Maduro speaks in Łódź", "Nicolas Maduro speaks in Lodz"),
        ("İmamoğlu wins the rerun in Istanbul", "Imamoglu wins the rerun in Istanbul"),
    ],
    ids=["lopez", "erdogan-gdansk", "sao-paulo-zurich", "nicolas-lodz", "dotted-capital-i"],
)
def test_accents_fold_so_plain_spelling_finds_accented_names(
    analyzer: Analyzer, accented: str, plain: str
) -> None:
    assert terms(analyzer, accented) == terms(analyzer, plain)


def test_lopez_query_matches_lopez_in_the_headline(analyzer: Analyzer) -> None:
    headline = terms(analyzer, "A court in Caracas sentences Leopoldo López to prison")

    assert terms(analyzer, "Lopez") == ["lopez"]
    assert "lopez" in headline


def test_english_stop_words_are_dropped(analyzer: Analyzer) -> None:
    assert terms(analyzer, "The mayor of the city is at the harbour with an aide") == [
        "mayor",
        "citi",
        "harbour",
        "aid",
    ]


def test_stop_words_still_take_a_position(analyzer: Analyzer) -> None:
    tokens = [(t.text, t.pos) for t in analyzer("storm in the harbour", positions=True)]

    assert tokens == [("storm", 0), ("harbour", 3)]


def test_us_with_dots_stays_one_token(analyzer: Analyzer) -> None:
    assert terms(analyzer, "The U.S. Senate votes") == ["u.s", "senat", "vote"]
    assert terms(analyzer, "U.S.-led coalition strikes") == ["u.s", "led", "coalit", "strike"]


def test_possessive_is_split_from_the_name(analyzer: Analyzer) -> None:
    assert terms(analyzer, "Kuczynski's government") == ["kuczynski", "govern"]
    assert terms(analyzer, "Kuczynski’s government") == ["kuczynski", "govern"]


def test_numbers_are_kept_whole(analyzer: Analyzer) -> None:
    assert terms(analyzer, "A 6.1 magnitude quake kills 23") == [
        "6.1",
        "magnitud",
        "quak",
        "kill",
        "23",
    ]


def test_plain_analyzer_keeps_words_unstemmed() -> None:
    assert terms(plain_analyzer(), "Floods displaced López") == ["floods", "displaced", "lopez"]


# --- Chinese -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("以色列警方在聖殿山附近逮捕兩名男子", "以色列警方在圣殿山附近逮捕两名男子"),
        ("一場龍捲風襲擊小鎮", "一场龙卷风袭击小镇"),
        ("颱風襲擊臺灣東部", "台风袭击台湾东部"),
    ],
)
def test_traditional_and_simplified_give_the_same_tokens(
    analyzer: Analyzer, traditional: str, simplified: str
) -> None:
    assert terms(analyzer, traditional) == terms(analyzer, simplified)


@pytest.mark.parametrize(
    ("text", "word"), [("聖殿山", "圣殿山"), ("龍捲風", "龙卷风"), ("圣殿山", "圣殿山")]
)
def test_chinese_words_are_segmented_and_simplified(
    analyzer: Analyzer, text: str, word: str
) -> None:
    assert word in terms(analyzer, f"警方称{text}发生事件")


def test_to_simplified_maps_one_character_to_one_character() -> None:
    traditional = "美國亞拉巴馬州遭到龍捲風吹襲"

    simplified = to_simplified(traditional)

    assert simplified == "美国亚拉巴马州遭到龙卷风吹袭"
    assert len(simplified) == len(traditional)


def test_mixed_chinese_and_english_text_gives_both_kinds_of_terms(analyzer: Analyzer) -> None:
    tokens = terms(analyzer, "苹果公司在加州发布新款iPhone手机，售价999美元")

    assert tokens == [
        "苹果公司",
        "在",
        "加州",
        "发布",
        "新款",
        "iphon",
        "手机",
        "售价",
        "999",
        "美元",
    ]


def test_english_words_inside_chinese_text_are_stemmed_and_folded(analyzer: Analyzer) -> None:
    assert terms(analyzer, "委内瑞拉反对派领袖López被捕") == terms(
        analyzer, "委内瑞拉反对派领袖lopez被捕"
    )


def test_index_and_query_see_the_same_whole_chinese_words(analyzer: Analyzer) -> None:
    text = "亚拉巴马州议会通过法案"

    indexed = [(t.text, t.pos) for t in analyzer(text, positions=True, mode="index")]

    assert indexed == [(t.text, t.pos) for t in analyzer(text, positions=True)]
    assert indexed == [("亚拉巴马州", 0), ("议会", 1), ("通过", 2), ("法案", 3)]


# --- Chinese character grams -------------------------------------------------------------


def gram_list(text: str) -> list[tuple[str, int]]:
    return [(g.text, g.pos) for g in grams(text)]


def test_a_chain_gives_its_bigrams_in_a_row_and_each_character_alone() -> None:
    assert gram_list("東岸港務局") == [
        ("东岸", 0),
        ("东", 0),
        ("岸港", 1),
        ("岸", 1),
        ("港务", 2),
        ("港", 2),
        ("务局", 3),
        ("务", 3),
        ("局", 4),
    ]


def test_a_number_touching_han_text_is_one_unit_of_its_chain() -> None:
    assert [g for g, _ in gram_list("約6.8万人")] == ["约6.8", "约", "6.8万", "万人", "万", "人"]
    assert query_grams("6.8萬") == [["6.8万"]]
    assert query_grams("5.4级地震") == [["5.4级", "级地", "地震"]]


def test_chains_are_a_position_apart_and_latin_text_has_no_grams() -> None:
    grams_at = dict(gram_list("甲乙，丙丁 Alpha beta"))
    assert grams_at["甲乙"] == 0 and grams_at["丙丁"] == 3  # position 2 is the gap
    assert "乙丙" not in grams_at
    assert gram_list("Alpha beta 2019") == []


@pytest.mark.parametrize("word", ["红十字会", "龍捲風", "6.8万", "G20峰会", "俄"])
def test_query_grams_spell_the_word_back(word: str) -> None:
    (sequence,) = query_grams(word)
    assert gram_text(sequence) == fold_chars(word)


def test_a_word_glued_into_a_longer_one_is_a_run_of_its_bigrams() -> None:
    text = "东岸国际救援联合会主席来访"  # one word to the segmenter: 救援联合会 is inside it
    positions = gram_positions(text)
    (wanted,) = query_grams("救援联合会")
    (start,) = positions[wanted[0]]
    assert all(positions[gram] == [start + i] for i, gram in enumerate(wanted))


def test_gram_analyzer_matches_the_fast_path_and_points_at_the_original_text() -> None:
    text = "警方在聖殿山附近逮捕兩名男子，約6.8万人 in Jerusalem"
    by_term: dict[str, list[int]] = {}
    for token in GramAnalyzer()(text, positions=True, chars=True):  # one Token, reused
        by_term.setdefault(token.text, []).append(token.pos)
        assert fold_chars(text[token.startchar : token.endchar]) == token.text
    assert by_term == gram_positions(text)


@pytest.mark.parametrize("mode", ["", "index"])
@pytest.mark.parametrize(
    "text",
    [
        "美國亚拉巴马州遭到龍捲風吹襲，至少23人喪生 in Alabama",
        "Police detain Leopoldo López near the harbour",
        "以色列警方關閉聖殿山 after clashes",
    ],
)
def test_char_offsets_point_at_the_original_text(analyzer: Analyzer, text: str, mode: str) -> None:
    spans = [(t.text, text[t.startchar : t.endchar]) for t in analyzer(text, chars=True, mode=mode)]

    assert spans
    for term, original in spans:
        if "\u4e00" <= original[0] <= "\u9fff":
            assert to_simplified(original) == term
        else:
            assert terms(analyzer, original) == [term]


def test_traditional_text_offsets_cover_the_traditional_characters(analyzer: Analyzer) -> None:
    text = "警方在聖殿山附近逮捕兩名男子"

    spans = [(t.text, text[t.startchar : t.endchar]) for t in analyzer(text, chars=True)]

    assert ("圣殿山", "聖殿山") in spans
    assert ("两名", "兩名") in spans
    assert "".join(original for _, original in spans) == text


def test_offsets_account_for_the_start_char(analyzer: Analyzer) -> None:
    (token,) = analyzer("龍捲風", chars=True, start_char=10)

    assert (token.text, token.startchar, token.endchar) == ("龙卷风", 10, 13)


WORDS = ["The", "U.S.", "troops", "may", "Café", "İstanbul", "ＡＢＣ", "中华人民", "共和国", "at"]


@given(st.lists(st.sampled_from([*WORDS, " ", ".", "'", "-"]), max_size=30), st.data())
def test_word_spans_are_the_analyzed_words_outside_han_runs_that_are_terms(
    parts: list[str], data: st.DataObject
) -> None:
    text = "".join(parts)
    analyzed = [t for t in analyze(text) if not has_han(t.text)]
    terms = data.draw(st.sets(st.sampled_from([t.text for t in analyzed] or ["none"])))
    expected = [(t.start, t.end) for t in analyzed if t.text in terms]
    assert list(word_spans(text, terms)) == expected
    assert list(word_spans(text, terms)) == expected  # and again, from the cache
