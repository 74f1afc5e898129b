"""Search over the bundled example archive: what a reader gets back."""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.build import run
from search.errors import BadRequest, NotFound
from search.params import parse_request
from search.service import Search

from ..conftest import EXAMPLE_ARCHIVE

MH17 = "Malaysia Airlines Flight 17"


@pytest.fixture(scope="module")
def search(example_index: Path) -> Iterator[Search]:
    with Search(example_index) as service:
        yield service


def ask(search: Search, **params: str | list[str]) -> dict:  # type: ignore[type-arg]
    pairs = [(k, v) for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs)]
    return search.search(parse_request(pairs)).to_dict()


def facet(result: dict, name: str) -> dict[str, int]:  # type: ignore[type-arg]
    found = next(f for f in result["facets"] if f["name"] == name)
    return {v["value"]: v["count"] for v in found["values"]}


def test_all_words_are_required_by_default(search: Search) -> None:
    result = ask(search, q="malaysia airlines")
    assert result["mode"] == "all" and result["total"] >= 8
    assert all(
        "Malaysia" in h["title"] + h["summary"] + " ".join(h["contexts"]) for h in result["hits"]
    )


def test_misspelled_query_shows_results_for_the_correction(search: Search) -> None:
    result = ask(search, q="malaysa airlines")
    assert result["corrected_from"] == "malaysa airlines"
    assert result["did_you_mean"] == "malaysia airlines"
    assert result["total"] == ask(search, q="malaysia airlines")["total"]
    assert MH17 in result["hits"][0]["contexts"]


def test_any_word_fallback_is_announced(search: Search) -> None:
    result = ask(search, q="malaysia qqqqzzzz")
    assert result["mode"] == "any" and result["total"] > 0


@pytest.mark.parametrize(
    "q",
    ["qwyxoltrek", "qwyxoltrek zjembrafux vyxquontal", '"qwyxoltrek zjembrafux"', "qwyxol*",
     "qwyxoltrek~", "魑魅魍魉 龘靐", "qwyxoltrek -malaysia"],
)  # fmt: skip
def test_a_query_matching_nothing_runs_the_whole_chain_and_finds_nothing(
    search: Search, q: str
) -> None:
    result = ask(search, q=q)
    assert (result["mode"], result["total"], result["hits"]) == ("all", 0, [])
    assert (result["did_you_mean"], result["corrected_from"]) == (None, None)
    assert result["per_year"] == {} and all(not f["values"] for f in result["facets"])


def test_a_query_matching_nothing_still_lists_the_selected_values_and_the_others(
    search: Search,
) -> None:
    result = ask(search, q="qwyxoltrek", context=MH17, domain="bbc.co.uk")
    assert facet(result, "context") == {MH17: 0} and facet(result, "domain") == {"bbc.co.uk": 0}
    # Nothing found in 2015, but a facet ignores its own selection: the other years count.
    by_year = ask(search, q="killed", year="2015")
    assert by_year["total"] == 0 and facet(by_year, "year")["2015"] == 0
    assert sum(facet(by_year, "year").values()) == ask(search, q="killed")["total"]


def test_a_word_a_few_edits_from_a_known_one_is_still_corrected(search: Search) -> None:
    result = ask(search, q="goverment")
    assert (result["mode"], result["did_you_mean"]) == ("corrected", "government")
    assert result["total"] == ask(search, q="government")["total"] > 0


def test_total_is_exact_and_pages_do_not_overlap(search: Search) -> None:
    first = ask(search, q="", per_page="10", sort="newest")
    second = ask(search, q="", per_page="10", page="2", sort="newest")
    everything = ask(search, q="", per_page="100", sort="newest")
    assert first["total"] == len(everything["hits"]) == everything["total"]
    ids = [h["id"] for h in first["hits"] + second["hits"]]
    assert ids == [h["id"] for h in everything["hits"][:20]]


def test_sorting_by_date(search: Search) -> None:
    newest = [h["date"] for h in ask(search, q="venezuela", sort="newest")["hits"]]
    oldest = [h["date"] for h in ask(search, q="venezuela", sort="oldest")["hits"]]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)


