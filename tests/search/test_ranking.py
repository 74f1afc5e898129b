"""Static priors of importance and the relevance order they give (search/ranking.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from indexer.build import run
from search import ranking, service
from search.browse import docnum_of
from search.params import parse_request
from search.query import build_query
from search.service import Search

CENTRAL = "news/2010/01/12/a-magnitude-7-earthquake-strikes-haiti"
RELATED = (
    f"### Related:\n1. [A magnitude 7 earthquake strikes Haiti](/{CENTRAL}.md) _Context: Haiti_\n"
)


def page(
    day: str, story: str, title: str, sources: int = 1, related: str = "", summary: str = ""
) -> str:
    year, month, d = day.split("-")
    outlets = "".join(
        f"{i}. [Outlet {i}](https://www.outlet{i}.org/{year}/{month}/{d})\n"
        for i in range(1, sources + 1)
    )
    return (
        f"### [{day}](/news/{year}/{month}/{d}/index.md)\n\n##### {story}\n\n# {title}\n\n"
        f"{summary}\n\n"
        f"### Sources:\n{outlets}\n{related}"
    )


ARCHIVE = {
    CENTRAL: page(
        "2010-01-12", "2010 Haiti earthquake", "A magnitude 7 earthquake strikes Haiti", 4
    ),
    "news/2010/01/13/aid-arrives": page(
        "2010-01-13", "2010 Haiti earthquake", "Aid arrives in Port-au-Prince", 1, RELATED
    ),
    "news/2010/01/20/death-toll": page(
        "2010-01-20", "2010 Haiti earthquake", "The death toll passes 200,000", 2, RELATED
    ),
    "news/2011/01/12/anniversary": page(
        "2011-01-12", "Haiti", "Haiti remembers the victims a year on", 1, RELATED
    ),
    # A later side note whose words match better (short title, the query's words twice).
    "news/2019/05/2/side-note": page(
        "2019-05-2",
        "Haiti earthquake survivors",
        "Haiti earthquake survivor's daughter wins",
        1,
        summary="The Haiti earthquake survivor speaks of the earthquake.",
    ),
    "news/2019/06/3/other": page("2019-06-3", "Haiti", "An air crash near Port-au-Prince", 1),
}


def build_index(root: Path) -> Path:
    """ARCHIVE written under *root* and indexed: the index directory."""
    for event_id, text in ARCHIVE.items():
        path = root / "archive" / f"{event_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    run(root / "archive", root / "index", workers=1)
    return root / "index"


@pytest.fixture(scope="module")
def search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Search]:
    with Search(build_index(tmp_path_factory.mktemp("ranking")), cache_bytes=0) as service:
        yield service


def first_ids(search: Search, q: str, n: int = 3) -> list[str]:
    return [h.event.id for h in search.search(parse_request([("q", q)])).hits[:n]]


def test_factor_is_one_without_signals_and_bounded_with_all() -> None:
    none = ranking.combine(np.zeros(1, np.int32), np.zeros(1, np.int32))
    most = ranking.combine(np.array([10**6], np.int32), np.array([99], np.int32))
    assert none[0] == 1.0 and most[0] == pytest.approx(ranking.MAX_FACTOR)


def test_more_links_or_sources_never_lower_the_factor() -> None:
    counts = np.arange(40, dtype=np.int32)
    zero = np.zeros(40, np.int32)
    for factor in (ranking.combine(counts, zero), ranking.combine(zero, counts)):
        assert np.all(np.diff(factor) >= 0)
        assert factor[-1] == factor[30]  # capped: log-scaled up to the cap, flat after


def test_priors_count_backlinks_and_sources(search: Search) -> None:
    snapshot = search.snapshot()
    priors = ranking.priors(snapshot)
    central = docnum_of(snapshot, CENTRAL)
    assert central is not None
    assert priors.backlinks[central] == 3 and priors.sources[central] == 4


def test_links_are_counted_among_the_matches_only(search: Search) -> None:
    snapshot = search.snapshot()
    graph = ranking.link_graph(snapshot)
    central = docnum_of(snapshot, CENTRAL)
    linking = [
        docnum_of(snapshot, f"news/2010/01/{d}") for d in ("13/aid-arrives", "20/death-toll")
    ]
    anniversary = docnum_of(snapshot, "news/2011/01/12/anniversary")
    assert central is not None and anniversary is not None and None not in linking
    everyone = np.sort(np.array([central, anniversary, *linking], np.int32))
    assert (
        dict(zip(everyone.tolist(), graph.links_among(everyone).tolist(), strict=True))[central]
        == 3
    )
    # Without the anniversary among the matches, its link does not count.
    some = np.sort(np.array([central, *linking], np.int32))
    counted = dict(zip(some.tolist(), graph.links_among(some).tolist(), strict=True))
    assert counted == {central: 2, linking[0]: 0, linking[1]: 0}
    assert graph.links_among(np.array([central], np.int32)).tolist() == [0]


def test_backlinks_agree_with_the_related_lists_links_here(search: Search) -> None:
    snapshot = search.snapshot()
    priors = ranking.priors(snapshot)
    events = snapshot.events(snapshot.live_docs)
    for doc, event in zip(snapshot.live_docs, events, strict=True):
        linking = [
            e for e in events if e is not event and {r.id for r in e.related} & set(event.all_ids)
        ]
        assert priors.backlinks[doc] == len(linking), event.id
        graph = ranking.link_graph(snapshot)
        assert [events[list(snapshot.live_docs).index(d)] for d in graph.linking_to(doc)] == linking


def test_the_central_event_comes_before_a_later_better_worded_side_note(search: Search) -> None:
    snapshot = search.snapshot()
    matches = snapshot.evaluate(build_query("haiti earthquake").query)
    by_words = snapshot.events([matches.docs[np.argmax(matches.scores)]])[0]
    assert by_words.id == "news/2019/05/2/side-note"  # BM25 alone puts the side note first
    assert first_ids(search, "haiti earthquake", 1) == [CENTRAL]


def test_a_short_form_finds_the_central_event_first(search: Search) -> None:
    result = search.search(parse_request([("q", "haiti quake")]))
    assert result.hits[0].event.id == CENTRAL and result.did_you_mean is None


def test_recency_breaks_ties_but_does_not_overturn_a_better_match() -> None:
    one = np.ones(2)
    tied = ranking.relevance(np.array([1.0, 1.0], np.float32), one, np.array([0.0, 1.0]))
    assert tied[1] > tied[0]  # same words and importance: the newer first
    apart = ranking.relevance(np.array([1.0, 0.9], np.float32), one, np.array([0.0, 1.0]))
    assert apart[0] > apart[1]  # 10% better words: the old one stays first
    assert ranking.RECENCY_WEIGHT < ranking.SOURCES  # worth less than one signal


def test_a_query_that_matches_nothing_does_not_build_the_priors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "WARM_UP_DELAY", 3600.0)  # no warm-up meanwhile
    (tmp_path / "a/news/2010/01/12").mkdir(parents=True)
    (tmp_path / "a" / f"{CENTRAL}.md").write_text(ARCHIVE[CENTRAL], "utf-8")
    run(tmp_path / "a", tmp_path / "ix", workers=1)
    with Search(tmp_path / "ix", cache_bytes=0) as opened:
        snapshot = opened.snapshot()
        assert opened.search(parse_request([("q", "zeppelin"), ("spell", "0")])).total == 0
        assert ranking.priors not in snapshot._derived


def test_links_to_an_event_indexed_later_or_deleted_follow_incremental_runs(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "archive"
    for event_id, text in ARCHIVE.items():
        if event_id != CENTRAL:  # linked to, but not in the archive yet
            (archive / event_id).parent.mkdir(parents=True, exist_ok=True)
            (archive / f"{event_id}.md").write_text(text, "utf-8")

    def backlinks_of_central() -> int | None:
        run(archive, tmp_path / "index", workers=1)
        with Search(tmp_path / "index", cache_bytes=0) as opened:
            snapshot = opened.snapshot()
            central = docnum_of(snapshot, CENTRAL)
            return None if central is None else int(ranking.priors(snapshot).backlinks[central])

    assert backlinks_of_central() is None
    (archive / CENTRAL).parent.mkdir(parents=True, exist_ok=True)
    (archive / f"{CENTRAL}.md").write_text(ARCHIVE[CENTRAL], "utf-8")
    assert backlinks_of_central() == 3  # the earlier events' links now name it
    for path in (archive / "news/2010/01/13").iterdir():
        path.unlink()
    assert backlinks_of_central() == 2  # a deleted event links to nothing


@pytest.mark.parametrize("keys", [[3, 5, 9], [3, 5, 5, 9], []])
def test_a_link_names_every_event_holding_its_key(keys: list[int]) -> None:
    held, links = np.array(keys, np.int64), np.array([5, 1, 9, 12, 3], np.int64)
    first = np.searchsorted(held, links)
    named = ranking._named(held, links, first)
    assert named.tolist() == [keys.count(int(link)) for link in links]


@pytest.mark.parametrize("q", ["haiti", "earthquake haiti", "earthquake"])
def test_ranking_only_the_matches_able_to_reach_the_page_keeps_its_order(
    search: Search, q: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = [(1, 1), (2, 1), (3, 1), (2, 2)]  # (per_page, page)

    def ranked() -> list[list[tuple[str, float]]]:
        found = []
        for per_page, page in pages:
            params = [("q", q), ("per_page", str(per_page)), ("page", str(page))]
            found.append([(h.event.id, h.score) for h in search.search(parse_request(params)).hits])
        return found

    assert search.search(parse_request([("q", q)])).total > 3  # matches left off the pages
    every = ranked()
    monkeypatch.setattr(ranking, "PRUNE_ABOVE", 0)  # prune even six matches
    assert ranked() == every
