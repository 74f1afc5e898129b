"""bench.relevance: graded metrics computed by hand, the judged sets' shape, and a run
over the example archive and (when present) the real archives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.relevance import (
    JudgedSet,
    dcg,
    evaluate,
    markdown,
    ndcg,
    precision,
    read_set,
    reciprocal_rank,
    score,
    top_grade,
)
from search.errors import NotFound
from search.params import parse_request
from search.service import Search

JUDGED = Path(__file__).resolve().parents[2] / "bench" / "judged"
LOG2_3 = 1.584962500721156  # log2(3), the discount at rank 2
LOG2_5 = 2.321928094887362  # log2(5), the discount at rank 4


# -- the metrics ---------------------------------------------------------------------------
def test_dcg_gains_two_to_the_grade_minus_one_over_log2_of_rank_plus_one() -> None:
    # (2^3-1)/1 + (2^2-1)/log2(3) + 0/2 + (2^1-1)/log2(5) = 7 + 1.8928 + 0 + 0.4307
    assert dcg([3, 2, 0, 1]) == pytest.approx(7 + 3 / LOG2_3 + 1 / LOG2_5)
    assert dcg([3, 2, 0, 1]) == pytest.approx(9.323466)
    assert dcg([]) == 0.0


def test_ndcg_takes_its_ideal_from_every_judged_grade_not_only_the_retrieved() -> None:
    # ranked 0, 3: 7/log2(3) = 4.4165; ideal 3, 2, 2: 7 + 3/log2(3) + 3/2 = 10.3928
    assert ndcg([0, 3], [3, 2, 2]) == pytest.approx(0.424959)
    assert ndcg([3, 2, 2], [3, 2, 2]) == pytest.approx(1.0)
    # the ideal of one 3 and one 2 is 3 then 2: (3 + 7/log2(3)) / (7 + 3/log2(3))
    assert ndcg([2, 3], [3, 2]) == pytest.approx(0.833991)


def test_ndcg_counts_only_the_first_ten() -> None:
    assert ndcg([0] * 10 + [3], [3]) == 0.0
    assert ndcg([0] * 9 + [3], [3]) == pytest.approx(0.289065)  # (7 / log2(11)) / 7


def test_ndcg_is_zero_when_nothing_relevant_is_judged() -> None:
    assert ndcg([0, 0], [0, 0]) == 0.0
    assert ndcg([], []) == 0.0


@pytest.mark.parametrize(
    ("judged", "top"), [([3, 0, 1], 3), ([2, 1], 2), ([1], 1), ([0], 0), ([], 0)]
)
def test_the_top_grade_is_three_or_the_highest_judged(judged: list[int], top: int) -> None:
    assert top_grade(judged) == top


def test_reciprocal_rank_of_the_first_hit_with_the_top_grade() -> None:
    assert reciprocal_rank([1, 2, 3, 3], 3) == pytest.approx(1 / 3)
    assert reciprocal_rank([2, 1], 2) == 1.0
    assert reciprocal_rank([2, 2], 3) == 0.0
    assert reciprocal_rank([0, 0], 0) == 0.0  # nothing relevant judged: nothing to find


def test_precision_at_three_counts_grades_two_and_up_and_missing_places_as_zero() -> None:
    assert precision([2, 0, 3, 3]) == pytest.approx(2 / 3)
    assert precision([1, 1, 1]) == 0.0
    assert precision([3]) == pytest.approx(1 / 3)  # one related event shown, not three


def test_a_row_marks_unjudged_hits_and_scores_them_as_zero() -> None:
    row = score("quake", ["a", "x", "b"], {"a": 1, "b": 3, "c": 2})
    assert row.ranked == [1, None, 3]
    assert row.unjudged == 1
    assert (row.success, row.top) == (0.0, 3)
    assert row.rr == pytest.approx(1 / 3)
    # DCG 1 + 7/2 = 4.5; ideal 3, 2, 1: 7 + 3/log2(3) + 1/2 = 9.3928
    assert row.ndcg == pytest.approx(4.5 / (7 + 3 / LOG2_3 + 0.5))


def test_success_at_one_when_the_top_hit_has_the_top_grade() -> None:
    assert score("q", ["b", "a"], {"a": 1, "b": 3}).success == 1.0
    assert score("q", ["a", "b"], {"a": 2, "b": 2}).success == 1.0  # no 3 judged: 2 counts


# -- the judged sets -----------------------------------------------------------------------
def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "set.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_set_is_broad_or_related_by_its_header(tmp_path: Path) -> None:
    text = 'query\tevent\tgrade\n"quake" 2011\tnews/a\t3\nx\tnews/b\t0\n'
    broad = read_set(write(tmp_path, text))
    assert broad == JudgedSet("broad", {'"quake" 2011': {"news/a": 3}, "x": {"news/b": 0}})
    related = read_set(write(tmp_path, "event\trelated\tgrade\nnews/a\tnews/b\t2\n"))
    assert related == JudgedSet("related", {"news/a": {"news/b": 2}})


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("q\tevent\tgrade\n", "header must be"),
        ("", "header must be"),
        ("query\tevent\tgrade\nquake\tnews/a\t4\n", ":2:"),
        ("query\tevent\tgrade\nquake\tnews/a\n", ":2:"),
    ],
)
def test_a_malformed_set_is_refused_with_its_line(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        read_set(write(tmp_path, text))


@pytest.mark.parametrize(
    ("name", "kind", "at_least"),
    [
        ("broad-zh.tsv", "broad", 40),
        ("broad-en.tsv", "broad", 10),
        ("related-zh.tsv", "related", 30),
        ("related-en.tsv", "related", 10),
    ],
)
def test_the_bundled_sets_are_as_large_as_issue_15_asks(
    name: str, kind: str, at_least: int
) -> None:
    judged = read_set(JUDGED / name)
    assert judged.kind == kind
    assert len(judged.grades) >= at_least
    assert all(max(grades.values()) >= 1 for grades in judged.grades.values())


def test_the_markdown_report_has_a_row_per_key_and_the_means() -> None:
    rows = [score("quake", ["a"], {"a": 3}), score("UN", ["x"], {"b": 2})]
    report = markdown(rows, "broad").splitlines()
    assert report[2].startswith("| quake | 1.000 | 1 | 1.000 | 3 | 3 | 0 |")
    assert report[3].startswith("| UN | 0.000 | 0 | 0.000 | 2 | - | 1 |")
    assert report[-1].startswith("2 queries: NDCG@10 0.500, success@1 0.500, MRR 0.500")


# -- runs --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_search(example_index: Path) -> Iterator[Search]:
    with Search(example_index, cache_bytes=0) as service:
        yield service


def test_a_run_scores_what_the_public_search_returns(example_search: Search) -> None:
    request = parse_request([("q", "malaysia airlines")])
    first, second = (hit.event.id for hit in example_search.search(request).hits[:2])
    judged = JudgedSet("broad", {"malaysia airlines": {first: 3, second: 2}})
    [row] = evaluate(example_search, judged)
    assert (row.ndcg, row.success, row.rr, row.ranked[:2]) == (1.0, 1.0, 1.0, [3, 2])


def test_a_run_scores_the_related_list_of_each_event(example_search: Search) -> None:
    request = parse_request([("q", "malaysia airlines")])
    event = example_search.search(request).hits[0].event.id
    first = example_search.related(event)[0].id
    [row] = evaluate(example_search, JudgedSet("related", {event: {first: 3}}))
    assert row.ranked[0] == 3
    assert row.precision == pytest.approx(1 / 3)


@pytest.fixture(scope="module")
def zh_search(zh_index: Path) -> Iterator[Search]:
    with Search(zh_index, cache_bytes=0) as service:
        yield service


@pytest.fixture(scope="module")
def en_search(en_index: Path) -> Iterator[Search]:
    with Search(en_index, cache_bytes=0) as service:
        yield service


def known(search: Search, event_id: str) -> bool:
    try:
        search.event(event_id)
    except NotFound:
        return False
    return True


def judged_ids_missing(search: Search, judged: JudgedSet) -> list[str]:
    """Broad sets: every judged event; related sets: the events judged (their related
    events may be links to pages the archive lacks, which the reader sees too)."""
    if judged.kind == "broad":
        ids = {event_id for grades in judged.grades.values() for event_id in grades}
    else:
        ids = set(judged.grades)
    return [event_id for event_id in sorted(ids) if not known(search, event_id)]


@pytest.mark.parametrize("name", ["broad-zh.tsv", "related-zh.tsv"])
def test_every_judged_zh_event_is_in_the_real_archive(zh_search: Search, name: str) -> None:
    assert judged_ids_missing(zh_search, read_set(JUDGED / name)) == []


@pytest.mark.parametrize("name", ["broad-en.tsv", "related-en.tsv"])
def test_every_judged_en_event_is_in_the_real_archive(en_search: Search, name: str) -> None:
    assert judged_ids_missing(en_search, read_set(JUDGED / name)) == []


def test_the_zh_sets_run_end_to_end(zh_search: Search) -> None:
    for name in ("broad-zh.tsv", "related-zh.tsv"):
        judged = read_set(JUDGED / name)
        rows = evaluate(zh_search, judged)
        assert [r.key for r in rows] == list(judged.grades)
        assert all(0.0 <= r.ndcg <= 1.0 and 0.0 <= r.rr <= 1.0 for r in rows)