def test_facet_counts_ignore_their_own_selection(search: Search) -> None:
    plain = ask(search, q="")
    years = facet(plain, "year")
    picked = ask(search, q="", year="2014")
    assert picked["total"] == years["2014"]
    assert facet(picked, "year") == years  # unticked years still show what they add
    both = ask(search, q="", year=["2014", "2016"])
    assert both["total"] == years["2014"] + years["2016"]  # values of one facet are OR-ed
    selected = {
        v["value"]
        for f in both["facets"]
        if f["name"] == "year"
        for v in f["values"]
        if v["selected"]
    }
    assert selected == {"2014", "2016"}


def test_facets_are_and_ed_and_counts_follow_other_selections(search: Search) -> None:
    in_2014 = ask(search, q="", year="2014")
    mh17_in_2014 = facet(in_2014, "context")[MH17]
    narrowed = ask(search, q="", year="2014", context=MH17)
    assert narrowed["total"] == mh17_in_2014
    assert all(h["date"].startswith("2014") and MH17 in h["contexts"] for h in narrowed["hits"])
    months = facet(narrowed, "month")  # a month facet appears within a selected year
    assert sum(months.values()) == narrowed["total"]


def test_facet_shape_is_documented_shape(search: Search) -> None:
    for item in ask(search, q="")["facets"]:
        assert set(item) == {"name", "values", "truncated"}
        assert all(set(v) == {"value", "count", "selected"} for v in item["values"])
    assert {f["name"] for f in ask(search, q="")["facets"]} == {
        "context",
        "domain",
        "place",
        "year",
        "lang",
    }


def test_filters_by_domain_language_and_date_range(search: Search) -> None:
    bbc = ask(search, q="", domain="bbc.co.uk")
    assert bbc["total"] > 0 and all(
        "bbc.co.uk" in [s["domain"] for s in h["sources"]] for h in bbc["hits"]
    )
    zh = ask(search, q="", lang="zh")
    assert zh["total"] >= 5 and all(h["lang"] == "zh" for h in zh["hits"])
    ranged = ask(search, q="", **{"from": "2016-01-01", "to": "2016-12-31"})
    assert ranged["total"] > 0 and all(h["date"].startswith("2016") for h in ranged["hits"])


def test_query_fields_narrow_like_filters(search: Search) -> None:
    assert (
        ask(search, q=f'context:"{MH17.lower()}"')["total"]
        == facet(ask(search, q=""), "context")[MH17]
    )
    assert (
        ask(search, q="date:2014-07")["total"]
        == ask(search, q="", month="2014-07", year="2014")["total"]
    )
    assert ask(search, q="lang:zh")["total"] == ask(search, q="", lang="zh")["total"]


def test_traditional_and_simplified_find_each_other(search: Search) -> None:
    simplified = {h["id"] for h in ask(search, q="圣殿山")["hits"]}
    traditional = {h["id"] for h in ask(search, q="聖殿山")["hits"]}
    assert simplified == traditional and len(simplified) == 2
    marks = [h["highlight"]["title"] for h in ask(search, q="圣殿山")["hits"]]
    assert any("<mark>聖殿山</mark>" in m for m in marks) and any(
        "<mark>圣殿山</mark>" in m for m in marks
    )


def test_accents_fold_both_ways(search: Search) -> None:
    assert ask(search, q="lopez")["total"] == ask(search, q="López")["total"] == 1
    assert "<mark>López</mark>" in ask(search, q="lopez")["hits"][0]["highlight"]["title"]


def test_phrase_and_exclusion(search: Search) -> None:
    phrase = ask(search, q='"flight 17"')
    assert phrase["total"] > 0
    without = ask(search, q="venezuela -maduro")
    assert without["total"] < ask(search, q="venezuela")["total"]
    assert all("maduro" not in (h["title"] + h["summary"]).lower() for h in without["hits"])


