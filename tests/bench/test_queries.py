"""bench.queries: the query sets read from bench/data/queries.toml, and their display."""

from __future__ import annotations

import pytest

from bench.queries import describe, params_of, q_of, queries, query_sets, tokens


def test_every_query_set_has_unique_labels_and_puts_q_first() -> None:
    sets = query_sets()
    assert set(sets) == {"synth", "zh"}
    for entries in sets.values():
        labels = [label for label, _ in entries]
        assert len(labels) == len(set(labels))
        assert all(params[0][0] == "q" for _, params in entries)


def test_filters_keep_the_order_of_the_file_and_lists_repeat_the_parameter() -> None:
    found = dict(queries("synth"))
    assert found["2w + context + year"] == [
        ("q", "killed police"),
        ("context", "Afghanistan"),
        ("year", "2015"),
    ]
    assert params_of(found["common + 2 domains"], "domain") == ["bbc.co.uk", "bbc.com"]
    assert q_of(found["phrase + word"]) == '"european union" sanctions'


def test_an_unknown_query_set_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="one of synth, zh"):
        queries("fr")


def test_queries_are_described_and_tokenised_as_the_engines_see_them() -> None:
    assert describe([("q", ""), ("year", "2016")]) == "(empty) [year=2016]"
    assert tokens('"european union" -syria earthqu* "open') == [
        '"european union"',
        "-syria",
        "earthqu*",
        '"open',
    ]
