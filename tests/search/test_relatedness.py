"""search.relatedness: specificity, closeness, link dates, scores and reasons, as values."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from indexer.event import Event
from search.relatedness import (
    Candidate,
    KeyWords,
    Reason,
    closeness,
    id_date,
    score,
    specificity,
)

LORCA_TITLE = "2011年洛尔卡地震: 西班牙洛尔卡发生地震"
LORCA_CONTEXTS = ("2011年洛尔卡地震", "西班牙")
LORCA = Event(
    "news/2011/05/11/lorca", dt.date(2011, 5, 11), "zh", LORCA_TITLE, contexts=LORCA_CONTEXTS
)
WORDS = KeyWords({"地震": 0.6, "洛尔卡": 0.4}, {"地震": "地震", "洛尔卡": "洛尔卡"})
SPECIFIC = {"2011年洛尔卡地震": 1.0, "西班牙": 0.05, "地震": 0.9}


def candidate(title: str, contexts: tuple[str, ...] = (), **kwargs: object) -> Candidate:
    fields: dict[str, object] = {"date": dt.date(2011, 5, 20), "in_archive": True, **kwargs}
    return Candidate("news/2011/05/20/x", title, contexts=contexts, **fields)  # type: ignore[arg-type]


# -- specificity, closeness, dates of links ----------------------------------------------
def test_a_rare_context_counts_more_than_a_common_one() -> None:
    live = 10_000
    assert specificity(1, live) == 1.0
    assert specificity(3, live) > specificity(40, live) > specificity(300, live)
    assert specificity(0, live) == 0.0


def test_a_context_spread_over_years_counts_less_than_a_story_of_months() -> None:
    assert specificity(20, 10_000, span_days=90) > 2 * specificity(20, 10_000, span_days=3650)


def test_closeness_halves_at_the_time_scale_and_is_zero_when_a_date_is_unknown() -> None:
    day = dt.date(2011, 5, 11)
    assert closeness(day, day) == 1.0
    assert closeness(day, day + dt.timedelta(days=180)) == pytest.approx(0.5)
    assert closeness(day, None) == 0.0


def test_a_link_outside_the_archive_is_dated_by_its_address() -> None:
    assert id_date("news/2008/05/12/some-slug") == dt.date(2008, 5, 12)
    assert id_date("news/2008/02/31/no-such-day") is None
    assert id_date("elsewhere") is None


# -- scores and reasons ------------------------------------------------------------------
def test_the_same_specific_story_is_said_in_words_and_scores_highest() -> None:
    story, why = score(candidate("洛尔卡余震", ("2011年洛尔卡地震",)), LORCA, SPECIFIC, WORDS)
    country, _ = score(candidate("西班牙网球", ("西班牙",)), LORCA, SPECIFIC, WORDS)
    assert why[0] == Reason("same story")
    assert story > country


def test_the_most_specific_shared_context_is_the_reason_not_the_country() -> None:
    event = Event(LORCA.id, LORCA.date, "zh", LORCA.title, contexts=("西班牙", "洛尔卡"))
    specific = {"西班牙": 0.05, "洛尔卡": 0.9}
    _, why = score(candidate("…", ("西班牙", "洛尔卡")), event, specific, WORDS)
    assert Reason("context", ("洛尔卡",)) in why
    assert all(r.values != ("西班牙",) for r in why)


def test_similar_words_are_named_heaviest_first() -> None:
    _, why = score(candidate("洛尔卡 地震", in_archive=False), LORCA, SPECIFIC, WORDS)
    assert Reason("words", ("地震", "洛尔卡")) in why


def test_the_key_words_a_document_holds_are_read_off_their_postings() -> None:
    words = KeyWords(
        {"quake": 0.7, "lorca": 0.3},
        {"quake": "earthquake", "lorca": "Lorca"},
        {"quake": np.array([2, 5, 9], np.int32), "lorca": np.array([5], np.int32)},
    )
    held = words.shared_by(np.array([1, 5, 9], np.int32))
    assert held == {1: [], 5: ["quake", "lorca"], 9: ["quake"]}


def test_a_link_filed_under_a_country_says_less_than_one_filed_under_a_topic() -> None:
    by_country = candidate("网球", sources={"linked"}, headings=("西班牙",))
    by_topic = candidate("网球", sources={"linked"}, headings=("地震",))
    country, why = score(by_country, LORCA, SPECIFIC, WORDS)
    topic, topic_why = score(by_topic, LORCA, SPECIFIC, WORDS)
    assert topic > country
    assert why == (Reason("linked"),)
    assert topic_why == (Reason("context", ("地震",)), Reason("linked"))


def test_a_page_outside_the_archive_is_scored_on_its_link_text() -> None:
    outside = candidate("马其顿地震", date=None, in_archive=False, sources={"linked"})
    plain = candidate("西班牙网球", date=None, in_archive=False, sources={"linked"})
    assert score(outside, LORCA, SPECIFIC, WORDS)[0] > score(plain, LORCA, SPECIFIC, WORDS)[0]
