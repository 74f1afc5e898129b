"""Merging one day's pages and listing into events: glued headings, duplicates, listings."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.event import Related, Source
from indexer.headings import slugify
from indexer.merge import merge_day
from indexer.parse import ListingEntry, Page
from indexer.text import fold_key

DATE = dt.date(2020, 1, 5)
DAY = "news/2020/01/5"


def make_page(
    title: str,
    *,
    slug: str | None = None,
    heading: str | None = None,
    summary: str = "",
    sources: tuple[Source, ...] = (),
    related: tuple[Related, ...] = (),
    variants: tuple[str, ...] = (),
    current: str | None = None,
) -> Page:
    return Page(
        id=f"{DAY}/{slug or slugify(title)}",
        date=DATE,
        heading=heading,
        title=title,
        summary=summary,
        sources=sources,
        images=(),
        related=related,
        variants=variants,
        current_variant=current,
    )


def make_entry(
    title: str,
    position: int,
    *,
    slug: str | None = None,
    heading: str | None = None,
    summary: str = "",
    contexts: tuple[str, ...] = (),
) -> ListingEntry:
    return ListingEntry(
        id=f"{DAY}/{slug or slugify(title)}",
        date=DATE,
        heading=heading,
        title=title,
        summary=summary,
        contexts=contexts,
        position=position,
    )


GLUED = "Harbour worksThe harbour board opens a second ferry pier."
GLUED_SLUG = "harbour-worksthe-harbour-board-opens-a-second-ferry-pier"
UNGLUED = "The harbour board opens a second ferry pier."


# --- glued story headings ----------------------------------------------------------------


def test_glued_heading_is_split_when_the_listing_names_the_rest() -> None:
    page = make_page(GLUED, slug=GLUED_SLUG)
    entry = make_entry(UNGLUED, 0, slug=GLUED_SLUG, heading="Harbour works")

    (event,) = merge_day([page], [entry], known_headings=set()).events

    assert event.title == UNGLUED
    assert event.story == "Harbour works"


def test_glued_heading_is_split_when_the_prefix_is_a_known_heading() -> None:
    page = make_page(GLUED, slug=GLUED_SLUG)

    (event,) = merge_day([page], [], known_headings={fold_key("Harbour works")}).events

    assert event.title == UNGLUED
    assert event.contexts == ("Harbour works",)


def test_glued_heading_is_split_when_the_slug_keeps_a_paragraph_marker() -> None:
    page = make_page(GLUED, slug="harbour-workspthe-harbour-board-opens-a-second-ferry-pier")

    (event,) = merge_day([page], [], known_headings=set()).events

    assert event.title == UNGLUED
    assert event.story == "Harbour works"


def test_glued_heading_after_a_closing_bracket_is_split() -> None:
    title = "Examplia unrest (2019-present)Protesters march on the harbour board."
    page = make_page(title, slug=slugify(title))

    result = merge_day([page], [], known_headings={fold_key("Examplia unrest (2019-present)")})

    assert result.events[0].title == "Protesters march on the harbour board."
    assert result.events[0].story == "Examplia unrest (2019-present)"


COLON_GLUED = "Harbour works:The harbour board opens a second ferry pier."
COLON_SLUG = "harbour-works-pthe-harbour-board-opens-a-second-ferry-pier"


def test_listing_entry_glued_with_a_colon_is_split_and_merged_into_the_page() -> None:
    page = make_page(UNGLUED)
    entry = make_entry(COLON_GLUED, 0, slug=COLON_SLUG)

    result = merge_day([page], [entry], known_headings=set())

    (event,) = result.events
    assert (event.id, event.title) == (page.id, UNGLUED)
    assert event.story == "Harbour works"
    assert event.aliases == (f"{DAY}/{COLON_SLUG}",)
    assert (result.duplicates, result.listing_only) == (1, 0)


@pytest.mark.parametrize(
    ("slug", "known"),
    [
        (COLON_SLUG, set()),  # the slug keeps the lost paragraph after the colon's dash
        (slugify(COLON_GLUED), {fold_key("Harbour works")}),  # a heading seen elsewhere
    ],
)
def test_listing_only_entry_glued_with_a_colon_keeps_the_heading_as_its_story(
    slug: str, known: set[str]
) -> None:
    entry = make_entry(COLON_GLUED, 0, slug=slug, contexts=("Ferries",))

    (event,) = merge_day([], [entry], known_headings=known).events

    assert event.title == UNGLUED
    assert event.contexts == ("Harbour works", "Ferries")
    assert event.listing_only


def test_page_title_glued_with_a_colon_is_split_when_the_listing_names_the_rest() -> None:
    page = make_page(COLON_GLUED, slug=slugify(COLON_GLUED))
    entry = make_entry(UNGLUED, 0, slug=slugify(COLON_GLUED), heading="Harbour works")

    (event,) = merge_day([page], [entry], known_headings=set()).events

    assert event.title == UNGLUED
    assert event.story == "Harbour works"


def test_glued_heading_split_adds_the_heading_to_the_days_headings() -> None:
    page = make_page(GLUED, slug="harbour-workspthe-harbour-board-opens-a-second-ferry-pier")

    result = merge_day([page], [], known_headings=set())

    assert fold_key("Harbour works") in result.headings


@pytest.mark.parametrize(
    "title",
    [
        "Protesters gather outside a McDonald's restaurant in Examplia.",
        "McDonald's opens its first restaurant in Examplia.",
        "Shoppers in Examplia queue overnight for the new iPhone.",
        "iPhone sales fall in Examplia.",
        "Examplia reformsThe parliament passes a new ferry law.",
        "The harbour board signs a deal with PortCo for two new cranes.",
        "DeepMind opens a research laboratory in Examplia.",
        "ShopRite recalls frozen spinach sold in Examplia.",
        "Examplia reforms:The parliament passes a new ferry law.",
        "Harbour works: the harbour board opens a second ferry pier.",
    ],
)
def test_title_is_not_split_when_nothing_vouches_for_it(title: str) -> None:
    page = make_page(title, slug=slugify(title))

    (event,) = merge_day([page], [], known_headings={fold_key("Harbour works")}).events

    assert event.title == title
    assert event.contexts == ()


def test_page_with_a_story_heading_is_never_split() -> None:
    page = make_page(GLUED, slug=GLUED_SLUG, heading="Examplia ports")

    (event,) = merge_day([page], [], known_headings={fold_key("Harbour works")}).events

    assert event.title == GLUED
    assert event.contexts == ("Examplia ports",)


# --- duplicates and slug variants --------------------------------------------------------


def test_pages_with_the_same_date_and_text_become_one_event() -> None:
    first = make_page("The harbour board opens a pier.", slug="the-harbour-board-opens-a-pier")
    second = make_page(
        "The harbour board  opens a pier ", slug="the-harbour-board-opens-a-pier-in-examplia"
    )

    result = merge_day([second, first], [], known_headings=set())

    (event,) = result.events
    assert set(event.all_ids) == {first.id, second.id}
    assert event.id not in event.aliases
    assert result.duplicates == 1


def test_same_text_pages_take_the_id_the_listing_links_to() -> None:
    old = make_page("The harbour board opens a pier.", slug="a-old-slug-of-the-pier")
    new = make_page("The harbour board opens a pier.", slug="the-harbour-board-opens-a-pier")
    entry = make_entry("The harbour board opens a pier.", 0, slug="the-harbour-board-opens-a-pier")

    (event,) = merge_day([old, new], [entry], known_headings=set()).events

    assert event.id == new.id
    assert event.aliases == (old.id,)


def test_changes_section_ties_variants_and_the_current_version_names_the_event() -> None:
    current_id = f"{DAY}/the-harbour-board-opens-a-pier"
    old = make_page(
        "Harbour works: The harbour board opens a pier.", slug="a-harbour-works-the-harbour-board"
    )
    new = make_page(
        "The harbour board opens a pier.",
        slug="the-harbour-board-opens-a-pier",
        heading="Harbour works",
        variants=(old.id, current_id),
        current=current_id,
    )

    result = merge_day([old, new], [], known_headings=set())

    (event,) = result.events
    assert event.id == current_id
    assert event.aliases == (old.id,)
    assert event.title == "The harbour board opens a pier."
    assert result.duplicates == 1


def test_changes_section_on_the_old_page_also_names_the_current_version() -> None:
    current_id = f"{DAY}/the-harbour-board-opens-a-pier"
    old = make_page(
        "Harbour works: The harbour board opens a pier.",
        slug="a-harbour-works-the-harbour-board",
        variants=(f"{DAY}/a-harbour-works-the-harbour-board", current_id),
        current=current_id,
    )
    new = make_page("The harbour board opens a pier.", slug="the-harbour-board-opens-a-pier")

    (event,) = merge_day([old, new], [], known_headings=set()).events

    assert event.id == current_id
    assert event.aliases == (old.id,)


def test_variant_named_in_changes_but_missing_from_the_archive_becomes_an_alias() -> None:
    missing = f"{DAY}/harbour-works-the-harbour-board-opens-a-pier"
    page = make_page(
        "The harbour board opens a pier.",
        variants=(missing, f"{DAY}/the-harbour-board-opens-a-pier"),
        current=f"{DAY}/the-harbour-board-opens-a-pier",
    )

    result = merge_day([page], [], known_headings=set())

    (event,) = result.events
    assert event.id == page.id
    assert event.aliases == (missing,)
    assert result.duplicates == 0


def test_merged_variants_pool_sources_and_drop_related_links_to_each_other() -> None:
    gazette = Source("Examplia Gazette", "https://www.gazette.example.com/a", "gazette.example.com")
    radio = Source("Harbour Radio", "https://radio.example.org/b", "example.org")
    elsewhere = Related(f"news/2019/06/12/{slugify('A pier is planned.')}", "A pier is planned.")
    old = make_page("The harbour board opens a pier.", slug="a-old-slug", sources=(gazette,))
    new = make_page(
        "The harbour board opens a pier.",
        slug="the-harbour-board-opens-a-pier",
        sources=(radio, gazette),
        related=(Related(old.id, old.title), elsewhere),
        variants=(old.id, f"{DAY}/the-harbour-board-opens-a-pier"),
        current=f"{DAY}/the-harbour-board-opens-a-pier",
    )

    (event,) = merge_day([old, new], [], known_headings=set()).events

    assert set(event.sources) == {gazette, radio}
    assert len(event.sources) == 2
    assert event.related == (elsewhere,)


def test_listing_link_to_a_missing_variant_of_a_page_is_an_alias_not_a_new_event() -> None:
    page = make_page("The harbour board opens a pier.", slug="the-harbour-board-opens-a-pier")
    entry = make_entry("The harbour board opens a pier.", 0, slug="harbour-works-the-harbour-board")

    result = merge_day([page], [entry], known_headings=set())

    (event,) = result.events
    assert event.id == page.id
    assert event.aliases == (entry.id,)
    assert not event.listing_only
    assert result.listing_only == 0


# --- listings ----------------------------------------------------------------------------


def test_event_named_only_by_the_listing_is_indexed_from_the_listing() -> None:
    entry = make_entry(
        "A comet is visible over Examplia.",
        0,
        heading="Astronomy",
        summary="Observers saw it from the harbour.",
        contexts=("Comets", "Examplia"),
    )

    result = merge_day([], [entry], known_headings=set())

    (event,) = result.events
    assert event.id == entry.id
    assert event.listing_only
    assert event.title == "A comet is visible over Examplia."
    assert event.summary == "Observers saw it from the harbour."
    assert event.contexts == ("Astronomy", "Comets", "Examplia")
    assert event.lang == "en"
    assert result.listing_only == 1
    assert result.duplicates == 0


def test_chinese_listing_only_event_is_chinese() -> None:
    entry = make_entry("示例港启用新码头。", 0, slug="示例港启用新码头")

    (event,) = merge_day([], [entry], known_headings=set()).events

    assert event.lang == "zh"
    assert event.listing_only


@pytest.mark.parametrize(
    ("title", "script", "tag"),
    [
        ("示例港启用新码头。", "Hans", "zh-Hans"),
        ("示例港啟用新碼頭。", "Hant", "zh-Hant"),
        ("The harbour board opens a pier.", "", "en"),
    ],
)
def test_event_script_is_read_from_its_title(title: str, script: str, tag: str) -> None:
    (event,) = merge_day([make_page(title, slug="x")], [], known_headings=set()).events

    assert (event.script, event.lang_tag) == (script, tag)


def test_event_script_survives_the_stored_form() -> None:
    from indexer.schema import to_document
    from indexer.stored import StoredEvents

    (event,) = merge_day([make_page("示例港啟用新碼頭。", slug="x")], [], set()).events
    stored = StoredEvents()
    document = to_document(event, DAY, stored)

    assert stored.unpack(document["event"]).lang_tag == "zh-Hant"


def test_english_summary_under_a_chinese_title_keeps_its_own_language() -> None:
    page = make_page("示例港启用新码头。", slug="x", summary="The board opens a second pier.")

    (event,) = merge_day([page], [], known_headings=set()).events

    assert (event.lang, event.summary_lang) == ("zh", "en")


def test_listing_topics_and_summary_are_merged_into_the_pages_event() -> None:
    page = make_page("The harbour board opens a pier.", heading="Harbour works")
    entry = make_entry(
        "The harbour board opens a pier.",
        0,
        heading="Harbour works",
        summary="Ferries start next week.",
        contexts=("Ferries", "harbour works", "Examplia"),
    )

    result = merge_day([page], [entry], known_headings=set())

    (event,) = result.events
    assert event.id == page.id
    assert not event.listing_only
    assert event.summary == "Ferries start next week."
    assert event.contexts == ("Harbour works", "Ferries", "Examplia")
    assert result.listing_only == 0
    assert result.duplicates == 0


def test_page_summary_wins_over_the_listing_summary() -> None:
    page = make_page("The harbour board opens a pier.", summary="The outlet's own teaser.")
    entry = make_entry("The harbour board opens a pier.", 0, summary="The listing's line.")

    (event,) = merge_day([page], [entry], known_headings=set()).events

    assert event.summary == "The outlet's own teaser."


def test_positions_follow_the_listing_and_unlisted_pages_come_last() -> None:
    titles = ["A ferry pier opens.", "A comet is visible.", "Voters elect a parliament."]
    pages = [make_page(t) for t in [*titles, "A heatwave closes schools."]]
    listing = [make_entry(t, i) for i, t in enumerate(reversed(titles))]

    events = merge_day(pages, listing, known_headings=set()).events

    assert [(e.title, e.position) for e in events] == [
        ("Voters elect a parliament.", 0),
        ("A comet is visible.", 1),
        ("A ferry pier opens.", 2),
        ("A heatwave closes schools.", 3),
    ]


def test_counts_duplicates_and_listing_only_events_of_a_day() -> None:
    pages = [
        make_page("A ferry pier opens.", slug="a-ferry-pier-opens"),
        make_page("A ferry pier opens.", slug="a-ferry-pier-opens-in-examplia"),
        make_page("A ferry pier opens.", slug="harbour-works-a-ferry-pier-opens"),
        make_page("A comet is visible."),
    ]
    listing = [
        make_entry("A ferry pier opens.", 0, slug="a-ferry-pier-opens"),
        make_entry("Voters elect a parliament.", 1),
        make_entry("A heatwave closes schools.", 2),
    ]

    result = merge_day(pages, listing, known_headings=set())

    assert len(result.events) == 4
    assert result.duplicates == 2
    assert result.listing_only == 2
    assert [e.listing_only for e in result.events] == [False, True, True, False]
