"""Atom and RSS feeds of any search, with OpenSearch response elements, so a search can
be followed in a feed reader. A feed's own words (its title, its description) are in the
reader's interface (web.reader), which the feed declares (Atom ``xml:lang``, RSS
``<language>``); each entry declares its event's language."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from search.params import given
from web import data, i18n, reader
from web.i18n import UI_PARAM, Words
from web.opensearch import OPENSEARCH_NS, base_url, xml_bytes
from web.state import state

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"


def feed_title(site: str, query: str, words: Words) -> str:
    """A search's feed title, as pages name their feeds too."""
    return f"{site}: " + (query or words.gettext("all events"))


def _params(request: Request) -> list[tuple[str, str]]:
    items = given(request.query_params.multi_items())  # sort= (empty) is no sort given
    if not any(k == "sort" for k, _ in items):
        items.append(("sort", "newest"))  # a followed search wants the latest first
    return items


def _add(
    parent: ET.Element, tag: str, text: str | None = None, ns: str = "", **attrs: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}" if ns else tag, attrs)
    element.text = text
    return element


def _opensearch(parent: ET.Element, result: dict[str, Any]) -> None:
    ns = OPENSEARCH_NS
    _add(parent, "totalResults", str(result["total"]), ns)
    _add(parent, "startIndex", str((result["page"] - 1) * result["per_page"] + 1), ns)
    _add(parent, "itemsPerPage", str(result["per_page"]), ns)
    _add(
        parent,
        "Query",
        None,
        ns,
        role="request",
        searchTerms=result["query"],
        startPage=str(result["page"]),
    )


def _event_url(base: str, event_id: str) -> str:
    return f"{base}/events/{quote(event_id, safe='/')}"


def atom(result: dict[str, Any], base: str, self_url: str, site: str, words: Words) -> bytes:
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("opensearch", OPENSEARCH_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: words.ui.tag})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        return _add(parent, tag, text, ATOM_NS, **attrs)

    sub(feed, "title", feed_title(site, result["query"], words))
    sub(feed, "id", self_url)
    sub(feed, "updated", f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}")
    sub(feed, "link", rel="self", href=self_url, type=ATOM_TYPE)
    sub(
        feed,
        "link",
        rel="alternate",
        href=self_url.replace("/search.atom", "/search"),
        type="text/html",
    )
    sub(sub(feed, "author"), "name", site)
    _opensearch(feed, result)
    for hit in result["hits"]:
        entry = sub(feed, "entry")
        if hit.get("lang"):
            entry.set(XML_LANG, hit["lang"])
        url = _event_url(base, hit["id"])
        sub(entry, "title", hit["title"])
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", href=url, type="text/html")
        sub(entry, "updated", f"{hit['date']}T00:00:00Z")
        sub(entry, "summary", hit["summary"] or hit["title"])
        for context in hit["contexts"]:
            sub(entry, "category", term=context)
    return xml_bytes(feed)


def rss(result: dict[str, Any], base: str, self_url: str, site: str, words: Words) -> bytes:
    ET.register_namespace("opensearch", OPENSEARCH_NS)
    ET.register_namespace("atom", ATOM_NS)
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")

    _add(channel, "title", feed_title(site, result["query"], words))
    _add(channel, "link", self_url.replace("/search.rss", "/search"))
    matching = words.gettext("Events matching “%(query)s”") % {"query": result["query"]}
    _add(channel, "description", matching if result["query"] else words.gettext("All events"))
    _add(channel, "language", words.ui.tag)
    ET.SubElement(channel, f"{{{ATOM_NS}}}link", rel="self", href=self_url, type=RSS_TYPE)
    _opensearch(channel, result)
    for hit in result["hits"]:
        item = _add(channel, "item")
        url = _event_url(base, hit["id"])
        _add(item, "title", hit["title"])
        _add(item, "link", url)
        _add(item, "guid", url, isPermaLink="true")
        day = dt.date.fromisoformat(hit["date"])
        _add(item, "pubDate", f"{day:%a, %d %b %Y} 00:00:00 +0000")
        _add(item, "description", hit["summary"] or hit["title"])
        for context in hit["contexts"]:
            _add(item, "category", context)
    return xml_bytes(root)


def _feed(request: Request, render: Any, media_type: str) -> Response:
    app, choice = state(request), reader.interface(request)
    params = _params(request)
    result = data.search_data(app.search, [(k, v) for k, v in params if k != UI_PARAM])
    base = base_url(request)
    self_url = f"{base}{request.url.path}?{urlencode(params)}"
    response = Response(
        render(result, base, self_url, app.settings.site_name, i18n.words(choice.ui)),
        media_type=media_type,
        headers={"Cache-Control": f"public, max-age={app.settings.cache_seconds}"},
    )
    return reader.negotiated(response, choice)


def atom_feed(request: Request) -> Response:
    return _feed(request, atom, ATOM_TYPE)


def rss_feed(request: Request) -> Response:
    return _feed(request, rss, RSS_TYPE)


routes = [Route("/search.atom", atom_feed), Route("/search.rss", rss_feed)]
