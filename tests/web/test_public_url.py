"""The site's absolute URLs come from the operator, never from a hostile Host header."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from bs4 import BeautifulSoup

from tests.web.conftest import make_client

OS = "{http://a9.com/-/spec/opensearch/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://events.example.org"
EVIL = {"Host": "evil.example"}


def test_public_url_fixes_every_absolute_url_whatever_the_host(example_index: Path) -> None:
    with make_client(example_index, public_url=PUBLIC + "/") as client:
        description = client.get("/opensearch.xml", headers=EVIL)
        templates = [u.get("template", "") for u in ET.fromstring(description.content).iter()]
        templates = [t for t in templates if t]
        assert templates and all(t.startswith(PUBLIC + "/") for t in templates)
        assert b"evil.example" not in description.content

        feed = ET.fromstring(client.get("/search.atom", params={"q": "boeing"}, headers=EVIL).text)
        hrefs = [link.get("href", "") for link in feed.iter(f"{ATOM}link")]
        ids = [element.text or "" for element in feed.iter(f"{ATOM}id")]
        assert hrefs and all(h.startswith(PUBLIC + "/") for h in hrefs)
        assert ids and all(i.startswith(PUBLIC + "/") for i in ids)

        rss = client.get("/search.rss", params={"q": "boeing"}, headers=EVIL).text
        suggest = client.get("/suggest", params={"q": "mal"}, headers=EVIL).json()
        openapi = client.get("/api/v1/openapi.json", headers=EVIL).json()
        assert "evil.example" not in rss and PUBLIC in rss
        assert suggest[3] and all(url.startswith(PUBLIC + "/") for url in suggest[3])
        assert [s["url"] for s in openapi["servers"]] == [PUBLIC + "/api/v1"]


def test_pages_name_their_canonical_address_on_the_public_url(example_index: Path) -> None:
    with make_client(example_index, public_url=PUBLIC) as client:
        page = client.get("/search", params={"q": "boeing"}, headers=EVIL)
        canonical = BeautifulSoup(page.text, "html.parser").select_one('link[rel="canonical"]')
        assert canonical is not None
        assert canonical["href"] == f"{PUBLIC}/search?q=boeing"


def test_without_public_url_no_canonical_link_is_made_from_the_host(example_index: Path) -> None:
    with make_client(example_index) as client:
        page = client.get("/", headers=EVIL)
        assert 'rel="canonical"' not in page.text


def test_allowed_hosts_refuse_any_other_host(example_index: Path) -> None:
    allowed = "events.example.org,*.mirror.example.net"
    with make_client(example_index, allowed_hosts=allowed) as client:
        assert client.get("/opensearch.xml", headers=EVIL).status_code == 400
        assert client.get("/search.atom?q=x", headers=EVIL).status_code == 400
        assert client.get("/api/v1/search?q=x", headers=EVIL).status_code == 400
        good = client.get("/opensearch.xml", headers={"Host": "events.example.org"})
        assert good.status_code == 200
        assert b"http://events.example.org/search?q=" in good.content
        mirror = client.get("/healthz", headers={"Host": "eu.mirror.example.net"})
        assert mirror.status_code == 200
