"""The interface in the reader's language: which one a request gets, what it changes
(labels, dates, numbers, feeds, OpenSearch, errors, scripts), and that the catalogs
translate every message the code has."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from web import i18n
from web.i18n import SIMPLIFIED, TRADITIONAL, UIS

from ..conftest import ROOT
from .chinese_archive import write_chinese_archive
from .conftest import make_client

TW, CN = {"Accept-Language": "zh-TW,zh;q=0.9,en;q=0.8"}, {"Accept-Language": "zh-CN,zh;q=0.9"}
OS = "{http://a9.com/-/spec/opensearch/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client over a small Chinese archive (tests/web/chinese_archive.py)."""
    from indexer.build import run

    root = tmp_path_factory.mktemp("chinese")
    run(write_chinese_archive(root / "archive"), root / "index", workers=1)
    with make_client(root / "index") as client:
        yield client


def soup_of(client: TestClient, url: str, headers: dict[str, str] | None = None) -> BeautifulSoup:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# -- which interface ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "tag"),
    [
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, de;q=0.9, zh-TW;q=0.5", "zh-Hant"),  # the first language we speak
        ("zh-TW;q=0.3, en;q=0.8", "en"),  # q-values, not the order written
        ("en;q=0.5, zh-CN", "zh-Hans"),
        ("zh-CN;q=0, en", "en"),  # q=0: not wanted at all
        ("zh-TW;q=bogus, en", "en"),
        ("fr", "archive"),
        ("*", "archive"),
        ("", "archive"),
        ("x" * 200, "archive"),
        (",;;q=,,zh-HK", "zh-Hant"),
    ],
)
def test_the_browser_language_picks_the_interface(header: str, tag: str) -> None:
    archive = i18n.Ui("archive", "en_GB")
    assert i18n.choose(None, header, lambda: archive).ui.tag == tag


def test_the_ui_parameter_wins_and_is_remembered_as_named() -> None:
    choice = i18n.choose("zh-hant", "en", lambda: i18n.ENGLISH)
    assert choice == i18n.Choice(TRADITIONAL, explicit=True)
    assert i18n.choose("klingon", "zh-CN", lambda: i18n.ENGLISH) == i18n.Choice(SIMPLIFIED, False)
    assert choice.link("/days") == "/days?ui=zh-Hant"
    assert choice.link("/search?q=a#facet-year") == "/search?q=a&ui=zh-Hant#facet-year"
    assert i18n.Choice(TRADITIONAL, False).link("/days") == "/days"


def test_without_a_browser_language_a_chinese_archive_speaks_simplified(
    chinese: TestClient, client: TestClient
) -> None:
    assert soup_of(chinese, "/").html["lang"] == "zh-Hans"
    assert soup_of(client, "/").html["lang"] == "en"  # the example archive is mostly English


# -- what the reader sees ------------------------------------------------------------------
def test_a_taiwanese_browser_gets_traditional_labels_and_chinese_dates(client: TestClient) -> None:
    soup = soup_of(client, "/search?q=&year=2016", TW)
    assert soup.html["lang"] == "zh-Hant"
    assert soup.select_one("#filters > summary").get_text(strip=True).startswith("篩選")
    assert soup.select_one("fieldset#facet-context legend").get_text() == "專題"
    assert soup.select_one("fieldset#facet-domain legend").get_text() == "媒體"
    sorts = [a.get_text() for a in soup.select("nav.sorts a")]
    assert sorts == ["相關度", "最新優先", "最早優先"]
    assert "2016年8月5日" in [t.get_text() for t in soup.select("ol.hits time")]
    months = [t.get_text() for t in soup.select("svg.chart text:not(.axis)")]
    assert months[:2] == ["1月", "2月"] and len(months) == 12
    chips = [" ".join(c.get_text(" ", strip=True).split()) for c in soup.select("a.chip")]
    assert chips == ["移除篩選條件 年份：2016 ×"]
    assert soup.select_one(".summary strong").get_text() == "11 個事件"


