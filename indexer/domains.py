"""Source URL -> outlet domain: the registrable domain of the real outlet.

Archive wrappers are unwrapped first (``web.archive.org/web/<ts>/<url>``,
``archive.is``/``archive.today``/``archive.ph`` with the original URL in the path), then
the Public Suffix List shipped inside ``publicsuffixlist`` (no download at run time)
gives the registrable domain: ``news.bbc.co.uk`` -> ``bbc.co.uk``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

_PSL = PublicSuffixList()
_WAYBACK = re.compile(r"^/web/[0-9a-z_*]+/(?P<url>.+)$", re.IGNORECASE)
_ARCHIVE_TODAY_HOSTS = {"archive.is", "archive.today", "archive.ph", "archive.li", "archive.fo"}
_ARCHIVE_TODAY = re.compile(r"^/(?:[0-9a-z.\-]+/|o/[0-9a-z]+/)?(?P<url>https?:/?/?.+)$", re.I)


def unwrap_archive(url: str) -> str:
    """The outlet's own URL inside an archive wrapper, or *url* itself."""
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
    return url.strip()


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
