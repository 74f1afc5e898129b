"""Clean-up of text as found in real pages: entities, whitespace, wiki markup.

The wiki markup is what the generator failed to render, as found in the real archives::

    -{zh-cn:甲城; zh-hk:乙城;}-           variant block  -> the zh-cn text (resolve_variants)
    …Cup Final:示例杯;zh-hk:示例盃;}-      its tail, opening lost -> the first option
    {{DPP}} {{nonp}} {{en}}              template       -> what it renders, else nothing
    {{dead link                          its head, cut off by the end of the text
    link|date=2019年12月 |bot=… }}        its tail, opening lost
    url=… |date=20190802111847           citation parameters, braces lost
    …。http:--www.example.com-a.html 某报]  a reference's URL, slashes turned to dashes
    。date=十一月 2017                    a dead-link template's date, all that is left
    [[示例周刊|示例]]  示例]]               wiki links, whole or half

It also says how two texts compare. Each way of folding text is defined once, named by
what the folded texts are compared for:

====================  ==============================================================
fold (analysis)       index terms: lower case, accents and compatibility forms off
                      (``López`` -> ``lopez``, ``ﬁ`` -> ``fi``, ``，`` -> ``,``)
fold_chars (analysis) highlighting: fold and Simplified, one character for one, so an
                      offset in the folded text is an offset in the text
context_key (schema)  the ``context`` term: lower case, Simplified, spaces collapsed;
                      accents kept (it is on disk: changing it means a rebuild)
fold_letters          title words (``vocab.json``, spelling): lower case, accents off
                      by Whoosh's table; punctuation and full-width forms kept
name_key              typed text against names and title words (suggestions, the
                      story list, facet values): fold_letters, Simplified, spaces
                      collapsed
fold_key              "the same heading or title" across pages: cleaned, lower case,
                      punctuation and spaces dropped
====================  ==============================================================

Han text is :data:`indexer.analysis.HAN_CHARS` (:func:`~indexer.analysis.is_han`,
:func:`has_han`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from whoosh.support.charset import accent_map

from indexer.analysis import HAN_RUN, t2s_table, to_simplified

_WIKI_ITALIC = re.compile(r"'{2,3}([^']+?)'{2,3}")
# Chinese pages from one generator run carry a mangled timestamp tail (":59:17+00:00").
_TIMESTAMP_TAIL = re.compile(r":\d{2}:\d{2}\+\d{2}:\d{2}\s*$")
# MediaWiki language variants: -{zh-tw:歐巴馬; zh-cn:奥巴马}- -> the zh-cn text (else the first).
_VARIANTS = re.compile(r"-\{(?P<body>[^{}]*)(?:\}-|$)")
_VARIANT_TAIL = re.compile(
    r"(?<![^\s;{}:])[^\s;{}:]*:(?P<body>[^;{}]*(?:;\s*zh(?:-[a-z]+)?\s*:[^;{}]*)+);?\s*\}-",
    re.IGNORECASE,
)
PREFERRED_VARIANTS = ("zh-cn", "zh-hans", "zh")  # the index's variant: Simplified, mainland
# What the templates seen in titles render on the wiki; any other template renders nothing
# worth keeping (language tags such as {{en}}, maintenance tags such as {{dead link}}).
TEMPLATE_TEXT = {"dpp": "民主進步黨", "nonp": "無黨籍"}
_TEMPLATE = re.compile(r"\{\{\s*(?P<name>[^{}|]*?)\s*(?:\|[^{}]*)?\}\}")
_TEMPLATE_HEAD = re.compile(r"\{\{[^{}]*$")
# The tails, parameters and mangled URLs start at a word's start (their lookbehinds):
# tried at every letter of a long token, they would cost its length squared.
_TEMPLATE_TAIL = re.compile(r"(?<![^\s{}\[\]|])[^\s{}\[\]|]*(?:\|[^{}|]*)+\}\}")
_PARAMS = re.compile(
    r"(?<![A-Za-z0-9_&?=/.])(?:[a-z][a-z-]*\s*=[^|{}]*?\|\s*)+[a-z][a-z-]*\s*=\s*[^\s|{}]*"
)
_LONE_PARAM = re.compile(
    r"(?<![A-Za-z0-9_&?=/.])(?:url\s*=\s*\S*|date\s*=\s*"
    r"(?:\d{4}年\d{1,2}月|[一二三四五六七八九十]{1,3}月\s*\d{4}|\d{4}(?:-\d{1,2}){0,2}|\d{8,14})?)"
)
# A URL with its slashes turned to dashes ("http:--www.x.com-a.html"), the outlet name
# after it up to the "]" closing the reference whose opening was lost.
_MANGLED_URL = re.compile(r"(?<![A-Za-z])\[?[A-Za-z]*:--\S*(?:\s[^\[\]]*\])?")
_WIKI_LINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?(?P<text>[^\[\]|]*)\]\]")
_LEFTOVER = re.compile(r"\{\{|\}\}|\[\[|\]\]|-\{|\}-")
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
    if "-{" in text or "}-" in text:
        text = resolve_variants(text)
    if "[http" in text:
        text = _WIKI_REF.sub("", text)
    if "{" in text or "}" in text or "=" in text or "[[" in text or "]]" in text or ":--" in text:
        text = strip_wiki_markup(text)
    if "+" in text:
        text = _TIMESTAMP_TAIL.sub("", text)
    return " ".join(text.split())  # split() splits where \s would match


def resolve_variants(text: str) -> str:
    """Each MediaWiki variant block of *text* -> its zh-cn text (else zh-hans, zh, the
    first): ``"在-{zh-cn:甲城; zh-tw:乙城;}-举行"`` -> ``"在甲城举行"``.

    The one place variants are picked, for titles, headings and topic lists alike; a block
    whose opening or closing was lost is resolved the same way.
    """
    text = _VARIANTS.sub(_pick_variant, text)
    return _VARIANT_TAIL.sub(_pick_variant, text) if "}-" in text else text


def _pick_variant(match: re.Match[str]) -> str:
    body: str = match["body"]
    options: dict[str, str] = {}
    for index, part in enumerate(body.split(";")):
        lang, sep, value = part.partition(":")
        if sep:
            options[lang.strip().casefold()] = value.strip()
        elif index == 0 and part.strip():  # a tail's first option has lost its language
            options[""] = part.strip()
    if not options:
        return body
    for preferred in PREFERRED_VARIANTS:
        if preferred in options:
            return options[preferred]
    return next(iter(options.values()))


def strip_wiki_markup(text: str) -> str:
    """*text* without the template and link markup the generator left (see the module
    docstring); a template that renders words (``{{DPP}}``) becomes those words."""
    if "{{" in text:
        text = _TEMPLATE.sub(_template_text, text)
    if "}}" in text:
        text = _TEMPLATE_TAIL.sub("", text)
    if "{{" in text:
        text = _TEMPLATE_HEAD.sub("", text)
    if ":--" in text:
        text = _MANGLED_URL.sub("", text)
    if "=" in text and "|" in text:
        text = _PARAMS.sub("", text)
    if "=" in text and ("date" in text or "url" in text):
        text = _LONE_PARAM.sub("", text)
    if "[[" in text or "]]" in text:
        text = _WIKI_LINK.sub(r"\g<text>", text)
    return _LEFTOVER.sub("", text)


def _template_text(match: re.Match[str]) -> str:
    return TEMPLATE_TEXT.get(match["name"].casefold(), "")


_NOT_ALNUM = re.compile(r"[\W_]+")


def fold_key(text: str) -> str:
    """A comparison key for "the same text": case, spacing and punctuation ignored."""
    return _NOT_ALNUM.sub("", clean(text).casefold())


def fold_letters(text: str) -> str:
    """*text* lower-cased, accents off: ``Nicolás`` -> ``nicolas``."""
    return text.casefold().translate(accent_map)


def name_key(text: str) -> str:
    """How typed text meets names: ``Nicolás  Maduro`` -> ``nicolas maduro``, ``選舉`` ->
    ``选举`` (see the module docstring)."""
    return " ".join(to_simplified(fold_letters(text)).split())


def has_han(text: str) -> bool:
    """Whether *text* has a Han character anywhere."""
    return HAN_RUN.search(text) is not None


def lang_of(text: str) -> str:
    """``"zh"`` for text with Han characters, else ``"en"``: the language of an event
    (from its title) and, separately, of its summary (often an English outlet teaser)."""
    return "zh" if has_han(text) else "en"


def script_of(text: str) -> str:
    """``"Hant"`` or ``"Hans"`` for Chinese text, ``""`` for other text.

    Traditional when more of its characters are Traditional-only (changed by the t2s
    folding) than Simplified-only (produced by it, never changed by it); the archive mixes
    both within one title, and a tie (most often no character of either kind) reads as
    Simplified, the index's own variant.
    """
    if not has_han(text):
        return ""
    table, simplified = t2s_table(), _simplified_only()
    traditional = sum(ord(ch) in table for ch in text)
    return "Hant" if traditional > sum(ch in simplified for ch in text) else "Hans"


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    table = t2s_table()
    return frozenset(table.values()) - {chr(code) for code in table}


def printable(text: str) -> str:
    """*text* with each non-printable character escaped (``\\n``, ``\\x07``, ``\\u202e``).

    For names and URLs from an archive shown in reports: a newline or terminal escape in a
    file name must not forge report lines, and an undecodable name (lone surrogates from
    the file system) must still be writable as UTF-8 JSON.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