def test_a_mainland_browser_gets_simplified(client: TestClient) -> None:
    soup = soup_of(client, "/days/2016-08-05", CN)
    assert soup.html["lang"] == "zh-Hans"
    assert soup.h1.get_text() == "2016年8月5日"
    assert [a.get_text() for a in soup.select("nav.crumbs a")] == ["所有年份", "2016年", "八月"]
    assert soup.select_one("footer a[href='/stories']").get_text() == "全部专题"


def test_events_keep_their_own_language_inside_the_interface(client: TestClient) -> None:
    chinese_ui = soup_of(client, "/days/2017-07-27", TW)
    english_ui = soup_of(client, "/days/2017-07-27")
    assert {li.get("lang") for li in chinese_ui.select("ol.timeline > li")} == {None}
    assert {li.get("lang") for li in english_ui.select("ol.timeline > li")} == {"zh"}
    titles = [a.get_text() for a in chinese_ui.select("ol.timeline h2 a")]
    assert titles == [a.get_text() for a in english_ui.select("ol.timeline h2 a")]  # as written
    english_events = soup_of(client, "/days/2017-07-30", TW)
    assert {li.get("lang") for li in english_events.select("ol.timeline > li")} == {"en"}


def test_months_languages_and_numbers_are_named_in_the_interface(client: TestClient) -> None:
    soup = soup_of(client, "/search?q=&year=2014&month=2014-07&lang=en&from=2014-07-01", CN)
    chips = [" ".join(c.get_text(" ", strip=True).split()) for c in soup.select("a.chip")]
    assert chips == [
        "移除筛选条件 年份：2014 ×",
        "移除筛选条件 月份：2014年7月 ×",
        "移除筛选条件 语言：英语 ×",
        "移除筛选条件 起始日期：2014年7月1日 ×",
    ]
    labels = [label.get_text(" ", strip=True) for label in soup.select("#facet-lang label")]
    assert labels[0].startswith("英语")


def test_the_ui_parameter_overrides_the_browser_and_every_link_keeps_it(
    client: TestClient,
) -> None:
    response = client.get("/search?q=venezuela&ui=en", headers=TW)
    assert "accept-language" not in response.headers.get("vary", "").lower()
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.html["lang"] == "en" and "Newest first" in soup.select_one("nav.sorts").get_text()
    switcher = soup.select("nav.languages a")
    own = [
        a["href"]
        for a in soup.select("a[href^='/']")
        if a not in switcher and not a["href"].startswith("/api/")
    ]
    assert own and [h for h in own if query(h).get("ui") != ["en"]] == []
    for form in soup.select("form[action^='/']"):
        assert form.select_one("input[type=hidden][name=ui]")["value"] == "en"
    alternate = soup.select_one('link[rel="alternate"][type="application/json"]')["href"]
    assert "ui" not in query(alternate)  # the API has no interface, and refuses ui=
    assert client.get(alternate).status_code == 200


def test_the_switcher_keeps_the_address_and_its_parameters(client: TestClient) -> None:
    soup = soup_of(client, "/search?q=syria&year=2016&ui=zh-Hans")
    links = soup.select("nav.languages a")
    assert [a["hreflang"] for a in links] == ["en", "zh-Hans", "zh-Hant"]
    assert [a.get_text() for a in links] == [ui.name for ui in UIS]
    for link, ui in zip(links, UIS, strict=True):
        assert urlsplit(link["href"]).path == "/search"
        assert query(link["href"]) == {"q": ["syria"], "year": ["2016"], "ui": [ui.tag]}
    assert [a.get("aria-current") for a in links] == [None, "true", None]
    assert soup_of(client, "/").select("nav.languages a")  # on every page


def test_negotiated_pages_vary_and_tag_each_language_apart(client: TestClient) -> None:
    english, chinese = client.get("/stories"), client.get("/stories", headers=TW)
    assert "Accept-Language" in english.headers["vary"]
    assert "Accept-Language" in chinese.headers["vary"]
    assert english.headers["etag"] != chinese.headers["etag"]
    again = client.get("/stories", headers={**TW, "If-None-Match": chinese.headers["etag"]})
    assert again.status_code == 304 and "Accept-Language" in again.headers["vary"]
    stale = client.get("/stories", headers={"If-None-Match": chinese.headers["etag"]})
    assert stale.status_code == 200  # the English page is another answer


