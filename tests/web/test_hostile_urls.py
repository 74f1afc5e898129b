"""Script URLs in an archive never become links: not in pages, feeds or the API."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from indexer.build import run
from indexer.event import Source
from tests.web.conftest import make_client
from web.i18n import ENGLISH, Choice
from web.reader import templates_for

DAY = "news/2020/01/1"
HOSTILE = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    "\x01javascript:alert(3)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(4)</script>",
)


def hostile_page() -> str:
    sources = "\n".join(
        f"{n}. [Outlet {n}]({url}) [IMG]({url})" for n, url in enumerate(HOSTILE, start=1)
    )
    return (
        f"### [2020-01-1](/news/2020/01/1/index.md)\n\n##### Ferry story\n"
        f"# A ferry pier opens in Examplia.\n\nThe crossing took six years.\n\n"
        f"### Sources:\n\n{sources}\n6. [Gazette](https://www.gazette.example.com/a)\n"
    )


def offered_links(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(tag.get("href") or tag.get("src")) for tag in soup.select("[href], [src]")]


def test_no_page_feed_or_api_answer_offers_a_script_url(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / DAY).mkdir(parents=True)
    (archive / f"{DAY}/a-ferry-pier-opens.md").write_text(hostile_page(), "utf-8")
    run(archive, tmp_path / "index", workers=1)
    with make_client(tmp_path / "index") as client:
        event = client.get("/events/news/2020/01/1/a-ferry-pier-opens")
        assert "Outlet 1" in event.text and "https://www.gazette.example.com/a" in event.text
        pages = [
            event,
            client.get("/search", params={"q": "ferry"}),
            client.get("/days/2020-01-01"),
            client.get("/on-this-day/01-01"),
            client.get("/stories/Ferry story"),
        ]
        feeds = [client.get(f"/search.{kind}", params={"q": "ferry"}) for kind in ("atom", "rss")]
        api = client.get("/api/v1/events/news/2020/01/1/a-ferry-pier-opens").json()
    for answer in pages:
        assert answer.status_code == 200
        links = [link.lower() for link in offered_links(answer.text)]
        assert not [link for link in links if "script:" in link or link.startswith("data:")]
    for answer in feeds:
        assert answer.status_code == 200 and "ferry" in answer.text
        assert "script:" not in answer.text.lower() and "data:" not in answer.text
    urls = {s["name"]: s["url"] for s in api["sources"]}
    assert urls.pop("Gazette") == "https://www.gazette.example.com/a"
    assert urls and set(urls.values()) == {""}  # the outlets stay, their script URLs do not
    assert api["images"] == []


def test_templates_write_a_non_http_url_as_plain_text() -> None:
    # Defence in depth: an index not made by this indexer can still hold such a URL.
    macros = templates_for(Choice(ENGLISH, False)).env.get_template("_macros.html").module
    html = str(macros.sources([Source("Gazette", "javascript:alert(1)", "")]))  # type: ignore[attr-defined]
    assert "Gazette" in html and "<a" not in html and "javascript" not in html
    safe = str(macros.sources([Source("Gazette", "https://g.example.com/a", "g.example.com")]))  # type: ignore[attr-defined]
    assert '<a href="https://g.example.com/a"' in safe
