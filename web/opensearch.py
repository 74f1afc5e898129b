"""OpenSearch 1.1: the description browsers use to add us as a search engine, the
suggestions format they call on each keystroke, and the page that tells readers how to
add the engine (browsers no longer let a page do it by script)."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from eventsearch.settings import SHORT_NAME_CHARS, Settings
from search.errors import IndexUnavailable
from search.params import SUGGEST_PREFIX
from web import data, i18n, reader
from web.i18n import Choice
from web.state import state

OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
MOZ_NS = "http://www.mozilla.org/2006/browser/search/"
DESCRIPTION_TYPE = "application/opensearchdescription+xml"
SUGGESTIONS_TYPE = "application/x-suggestions+json"


def base_url(request: Request) -> str:
    """The site's absolute base URL: ``EVENTSEARCH_PUBLIC_URL`` when the operator set it
    (then no request header can change it), else as the client sees it (uvicorn applies
    X-Forwarded-* from trusted proxies to the scope, so this is right behind a proxy too;
    ``EVENTSEARCH_ALLOWED_HOSTS`` keeps arbitrary Host values out)."""
    return state(request).settings.public_url or str(request.base_url).rstrip("/")


def xml_bytes(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def short_name(settings: Settings) -> str:
    """``EVENTSEARCH_SHORT_NAME``, else the site name cut at a word boundary to fit."""
    return settings.short_name or cut_at_word(settings.site_name, SHORT_NAME_CHARS)


def cut_at_word(text: str, limit: int) -> str:
    """*text* in at most *limit* characters, ending where a word ends; a first word
    longer than that is cut (no ellipsis: it would take one of the few characters)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    end = text.rfind(" ", 0, limit + 1)
    return text[:end].rstrip(" -–—:;,.|·") if end > 0 else text[:limit]


def results_url(base: str, terms: str) -> str:
    """The results page for *terms*: already escaped words, ``{searchTerms}`` (OpenSearch)
    or ``%s`` (what browsers' settings ask for)."""
    return f"{base}/search?q={terms}"


def suggest_url(base: str, terms: str) -> str:
    return f"{base}/suggest?q={terms}"


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def description(
    base: str,
    site_name: str,
    short: str,
    choice: Choice,
    languages: list[str] | None = None,
    example: str | None = None,
) -> bytes:
    """The engine in *choice*'s words (its Description; xml:lang says which), searching
    events in *languages* (OpenSearch ``Language``), with *example* as its example query.
    A named interface (``?ui=``) is kept in every URL, so results come back in it."""
    ET.register_namespace("", OPENSEARCH_NS)
    ET.register_namespace("moz", MOZ_NS)
    root = ET.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription", {XML_LANG: choice.ui.tag})
    words, link = i18n.words(choice.ui), choice.link

    def add(tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(root, f"{{{OPENSEARCH_NS}}}{tag}", attrs)
        element.text = text
        return element

    add("ShortName", short)
    add(
        "Description",
        words.gettext("Search %(site)s: news events by date, story, outlet and language.")
        % {"site": site_name},
    )
    add("InputEncoding", "UTF-8")
    add("Image", f"{base}/static/icon.png", width="32", height="32", type="image/png")
    paging = "&page={startPage?}"
    terms = "{searchTerms}"
    add("Url", type="text/html", method="get", template=link(results_url(base, terms) + paging))
    add("Url", type=SUGGESTIONS_TYPE, method="get", template=link(suggest_url(base, terms)))
    for kind, feed in (("application/atom+xml", "atom"), ("application/rss+xml", "rss")):
        add("Url", type=kind, template=link(f"{base}/search.{feed}?q={terms}{paging}"))
    add("Url", type=DESCRIPTION_TYPE, rel="self", template=link(f"{base}/opensearch.xml"))
    for language in languages or ["*"]:
        add("Language", language)
    if example:
        add("Query", role="example", searchTerms=f'"{example}"')
    ET.SubElement(root, f"{{{MOZ_NS}}}SearchForm").text = link(f"{base}/")
    return xml_bytes(root)


def opensearch_xml(request: Request) -> Response:
    app, choice = state(request), reader.interface(request)
    try:
        languages, story = data.archive_languages(app.search), data.example_story(app.search)
    except IndexUnavailable:
        languages, story = [], None
    example = reader.speller(request, choice.ui)(story) if story else None
    settings = app.settings
    body = description(
        base_url(request), settings.site_name, short_name(settings), choice, languages, example
    )
    response = Response(
        body, media_type=DESCRIPTION_TYPE, headers={"Cache-Control": "public, max-age=86400"}
    )
    return reader.negotiated(response, choice)


def suggestions(request: Request) -> Response:
    """``[query, [completions], [descriptions], [urls]]`` (OpenSearch suggestions 1.1)."""
    prefix = SUGGEST_PREFIX.parse(request.query_params.get("q", ""))
    found = state(request).search.suggest(prefix) if prefix.strip() else []
    base, choice = base_url(request), reader.interface(request)
    words, spell = i18n.words(choice.ui), reader.speller(request, choice.ui)
    body = [
        prefix,
        [spell(s.text) if s.kind == "context" else s.text for s in found],
        [words.events(s.count) for s in found],
        [choice.link(results_url(base, quote(s.query))) for s in found],
    ]
    response = JSONResponse(
        body, media_type=SUGGESTIONS_TYPE, headers={"Cache-Control": "public, max-age=300"}
    )
    return reader.negotiated(response, choice)


def add_to_browser(request: Request) -> Response:
    """How to add the engine, per browser, with the template URL for manual entry."""
    settings, choice = state(request).settings, reader.interface(request)
    base, link = base_url(request), choice.link
    return reader.page(
        request,
        "add_to_browser.html",
        {
            "short_name": short_name(settings),
            "template_url": link(results_url(base, "%s")),
            "suggest_url": link(suggest_url(base, "%s")),
            "home_url": link(f"{base}/"),
            "description_url": link("/opensearch.xml"),
            "canonical": f"{settings.public_url}/add-to-browser" if settings.public_url else None,
        },
        headers={"Cache-Control": "public, max-age=86400"},
        choice=choice,
    )


routes = [
    Route("/opensearch.xml", opensearch_xml),
    Route("/suggest", suggestions),
    Route("/add-to-browser", add_to_browser),
]