def test_the_response_cache_keeps_one_answer_per_language(
    tmp_path: Path, example_index: Path
) -> None:
    with make_client(example_index, cache_mb=8) as cached:
        for _ in range(2):  # the second round is answered from the cache
            assert 'lang="en"' in cached.get("/days/2017").text
            assert 'lang="zh-Hant"' in cached.get("/days/2017", headers=TW).text
            assert 'lang="zh-Hans"' in cached.get("/days/2017", headers=CN).text


def test_story_labels_prefer_the_readers_script_where_the_archive_has_both(
    chinese: TestClient,
) -> None:
    def labels(headers: dict[str, str]) -> list[str]:
        soup = soup_of(chinese, "/search?q=", headers)
        return [label.contents[0].strip() for label in soup.select("#facet-context label")]

    assert labels(TW) == ["伊斯蘭國", "叙利亚内战"]  # no Traditional 叙利亚内战 to show
    assert labels(CN) == ["伊斯兰国", "叙利亚内战"]
    traditional = soup_of(chinese, "/search?q=", TW)
    assert traditional.select_one("#q")["placeholder"] == 'e.g. "伊斯蘭國"'.replace("e.g.", "例如")
    titles = {a.get_text() for a in traditional.select("ol.hits h2 a")}
    assert "伊拉克政府军在摩苏尔以南收复多个村庄。" in titles  # the text stays as written
    suggested = chinese.get("/suggest", params={"q": "伊斯"}, headers=TW).json()
    assert suggested[1][0] == "伊斯蘭國" and suggested[2][0] == "5 個事件"
    for script, name in (("Hant", "伊斯蘭國"), ("Hans", "伊斯兰国")):  # the search box's call
        api = chinese.get("/api/v1/suggest", params={"q": "伊斯", "script": script}).json()
        assert api["suggestions"][0]["text"] == name
    assert chinese.get("/api/v1/suggest", params={"q": "伊斯", "script": "Latn"}).status_code == 400


def test_the_example_comes_from_the_archive(client: TestClient, chinese: TestClient) -> None:
    english = soup_of(client, "/")
    assert english.select_one("#q")["placeholder"] == 'e.g. "Venezuelan crisis"'
    example = english.select_one("section.intro a q")
    assert example.get_text() == "Venezuelan crisis"
    found = soup_of(client, example.parent["href"]).select_one(".summary strong").get_text()
    assert found.split()[0] != "0"
    assert soup_of(chinese, "/", CN).select_one("#q")["placeholder"] == '例如 "伊斯兰国"'


# -- feeds, OpenSearch, errors ---------------------------------------------------------------
def test_feeds_say_their_language_and_title_in_it(client: TestClient) -> None:
    atom = client.get("/search.atom?q=&year=2017", headers=TW)
    assert "Accept-Language" in atom.headers["vary"]
    feed = ET.fromstring(atom.content)
    assert feed.get(XML_LANG) == "zh-Hant" and feed.findtext(f"{ATOM}title").endswith("全部事件")
    entries = {e.get(XML_LANG) for e in feed.findall(f"{ATOM}entry")}
    assert entries == {"en", "zh"}  # each entry in its event's language
    rss = ET.fromstring(client.get("/search.rss?q=syria&ui=zh-Hans").content)
    assert rss.findtext("channel/language") == "zh-Hans"
    assert rss.findtext("channel/description") == "与“syria”相符的事件"
    links = feed_links(soup_of(client, "/search?q=syria", TW))
    assert all(query(href).get("ui") is None for href in links)
    links = feed_links(soup_of(client, "/search?q=syria&ui=zh-Hant"))
    assert all(query(href)["ui"] == ["zh-Hant"] for href in links)


