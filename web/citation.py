"""How a reader cites an event: its permalink, a plain-text citation and a Wikipedia
``{{cite news}}`` line of its first source, and each source's copies at the Internet
Archive (news URLs rot; the Wayback Machine's list of captures outlives them).

Every function here is pure: an event, the site's absolute base URL, its name and the
day of access in, text out. Templates escape the text for HTML; the ``{{cite news}}``
line escapes what would end or split a template parameter itself (:func:`wikitext`).

    {{cite news |url=https://… |title=… |work=BBC |date=2014-07-17 |access-date=2025-01-05}}

A source the archive already gives as a copy (``web.archive.org/web/20140718061500/
http://www.reuters.com/…``; indexer.domains unwraps it) is cited by its original URL,
with the copy as ``|archive-url=`` and its day as ``|archive-date=``, and its list of
copies is the original's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple
from urllib.parse import quote

from indexer.domains import unwrap_archive
from indexer.event import Event, Source
from indexer.urls import http_url
from web.schemas import Citation

WAYBACK = "https://web.archive.org/web/*/"
# A Wayback Machine copy, whose timestamp starts with the day it was taken.
CAPTURE = re.compile(r"^https?://(?:web\.|wayback\.)?archive\.org/web/(\d{8})\d*", re.I)
# What would end a template (}}), split a parameter (|), open a template or link, or
# sign the text (~~~~) once pasted into wikitext: each becomes its HTML entity, which
# MediaWiki shows as the character itself.
WIKITEXT = str.maketrans(
    {c: f"&#{ord(c)};" for c in "|{}[]<>~"} | {"\n": " ", "\r": " ", "\t": " "}
)
# The characters of a URL that wikitext reads as syntax, percent-encoded (same address).
URL_SAFE = "/:?#@!$&'()*+,;=%~-._"
ENDS = ".!?。！？…"  # a title ending in one of these needs no full stop of ours


class Link(NamedTuple):
    """A source's address as a citation gives it."""

    url: str  # the outlet's own
    copy: str | None = None  # an archive's copy, when the archive gave that
    copied: dt.date | None = None  # the day the copy was taken, when it says


def link_of(url: str) -> Link:
    original = unwrap_archive(url)
    if original == url or not http_url(original):
        return Link(url)
    day = CAPTURE.match(url)
    try:
        copied = dt.datetime.strptime(day[1], "%Y%m%d").date() if day else None
    except ValueError:
        copied = None
    return Link(original, url, copied)


def archive_url(url: str) -> str | None:
    """The Internet Archive's copies of *url* (of the original, when *url* is already an
    archive's copy of it), when it is an http(s) link."""
    return WAYBACK + link_of(url).url if http_url(url) else None


def permalink(base: str, event_id: str) -> str:
    return f"{base}/events/{quote(event_id, safe='/')}"


def first_source(event: Event) -> Source | None:
    """The first source with an http(s) link: the one a citation names."""
    return next((s for s in event.sources if http_url(s.url)), None)


def outlet(source: Source) -> str:
    return source.name or source.domain


def sentence(title: str) -> str:
    title = " ".join(title.split())
    return title if title.endswith(tuple(ENDS)) else f"{title}."


def cited(event: Event, page: str, site: str) -> tuple[str, Link]:
    """The work and link a citation names: the first linked source, else the *page*."""
    source = first_source(event)
    return (outlet(source), link_of(source.url)) if source else (site, Link(page))


def plain_text(event: Event, page: str, site: str, accessed: dt.date) -> str:
    """``“Title.” Outlet, 2014-07-17. URL (accessed 2025-01-05).`` of the first
    source (a copy named after it: ``Archived at URL.``); without one, of the event's
    *page* on *site*."""
    work, link = cited(event, page, site)
    text = f"“{sentence(event.title)}” {work}, {event.date.isoformat()}. {link.url}"
    text += f" (accessed {accessed.isoformat()})."
    return f"{text} Archived at {link.copy}." if link.copy else text


def wikitext(text: str) -> str:
    """*text* safe as a template parameter's value."""
    return " ".join(text.translate(WIKITEXT).split())


def wiki_url(url: str) -> str:
    return quote(url, safe=URL_SAFE)


def cite_news(event: Event, page: str, site: str, accessed: dt.date) -> str:
    """A ``{{cite news}}`` template of the first source (without one, of the *page*)."""
    work, link = cited(event, page, site)
    fields = {
        "url": wiki_url(link.url),
        "title": wikitext(event.title),
        "work": wikitext(work),
        "date": event.date.isoformat(),
        "access-date": accessed.isoformat(),
    }
    if link.copy:
        fields["archive-url"] = wiki_url(link.copy)
        if link.copied:
            fields["archive-date"] = link.copied.isoformat()
    return "{{cite news " + " ".join(f"|{k}={v}" for k, v in fields.items()) + "}}"


def citation(event: Event, base: str, site: str, accessed: dt.date) -> Citation:
    link = permalink(base, event.id)
    return {
        "permalink": link,
        "text": plain_text(event, link, site, accessed),
        "wikipedia": cite_news(event, link, site, accessed),
    }


def cited_sources(event: Event) -> list[dict[str, Any]]:
    """The event's sources as its page lists them, each with its archived copies."""
    return [
        {"name": s.name, "url": s.url, "domain": s.domain, "archive_url": archive_url(s.url)}
        for s in event.sources
    ]
