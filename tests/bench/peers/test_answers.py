"""Comparing the engines' answers (bench.peers.facets_agree), as values."""

from __future__ import annotations

from bench.peers import FACET_SIZE, Answer, facets_agree


def test_facet_values_agree_whatever_their_case_or_script() -> None:
    ours = {
        "q": Answer(3, facets={"context": {"廣州地震": 2, "Cuba": 1}, "domain": {"BBC.com": 3}})
    }
    theirs = {
        "q": Answer(3, facets={"context": {"广州地震": 2, "cuba": 1}, "domain": {"bbc.com": 3}})
    }
    assert facets_agree(ours, theirs) == (1, 1)


def test_a_differing_count_disagrees_and_a_differing_total_is_not_compared() -> None:
    ours = {"a": Answer(3, facets={"year": {"2015": 3}}), "b": Answer(5)}
    theirs = {"a": Answer(3, facets={"year": {"2015": 2}}), "b": Answer(4)}
    assert facets_agree(ours, theirs) == (0, 1)


def test_values_tied_at_the_cut_of_a_full_list_are_not_compared() -> None:
    counts = {f"c{i}": 10 for i in range(FACET_SIZE - 1)} | {"tied": 1}
    ours = {"q": Answer(9, facets={"context": counts})}
    theirs = {"q": Answer(9, facets={"context": {k: v for k, v in counts.items() if k != "tied"}})}
    assert facets_agree(ours, theirs) == (1, 1)
