"""Clean-up of text as found in real pages: entities, whitespace, wiki markup."""

from __future__ import annotations

import html
import re

_WIKI_ITALIC = re.compile(r"'{2,3}([^']+?)'{2,3}")
# Chinese pages from one generator run carry a mangled timestamp tail (":59:17+00:00").
_TIMESTAMP_TAIL = re.compile(r":\d{2}:\d{2}\+\d{2}:\d{2}\s*$")
# MediaWiki language variants: -{zh-tw:歐巴馬; zh-cn:奥巴马}- -> the zh-cn text (else the first).
_VARIANTS = re.compile(r"-\{(?P<body>[^{}]*)\}-")
# Leftover wiki references: [http:--www.example.com-x.htm Outlet name]
_WIKI_REF = re.compile(r"\[https?:[^\s\]]*(?:\s[^\]]*)?\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Decode HTML entities (twice-encoded too), drop wiki italics and collapse spaces."""
    # Each step runs only when its marker is present: this is called for every line.
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if not text.isprintable():
        text = _CONTROL.sub("", text)
    if "''" in text:
        text = _WIKI_ITALIC.sub(r"\1", text)
    if "-{" in text:
        text = _VARIANTS.sub(_pick_variant, text)
    if "[http" in text:
        text = _WIKI_REF.sub("", text)
    if "+" in text:
        text = _TIMESTAMP_TAIL.sub("", text)
    return " ".join(text.split())  # split() splits where \s would match


def _pick_variant(match: re.Match[str]) -> str:
    options = {}
    for part in match["body"].split(";"):
        lang, sep, value = part.partition(":")
        if sep:
            options[lang.strip()] = value.strip()
    if not options:
        return match["body"]
    for preferred in ("zh-cn", "zh-hans", "zh"):
        if preferred in options:
            return options[preferred]
    return next(iter(options.values()))


_NOT_ALNUM = re.compile(r"[\W_]+")


def fold_key(text: str) -> str:
    """A comparison key for "the same text": case, spacing and punctuation ignored."""
    return _NOT_ALNUM.sub("", clean(text).casefold())


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def printable(text: str) -> str:
    """*text* with each non-printable character escaped (``\\n``, ``\\x07``, ``\\u202e``).

    For names and URLs from an archive shown in reports: a newline or terminal escape in a
    file name must not forge report lines, and an undecodable name (lone surrogates from
    the file system) must still be writable as UTF-8 JSON.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
