"""OpenSearch 1.1: the description browsers use to add us as a search engine, and the
suggestions format they call on each keystroke."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from web.state import state

OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
MOZ_NS = "http://www.mozilla.org/2006/browser/search/"
DESCRIPTION_TYPE = "application/opensearchdescription+xml"
SUGGESTIONS_TYPE = "application/x-suggestions+json"
SHORT_NAME_MAX = 16


def base_url(request: Request) -> str:
    """The site's absolute base URL: ``EVENTSEARCH_PUBLIC_URL`` when the operator set it
    (then no request header can change it), else as the client sees it (uvicorn applies
    X-Forwarded-* from trusted proxies to the scope, so this is right behind a proxy too;
    ``EVENTSEARCH_ALLOWED_HOSTS`` keeps arbitrary Host values out)."""
    return state(request).settings.public_url or str(request.base_url).rstrip("/")


def xml_bytes(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def description(base: str, site_name: str) -> bytes:
    ET.register_namespace("", OPENSEARCH_NS)
    ET.register_namespace("moz", MOZ_NS)
    root = ET.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription")

    def add(tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(root, f"{{{OPENSEARCH_NS}}}{tag}", attrs)
        element.text = text
        return element

    add("ShortName", site_name[:SHORT_NAME_MAX])
    add("Description", f"Search {site_name}: news events by date, story, outlet and language.")
    add("InputEncoding", "UTF-8")
    add("Image", f"{base}/static/icon.png", width="32", height="32", type="image/png")
    paging = "&page={startPage?}"
    add("Url", type="text/html", method="get", template=f"{base}/search?q={{searchTerms}}{paging}")
    add("Url", type=SUGGESTIONS_TYPE, method="get", template=f"{base}/suggest?q={{searchTerms}}")
    add(
        "Url", type="application/atom+xml", template=f"{base}/search.atom?q={{searchTerms}}{paging}"
    )
    add("Url", type="application/rss+xml", template=f"{base}/search.rss?q={{searchTerms}}{paging}")
    add("Url", type=DESCRIPTION_TYPE, rel="self", template=f"{base}/opensearch.xml")
    add("Query", role="example", searchTerms="earthquake")
    ET.SubElement(root, f"{{{MOZ_NS}}}SearchForm").text = f"{base}/"
    return xml_bytes(root)


def suggestion_query(text: str, kind: str) -> str:
    """The query a picked suggestion runs: story headings as exact phrases."""
    return f'"{text}"' if kind == "context" else text


def opensearch_xml(request: Request) -> Response:
    body = description(base_url(request), state(request).settings.site_name)
    return Response(
        body, media_type=DESCRIPTION_TYPE, headers={"Cache-Control": "public, max-age=86400"}
    )


def suggestions(request: Request) -> Response:
    """``[query, [completions], [descriptions], [urls]]`` (OpenSearch suggestions 1.1)."""
    prefix = request.query_params.get("q", "")[:100]
    found = state(request).search.suggest(prefix) if prefix.strip() else []
    base = base_url(request)
    body = [
        prefix,
        [s.text for s in found],
        [f"{s.count:,} event{'s' if s.count != 1 else ''}" for s in found],
        [f"{base}/search?q={quote(suggestion_query(s.text, s.kind))}" for s in found],
    ]
    return JSONResponse(
        body, media_type=SUGGESTIONS_TYPE, headers={"Cache-Control": "public, max-age=300"}
    )


routes = [
    Route("/opensearch.xml", opensearch_xml),
    Route("/suggest", suggestions),
]
