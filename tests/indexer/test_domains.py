"""Source URL -> the registrable domain of the real outlet, archive wrappers unwrapped."""

from __future__ import annotations

import pytest

from indexer.domains import registrable_domain, unwrap_archive

REUTERS = "http://www.reuters.com/article/us-examplia-pier-idUSKBN1"


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("http://news.bbc.co.uk/2/hi/europe/1234.stm", "bbc.co.uk"),
        ("https://www.abc.net.au/news/2020-01-05/pier/123", "abc.net.au"),
        ("https://www.reuters.com/article/x", "reuters.com"),
        ("https://edition.cnn.com/2020/01/05/world/x/index.html", "cnn.com"),
        ("http://www.xinhuanet.com/world/2020-01/05/c_1.htm", "xinhuanet.com"),
        ("https://www.bbc.com/zhongwen/simp/world-1", "bbc.com"),
        ("https://WWW.Example.COM./path", "example.com"),
        ("http://news.bbc.co.uk:8080/x", "bbc.co.uk"),
        ("//www.theguardian.com/world/x", "theguardian.com"),
        ("https://en.wikipedia.org/wiki/Pier_(architecture)", "wikipedia.org"),
        ("http://192.0.2.10/news/x", "192.0.2.10"),
    ],
)
def test_outlet_url_gives_its_registrable_domain(url: str, domain: str) -> None:
    assert registrable_domain(url) == domain


@pytest.mark.parametrize(
    "url",
    [
        f"http://web.archive.org/web/20170203120000/{REUTERS}",
        f"https://web.archive.org/web/20170203120000/{REUTERS}",
        "https://web.archive.org/web/20170203120000/http:/www.reuters.com/article/x",
        "https://web.archive.org/web/20170203120000/https:/www.reuters.com/article/x",
        f"https://web.archive.org/web/20170203120000id_/{REUTERS}",
        f"https://web.archive.org/web/20170203120000im_/{REUTERS}",
        f"https://web.archive.org/web/2017*/{REUTERS}",
        f"http://wayback.archive.org/web/20170203120000/{REUTERS}",
    ],
)
def test_wayback_machine_url_is_credited_to_the_wrapped_outlet(url: str) -> None:
    assert registrable_domain(url) == "reuters.com"


@pytest.mark.parametrize(
    "url",
    [
        f"https://archive.is/20170203120000/{REUTERS}",
        "https://archive.is/20170203120000/http:/www.reuters.com/article/x",
        f"http://archive.is/{REUTERS}",
        f"https://archive.today/20170203120000/{REUTERS}",
        f"https://archive.today/2017.02.03-120000/{REUTERS}",
        f"https://archive.ph/o/AbC12/{REUTERS}",
        f"https://archive.li/20170203120000/{REUTERS}",
        f"https://archive.fo/20170203120000/{REUTERS}",
    ],
)
def test_archive_today_url_is_credited_to_the_wrapped_outlet(url: str) -> None:
    assert registrable_domain(url) == "reuters.com"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.webcitation.org/5tclX1S4O?url={REUTERS}",
        f"http://webcitation.org/query?id=1234567890&url={REUTERS}",
        "https://www.webcitation.org/5tclX1S4O?url=http%3A%2F%2Fwww.reuters.com%2Farticle%2Fx",
        f"https://www.google.com/url?q={REUTERS}",
        f"http://news.google.com/news/url?sa=t&ct=us/0-0&fp=1a&url={REUTERS}&cid=0",
        f"https://www.webcitation.org/5tclX1S4O?url=https://web.archive.org/web/2010/{REUTERS}",
    ],
)
def test_citation_and_redirect_url_is_credited_to_the_url_in_its_query(url: str) -> None:
    assert registrable_domain(url) == "reuters.com"


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.webcitation.org/5tclX1S4O", "webcitation.org"),
        ("https://www.webcitation.org/5tclX1S4O?url=not-a-url", "webcitation.org"),
        ("http://www.google.com/hostednews/ap/article/ALeqM5example", "google.com"),
        (f"https://www.google.com/search?q={REUTERS}", "google.com"),
        (f"https://www.example.com/share?url={REUTERS}", "example.com"),
    ],
)
def test_url_whose_query_is_not_a_wrapped_original_keeps_its_own_domain(
    url: str, domain: str
) -> None:
    assert registrable_domain(url) == domain


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://archive.is/AbC12", "archive.is"),
        ("https://archive.is/AbC12/0123456789abcdef/scr.png", "archive.is"),
        ("https://archive.today/AbC12", "archive.today"),
        ("https://web.archive.org/", "archive.org"),
    ],
)
def test_archive_url_without_a_wrapped_url_is_the_archives_own(url: str, domain: str) -> None:
    assert registrable_domain(url) == domain


def test_unwrapping_restores_a_collapsed_scheme() -> None:
    wrapped = "https://web.archive.org/web/20170203120000/http:/www.reuters.com/article/x"

    assert unwrap_archive(wrapped) == "http://www.reuters.com/article/x"


def test_unwrapping_leaves_an_ordinary_url_alone() -> None:
    assert unwrap_archive(f"  {REUTERS} ") == REUTERS


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "not a url",
        "http://",
        "https:///path/only",
        "http://localhost/x",
        "http://[::1]/x",
        "http://[not-closed/x",
        "mailto:desk@example.com",
        "javascript:void(0)",
        "www.reuters.com/article/x",
        "/news/2020/01/5/a-ferry-pier-opens.md",
    ],
)
def test_url_without_a_usable_host_gives_empty_domain(url: str) -> None:
    assert registrable_domain(url) == ""