def feed_links(soup: BeautifulSoup) -> list[str]:
    kinds = ("application/atom+xml", "application/rss+xml")
    return [
        link["href"]
        for link in soup.select('head link[rel="alternate"]')
        if link.get("type") in kinds
    ]


def test_the_opensearch_description_is_localized(chinese: TestClient) -> None:
    response = chinese.get("/opensearch.xml", headers=TW)
    assert "Accept-Language" in response.headers["vary"]
    root = ET.fromstring(response.content)
    assert root.get(XML_LANG) == "zh-Hant"
    assert root.findtext(f"{OS}Description").startswith("搜尋 ")
    assert [e.text for e in root.findall(f"{OS}Language")] == ["zh"]
    assert root.find(f"{OS}Query").get("searchTerms") == '"伊斯蘭國"'
    named = ET.fromstring(chinese.get("/opensearch.xml?ui=zh-Hans").content)
    html = next(u for u in named.findall(f"{OS}Url") if u.get("type") == "text/html")
    assert html.get("template").endswith("&ui=zh-Hans")


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/events/news/1999/01/1/none", "找不到頁面"), ("/no/such/page", "找不到頁面"),
     ("/search?page=0", "請求有誤"), ("/days/2017-13", "請求有誤")],
)  # fmt: skip
def test_error_pages_speak_the_readers_language(
    client: TestClient, path: str, heading: str
) -> None:
    response = client.get(path, headers=TW)
    assert response.status_code in (400, 404)
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.html["lang"] == "zh-Hant" and soup.h1.get_text() == heading
    assert soup.select_one(".status").get_text() == f"錯誤 {response.status_code}"
    detail = soup.select_one(".detail")
    assert detail is None or detail["lang"] == "en"  # the API's words, marked as English


def test_unavailable_and_rate_limited_pages_are_localized(
    tmp_path: Path, example_index: Path
) -> None:
    with make_client(tmp_path / "no-index") as empty:
        response = empty.get("/", headers=CN)
        soup = BeautifulSoup(response.text, "html.parser")
        assert response.status_code == 503 and soup.h1.get_text() == "搜索暂时无法使用"
    with make_client(example_index, rate_limit=1, rate_limit_loopback=True) as limited:
        statuses = [limited.get("/days", headers=TW) for _ in range(5)]
        refused = next(r for r in statuses if r.status_code == 429)
        soup = BeautifulSoup(refused.text, "html.parser")
        assert soup.h1.get_text() == "請求過於頻繁"
        wait = refused.headers["retry-after"]
        assert (
            soup.select_one("main p:not(.status):not(.detail)").get_text()
            == f"請等待 {wait} 秒後再試。"
        )


# -- scripts ---------------------------------------------------------------------------------
def test_app_js_gets_its_strings_from_the_page(client: TestClient) -> None:
    script = soup_of(client, "/", TW).select_one("script[src='/static/app.js']")
    strings = json.loads(script["data-strings"])
    assert strings["locale"] == "zh-Hant" and strings["messages"]["story"] == "專題"


def test_the_widget_carries_every_interface_and_a_plain_copy_stays_english(
    client: TestClient,
) -> None:
    served = client.get("/embed.js").text
    assert i18n.EMBED_MARKER not in served
    table = json.loads(re.search(r"var STRINGS = (\{.*?\});\n", served).group(1))
    assert set(table) == {ui.tag for ui in UIS}
    assert table["zh-Hant"]["messages"]["Search news events"] == "搜尋新聞事件"
    assert table["zh-Hans"]["messages"]["%(num)s event"] == {"other": "%(num)s 个事件"}
    assert table["en"]["messages"]["%(num)s event"] == {
        "one": "%(num)s event",
        "other": "%(num)s events",
    }
    assert i18n.EMBED_MARKER in client.get("/static/embed.js").text


