"""Which URLs from an archive may become links: the one predicate, for indexer and web.

Only an absolute ``http``/``https`` URL with a host is a link. Anything else (a
``javascript:``, ``vbscript:`` or ``data:`` URL, a relative or protocol-relative one,
a URL with spaces, control characters or backslashes) is not, however it is spelled:
the scheme is judged as a browser reads it (WHATWG URL: C0 controls and spaces around
it stripped, tabs and newlines inside it deleted), so ``"\\x01Java\\tScript:"`` is
``javascript``. The web layer can call :func:`http_url` again on what it renders.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https"})
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_DELETED_BY_BROWSERS = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# A real link has these percent-encoded; browsers read "\" as "/" in http(s) URLs, so
# Python and the browser could disagree on the host.
_NOT_IN_A_LINK = re.compile(r"[\x00-\x20\x7f\\]")


def url_problem(url: str) -> str | None:
    """Why *url* may not be a link ("unsafe URL scheme 'javascript'", ...), or None."""
    as_browsers_see_it = _DELETED_BY_BROWSERS.sub("", url.strip(_C0_OR_SPACE))
    scheme = _SCHEME.match(as_browsers_see_it)
    if scheme is None:
        return "relative URL"
    if scheme[1].lower() not in LINK_SCHEMES:
        return f"unsafe URL scheme {scheme[1].lower()!r}"
    if _NOT_IN_A_LINK.search(url):
        return "control character, space or backslash in URL"
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return "malformed URL"
    return None if host else "URL without a host"


def http_url(url: str) -> str | None:
    """*url* itself when it is an absolute http(s) URL with a host, else None."""
    return url if url_problem(url) is None else None
