"""HTML-safe highlighted snippets: text is escaped, matched terms wrapped in <mark>.

The index's own analyzer re-reads the stored text with character offsets, so stems,
folded accents and Traditional/Simplified Chinese highlight exactly what they matched.
"""

from __future__ import annotations

from html import escape

from whoosh.highlight import (
    ContextFragmenter,
    HtmlFormatter,
    WholeFragmenter,
    get_text,
    highlight,
)

from indexer.analysis import text_analyzer

SNIPPET_CHARS = 240
_ANALYZER = text_analyzer()


class _MarkFormatter(HtmlFormatter):  # type: ignore[misc]
    """Whoosh's HtmlFormatter (which escapes the text) with plain ``<mark>`` tags."""

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        return f"<mark>{self._text(get_text(text, token, replace))}</mark>"


_MARK = _MarkFormatter(between=" … ")


def _plain(text: str, limit: int) -> str:
    if len(text) <= limit:
        return escape(text, quote=False)
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return escape(cut, quote=False) + " …"


def highlight_title(text: str, terms: set[str]) -> str:
    if not terms or not text:
        return escape(text, quote=False)
    marked = highlight(text, terms, _ANALYZER, WholeFragmenter(charlimit=None), _MARK, top=1)
    return marked or escape(text, quote=False)


def highlight_summary(text: str, terms: set[str], limit: int = SNIPPET_CHARS) -> str:
    if not terms or not text:
        return _plain(text, limit)
    fragmenter = ContextFragmenter(maxchars=limit, surround=limit // 3, charlimit=None)
    marked = highlight(text, terms, _ANALYZER, fragmenter, _MARK, top=2)
    return marked or _plain(text, limit)
