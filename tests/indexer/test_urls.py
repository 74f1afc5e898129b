"""The one link predicate: absolute http(s) URLs with a host, and nothing a browser could
read as script, another scheme or another host."""

from __future__ import annotations

import pytest

from indexer.urls import http_url, url_problem

ODD_CHARACTERS = "control character, space or backslash in URL"
HOSTILE = [
    ("javascript:alert(1)", "unsafe URL scheme 'javascript'"),
    ("JaVaScRiPt:alert(document.cookie)", "unsafe URL scheme 'javascript'"),
    (" javascript:alert(1)", "unsafe URL scheme 'javascript'"),
    ("\x01\x1fjavascript:alert(1)", "unsafe URL scheme 'javascript'"),
    ("java\tscr\nipt:alert(1)", "unsafe URL scheme 'javascript'"),
    ("vbscript:msgbox(1)", "unsafe URL scheme 'vbscript'"),
    ("data:text/html,<script>alert(1)</script>", "unsafe URL scheme 'data'"),
    ("file:///etc/passwd", "unsafe URL scheme 'file'"),
    ("ftp://ftp.example.com/a", "unsafe URL scheme 'ftp'"),
    ("//evil.example.com/x.js", "relative URL"),
    ("/news/2020/01/1/x", "relative URL"),
    ("${mpNews.image}", "relative URL"),
    ("", "relative URL"),
    ("https:http://img.example.com/a.jpg", "URL without a host"),
    ("http:/evil.example.com/", "URL without a host"),
    ("http:evil.example.com", "URL without a host"),
    ("https://", "URL without a host"),
    ("https://[::1/x", "malformed URL"),
    ("https:\\\\evil.example.com", ODD_CHARACTERS),
    ("https://good.example.com\\@evil.example.com/", ODD_CHARACTERS),
    ("https://exa mple.com/", ODD_CHARACTERS),
    ("https://example.com/a\x00b", ODD_CHARACTERS),
    (" https://example.com/", ODD_CHARACTERS),
]

SAFE = [
    "https://www.example.co.uk/bridge",
    "http://news.bbc.co.uk/2/hi/europe/1234.stm",
    "HTTPS://WWW.EXAMPLE.COM/A",
    "https://en.wikipedia.org/wiki/Pier_(architecture)",
    "https://zh.wikipedia.org/wiki/示例港",
    "https://tw.news.yahoo.com/%E6%84%9B-145002435.html",
    "https://web.archive.org/web/20170203120000/http://www.reuters.com/article/x",
    "http://192.0.2.10:8080/news/x?id=1#top",
]


@pytest.mark.parametrize(("url", "problem"), HOSTILE)
def test_hostile_url_is_not_a_link_and_the_problem_is_named(url: str, problem: str) -> None:
    assert http_url(url) is None
    assert url_problem(url) == problem


@pytest.mark.parametrize("url", SAFE)
def test_absolute_http_url_with_a_host_is_kept_unchanged(url: str) -> None:
    assert url_problem(url) is None
    assert http_url(url) == url
