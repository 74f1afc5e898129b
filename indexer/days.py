"""Reading one day folder into events: the unit of work of every indexing run."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection

from indexer.archive import DayFiles
from indexer.errors import PageSkipped
from indexer.event import Event
from indexer.merge import merge_day
from indexer.parse import (
    MAX_PAGE_BYTES,
    ListingEntry,
    Page,
    decode,
    parse_listing,
    parse_page,
    split_contexts,
)
from indexer.store import DayReport
from indexer.text import fold_key

_HEADINGS = re.compile(rb"^#####[ \t]*([^\r\n]+)", re.M)
# Topics run to the end of the line; parse.split_contexts splits them as the parser does.
_TOPICS = re.compile("_(?:Context|消息)[ \t]*(?::|：)([^\r\n]*)".encode())


def _read(day: DayFiles, name: str) -> str:
    path = f"{day.key}/{name}"
    size = day.size_of(name)
    if size > MAX_PAGE_BYTES:
        raise PageSkipped(path, f"too large ({size:,} bytes; limit {MAX_PAGE_BYTES:,})")
    try:
        raw = day.read(name)
    except OSError as exc:
        raise PageSkipped(path, f"unreadable: {exc.strerror}") from None
    return decode(raw, path)


def day_headings(day: DayFiles) -> set[str]:
    """fold_key of every heading and topic in a day's files (a quick pre-pass)."""
    found: set[str] = set()
    for name, size, _ in day.files:
        if size > MAX_PAGE_BYTES:
            continue
        try:
            raw = day.read(name)
        except (OSError, PageSkipped):  # read_day reports it
            continue
        headings = (h.decode("utf-8", "replace") for h in _HEADINGS.findall(raw))
        topics = (split_contexts(t.decode("utf-8", "replace")) for t in _TOPICS.findall(raw))
        found.update(map(fold_key, itertools.chain(headings, *topics)))
    found.discard("")
    return found


def read_day(day: DayFiles, known_headings: Collection[str]) -> tuple[list[Event], DayReport]:
    """Parse and merge one day folder; page-level problems are skipped with a reason."""
    report = DayReport(fingerprint=day.fingerprint)
    pages: list[Page] = []
    for name in day.page_names:
        try:
            page = parse_page(_read(day, name), f"{day.key}/{name}")
        except PageSkipped as skip:
            report.skipped.append((skip.path, skip.reason))
            continue
        pages.append(page)
        report.warnings += [(f"{day.key}/{name}", reason) for reason in page.dropped]
    listing: list[ListingEntry] = []
    if day.listing_name:
        try:
            listing = parse_listing(_read(day, day.listing_name), f"{day.key}/{day.listing_name}")
        except PageSkipped as skip:
            report.skipped.append((skip.path, skip.reason))
    merged = merge_day(pages, listing, known_headings)
    report.pages = len(pages)
    report.events = len(merged.events)
    report.duplicates = merged.duplicates
    report.listing_only = merged.listing_only
    report.headings = tuple(sorted(merged.headings))
    return merged.events, report