def test_suggestions_rank_story_headings_for_a_prefix(search: Search) -> None:
    texts = [s.text for s in search.suggest("mala")]
    assert texts[0] == MH17
    assert "malaysia" in [t.lower() for t in texts]
    assert search.suggest("") == []
    assert next(s.text for s in search.suggest("SYR")) == "Syrian Civil War"


def test_related_events_resolve_links_backlinks_and_missing_pages(search: Search) -> None:
    crash = next(h for h in ask(search, q="boeing 777 amsterdam kuala lumpur")["hits"])
    related = {r.id: r for r in search.related(crash["id"])}
    assert any("linked" in r.reasons for r in related.values())
    assert any("links here" in r.reasons for r in related.values())
    missing = [r for r in related.values() if not r.in_archive]
    for item in missing:
        assert item.title and item.date is None
    assert all(
        MH17 in r.shared_contexts for r in related.values() if r.in_archive and MH17 in r.contexts
    )


def test_links_to_an_alias_resolve_to_the_current_event(search: Search) -> None:
    hit = ask(search, q="constituent assembly boycotts")["hits"][0]
    assert hit["aliases"]
    assert search.event(hit["aliases"][0]).id == hit["id"]


def test_unknown_event_and_story_are_not_found(search: Search) -> None:
    with pytest.raises(NotFound):
        search.event("news/2001/01/1/nothing-here")
    with pytest.raises(NotFound):
        search.event("../../etc/passwd")
    with pytest.raises(NotFound):
        search.timeline("No such story")


def test_story_timeline_is_chronological_with_counts_per_year(search: Search) -> None:
    timeline = search.timeline(MH17.upper())
    dates = [e.date for e in timeline.events]
    assert dates == sorted(dates) and timeline.context == MH17
    assert sum(timeline.per_year.values()) == timeline.total == len(dates)


def test_day_lists_events_in_archive_order_with_neighbours(search: Search) -> None:
    day = search.day("2014-07-18")
    assert [e.position for e in day.events] == sorted(e.position for e in day.events)
    assert day.previous is not None and str(day.previous) == "2014-07-17"
    assert day.next is not None and day.next.year == 2016
    assert any(e.listing_only for e in day.events)
    with pytest.raises(BadRequest):
        search.day("2014-02-30")


def test_on_this_day_spans_years(search: Search) -> None:
    years = search.on_this_day(7, 17).years
    assert 2014 in years and all(
        e.date.month == 7 and e.date.day == 17 for es in years.values() for e in es
    )


@pytest.mark.parametrize(
    "params",
    [[("q", "")], [("q", "malaysia airlines")], [("q", "venezuela"), ("sort", "oldest")]],
)
def test_an_export_lists_the_pages_events_whole_in_their_order(
    search: Search, params: list[tuple[str, str]]
) -> None:
    request = parse_request(params)
    paged = [
        hit.event.id
        for page in (1, 2, 3)
        for hit in search.search(parse_request([*params, ("page", str(page))])).hits
    ]
    total, batches = search.export(request, limit=len(paged), batch=4)
    chunks = list(batches)
    assert total == search.search(request).total
    assert [e.id for chunk in chunks for e in chunk] == paged
    assert {len(chunk) for chunk in chunks[:-1]} == {4}
    assert all(chunk[0] == search.event(chunk[0].id) for chunk in chunks)  # not cut


def test_an_export_stops_at_its_limit(search: Search) -> None:
    total, batches = search.export(parse_request([("q", "")]), limit=5)
    assert [len(chunk) for chunk in batches] == [5] and total > 5
    assert search.export(parse_request([("q", "zzzqqqxxx")]), limit=5)[0] == 0


def test_highlights_escape_html_from_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    folder = archive / "news/2020/01/5"
    folder.mkdir(parents=True)
    (folder / "script.md").write_text(
        "### [2020-01-5](/news/2020/01/5/index.md)\n\n# Hackers post <script>alert('x')</script> "
        "on a council website &amp; more. \n\nThe <b>bold</b> claim & a <img src=x onerror=y>.\n",
        "utf-8",
    )
    run(archive, tmp_path / "ix", workers=1)
    with Search(tmp_path / "ix") as service:
        result = service.search(parse_request([("q", "hackers script")])).to_dict()
    hit = result["hits"][0]
    assert "<script>" not in json.dumps(hit["highlight"])
    assert "&lt;<mark>script</mark>&gt;" in hit["highlight"]["title"]
    assert "<b>" not in hit["highlight"]["summary"] and "&lt;img" in hit["highlight"]["summary"]


