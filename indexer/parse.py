"""Markdown pages and day listings -> plain values, one function per kind of file.

A page (``news/YYYY/MM/D/<slug>.md``) becomes a :class:`Page`; a day listing
(``index.md``/``README.md``) becomes :class:`ListingEntry` values. Turning those into
:class:`~indexer.event.Event` values (duplicates, glued headings, listing-only events)
is ``merge``'s job, since it needs the whole day.

Every variant seen in the real archives is accepted: ``Source:``/``Sources:``/
``信息来源:``, ``Related:``/``有关:``, ``_Context:``/``_消息:``, ``[Cover Image]`` and
``[IMG]`` links (images, not sources), repeated list numbers, ``Formats:`` lines.

Source and image URLs are links only when :func:`~indexer.urls.http_url` allows them;
the page's ``dropped`` says what was taken out and why (the run reports it as warnings).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from indexer.domains import registrable_domain
from indexer.errors import PageSkipped
from indexer.event import Related, Source
from indexer.text import clean, lang_of, printable
from indexer.urls import url_problem

MAX_PAGE_BYTES = 2_000_000  # real pages are a few KB; anything this big is not a page
SHOWN_URL_CHARS = 100  # of a dropped URL in its warning: enough to recognise it

_DATE_LINE = re.compile(r"^#{2,3}\s*\[\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*\]")
_SECTION = re.compile(r"^###\s*([^\[].*?)\s*[:：]?\s*$")
_ITEM = re.compile(r"^\s*\d+\.\s*(.*)$")
_LINK_TO_PAGE = re.compile(r"\[(?P<text>.*)\]\((?P<url>[^()\s]*\.md)\)(?P<rest>.*)$")
_SOURCE = re.compile(
    r"^\[(?P<name>[^\]]*)\]\((?P<url>\S+?)\)(?:\s*\[IMG\]\((?P<img>\S+?)\))?\s*$", re.IGNORECASE
)
_CONTEXT_LINE = re.compile(r"^_?\s*(?:Context|消息)\s*[:：]\s*(?P<items>.*?)_?\s*$")
_LISTING_EVENT = re.compile(r"^###\s*\[(?P<text>.*)\]\((?P<url>[^()\s]*\.md)\)\s*$")
_CONTEXT_SPLIT = re.compile(r"[,，、;；]")

SECTION_NAMES = {
    "source": "sources",
    "sources": "sources",
    "信息来源": "sources",
    "信息來源": "sources",
    "related": "related",
    "有关": "related",
    "有關": "related",
    "changes": "changes",
}


@dataclass(frozen=True, slots=True)
class Page:
    """What one event page says, before merging with its day."""

    id: str
    date: dt.date
    heading: str | None
    title: str
    summary: str
    sources: tuple[Source, ...]
    images: tuple[str, ...]
    related: tuple[Related, ...]
    variants: tuple[str, ...]  # ids named in its Changes section
    current_variant: str | None  # the id marked "(Current version)"
    dropped: tuple[str, ...] = ()  # why each source/image URL was not kept as a link

    @property
    def lang(self) -> str:
        return lang_of(self.title)


@dataclass(frozen=True, slots=True)
class ListingEntry:
    """One event as a day listing names it."""

    id: str
    date: dt.date
    heading: str | None
    title: str
    summary: str
    contexts: tuple[str, ...]
    position: int


def page_id(path: str | PurePosixPath) -> str:
    """Archive-relative path (or a link to it) -> event id.

    ``/zh/news/2019/03/3/x.md`` and ``news/2019/03/3/x.md`` both give ``news/2019/03/3/x``.
    """
    text = str(path).strip().replace("\\", "/").lstrip("/")
    text = re.sub(r"^(?:[a-z]{2}(?:-[a-z]+)?/)(?=news/)", "", text)
    return text[:-3] if text.endswith(".md") else text


def decode(raw: bytes, path: str) -> str:
    """Bytes of a page -> text, or :class:`PageSkipped` with the reason."""
    if not raw.strip():
        raise PageSkipped(path, "empty file")
    if len(raw) > MAX_PAGE_BYTES:
        raise PageSkipped(path, f"too large ({len(raw):,} bytes; limit {MAX_PAGE_BYTES:,})")
    if b"\x00" in raw:
        raise PageSkipped(path, "binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PageSkipped(path, f"not UTF-8 (bad byte at offset {exc.start})") from None


def parse_date(line: str) -> dt.date | None:
    match = _DATE_LINE.match(line.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def split_contexts(items: str) -> tuple[str, ...]:
    """``"A, B, , $"`` -> ``("A", "B")``: empty and symbol-only items are noise.

    The one topic splitter (pages, listings, the day pre-pass). Cleaned before it is
    split, so the ``;`` inside a variant block (``-{zh-cn:甲城; zh-tw:乙城;}-``) is not
    taken for a separator.
    """
    parts = (p.strip(" _") for p in _CONTEXT_SPLIT.split(clean(items)))
    return tuple(dict.fromkeys(p for p in parts if any(ch.isalnum() for ch in p)))


def parse_context_line(line: str) -> tuple[str, ...] | None:
    match = _CONTEXT_LINE.match(line.strip())
    return split_contexts(match["items"]) if match else None


def _parse_related(item: str) -> Related | None:
    match = _LINK_TO_PAGE.search(item)
    if not match:
        return None
    rest = match["rest"].strip()
    contexts = parse_context_line(rest) or ()
    return Related(page_id(match["url"]), clean(match["text"]), contexts)


def _dropped(problem: str, what: str, url: str) -> str:
    return f"{problem} dropped from {what}: {printable(url[:SHOWN_URL_CHARS])}"


def _checked_source(name: str, url: str) -> tuple[Source | None, list[str]]:
    """The source, with its URL only if that may be a link; and what was dropped.

    Dropped here, at index time, rather than when rendering: the JSON API then never
    hands an embedder an unsafe URL. The outlet's name stays (shown as plain text), so
    the reader still sees who reported it; with no name either, nothing is left to show.
    """
    problem = url_problem(url)
    if problem is None:
        return Source(name, url, registrable_domain(url)), []
    what = f"source '{name}'" if name else "unnamed source"
    return (Source(name, "", "") if name else None), [_dropped(problem, what, url)]


def _checked_image(url: str | None) -> tuple[str | None, list[str]]:
    if url is None:
        return None, []
    problem = url_problem(url)
    return (url, []) if problem is None else (None, [_dropped(problem, "image", url)])


def _parse_source(item: str) -> tuple[Source | None, str | None, list[str]]:
    """A Sources list item -> (source, image, what was dropped); either may be None."""
    match = _SOURCE.match(item.strip())
    if not match:
        return None, None, []
    name, url, img = clean(match["name"]), match["url"], match["img"]
    if name.casefold() in {"cover image", "img", "image"}:
        return None, *_checked_image(url)
    source, dropped = _checked_source(name, url)
    image, dropped_image = _checked_image(img)
    return source, image, dropped + dropped_image


def _page_sections(lines: list[str]) -> dict[str, list[str]]:
    """Split a page after its title into 'body' and named list sections."""
    sections: dict[str, list[str]] = {"body": []}
    current = "body"
    for line in lines:
        match = _SECTION.match(line) if line.startswith("###") else None
        if match and not line.startswith("####"):
            current = SECTION_NAMES.get(match[1].strip().casefold(), "other")
            sections.setdefault(current, [])
            continue
        sections[current].append(line)
    return sections


def _items(lines: list[str]) -> list[str]:
    items = []
    for line in lines:
        match = _ITEM.match(line)
        if match:
            items.append(match[1])
    return items


def _parse_changes(lines: list[str]) -> tuple[tuple[str, ...], str | None]:
    variants, current = [], None
    for item in _items(lines):
        match = _LINK_TO_PAGE.search(item)
        if match:
            vid = page_id(match["url"])
            variants.append(vid)
            if "current version" in match["rest"].casefold():
                current = vid
    return tuple(dict.fromkeys(variants)), current


def parse_page(text: str, path: str) -> Page:
    """Text of an event page -> :class:`Page`, or :class:`PageSkipped` with the reason."""
    lines = text.splitlines()
    date, heading, title, index = None, None, None, 0
    for index, line in enumerate(lines):  # noqa: B007 - index is used after the loop
        stripped = line.strip()
        if date is None:
            date = parse_date(stripped)
            continue
        if stripped.startswith("##### "):
            heading = clean(stripped[6:]) or heading
        elif stripped.startswith("# "):
            title = clean(stripped[2:])
            break
    if date is None:
        raise PageSkipped(path, "no date line (### [YYYY-MM-D](...))")
    if not title:
        raise PageSkipped(path, "no title line (# ...)")
    sections = _page_sections(lines[index + 1 :])
    sources, images, dropped = [], [], []
    for item in _items(sections.get("sources", [])):
        source, image, drops = _parse_source(item)
        if source:
            sources.append(source)
        if image:
            images.append(image)
        dropped += drops
    related = [r for r in map(_parse_related, _items(sections.get("related", []))) if r]
    variants, current = _parse_changes(sections.get("changes", []))
    return Page(
        id=page_id(path),
        date=date,
        heading=heading,
        title=title,
        summary=clean(" ".join(sections["body"])),
        sources=tuple(dict.fromkeys(sources)),
        images=tuple(dict.fromkeys(images)),
        related=tuple(related),
        variants=variants,
        current_variant=current,
        dropped=tuple(dict.fromkeys(dropped)),
    )


@dataclass(slots=True)
class _Draft:
    id: str
    heading: str | None
    title: str
    summary: str = ""
    contexts: tuple[str, ...] = ()

    def add_line(self, line: str) -> None:
        contexts = parse_context_line(line)
        if contexts is not None:
            self.contexts = tuple(dict.fromkeys((*self.contexts, *contexts)))
        else:
            self.summary = clean(f"{self.summary} {line}")


def parse_listing(text: str, path: str) -> list[ListingEntry]:
    """Text of a day listing -> its entries in archive order."""
    date: dt.date | None = None
    heading: str | None = None
    drafts: list[_Draft] = []
    open_draft = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("Formats:"):
            continue
        if date is None and stripped.startswith("## "):
            date = parse_date(stripped)
        elif stripped.startswith("##### "):
            heading, open_draft = clean(stripped[6:]) or None, False
        elif match := _LISTING_EVENT.match(stripped):
            drafts.append(_Draft(page_id(match["url"]), heading, clean(match["text"])))
            heading, open_draft = None, True
        elif stripped.startswith("#"):
            open_draft = False
        elif open_draft:
            drafts[-1].add_line(stripped)
    if date is None:
        raise PageSkipped(path, "not a day listing (no ## [YYYY-MM-D] line)")
    return [
        ListingEntry(d.id, date, d.heading, d.title, d.summary, d.contexts, position)
        for position, d in enumerate(drafts)
    ]
