"""How a reader cites an event: its permalink, a plain-text citation and a Wikipedia
``{{cite news}}`` line of its first source, and each source's copies at the Internet
Archive (news URLs rot; the Wayback Machine's list of captures outlives them).

Every function here is pure: an event, the site's absolute base URL, its name and the
day of access in, text out. Templates escape the text for HTML; the ``{{cite news}}``
line escapes what would end or split a template parameter itself (:func:`wikitext`).

    {{cite news |url=https://… |title=… |work=BBC |date=2014-07-17 |access-date=2025-01-05}}
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from indexer.event import Event, Source
from indexer.urls import http_url
from web.schemas import Citation

WAYBACK = "https://web.archive.org/web/*/"
# What would end a template (}}), split a parameter (|), open a template or link, or
# sign the text (~~~~) once pasted into wikitext: each becomes its HTML entity, which
# MediaWiki shows as the character itself.
WIKITEXT = str.maketrans(
    {c: f"&#{ord(c)};" for c in "|{}[]<>~"} | {"\n": " ", "\r": " ", "\t": " "}
)
# The characters of a URL that wikitext reads as syntax, percent-encoded (same address).
URL_SAFE = "/:?#@!$&'()*+,;=%~-._"
ENDS = ".!?。！？…"  # a title ending in one of these needs no full stop of ours


def archive_url(url: str) -> str | None:
    """The Internet Archive's captures of *url*, when it is an http(s) link."""
    return WAYBACK + url if http_url(url) else None


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


def plain_text(event: Event, link: str, site: str, accessed: dt.date) -> str:
    """``“Title.” Outlet, 2014-07-17. URL (accessed 2025-01-05).`` of the first
    source; without one, of the event's page on *site*."""
    source = first_source(event)
    work, url = (outlet(source), source.url) if source else (site, link)
    return (
        f"“{sentence(event.title)}” {work}, {event.date.isoformat()}. {url} (accessed {accessed})."
    )


def wikitext(text: str) -> str:
    """*text* safe as a template parameter's value."""
    return " ".join(text.translate(WIKITEXT).split())


def wiki_url(url: str) -> str:
    return quote(url, safe=URL_SAFE)


def cite_news(event: Event, link: str, site: str, accessed: dt.date) -> str:
    """A ``{{cite news}}`` template of the first source (without one, of the page)."""
    source = first_source(event)
    work, url = (outlet(source), source.url) if source else (site, link)
    fields = {
        "url": wiki_url(url),
        "title": wikitext(event.title),
        "work": wikitext(work),
        "date": event.date.isoformat(),
        "access-date": accessed.isoformat(),
    }
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
