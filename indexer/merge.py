"""One day's pages and listing entries -> that day's events.

The day is the unit of merging (and of incremental indexing) because everything that
ties two files into one event lives within a day:

- slug variants of one event (same date and same normalised text, or tied by a
  ``Changes:`` section) become one event; the others are kept as ``aliases``;
- a listing's topics and summary are merged into the event it names;
- an event the listing names but with no page is indexed from the listing alone;
- a story heading glued onto the title is split off (see ``headings``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from indexer.event import Event
from indexer.headings import split_glued_heading
from indexer.parse import ListingEntry, Page
from indexer.text import fold_key, lang_of, script_of

_Item = TypeVar("_Item", Page, ListingEntry)  # what carries a heading and a title


@dataclass(slots=True)
class DayResult:
    events: list[Event] = field(default_factory=list)
    duplicates: int = 0  # pages folded into another page's event
    listing_only: int = 0
    headings: set[str] = field(default_factory=set)


def headings_of(pages: Iterable[Page], listing: Iterable[ListingEntry]) -> set[str]:
    """fold_key values of every story heading and topic a day mentions."""
    names: set[str] = set()
    for page in pages:
        if page.heading:
            names.add(page.heading)
        for rel in page.related:
            names.update(rel.contexts)
    for entry in listing:
        if entry.heading:
            names.add(entry.heading)
        names.update(entry.contexts)
    return {key for key in map(fold_key, names) if key}


def unglue(item: _Item, known: Collection[str], other_titles: Collection[str]) -> _Item:
    """*item* with a story heading glued onto its title split off (see ``headings``);
    *other_titles*: fold_keys of the titles the day's other kind of file gives."""
    if item.heading:
        return item
    slug = item.id.rsplit("/", 1)[-1]
    heading, title = split_glued_heading(item.title, slug, known, other_titles)
    return replace(item, heading=heading, title=title) if heading else item


class _Groups:
    """Union-find over event ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _primary(pages: list[Page], listed_ids: Collection[str]) -> Page:
    """The page whose id names the event: current version, else listed, else first."""
    current = {p.current_variant for p in pages if p.current_variant}
    for preferred in (current, listed_ids):
        for page in pages:
            if page.id in preferred:
                return page
    return pages[0]


def _contexts(heads: Iterable[str | None], topics: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in (*heads, *topics):
        if name and fold_key(name) and fold_key(name) not in seen:
            seen[fold_key(name)] = name
    return tuple(seen.values())


def merge_day(
    pages: list[Page], listing: list[ListingEntry], known_headings: Collection[str]
) -> DayResult:
    """Merge one day's parsed files into events, in archive (listing) order."""
    page_titles = {fold_key(p.title) for p in pages}
    listing = [unglue(e, known_headings, page_titles) for e in listing]
    listing_titles = {fold_key(e.title) for e in listing}
    pages = sorted((unglue(p, known_headings, listing_titles) for p in pages), key=lambda p: p.id)
    groups = _Groups()
    by_text: dict[tuple[object, str], str] = {}
    for page in pages:
        groups.find(page.id)
        for variant in page.variants:
            groups.union(page.id, variant)
        key = (page.date, fold_key(page.title))
        groups.union(page.id, by_text.setdefault(key, page.id))
    for entry in listing:
        key = (entry.date, fold_key(entry.title))
        if key in by_text:
            groups.union(entry.id, by_text[key])
        else:
            by_text[key] = entry.id
            groups.find(entry.id)

    page_groups: dict[str, list[Page]] = {}
    for page in pages:
        page_groups.setdefault(groups.find(page.id), []).append(page)
    entry_groups: dict[str, list[ListingEntry]] = {}
    for entry in listing:
        entry_groups.setdefault(groups.find(entry.id), []).append(entry)

    members: dict[str, set[str]] = {}
    for member in list(groups.parent):
        members.setdefault(groups.find(member), set()).add(member)

    result = DayResult(headings=headings_of(pages, listing))
    unlisted_position = len(listing)
    page_ids = {p.id for p in pages}
    for root in sorted(set(page_groups) | set(entry_groups)):
        group_pages, entries = page_groups.get(root, []), entry_groups.get(root, [])
        ids = members[root]
        if group_pages:
            event = _event_from_pages(group_pages, entries, ids)
            listed_variants = {e.id for e in entries} - page_ids
            result.duplicates += len(group_pages) - 1 + len(listed_variants - {event.id})
        else:
            event = _event_from_listing(entries, ids)
            result.listing_only += 1
        if not entries:
            event = replace(event, position=unlisted_position)
            unlisted_position += 1
        result.events.append(event)
    result.events.sort(key=lambda e: (e.position, e.id))
    return result


def _event_from_pages(pages: list[Page], entries: list[ListingEntry], ids: set[str]) -> Event:
    main = _primary(pages, {e.id for e in entries})
    others = [p for p in pages if p is not main]
    topics = [t for e in entries for t in e.contexts]
    summary = main.summary or next((p.summary for p in others if p.summary), "")
    summary = summary or next((e.summary for e in entries if e.summary), "")
    return Event(
        id=main.id,
        date=main.date,
        lang=lang_of(main.title),
        script=script_of(main.title),
        title=main.title,
        summary=summary,
        contexts=_contexts(
            [main.heading, *(p.heading for p in others), *(e.heading for e in entries)], topics
        ),
        sources=tuple(dict.fromkeys(s for p in (main, *others) for s in p.sources)),
        images=tuple(dict.fromkeys(i for p in (main, *others) for i in p.images)),
        related=tuple(
            dict.fromkeys(r for p in (main, *others) for r in p.related if r.id not in ids)
        ),
        aliases=tuple(sorted(ids - {main.id})),
        position=min((e.position for e in entries), default=0),
    )


def _event_from_listing(entries: list[ListingEntry], ids: set[str]) -> Event:
    main = entries[0]
    return Event(
        id=main.id,
        date=main.date,
        lang=lang_of(main.title),
        script=script_of(main.title),
        title=main.title,
        summary=next((e.summary for e in entries if e.summary), ""),
        contexts=_contexts([e.heading for e in entries], [t for e in entries for t in e.contexts]),
        aliases=tuple(sorted(ids - {main.id})),
        position=main.position,
        listing_only=True,
    )
