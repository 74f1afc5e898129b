"""Citations: an event page offers its permalink, a plain-text and a {{cite news}}
citation of its first source, and the Internet Archive's copies of each source, as
selectable text (no script needed), the same in its JSON twin, escaped everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from indexer.build import run
from indexer.event import Event, Source
from web import citation
from web.caching import version

from .conftest import make_client

TODAY = dt.date(2025, 1, 5)
BASE = "https://events.example.org"


def event(title: str = "A ferry pier opens in Examplia.", *sources: Source) -> Event:
    return Event("news/2020/01/1/a-ferry", dt.date(2020, 1, 1), "en", title, sources=sources)


GAZETTE = Source("Gazette", "https://www.gazette.example.com/a?b=1", "example.com")


def test_the_plain_citation_names_the_first_linked_source() -> None:
    script = Source("Sly", "javascript:alert(1)", "")
    text = citation.plain_text(event("A pier opens", script, GAZETTE), "LINK", "site", TODAY)
    assert text == (
        "“A pier opens.” Gazette, 2020-01-01. https://www.gazette.example.com/a?b=1 "
        "(accessed 2025-01-05)."
    )


def test_without_a_linked_source_the_page_itself_is_cited() -> None:
    made = citation.citation(event("Ends with a question?"), BASE, "eventsearch", TODAY)
    assert made["permalink"] == f"{BASE}/events/news/2020/01/1/a-ferry"
    assert made["text"] == (
        f"“Ends with a question?” eventsearch, 2020-01-01. {made['permalink']} "
        "(accessed 2025-01-05)."
    )
    assert f"|url={made['permalink']} |" in made["wikipedia"]
    assert "|work=eventsearch |" in made["wikipedia"]


def test_cite_news_has_url_title_work_date_and_access_date() -> None:
    line = citation.cite_news(event("A pier opens.", GAZETTE), "LINK", "site", TODAY)
    assert line == (
        "{{cite news |url=https://www.gazette.example.com/a?b=1 |title=A pier opens. "
        "|work=Gazette |date=2020-01-01 |access-date=2025-01-05}}"
    )


@pytest.mark.parametrize(
    ("title", "escaped"),
    [
        ("Pipes | split }} templates", "Pipes &#124; split &#125;&#125; templates"),
        ("{{delete}} me", "&#123;&#123;delete&#125;&#125; me"),
        (
            "[[Link]] and [https://x.example y]",
            "&#91;&#91;Link&#93;&#93; and &#91;https://x.example y&#93;",
        ),
        ("Signed ~~~~", "Signed &#126;&#126;&#126;&#126;"),
        ("<ref>x</ref>", "&#60;ref&#62;x&#60;/ref&#62;"),
        ("Two\nlines\r\tand tabs", "Two lines and tabs"),
    ],
)
def test_wikitext_cannot_end_or_split_the_template(title: str, escaped: str) -> None:
    assert citation.wikitext(title) == escaped
    line = citation.cite_news(event(title, GAZETTE), "LINK", "site", TODAY)
    assert line.count("{{") == 1 and line.count("}}") == 1 and line.count("|") == 5


def test_a_url_with_wikitext_syntax_is_percent_encoded() -> None:
    odd = Source("Odd", "https://odd.example.com/a|b}}c[d]", "example.com")
    line = citation.cite_news(event("T", odd), "LINK", "site", TODAY)
    assert "|url=https://odd.example.com/a%7Cb%7D%7Dc%5Bd%5D |" in line


COPY = "https://web.archive.org/web/20140718061500/http://www.reuters.com/article/x"


def test_a_source_given_as_an_archive_copy_is_cited_by_its_original() -> None:
    reuters = Source("Reuters", COPY, "reuters.com")
    line = citation.cite_news(event("A pier opens.", reuters), "LINK", "site", TODAY)
    assert line == (
        "{{cite news |url=http://www.reuters.com/article/x |title=A pier opens. |work=Reuters "
        f"|date=2020-01-01 |access-date=2025-01-05 |archive-url={COPY} "
        "|archive-date=2014-07-18}}"
    )
    text = citation.plain_text(event("A pier opens.", reuters), "LINK", "site", TODAY)
    assert text.endswith(
        f"http://www.reuters.com/article/x (accessed 2025-01-05). Archived at {COPY}."
    )
    assert citation.archive_url(COPY) == citation.WAYBACK + "http://www.reuters.com/article/x"


@pytest.mark.parametrize(
    ("url", "archived"),
    [
        (
            "https://www.bbc.co.uk/news/1",
            "https://web.archive.org/web/*/https://www.bbc.co.uk/news/1",
        ),
        (
            "http://www.xinhuanet.com/a.htm",
            "https://web.archive.org/web/*/http://www.xinhuanet.com/a.htm",
        ),
        ("javascript:alert(1)", None),
        ("\x01JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("/relative/path", None),
        ("//protocol-relative.example.com/x", None),
        ("", None),
    ],
)
def test_only_http_links_get_archived_copies(url: str, archived: str | None) -> None:
    assert citation.archive_url(url) == archived


def test_answers_are_versioned_by_day() -> None:
    assert version("gen-1", TODAY) == "gen-1.20250105"
    assert version("gen-1", TODAY) != version("gen-1", TODAY + dt.timedelta(days=1))


# -- the page and its twin --------------------------------------------------------------


def citation_fields(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    block = soup.select_one("section.cite")
    assert block is not None
    fields = {}
    for field in block.select("input[readonly], textarea[readonly]"):
        label = block.select_one(f"label[for={field['id']}]")
        assert label is not None
        fields[str(field["id"])] = str(field.get("value") or field.get_text())
    return fields


def test_the_event_page_offers_its_citations_as_selectable_text(
    client: TestClient, event_id: str
) -> None:
    page = client.get(f"/events/{event_id}")
    twin = client.get(f"/api/v1/events/{event_id}").json()
    cited = twin["citation"]
    assert citation_fields(page.text) == {
        "cite-link": cited["permalink"],
        "cite-text": cited["text"],
        "cite-wiki": cited["wikipedia"],
    }
    first = citation.link_of(next(s["url"] for s in twin["sources"] if s["archive_url"]))
    assert first.url in cited["text"] and f"|url={first.url} " in cited["wikipedia"]
    assert f"(accessed {dt.date.today().isoformat()})" in cited["text"]
    assert f"|access-date={dt.date.today().isoformat()} |" in cited["wikipedia"]
    # the copy buttons wait for a script that can use the clipboard
    soup = BeautifulSoup(page.text, "html.parser")
    assert all(b.has_attr("hidden") for b in soup.select("section.cite button[data-copy]"))


def test_each_linked_source_links_its_archived_copies(client: TestClient, event_id: str) -> None:
    page = BeautifulSoup(client.get(f"/events/{event_id}").text, "html.parser")
    twin = client.get(f"/api/v1/events/{event_id}").json()
    shown = [str(a["href"]) for a in page.select("ul.source-list a.archived")]
    assert shown and shown == [s["archive_url"] for s in twin["sources"] if s["archive_url"]]
    originals = [citation.link_of(s["url"]).url for s in twin["sources"]]
    assert shown == [citation.WAYBACK + url for url in originals]
    assert "web.archive.org/web/*/https://web.archive.org" not in " ".join(shown)


def test_the_permalink_is_on_the_public_url_when_one_is_set(
    example_index: Path, event_id: str
) -> None:
    with make_client(example_index, public_url="https://events.example.org") as client:
        twin = client.get(f"/api/v1/events/{event_id}", headers={"Host": "evil.example"})
        assert (
            twin.json()["citation"]["permalink"] == f"https://events.example.org/events/{event_id}"
        )
        rows = client.get("/search.jsonl", params={"q": "boeing amsterdam"}).text
        assert "evil.example" not in rows and "https://events.example.org/events/" in rows


def test_a_chinese_reader_gets_the_labels_in_chinese(client: TestClient, event_id: str) -> None:
    page = BeautifulSoup(client.get(f"/events/{event_id}?ui=zh-Hant").text, "html.parser")
    assert page.select("#cite-title")[0].get_text() == "引用此事件"
    assert page.select("label[for=cite-link]")[0].get_text() == "永久連結"
    assert "存檔副本" in page.select("a.archived")[0].get_text()


# -- a hostile archive ------------------------------------------------------------------

DAY = "news/2020/01/1"
# (A "}}" or "[[" in an archive's text is taken for wikitext and dropped or unlinked by the
# indexer, indexer.text; the unit tests above give cite_news one.)
TITLE = "A </textarea><script>alert(1)</script> pier | opens ~~~~ in [Examplia]."


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("hostile-cite")
    (root / "archive" / DAY).mkdir(parents=True)
    page = (
        f"### [2020-01-1](/news/2020/01/1/index.md)\n\n##### Ferry story\n# {TITLE}\n\n"
        "### Sources:\n\n1. [Sly](javascript:alert(1))\n"
        "2. [Gazette](https://www.gazette.example.com/a?b=1&c=<2>)\n"
    )
    (root / "archive" / DAY / "a-pier.md").write_text(page, "utf-8")
    run(root / "archive", root / "index", workers=1)
    with make_client(root / "index") as client:
        yield client


def test_a_hostile_title_and_url_are_escaped_in_the_page_and_the_citation(
    hostile: TestClient,
) -> None:
    page = hostile.get(f"/events/{DAY}/a-pier")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select("script:not([src])") == []  # no script from the archive
    fields = citation_fields(page.text)
    twin = hostile.get(f"/api/v1/events/{DAY}/a-pier").json()
    assert twin["title"] == TITLE
    assert f"|title={citation.wikitext(TITLE)} |" in fields["cite-wiki"]
    assert fields["cite-wiki"].count("}}") == 1 and fields["cite-wiki"].count("|") == 5
    assert not set("<>[]~") & set(fields["cite-wiki"])
    assert TITLE in fields["cite-text"]  # plain text keeps it; the page escaped it
    archived = [str(a["href"]) for a in soup.select("a.archived")]
    assert len(archived) == 1 and archived[0].startswith(citation.WAYBACK + "https://www.gazette")
    assert [s["archive_url"] is None for s in twin["sources"]] == [True, False]
    assert "javascript" not in twin["citation"]["text"]
