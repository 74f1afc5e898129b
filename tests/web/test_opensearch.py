"""OpenSearch description, suggestions and result feeds, validated as XML."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from search.suggest import with_typed_accents
from web.opensearch import cut_at_word

from .conftest import make_client
from .opensearch_client import UnusableTemplate, UrlTemplate, fill, url_templates

OS = "{http://a9.com/-/spec/opensearch/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_description_has_the_spec_required_elements(client: TestClient) -> None:
    response = client.get("/opensearch.xml", headers={"Host": "search.example.org"})
    assert response.headers["content-type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{OS}OpenSearchDescription"
    short_name = root.findtext(f"{OS}ShortName")
    assert short_name and len(short_name) <= 16
    assert root.findtext(f"{OS}Description") and root.findtext(f"{OS}InputEncoding") == "UTF-8"
    urls = {u.get("type"): u.get("template") for u in root.findall(f"{OS}Url")}
    assert urls["text/html"].startswith("http://search.example.org/search?q={searchTerms}")
    assert set(urls) >= {
        "text/html",
        "application/x-suggestions+json",
        "application/atom+xml",
        "application/rss+xml",
    }
    image = root.find(f"{OS}Image")
    assert image is not None and image.text
    icon = client.get(image.text.replace("http://search.example.org", ""))
    assert icon.status_code == 200 and len(icon.content) <= 10 * 1024
    assert icon.headers["content-type"] == "image/png"


def test_description_urls_use_the_host_the_client_asked_for(client: TestClient) -> None:
    # X-Forwarded-Proto from a trusted proxy is applied by uvicorn, so it is tested
    # against a real server in tests/e2e/test_serve.py.
    response = client.get("/opensearch.xml", headers={"Host": "news.example.com"})
    assert b"http://news.example.com/suggest?q={searchTerms}" in response.content


def test_suggestions_are_the_four_element_array(client: TestClient) -> None:
    response = client.get("/suggest", params={"q": "mala"})
    assert response.headers["content-type"].startswith("application/x-suggestions+json")
    query, completions, descriptions, urls = response.json()
    assert query == "mala" and completions[0] == "Malaysia Airlines Flight 17"
    assert len(completions) == len(descriptions) == len(urls)
    assert urls[0].endswith("/search?q=context%3A%22Malaysia%20Airlines%20Flight%2017%22")
    assert client.get("/suggest").json() == ["", [], [], []]


def test_atom_feed_carries_opensearch_response_elements(client: TestClient) -> None:
    response = client.get("/search.atom", params={"q": "venezuela", "per_page": "5"})
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert int(feed.findtext(f"{OS}totalResults") or 0) >= 5
    assert feed.findtext(f"{OS}startIndex") == "1" and feed.findtext(f"{OS}itemsPerPage") == "5"
    query = feed.find(f"{OS}Query")
    assert query is not None and query.get("searchTerms") == "venezuela"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    dates = [e.findtext(f"{ATOM}updated") for e in entries]
    assert dates == sorted(dates, reverse=True)  # followed searches show the newest first


def test_rss_feed_escapes_and_pages(client: TestClient) -> None:
    response = client.get("/search.rss", params={"q": "<script>x</script> syria", "page": "1"})
    assert response.headers["content-type"].startswith("application/rss+xml")
    assert b"<script>" not in response.content
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None and channel.find(f"{OS}totalResults") is not None


# -- as browsers and other OpenSearch clients use the description ---------------------

DESCRIPTION_TYPE = "application/opensearchdescription+xml"
SUGGESTIONS_TYPE = "application/x-suggestions+json"
URL_TYPES = {  # each Url's type -> the Content-Type its filled template must answer
    "text/html": "text/html",
    SUGGESTIONS_TYPE: SUGGESTIONS_TYPE,
    "application/atom+xml": "application/atom+xml",
    "application/rss+xml": "application/rss+xml",
    DESCRIPTION_TYPE: DESCRIPTION_TYPE,
}
HOST = "search.example.org"


def description(client: TestClient) -> tuple[ET.Element, list[UrlTemplate]]:
    response = client.get("/opensearch.xml", headers={"Host": HOST})
    assert response.status_code == 200
    return ET.fromstring(response.content), url_templates(response.content)


def local(url: str) -> str:
    prefix = f"http://{HOST}"
    assert url.startswith(prefix), url
    return url.removeprefix(prefix)


def test_template_filler_follows_the_spec_substitution_rules() -> None:
    document = b"""<?xml version="1.0"?>
    <OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/"
        xmlns:ex="http://example.com/ext/1.0/">
      <Url type="text/html" pageOffset="0"
        template="http://x/s?q={searchTerms}&amp;p={startPage}&amp;c={count?}&amp;k={ex:color?}&amp;e={inputEncoding}"/>
      <Url xmlns:other="http://example.com/ext/1.0/" type="application/rss+xml"
        template="http://x/f?q={searchTerms}&amp;k={other:color?}"/>
      <Url type="application/atom+xml" template="http://x/a?q={searchTerms}&amp;n={count}&amp;z={zz:mode}"/>
    </OpenSearchDescription>"""
    html, rss, atom = url_templates(document)
    assert fill(html, "big flood") == "http://x/s?q=big+flood&p=0&c=&k=&e=UTF-8"
    color = {("http://example.com/ext/1.0/", "color"): "red"}
    assert fill(html, "é", color) == "http://x/s?q=%C3%A9&p=0&c=&k=red&e=UTF-8"
    assert fill(rss, "x", color) == "http://x/f?q=x&k=red"  # the namespace, not the prefix
    with pytest.raises(UnusableTemplate):
        fill(atom, "x")  # required {count} has no value, {zz:...} no declared prefix


def test_every_url_template_filled_as_a_client_fills_it_answers_its_type(
    client: TestClient,
) -> None:
    _, urls = description(client)
    assert {u.type for u in urls} == set(URL_TYPES)
    for url in urls:
        filled = fill(url, "earthquake")
        assert "{" not in filled
        response = client.get(local(filled))
        assert response.status_code == 200, (filled, response.text[:300])
        assert response.headers["content-type"].startswith(URL_TYPES[url.type]), filled
        if url.type == "text/html":
            assert filled.endswith("&page=")  # {startPage?}, which Firefox leaves empty
            hits = BeautifulSoup(response.text, "html.parser").select("ol.hits > li")
            assert hits, filled  # a results page, not an error page
        if url.type == SUGGESTIONS_TYPE:
            assert response.json()[0] == "earthquake"
        if url.type in ("application/atom+xml", "application/rss+xml"):
            assert int(ET.fromstring(response.content).findtext(f".//{OS}totalResults") or 0)


def test_description_meets_firefox_and_chrome_requirements(client: TestClient) -> None:
    root, urls = description(client)
    short_name = root.findtext(f"{OS}ShortName") or ""
    assert 0 < len(short_name) <= 16  # MDN: 16 characters or fewer, plain text
    assert len(root.findtext(f"{OS}Description") or "") <= 1024
    assert root.findtext(f"{OS}InputEncoding") == "UTF-8"
    image = root.find(f"{OS}Image")
    assert image is not None and image.text and image.get("type") == "image/png"
    assert client.get(local(image.text)).headers["content-type"] == "image/png"
    html = [u for u in urls if u.type == "text/html"]
    assert len(html) == 1 and html[0].method == "get"  # Chrome takes GET engines only
    assert "{searchTerms}" in html[0].template
    assert any(u.type == SUGGESTIONS_TYPE and "{searchTerms}" in u.template for u in urls)


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=earthquake&page=",
        "/search?q=earthquake&page=&per_page=&sort=&from=&to=&facets=",
        "/search?q=earthquake&context=&domain=&year=&month=&lang=",
        "/search.atom?q=earthquake&page=&sort=",
        "/search.rss?q=earthquake&page=&per_page=",
        "/api/v1/search?q=earthquake&page=&per_page=&sort=&from=&to=&facets=&year=&lang=",
        "/stories/Venezuelan%20crisis?page=",
        "/api/v1/contexts/Venezuelan%20crisis?page=",
    ],
)
def test_an_empty_optional_parameter_means_not_given(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    without = client.get(path.split("?")[0] + ("?q=earthquake" if "q=" in path else ""))
    if path.startswith("/api/"):
        body, expected = response.json(), without.json()
        assert body.get("total") == expected.get("total") and body.get("page", 1) == 1


def test_short_name_is_the_site_name_cut_at_a_word(example_index: Path) -> None:
    long_name = "The Wikipedia Current Events Archive"
    with make_client(example_index, site_name=long_name) as named:
        root = ET.fromstring(named.get("/opensearch.xml").content)
    assert root.findtext(f"{OS}ShortName") == "The Wikipedia"
    assert long_name in (root.findtext(f"{OS}Description") or "")
    with make_client(example_index, site_name=long_name, short_name="WCEA") as short:
        root = ET.fromstring(short.get("/opensearch.xml").content)
    assert root.findtext(f"{OS}ShortName") == "WCEA"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("eventsearch", "eventsearch"),
        ("The Wikipedia Current Events Archive", "The Wikipedia"),
        ("Exactly sixteen!", "Exactly sixteen!"),
        ("News — the daily archive", "News — the daily"),
        ("Archive — everything", "Archive"),
        ("Supercalifragilisticexpialidocious news", "Supercalifragili"),
        ("  spaced   out   name  here  ", "spaced out name"),
    ],
)
def test_cut_at_word_keeps_whole_words(name: str, short: str) -> None:
    assert cut_at_word(name, 16) == short and len(short) <= 16


def test_add_to_browser_page_explains_each_browser(client: TestClient) -> None:
    response = client.get("/add-to-browser", headers={"Host": HOST})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(response.text, "html.parser")
    text = " ".join(soup.get_text().split())
    for browser in ("Firefox", "Chrome", "Edge", "Safari"):
        assert soup.find(["h2", "h3"], string=lambda s, b=browser: bool(s and b in s)), browser
    assert "Add a Keyword for this Search" in text and "Manage search engines" in text
    template = soup.select_one("code.template-url")
    assert template is not None and template.get_text() == f"http://{HOST}/search?q=%s"
    filled = template.get_text().replace("%s", "earthquake")  # as a browser's setting does
    assert client.get(local(filled)).status_code == 200
    assert soup.select_one('link[rel="search"][type="application/opensearchdescription+xml"]')
    assert not soup.select("script:not([src])") and not soup.select("[style]")


# -- suggestions: what was typed, and counts that following them confirms -------------


def test_suggestions_keep_the_accents_typed(client: TestClient) -> None:
    for path in ("/suggest", "/api/v1/suggest"):
        body = client.get(path, params={"q": "nicolás"}).json()
        completions = body[1] if path == "/suggest" else [s["text"] for s in body["suggestions"]]
        assert "Nicolás Maduro" in completions, completions
        assert not any("nicolas" in c.casefold() for c in completions)
    # typed without the accent, the archive's spelling is offered
    assert "Nicolás Maduro" in client.get("/suggest", params={"q": "nicolas ma"}).json()[1]


def test_accents_typed_are_kept_even_where_titles_lack_them() -> None:
    assert with_typed_accents("Sao Paulo floods", "são p") == "São Paulo floods"
    assert with_typed_accents("SAO PAULO", "são") == "SÃO PAULO"
    assert with_typed_accents("Nicolás Maduro", "nicolas") == "Nicolás Maduro"
    assert with_typed_accents("Madrid", "são") == "Madrid"  # not the same letters
    assert with_typed_accents("台湾选举", "臺灣") == "台湾选举"  # a script is not an accent


@pytest.mark.parametrize("prefix", ["mala", "s", "ven", "ea", "nicolás", "syria", "ukr"])
def test_suggestion_counts_are_the_totals_their_urls_find(client: TestClient, prefix: str) -> None:
    _, completions, descriptions, urls = client.get(
        "/suggest", params={"q": prefix}, headers={"Host": HOST}
    ).json()
    api = client.get("/api/v1/suggest", params={"q": prefix}).json()["suggestions"]
    assert completions and [s["text"] for s in api] == completions
    for text, shown, url, item in zip(completions, descriptions, urls, api, strict=True):
        count = int(shown.split()[0].replace(",", ""))
        page = client.get(local(url))  # what the browser opens when it is picked
        assert page.status_code == 200
        twin = client.get(page.links["alternate"]["url"]).json()
        assert twin["total"] == count == item["count"], (prefix, text, url)
        assert twin["query"] == item["query"], (prefix, text)
