"""Source URL -> outlet domain: the registrable domain of the real outlet.

Archive wrappers are unwrapped first (``web.archive.org/web/<ts>/<url>``,
``archive.is``/``archive.today``/``archive.ph`` with the original URL in the path;
``webcitation.org/<id>?url=<url>`` and Google's redirects ``google.com/url?q=<url>``,
``news.google.com/news/url?…&url=<url>`` with it in a query parameter), then the Public
Suffix List shipped inside ``publicsuffixlist`` (no download at run time) gives the
registrable domain: ``news.bbc.co.uk`` -> ``bbc.co.uk``. A wrapper that does not carry
the original (``webcitation.org/<id>`` alone) stays the wrapper's own domain.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from publicsuffixlist import PublicSuffixList

_PSL = PublicSuffixList()
_WAYBACK = re.compile(r"^/web/[0-9a-z_*]+/(?P<url>.+)$", re.IGNORECASE)
_ARCHIVE_TODAY_HOSTS = {"archive.is", "archive.today", "archive.ph", "archive.li", "archive.fo"}
_ARCHIVE_TODAY = re.compile(r"^/(?:[0-9a-z.\-]+/|o/[0-9a-z]+/)?(?P<url>https?:/?/?.+)$", re.I)
_WEBCITATION = re.compile(r"^(?:www\.)?webcitation\.org$")
_GOOGLE_REDIRECT = re.compile(r"^(?:www\.|news\.)?google\.[a-z.]+$")
_ORIGINAL_PARAMS = ("url", "q")  # query parameters that carry the wrapped URL
MAX_WRAPPERS = 3  # wrappers inside wrappers (a webcitation of a Wayback copy)


def unwrap_archive(url: str) -> str:
    """The outlet's own URL inside an archive wrapper (or several), or *url* itself."""
    for _ in range(MAX_WRAPPERS):
        inner = _unwrap_once(url)
        if inner == url:
            break
        url = inner
    return url


def _unwrap_once(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    path = url.split(parts.netloc, 1)[1] if parts.netloc else parts.path
    if host.endswith("web.archive.org") or host == "wayback.archive.org":
        match = _WAYBACK.match(path)
        if match:
            return _fix_scheme(match["url"])
    if host in _ARCHIVE_TODAY_HOSTS or host.endswith(tuple("." + h for h in _ARCHIVE_TODAY_HOSTS)):
        match = _ARCHIVE_TODAY.match(path)
        if match:
            return _fix_scheme(match["url"])
    if _WEBCITATION.match(host) or (
        _GOOGLE_REDIRECT.match(host) and parts.path.rstrip("/").endswith("/url")
    ):
        return _query_original(parts.query) or url.strip()
    return url.strip()


def _query_original(query: str) -> str | None:
    """The wrapped URL a redirect or citation service carries as a query parameter."""
    params = parse_qs(query)
    for name in _ORIGINAL_PARAMS:
        for value in params.get(name, ()):
            if re.match(r"^https?:/", value.strip(), re.IGNORECASE):
                return _fix_scheme(value.strip())
    return None


def _fix_scheme(url: str) -> str:
    # Wrappers often collapse "http://" to "http:/".
    return re.sub(r"^(https?):/+", r"\1://", url)


@lru_cache(maxsize=65536)
def registrable_domain(url: str) -> str:
    """``http://news.bbc.co.uk/x`` -> ``bbc.co.uk``; "" when the URL has no usable host."""
    try:
        host = urlsplit(unwrap_archive(url)).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".").lower()
    if not host or "." not in host:
        return ""
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    domain = _PSL.privatesuffix(host)
    return domain or host
