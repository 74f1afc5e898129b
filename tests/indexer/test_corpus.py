"""The indexer over the real archives in ../shared/corpus (skipped where absent)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from indexer.archive import scan
from indexer.days import day_headings, read_day
from indexer.event import Event

SEED = (
    "news/2017/02/3/peruavenezuela-relationspperuvian-president-pedro-pablo-kuczynski-s-"
    "government-creates-a-temporary-visa-for-thousands-of-venezuelans-whos"
)
SEED_VARIANT = (
    "news/2017/02/3/peruvian-president-pedro-pablo-kuczynski-s-government-creates-a-"
    "temporary-visa-for-thousands-of-venezuelans-whose-country-is-mired-in-a-deep"
)


def all_events(root: Path) -> tuple[list[Event], list[tuple[str, str]]]:
    days = scan(root).days
    known: set[str] = set().union(*(day_headings(d) for d in days.values()))
    found, skipped = [], []
    for day in days.values():
        events, report = read_day(day, known)
        found += events
        skipped += report.skipped
    return found, skipped


@pytest.fixture(scope="module")
def zh_events(zh_corpus: Path) -> list[Event]:
    events, skipped = all_events(zh_corpus)
    assert skipped == []
    return events


def test_whole_zh_archive_parses_with_nothing_skipped_and_every_event_dated(
    zh_events: list[Event],
) -> None:
    assert len(zh_events) >= 8984
    assert all(dt.date(2003, 1, 1) <= e.date <= dt.date(2019, 12, 31) for e in zh_events)
    assert all(e.title for e in zh_events)
    assert sum(e.lang == "zh" for e in zh_events) > 0.95 * len(zh_events)


def test_zh_related_links_resolve_to_ids_without_language_prefix(zh_events: list[Event]) -> None:
    related = [r for e in zh_events for r in e.related]
    assert len(related) > 5000
    assert all(r.id.startswith("news/") and not r.id.endswith(".md") for r in related)
    ids = {i for e in zh_events for i in e.all_ids}
    assert sum(r.id in ids for r in related) > 0.5 * len(related)


def test_seed_page_splits_glued_story_heading(en_corpus: Path) -> None:
    events, _ = all_events(en_corpus)
    seed = next(e for e in events if e.id == SEED)
    assert seed.contexts[0] == "Peru-Venezuela relations"
    assert seed.title.startswith("Peruvian President Pedro Pablo Kuczynski's government")
    assert (
        "news/2017/02/3/peruvian-president-pedro-pablo-kuczynski-s-government-creates-a-temporary-visa-for-thousands-of-venezuelans-whose-country-is-mired-in-a-deep"
        in seed.aliases
    )
    assert [s.domain for s in seed.sources] == ["reuters.com"]
    assert len(seed.related) == 10 and seed.related[0].contexts == ("Venezuela",)


def test_en_changes_sections_fold_variants_into_one_event(en_corpus: Path) -> None:
    events, skipped = all_events(en_corpus)
    assert skipped == []
    ids = [i for e in events for i in e.all_ids]
    assert len(ids) == len(set(ids))  # no id belongs to two events
    afghan = next(e for e in events if e.id.startswith("news/2017/02/3/according-to-afghan-police"))
    assert any(a.startswith("news/2017/02/3/war-in-afghanistan") for a in afghan.aliases)


@pytest.mark.parametrize("corpus", ["zh_corpus", "en_corpus"])
def test_scan_refuses_no_file_of_a_real_archive(
    corpus: str, request: pytest.FixtureRequest
) -> None:
    # The file-name rule and the symlink rule are for hostile archives: every real slug
    # and folder must pass them.
    found = scan(request.getfixturevalue(corpus))
    assert found.stray == []
    assert sum(len(day.page_names) for day in found.days.values()) > 0


WIKI_MARKUP = re.compile(r"\{\{|\}\}|date=|-\{|\}-")


def texts_of(event: Event) -> list[str]:
    """Every text of an event a reader sees: title, summary, contexts (the page's and the
    listing's), its Related items' texts and contexts, and outlet names."""
    related = [t for r in event.related for t in (r.text, *r.contexts)]
    return [event.title, event.summary, *event.contexts, *related, *(s.name for s in event.sources)]


@pytest.mark.parametrize("corpus", ["zh_corpus", "en_corpus"])
def test_no_wiki_markup_is_left_in_any_text(corpus: str, request: pytest.FixtureRequest) -> None:
    events, _ = all_events(request.getfixturevalue(corpus))

    left = [(e.id, t) for e in events for t in texts_of(e) if WIKI_MARKUP.search(t)]

    assert left == []


def test_zh_variant_block_in_related_contexts_is_one_context(zh_events: list[Event]) -> None:
    related = [r for e in zh_events for r in e.related]
    contexts = [c for r in related for c in r.contexts]

    assert not [c for c in contexts if re.search(r"zh-(?:cn|hans|hant|hk|tw|sg)\s*:", c)]
    cannes = next(
        e for e in zh_events if e.id.startswith("news/2009/05/25/奥地利导演迈克尔-哈内克")
    )
    assert all(len(r.contexts) <= 2 for r in cannes.related)


def test_webcitation_source_is_credited_to_the_archived_outlet(zh_events: list[Event]) -> None:
    cyclone = next(e for e in zh_events if e.id == "news/2010/10/20/氣旋吉里於孟加拉灣生成")

    assert cyclone.domains == ("imd.gov.in",)
    assert not [e.id for e in zh_events if "webcitation.org" in e.domains]


def test_zh_events_are_told_simplified_from_traditional(zh_events: list[Event]) -> None:
    chinese = [e for e in zh_events if e.lang == "zh"]
    hant = sum(e.script == "Hant" for e in chinese)

    assert {e.script for e in chinese} == {"Hans", "Hant"}
    assert 0.3 * len(chinese) < hant < 0.7 * len(chinese)  # the archive mixes both
    assert all(e.script == "" for e in zh_events if e.lang == "en")
    assert sum(e.summary_lang == "en" for e in chinese) > 500  # English outlet teasers


def test_en_listing_entries_glued_with_a_colon_are_split(en_corpus: Path) -> None:
    events, _ = all_events(en_corpus)
    glued = re.compile(r"^.{3,80}?[a-z0-9)]:[A-Z]")

    assert [e.title for e in events if glued.match(e.title)] == []
    by_alias = {a: e for e in events for a in e.aliases}
    for glued_id, story in [
        ("news/2013/06/5/syrian-civil-war-pthe-syrian-army-regains", "Syrian civil war"),
        ("news/2013/06/5/iraqi-insurgency-post-u-s-withdrawal-pfourteen", "Iraqi insurgency"),
    ]:
        (merged,) = [e for alias, e in by_alias.items() if alias.startswith(glued_id)]
        assert not merged.listing_only and merged.story and merged.story.startswith(story)
    listed = [e for e in events if e.id.startswith("news/2011/03/11/2011-libyan-civil-war-p")]
    assert [e.contexts[0] for e in listed] == ["2011 Libyan civil war"]
