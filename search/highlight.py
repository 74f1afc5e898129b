"""HTML-safe highlighted snippets: text is escaped, matched terms wrapped in <mark>.

The index's own analyzer re-reads the stored text with character offsets, so stems,
folded accents and Traditional/Simplified Chinese highlight exactly what they matched.
Chinese matches wherever it is a substring (the gram fields), so a term holding Han text
is marked at every occurrence in the text folded character by character, which keeps
offsets (``紅十字會`` inside ``國際紅十字會``); text is segmented only for other terms.
(A lean replacement for ``whoosh.highlight``: one analyzer pass, no token copies; this
runs for 20 texts per results page.)

Every cost here is bounded by what is shown, not by the size of the page: a title is cut
to ``TEXT_CHARS`` before it is marked, and a summary is analyzed only for its first
``SCAN_CHARS`` characters, and no further than the end of the snippet once a match is
found. A match past that (only in pages far longer than any real one) is not marked; the
snippet then shows the summary's start.
"""

from __future__ import annotations

import heapq
from html import escape

from indexer.analysis import fold_chars, word_spans
from indexer.text import has_han

SNIPPET_CHARS = 240
LEAD_CHARS = 60  # context kept before the first match in a long summary
WORD_CHARS = 20  # how far a cut looks for a space to end at
TEXT_CHARS = 1_000  # the most of a title (or of a hit's summary) shown; real titles < 420
SCAN_CHARS = 4_000  # the most of a summary read for matches; real summaries < 3,700

Span = tuple[int, int]


def clip(text: str, limit: int = TEXT_CHARS) -> str:
    """*text* cut to at most *limit* characters, at a space when there is one near."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", max(0, limit - WORD_CHARS), limit + 1)
    return text[: space if space > 0 else limit].rstrip()


def match_spans(
    text: str, terms: set[str], scan: int = SCAN_CHARS, after: int | None = None
) -> list[Span]:
    """(start, end) character offsets of the words of *text* that analyze to *terms*, and
    of every occurrence of a term holding Han text (it matched as a substring), read no
    further than *scan* characters, nor than *after* characters past the first."""
    if not terms or not text:
        return []
    han = {t for t in terms if has_han(t)}
    shown = clip(text, scan)
    substrings = _substring_spans(shown, han)
    # Han terms are all found as substrings; the other terms are words outside Han runs.
    words = word_spans(shown, terms - han) if len(han) < len(terms) else iter(())
    found = heapq.merge(substrings, words) if substrings else words  # words read lazily
    spans: list[Span] = []
    stop = scan
    for start, end in found:  # up to *stop*
        if start >= stop:
            break
        if not spans and after is not None:
            stop = min(stop, start + after)
        if spans and start < spans[-1][1]:  # overlapping Han sub-words
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _substring_spans(text: str, needles: set[str]) -> list[Span]:
    if not needles:
        return []
    folded = fold_chars(text)
    spans = []
    for needle in needles:
        at = folded.find(needle)
        while at != -1:
            spans.append((at, at + len(needle)))
            at = folded.find(needle, at + len(needle))
    return sorted(spans)


def _marked(text: str, spans: list[Span], start: int, end: int) -> str:
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
    space = text.rfind(" ", max(0, at - WORD_CHARS + 1), at)
    return space + 1 if space != -1 else at


def _word_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.find(" ", at, at + WORD_CHARS)
    return space if space != -1 else at


def highlight_title(text: str, terms: set[str], limit: int = TEXT_CHARS) -> str:
    """The whole title, marked; a title longer than *limit* is cut (and says so)."""
    shown = clip(text, limit)
    suffix = " …" if len(shown) < len(text) else ""
    return _marked(shown, match_spans(shown, terms, scan=limit), 0, len(shown)) + suffix


def highlight_summary(text: str, terms: set[str], limit: int = SNIPPET_CHARS) -> str:
    """The whole summary when short; else a window around the first match."""
    if len(text) <= limit:
        return _marked(text, match_spans(text, terms), 0, len(text))
    spans = match_spans(text, terms, after=limit + WORD_CHARS)
    first = spans[0][0] if spans else 0
    start = _word_start(text, max(0, first - LEAD_CHARS))
    end = _word_end(text, min(len(text), start + limit))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + _marked(text, spans, start, end) + suffix