# -- the catalogs ---------------------------------------------------------------------------
def extracted() -> dict[str | tuple[str, ...], str]:
    """Every message in the code, as pyproject.toml's [tool.babel] extracts it (the same
    mapping `pybabel extract -F pyproject.toml` uses) -> where it is."""
    mappings = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["babel"]
    method_map = [(m["pattern"], m["method"]) for m in mappings["mappings"]]
    options = {
        m["pattern"]: {k: v for k, v in m.items() if k not in ("pattern", "method")}
        for m in mappings["mappings"]
    }
    found: dict[str | tuple[str, ...], str] = {}
    for path, line, message, _comments, _context in extract_from_dir(ROOT, method_map, options):
        found.setdefault(message, f"{path}:{line}")
    return found


@pytest.mark.parametrize("ui", [SIMPLIFIED, TRADITIONAL], ids=lambda ui: ui.tag)
def test_every_message_has_a_translation(ui: i18n.Ui) -> None:
    with i18n.catalog_path(ui).open("rb") as po:
        catalog = read_po(po, locale=ui.cldr)
    messages = extracted()
    assert len(messages) > 100  # the extraction found the templates
    untranslated = [
        where
        for message, where in messages.items()
        if not (entry := catalog.get(message[0] if isinstance(message, tuple) else message))
        or entry.fuzzy
        or not all(entry.string if isinstance(entry.string, tuple) else [entry.string])
    ]
    assert untranslated == [], f"add these to {i18n.catalog_path(ui)} (pybabel update)"
    unused = [
        m.id for m in catalog if m.id and m.id not in messages and not isinstance(m.id, tuple)
    ]
    assert unused == [], "no longer in the code: remove them from the catalog"
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert problems == []  # placeholders as in the msgid, plural forms complete


def visible_text(soup: BeautifulSoup) -> str:
    for hidden in soup(["script", "style", "code"]):
        hidden.decompose()
    for foreign in soup.select("[lang]:not(html)"):  # the archive's own words, other languages
        foreign.decompose()
    words = [soup.get_text(" ")]
    words += [
        str(tag.get(a))
        for a in ("placeholder", "aria-label", "title", "alt")
        for tag in soup.select(f"[{a}]")
    ]
    return " ".join(" ".join(words).split())


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=", "/search?q=伊斯兰国&year=2016", "/search?q=nothing-matches-this",
     "/facets/context?q=", "/stories", "/stories?name=伊斯", "/stories/伊斯兰国",
     "/days", "/days/2016", "/days/2016-07", "/days/2016-07-31", "/on-this-day/07-31",
     "/add-to-browser", "/events/nothing"],
)  # fmt: skip
def test_a_chinese_page_leaves_no_english_message(chinese: TestClient, path: str) -> None:
    response = chinese.get(path, headers=TW)
    text = visible_text(BeautifulSoup(response.text, "html.parser"))
    assert english_left(text) == [], text[:500]


def english_left(text: str) -> list[str]:
    """The pieces of English messages in *text* that their translation does not keep
    (as "Chrome" or "OpenSearch" are kept)."""
    translated = i18n.translations(TRADITIONAL)
    pieces = set()
    for message in extracted():
        forms = message[:2] if isinstance(message, tuple) else (message,)
        translation = (
            translated.ngettext(forms[0], forms[1], 2)
            if isinstance(message, tuple)
            else translated.gettext(forms[0])
        )
        for form in forms:
            for part in re.split(r"%\(\w+\)s|<[^>]+>", form):
                piece = part.strip(" .,;:()")
                if len(piece) >= 4 and piece not in translation:
                    pieces.add(piece)
    return sorted(piece for piece in pieces if re.search(rf"\b{re.escape(piece)}\b", text))


@pytest.mark.parametrize("ui", i18n.UIS, ids=lambda ui: ui.tag)
def test_counts_are_written_as_babel_writes_them_in_every_interface(ui: i18n.Ui) -> None:
    words = i18n.Words(ui)
    for n in (0, 5, 999, 1000, 1001, 8984, 65536, 200000, 1000000, 123456789, -4200):
        assert words.number(n) == format_decimal(n, locale=ui.cldr), (ui, n)
