"""The synonym list: how its rules read, and what the shipped list says."""

from __future__ import annotations

import pytest

from search import synonyms
from search.query import build_query, text_terms


def test_short_forms_expand_one_way_and_names_both_ways() -> None:
    table = synonyms.parse("# a comment\nshort\tquake\tearthquake\nname\t特朗普\t川普|床铺\n")
    assert table["quake"] == ("earthquake",) and "earthquake" not in table
    assert table["川普"] == ("特朗普", "床铺") and table["特朗普"] == ("川普", "床铺")


def test_words_compare_folded_case_and_script() -> None:
    assert synonyms.alternatives("Quake") == ("earthquake",)
    assert synonyms.alternatives("un") == synonyms.alternatives("UN") == ("United Nations",)
    assert "奥巴马" in synonyms.alternatives("歐巴馬")  # Traditional 歐 is Simplified 欧


@pytest.mark.parametrize(
    "line", ["short\tquake", "slang\tquake\tearthquake", "short\t\tearthquake", "short\tq\t"]
)
def test_a_malformed_rule_is_refused_with_its_line(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        synonyms.parse(line)


def test_the_shipped_list_reads_and_knows_the_common_forms() -> None:
    table = synonyms.table()
    known = ("quake", "un", "911", "本拉登", "川普", "贾伯斯", "伊波拉", "马航", "非典", "纽西兰")
    for word in known:
        assert table.get(synonyms.fold_word(word)), word


def test_a_synonym_is_an_alternative_at_lower_weight() -> None:
    query = build_query("quake").query
    assert {"quak", "earthquak"} <= text_terms(query)
    weighted = [q for q in query.subqueries if q.boost != 1]
    assert [q.boost for q in weighted] == [synonyms.WEIGHT]


def test_a_known_synonym_is_not_offered_for_spelling_correction() -> None:
    assert build_query("quake japan").words == ("japan",)


def test_an_excluded_word_excludes_its_synonyms_too() -> None:
    assert "earthquak" in str(build_query("japan -quake").query)
