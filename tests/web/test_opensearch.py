"""OpenSearch description, suggestions and result feeds, validated as XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from starlette.testclient import TestClient

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
    assert urls[0].endswith("/search?q=%22Malaysia%20Airlines%20Flight%2017%22")
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