def test_searcher_follows_a_new_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    archive = tmp_path / "archive"
    shutil.copytree(EXAMPLE_ARCHIVE, archive)
    run(archive, tmp_path / "ix", workers=1)
    service = Search(tmp_path / "ix", refresh_seconds=0.0, retire_seconds=0.0)
    before = service.search(parse_request([("q", "zeppelin")]))
    folder = archive / "news/2020/01/5"
    folder.mkdir(parents=True)
    (folder / "z.md").write_text("### [2020-01-5](/x)\n\n# A zeppelin lands in a park.\n", "utf-8")
    run(archive, tmp_path / "ix", workers=1)
    after = service.search(parse_request([("q", "zeppelin")]))
    service.close()
    assert (before.total, after.total) == (0, 1) and after.generation != before.generation


def test_search_hands_its_cache_and_refresh_times_to_the_index(example_index: Path) -> None:
    with Search(
        example_index, term_cache_bytes=1 << 20, refresh_seconds=0.5, retire_seconds=2
    ) as s:
        assert (s.handle.refresh_seconds, s.handle.retire_seconds) == (0.5, 2)
        assert s.snapshot().cache.cache.maxsize == 1 << 20


def test_concurrent_searches_agree(search: Search) -> None:
    queries = ["malaysia", "venezuela", "syria", "圣殿山", "climate", "olympic"]
    expected = {q: ask(search, q=q, page="1")["total"] for q in queries}
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(30):
                q = queries[(n + i) % len(queries)]
                got = search.search(parse_request([("q", q), ("per_page", str(1 + i % 9))]))
                assert got.total == expected[q]
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Children cry at the border", "cry"),
        ("Two skies over the city", "sky"),
        ("A dying river", "die"),
        ("Leopoldo López is arrested", "lopez arrests"),
        ("以色列當局拆除聖殿山入口", "圣殿山"),
        ("The US and the UK agree", "us"),
    ],
)
def test_highlight_marks_every_word_that_matched(text: str, query: str) -> None:
    from search.highlight import highlight_title
    from search.query import build_query, text_terms

    marked = highlight_title(text, text_terms(build_query(query).query))
    assert "<mark>" in marked


def test_index_from_another_version_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    from indexer import store
    from search.errors import IndexUnavailable

    run(EXAMPLE_ARCHIVE, tmp_path / "ix", workers=1)
    generation = store.current_generation(tmp_path / "ix")
    assert generation is not None
    manifest = store.read_manifest(generation)
    store.write_manifest(generation, dataclasses.replace(manifest, schema=-1))
    assert store.needs_rebuild(tmp_path / "ix")
    with Search(tmp_path / "ix") as service, pytest.raises(IndexUnavailable, match="again"):
        service.search(parse_request([("q", "x")]))
    assert run(EXAMPLE_ARCHIVE, tmp_path / "ix", workers=1).mode == "full"


def test_the_start_of_a_longer_word_is_completed_rather_than_corrected(search: Search) -> None:
    result = ask(search, q="flood")  # the archive says "floodwaters", and also "food"
    assert (result["corrected_from"], result["did_you_mean"]) == ("flood", "floodwaters")
    assert "brahmaputra" in result["hits"][0]["title"].casefold()


def test_closing_a_search_ends_its_pending_warm_up_at_once(
    example_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import service

    monkeypatch.setattr(service, "WARM_UP_DELAY", 3600.0)
    before = set(threading.enumerate())
    with Search(example_index) as opened:
        opened.snapshot()
        warming = [
            t for t in threading.enumerate() if t not in before and t.name.startswith("warm-")
        ]
        assert len(warming) == 1 and warming[0].is_alive()
    warming[0].join(5)
    assert not warming[0].is_alive()  # it slept an hour, holding the closed generation
