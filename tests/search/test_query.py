"""Query building as values: what a reader types -> the Whoosh query searched."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from whoosh import query as wq

from indexer.schema import TEXT_FIELDS
from search.errors import BadRequest, QueryTooComplex, SearchError
from search.query import (
    MAX_CLAUSES,
    MAX_PART_CHARS,
    MAX_PARTS,
    any_words,
    build_query,
    field_query,
    parse_date_value,
    text_terms,
)

TEXT = ("title", "summary", "story", "outlets")


def anywhere(term: str) -> wq.Query:
    return wq.Or([wq.Term(f, term) for f in TEXT])


def word_or_substring(word: str, grams: list[str]) -> wq.Query:
    """A Han word: the whole word in any field, or its bigrams in a row in any gram field."""
    return wq.Or([anywhere(word), wq.Or([wq.Phrase(f"{f}_grams", grams) for f in TEXT])])


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Syria", anywhere("syria")),
        ("killed civilians", wq.And([anywhere("kill"), anywhere("civilian")])),
        ("López", anywhere("lopez")),
        ("syria OR iraq", wq.Or([anywhere("syria"), anywhere("iraq")])),
        ("-ceasefire", wq.AndNot(wq.Every(), anywhere("ceasefir"))),
        ("syria -ceasefire", wq.AndNot(anywhere("syria"), anywhere("ceasefir"))),
        (
            '"air strike"',
            wq.Or([wq.Phrase(f, ["air", "strike"], slop=1) for f in TEXT]),
        ),
        ('"killed in the attack"', wq.Or([wq.Phrase(f, ["kill", "attack"], slop=3) for f in TEXT])),
        ('context:"Syrian Civil War"', wq.Term("context", "syrian civil war")),
        ("source:news.bbc.co.uk", wq.Term("domain", "bbc.co.uk")),
        ("source:BBC", wq.Term("outlets", "bbc")),
        ("lang:zh", wq.Term("lang", "zh")),
        ("date:2017-02", wq.DateRange("date", day("2017-02-01"), day("2017-02-28"))),
        (
            "date:2017-02-01..2017-03-15",
            wq.DateRange("date", day("2017-02-01"), day("2017-03-15")),
        ),
        ("title:visa", wq.Term("title", "visa")),
        ("mala*", wq.Or([wq.Prefix(f, "mala") for f in TEXT])),
        (
            "(syria OR iraq) kill",
            wq.And([wq.Or([anywhere("syria"), anywhere("iraq")]), anywhere("kill")]),
        ),
        ("聖殿山", word_or_substring("圣殿山", ["圣殿", "殿山"])),
        (
            "6.8万",
            wq.Or(
                [
                    wq.And([anywhere("6.8"), anywhere("万")]),
                    wq.Or([wq.Term(f"{f}_grams", "6.8万") for f in TEXT]),
                ]
            ),
        ),
        ("俄", wq.Or([anywhere("俄"), wq.Or([wq.Term(f"{f}_grams", "俄") for f in TEXT])])),
        (
            "title:田北俊",
            wq.Or([wq.Term("title", "田北俊"), wq.Phrase("title_grams", ["田北", "北俊"])]),
        ),
        ("", wq.Every()),
    ],
)
def test_typed_query_builds_expected_whoosh_query(typed: str, expected: wq.Query) -> None:
    assert build_query(typed).query == expected


HOSTILE = [
    '"unbalanced quote',
    "((((syria",
    "syria))))",
    ")(",
    "OR",
    "AND OR NOT",
    "-",
    "*",
    "***",
    "~",
    "\x00\x01\x1b[31mred",
    "a" * 499,
    "syria " * 40,
    "مرحبا 你好 hello Ελλάδα",
    "context:",
    'context:"',
    "source:",
    "date:",
    "foo:bar:baz",
    "'; DROP TABLE events; --",
    "<script>alert(1)</script>",
    "\u202egnirts desrever",
    "x" * 300,
]


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_input_never_raises_anything_but_search_error(typed: str) -> None:
    try:
        interpretation = build_query(typed)
    except SearchError:
        return
    assert isinstance(interpretation.query, wq.Query)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("x" * 10_000, QueryTooComplex),
        (" ".join(f"w{i}" for i in range(MAX_CLAUSES + 1)), QueryTooComplex),
        ("(" * 20 + "syria", QueryTooComplex),
        ("date:2017-13", BadRequest),
        ("date:yesterday", BadRequest),
    ],
)
def test_limits_and_impossible_values_are_refused_clearly(
    typed: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        build_query(typed)
    assert str(info.value)


def test_only_stop_words_match_nothing_rather_than_everything() -> None:
    assert build_query("the of").query == wq.NullQuery


def test_unknown_field_prefix_is_plain_words() -> None:
    assert build_query("foo:bar").query == wq.And([anywhere("foo"), anywhere("bar")])


def test_any_words_fallback_keeps_exclusions() -> None:
    query = build_query("syria iraq -ceasefire").query
    assert any_words(query) == wq.AndNot(
        wq.Or([anywhere("syria"), anywhere("iraq")]), anywhere("ceasefir")
    )


def test_highlight_terms_come_from_text_clauses_but_not_exclusions() -> None:
    query = build_query('syria "air strike" -ceasefire context:x').query
    assert text_terms(query) == {"syria", "air", "strike"}


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2016", dt.date(2016, 1, 1), dt.date(2016, 12, 31)),
        ("2016-02", dt.date(2016, 2, 1), dt.date(2016, 2, 29)),
        ("2016-02-03", dt.date(2016, 2, 3), dt.date(2016, 2, 3)),
        ("2016..2017-06", dt.date(2016, 1, 1), dt.date(2017, 6, 30)),
    ],
)
def test_date_values_cover_whole_periods(value: str, start: dt.date, end: dt.date) -> None:
    assert parse_date_value(value) == (start, end)


def test_field_values_are_case_insensitive() -> None:
    assert field_query("CONTEXT", '"Syrian CIVIL war"') == wq.Term("context", "syrian civil war")


def _leaves(query: wq.Query) -> int:
    children = query.children() if hasattr(query, "children") else []
    return sum(_leaves(c) for c in children) if children else 1


def test_a_pasted_text_searches_a_bounded_number_of_terms() -> None:
    # 500 characters without spaces are one typed word of hundreds of parts: only the
    # first MAX_PARTS parts, each at most MAX_PART_CHARS long, are searched.
    rng = random.Random(1)
    random_han = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(500))
    sentence = "国际红十字会在叙利亚北部的难民营分发食品和药品" * 20
    bound = MAX_PARTS * (2 * MAX_PART_CHARS) * len(TEXT_FIELDS)
    spaced = " ".join(sentence[i : i + 19] for i in range(0, 475, 19))  # 25 typed words
    for text in (random_han, sentence[:500], spaced):
        assert _leaves(build_query(text).query) <= bound
