"""A year or month written in a query, offered as a date filter instead.

``earthquake 2011``, ``floods march 2010``, ``2016年 地震``, ``2010年3月 洪水``: the
reader most likely means events of that time, not events whose text holds the number.
The search runs as typed; :func:`date_suggestion` says which date to move out of the
query into the ``year`` (and ``month``) filters, and what query is left. Only plain
words count: a date in quotes (``"2011 census"``), in a field (``date:2011``, which
already filters) or excluded (``-2011``) is left alone, as is a query that is only a
date, one naming two dates, and a year outside :data:`search.params.YEARS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from search.params import YEARS
from search.query import clean_query_text, token_spans

# English month names and their usual short forms (Chinese months are written 3月).
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_YEAR = re.compile(r"\d{4}")
_CHINESE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月)?")
_OPERATORS = frozenset({"OR", "AND", "NOT", "&&", "||", "|"})


@dataclass(frozen=True, slots=True)
class DateSuggestion:
    query: str  # the query without the date
    year: int
    month: str | None  # "2010-03", when a month was named too
    url: str = ""  # the search with the date as a filter (filled by the web layer)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "year": self.year, "month": self.month, "url": self.url}


Span = tuple[int, int]  # of the query's text


def _plausible(year: int) -> bool:
    return YEARS[0] <= year <= YEARS[1]


def _found(text: str) -> list[tuple[int, int | None, list[Span]]]:
    """Every date the plain words of *text* name: (year, month or None, its spans)."""
    words = [(token, start) for kind, token, start in token_spans(text) if kind == "word"]
    found: list[tuple[int, int | None, list[Span]]] = []
    for i, (token, start) in enumerate(words):
        span = (start, start + len(token))
        if _YEAR.fullmatch(token):
            if not _plausible(int(token)):
                continue
            near = [words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)]
            named = [(MONTHS[w.casefold()], s, w) for w, s in near if w.casefold() in MONTHS]
            month, spans = None, [span]
            if named:
                month, at, word = named[0]
                spans.append((at, at + len(word)))
            found.append((int(token), month, spans))
            continue
        for match in _CHINESE.finditer(token):
            year, month = int(match[1]), int(match[2]) if match[2] else None
            if _plausible(year) and (month is None or 1 <= month <= 12):
                found.append((year, month, [(start + match.start(), start + match.end())]))
    return found


def _without(text: str, spans: list[Span]) -> str:
    for begin, end in sorted(spans, reverse=True):
        text = f"{text[:begin]} {text[end:]}"
    return " ".join(text.split())


def _searchable(text: str) -> bool:
    return any(
        kind in ("phrase", "field") or (kind == "word" and token not in _OPERATORS)
        for kind, token, _ in token_spans(text)
    )


def date_suggestion(query: str) -> DateSuggestion | None:
    """The one date *query* names in its plain words, as a filter with the query left
    without it; None when it names none or several, or nothing else is left."""
    text = clean_query_text(query)
    found = _found(text)
    if len(found) != 1:
        return None
    year, month, spans = found[0]
    rest = _without(text, spans)
    if not _searchable(rest):
        return None
    return DateSuggestion(rest, year, f"{year}-{month:02d}" if month else None)
