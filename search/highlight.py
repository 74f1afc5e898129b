"""HTML-safe highlighted snippets: text is escaped, matched terms wrapped in <mark>.

The index's own analyzer re-reads the stored text with character offsets, so stems,
folded accents and Traditional/Simplified Chinese highlight exactly what they matched.
(A lean replacement for ``whoosh.highlight``: one analyzer pass, no token copies; this
runs for 20 texts per results page.)
"""

from __future__ import annotations

from html import escape

from indexer.analysis import analyze

SNIPPET_CHARS = 240
LEAD_CHARS = 60  # context kept before the first match in a long summary


def match_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """(start, end) character offsets of the words of *text* that analyze to *terms*."""
    if not terms or not text:
        return []
    spans: list[tuple[int, int]] = []
    for term in analyze(text):
        if term.text in terms:
            if spans and term.start < spans[-1][1]:  # overlapping Han sub-words
                spans[-1] = (spans[-1][0], max(spans[-1][1], term.end))
            else:
                spans.append((term.start, term.end))
    return spans


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    parts, at = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts += [
            escape(text[at:s], quote=False),
            "<mark>",
            escape(text[s:e], quote=False),
            "</mark>",
        ]
        at = e
    parts.append(escape(text[at:end], quote=False))
    return "".join(parts)


def _word_start(text: str, at: int) -> int:
    if at <= 0:
        return 0
    space = text.rfind(" ", 0, at)
    return space + 1 if space != -1 and at - space < 20 else at


def _word_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.find(" ", at)
    return space if space != -1 and space - at < 20 else at


def highlight_title(text: str, terms: set[str]) -> str:
    return _marked(text, match_spans(text, terms), 0, len(text))


def highlight_summary(text: str, terms: set[str], limit: int = SNIPPET_CHARS) -> str:
    """The whole summary when short; else a window around the first match."""
    spans = match_spans(text, terms)
    if len(text) <= limit:
        return _marked(text, spans, 0, len(text))
    first = spans[0][0] if spans else 0
    start = _word_start(text, max(0, first - LEAD_CHARS))
    end = _word_end(text, min(len(text), start + limit))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + _marked(text, spans, start, end) + suffix
