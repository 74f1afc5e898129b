"""What a reader typed -> a Whoosh query. Pure functions, tested as values.

Syntax (all words required by default)::

    malaysia airlines            both words, in any searchable field
    "air strike"                 a phrase
    -ceasefire  -"peace talks"   exclusion
    syria OR iraq, (a OR b) c    alternatives, grouping
    context:"Syrian Civil War"   story heading or topic (exact, case-insensitive)
    source:bbc.co.uk  source:BBC outlet domain, or outlet name words
    lang:zh  title:word          language; a word in the title only
    date:2017  date:2017-02  date:2017-02-01..2017-03-15
    mala*  malaysa~              prefix; spelling variants (both capped)
    红十字会  6.8万  俄          Chinese: the whole word, or wherever it is a substring
                                 (国际红十字会), a whole-word match ranking first

User text is safe by default: unbalanced quotes or parentheses are closed, lone
operators and symbols are ignored, unknown ``field:`` prefixes are plain words. Only
limits (length, clause count, nesting) and impossible dates raise :class:`BadRequest`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh import query as wq

from indexer.analysis import Term, chain_spans, fold, gram_text, is_han, query_grams
from indexer.analysis import analyze as analyze_text
from indexer.domains import registrable_domain
from indexer.schema import GRAM_FIELDS, TEXT_FIELDS, TEXT_OF_GRAMS, context_key
from search.errors import BadRequest, QueryTooComplex
from search.params import check_query
from search.synonyms import WEIGHT as SYNONYM_WEIGHT
from search.synonyms import alternatives

MAX_CLAUSES = 40
# Parts of words one query searches (a pasted Chinese sentence is one typed word of many
# parts): those past this many are not searched, as web search engines ignore words past
# their 32nd; a pasted 30-character title is about 15 parts. Each part costs its terms
# and its Han grams, so this bounds a query's work.
MAX_PARTS = 16
MAX_PART_CHARS = 8
MAX_DEPTH = 8
MIN_PREFIX = 2
FIELDS = ("context", "story", "source", "domain", "lang", "date", "title")
_TOKEN = re.compile(
    r'(?P<lp>\()|(?P<rp>\))|(?P<phrase>-?"[^"]*(?:"|$))'
    r"|(?P<field>-?(?:" + "|".join(FIELDS) + r'):(?:"[^"]*(?:"|$)|[^\s()"]+))'
    r"|(?P<word>[^\s()\"]+)",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")


@dataclass(frozen=True, slots=True)
class Interpretation:
    """How the query was understood, for people (``interpreted`` in results)."""

    query: wq.Query
    words: tuple[str, ...]  # plain words, for spelling correction

    def __str__(self) -> str:
        return str(self.query)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    for kind, token, _ in token_spans(text):
        yield kind, token


def token_spans(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, start) of each token: "lp", "rp", "phrase", "field" or "word"."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        yield kind, match.group(), match.start()


def analyze(text: str) -> list[tuple[str, int]]:
    """(term, position) pairs of *text* as the index analyzed it (stop words dropped)."""
    return [(t.text, t.pos) for t in analyze_text(text) if not t.stopped]


def _any_field(term: str, fields: tuple[str, ...] = TEXT_FIELDS) -> wq.Query:
    return (
        wq.Or([wq.Term(f, term) for f in fields]) if len(fields) > 1 else wq.Term(fields[0], term)
    )


def word_query(
    word: str, fields: tuple[str, ...] = TEXT_FIELDS, parts: int = MAX_PARTS
) -> wq.Query | None:
    """One typed word; a Chinese run may analyze to several terms, all required, each
    found as a word or as a substring (see :func:`pieces`); the first *parts* only."""
    if word.endswith("*"):
        stem = fold(word.rstrip("*"))  # as index terms are folded
        if len(stem) >= MIN_PREFIX and not stem.endswith("*"):
            return wq.Or([wq.Prefix(f, stem) for f in fields])
        word = stem
    if word.endswith("~") and len(word) > 1:
        base = fold(word.rstrip("~"))
        return wq.Or([wq.FuzzyTerm(f, base, maxdist=1 if len(base) < 6 else 2) for f in fields])
    parts_searched = itertools.islice(pieces(word), parts)
    clauses = [_piece_query(terms, text, fields) for terms, text in parts_searched]
    return _and([c for c in clauses if c is not None])


def pieces(text: str) -> Iterator[tuple[list[str], str | None]]:
    """The parts of one typed word that must each be found: (terms, Han text).

    Outside Han text, each term is a part (Han text None). In a chain of Han text (with
    the numbers or words touching it: ``6.8万``), each word of two or more characters is
    a part, and a single character or a number joins the next such word, else the last:
    ``田 北俊`` -> ``田北俊``, ``5.4 级 地震`` -> ``5.4级地震``, ``俄 军`` -> ``俄军``. A part
    is found as its words, or as its Han text wherever it occurs (a substring)."""
    terms = [t for t in analyze_text(text) if not t.stopped]
    at = 0
    for start, end in chain_spans(text):
        while at < len(terms) and terms[at].start < start:
            yield [terms[at].text], None
            at += 1
        inside = []
        while at < len(terms) and terms[at].end <= end:
            inside.append(terms[at])
            at += 1
        for group in _group_weak(inside):
            yield [t.text for t in group], text[group[0].start : group[-1].end]
    for term in terms[at:]:
        yield [term.text], None


def _group_weak(terms: list[Term]) -> list[list[Term]]:
    groups: list[list[Term]] = []
    waiting: list[Term] = []
    for term in terms:
        waiting.append(term)
        if term.end - term.start >= 2 and is_han(term.text[0]):
            groups.append(waiting)
            waiting = []
    if waiting:
        if groups:
            groups[-1].extend(waiting)
        else:
            groups.append(waiting)
    return groups


def _piece_query(terms: list[str], han: str | None, fields: tuple[str, ...]) -> wq.Query | None:
    # A real part is a word and the odd character before it; only a run of characters
    # that make no words (random text) is longer, and is searched by its start.
    words = _and([_any_field(t, fields) for t in terms[:MAX_PART_CHARS]])
    substring = gram_query(han[:MAX_PART_CHARS], fields) if han else None
    options = [q for q in (words, substring) if q is not None]
    if not options:
        return None
    return options[0] if len(options) == 1 else wq.Or(options)


def gram_query(text: str, fields: tuple[str, ...] = TEXT_FIELDS) -> wq.Query | None:
    """*text* as a substring of any of *fields*: its grams (a term, or a phrase of bigrams
    per chain) in each field's gram field."""
    sequences = query_grams(text)
    if not sequences:
        return None
    per_field = []
    for field in fields:
        gram_field = GRAM_FIELDS[field]
        parts = [
            wq.Term(gram_field, seq[0]) if len(seq) == 1 else wq.Phrase(gram_field, seq)
            for seq in sequences
        ]
        per_field.append(parts[0] if len(parts) == 1 else wq.And(parts))
    return per_field[0] if len(per_field) == 1 else wq.Or(per_field)


def phrase_query(text: str, fields: tuple[str, ...] = TEXT_FIELDS) -> wq.Query | None:
    """A quoted phrase: its words in order; Han text without spaces may also be found as
    a substring (``"红十字会主席"`` in ``国际红十字会主席``)."""
    terms = analyze(text)
    if not terms:
        return None
    if len(terms) == 1:
        words_query = _any_field(terms[0][0], fields)
    else:
        words = [t for t, _ in terms]
        # Stop words leave gaps in positions; allow exactly those gaps.
        slop = max(b - a for (_, a), (_, b) in itertools.pairwise(terms))
        words_query = wq.Or([wq.Phrase(f, words, slop=max(slop, 1)) for f in fields])
    spans = chain_spans(text)
    if len(spans) != 1 or spans[0] != (0, len(text)):
        return words_query
    substring = gram_query(text, fields)
    return wq.Or([words_query, substring]) if substring is not None else words_query


def _strip_quotes(value: str) -> str:
    return value.strip('"').strip()


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_date_value(value: str) -> tuple[dt.date, dt.date]:
    """``2017``, ``2017-02``, ``2017-02-03`` or ``A..B`` -> inclusive (start, end)."""
    value = value.strip()
    try:
        if ".." in value:
            start, _, end = value.partition("..")
            return parse_date_value(start)[0] if start else dt.date(1, 1, 1), (
                parse_date_value(end)[1] if end else dt.date(9999, 12, 31)
            )
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
        if len(parts) == 2:
            return _month_range(parts[0], parts[1])
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
    except ValueError:
        pass
    raise BadRequest(f"date must look like 2017, 2017-02, 2017-02-03 or A..B, not {value[:40]!r}")


def date_range(start: dt.date, end: dt.date) -> wq.Query:
    return wq.DateRange(
        "date", dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
    )


def field_query(name: str, value: str) -> wq.Query | None:
    name, value = name.casefold(), _strip_quotes(value)
    if not value:
        return None
    if name in ("context", "story"):
        return wq.Term("context", context_key(value))
    if name in ("source", "domain"):
        if "." in value and " " not in value:
            domain = registrable_domain(f"http://{value.strip('/')}") or value.casefold()
            return wq.Term("domain", domain)
        return phrase_query(value, ("outlets",))
    if name == "lang":
        return wq.Term("lang", value.casefold())
    if name == "date":
        return date_range(*parse_date_value(value))
    return phrase_query(value, ("title",)) if " " in value else word_query(value, ("title",))


class _Parser:
    """Recursive descent over the token stream; forgiving by construction."""

    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.at = 0
        self.clauses = 0
        self.parts = MAX_PARTS  # left to search
        self.words: list[str] = []

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> wq.Query | None:
        query = self.or_expr(0)
        while self.peek() is not None:  # a stray ")" ends or_expr early: keep going
            self.at += 1
            rest = self.or_expr(0)
            query = _and([q for q in (query, rest) if q is not None])
        return query

    def or_expr(self, depth: int) -> wq.Query | None:
        options = [self.and_expr(depth)]
        while (tok := self.peek()) and tok == ("word", "OR"):
            self.at += 1
            options.append(self.and_expr(depth))
        present = [o for o in options if o is not None]
        if not present:
            return None
        return present[0] if len(present) == 1 else wq.Or(present)

    def and_expr(self, depth: int) -> wq.Query | None:
        must: list[wq.Query] = []
        must_not: list[wq.Query] = []
        while (tok := self.peek()) and tok[0] != "rp" and tok != ("word", "OR"):
            negated, clause = self.unary(depth)
            if clause is not None:
                (must_not if negated else must).append(clause)
        positive = _and(must)
        if not must_not:
            return positive
        negative = must_not[0] if len(must_not) == 1 else wq.Or(must_not)
        return wq.AndNot(positive if positive is not None else wq.Every(), negative)

    def unary(self, depth: int) -> tuple[bool, wq.Query | None]:
        kind, text = self.tokens[self.at]
        self.at += 1
        if kind == "lp":
            if depth + 1 > MAX_DEPTH:
                raise QueryTooComplex(f"parentheses nest deeper than {MAX_DEPTH}")
            inner = self.or_expr(depth + 1)
            if self.peek() and self.peek()[0] == "rp":  # type: ignore[index]
                self.at += 1
            return False, inner
        negated = text.startswith("-") and len(text) > 1
        body = text[1:] if negated else text
        self.count()
        if kind == "phrase":
            return negated, phrase_query(_strip_quotes(body))
        if kind == "field":
            name, _, value = body.partition(":")
            return negated, field_query(name, value)
        if body in ("AND", "NOT", "&&", "||", "|"):
            return False, None
        others = alternatives(body)
        if not negated and not others:  # a word the synonym list knows is not misspelt
            self.words.append(body)
        if body.isascii():  # one part (MAX_CLAUSES bounds them); expansions have a budget
            return negated, with_synonyms(word_query(body), others)
        if self.parts <= 0:
            return False, None
        used = sum(1 for _ in itertools.islice(pieces(body), self.parts))
        query = word_query(body, parts=self.parts)
        self.parts -= max(used, 1)
        return negated, with_synonyms(query, others)

    def count(self) -> None:
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QueryTooComplex(f"more than {MAX_CLAUSES} words or clauses")


def with_synonyms(query: wq.Query | None, others: tuple[str, ...]) -> wq.Query | None:
    """A typed word's query, or also its synonyms (:mod:`search.synonyms`) scoring
    ``SYNONYM_WEIGHT`` of theirs: ``quake`` finds earthquakes, the quake ones first. An
    alternative of several words or with punctuation (``9·11``) is a phrase."""
    found = [word_query(o) if o.isalnum() else phrase_query(o) for o in others]
    options = [q for q in found if q is not None]
    if query is None or not options:
        return query
    weighted = wq.Or(options, boost=SYNONYM_WEIGHT)
    return wq.Or([query, weighted])


def _and(parts: list[wq.Query]) -> wq.Query | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def clean_query_text(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def build_query(text: str) -> Interpretation:
    """The user's query -> Whoosh query; an empty query matches every event."""
    cleaned = clean_query_text(check_query(text))
    parser = _Parser(cleaned)
    query = parser.parse()
    if query is None:  # nothing searchable: everything when empty, else nothing
        query = wq.Every() if not cleaned else wq.NullQuery
    words = tuple(w for w in parser.words if w.isalnum())
    return Interpretation(query, words)


def any_words(query: wq.Query) -> wq.Query:
    """The fallback when all words find nothing: any top-level clause may match, and so
    may any word of a typed Chinese run (each of its pieces, each word of a piece)."""
    if isinstance(query, wq.AndNot):
        loose = any_words(query.a)
        return wq.AndNot(loose, query.b) if loose != query.a else query
    options = _alternatives(query)
    return wq.Or(options) if options != [query] else query


def _alternatives(query: wq.Query) -> list[wq.Query]:
    if isinstance(query, wq.And):
        return [option for part in query.subqueries for option in _alternatives(part)]
    if _is_piece(query):
        words, substring = query.subqueries
        return [*(_word_or_substring(w) for w in words.subqueries), substring]
    return [query]


def _word_or_substring(word: wq.Query) -> wq.Query:
    """One word of a piece (``Or`` of its fields) on its own: a Han word also as a substring."""
    leaves = list(word.leaves())
    text = leaves[0].text
    if not all(is_han(c) for c in text):
        return word
    substring = gram_query(text, tuple(leaf.fieldname for leaf in leaves))
    return wq.Or([word, substring]) if substring is not None else word


def _is_piece(query: wq.Query) -> bool:
    """Whether *query* is one piece of a Chinese run: (its words) OR (its substring)."""
    return (
        isinstance(query, wq.Or)
        and len(query.subqueries) == 2
        and isinstance(query.subqueries[0], wq.And)
        and all(leaf.fieldname in TEXT_OF_GRAMS for leaf in query.subqueries[1].leaves())
    )


def text_terms(query: wq.Query) -> set[str]:
    """Analyzed terms of the searchable-text clauses (not exclusions), for highlighting."""
    if isinstance(query, wq.AndNot):
        return text_terms(query.a)
    if isinstance(query, wq.Not):
        return set()
    if isinstance(query, wq.Term | wq.Prefix | wq.FuzzyTerm) and query.fieldname in TEXT_FIELDS:
        return {query.text}
    if isinstance(query, wq.Phrase) and query.fieldname in TEXT_FIELDS:
        return set(query.words)
    if isinstance(query, wq.Term) and query.fieldname in TEXT_OF_GRAMS:
        return {query.text}
    if isinstance(query, wq.Phrase) and query.fieldname in TEXT_OF_GRAMS:
        return {gram_text(query.words)}  # the substring, marked wherever it occurs
    found: set[str] = set()
    for child in query.children() if hasattr(query, "children") else ():
        found |= text_terms(child)
    return found
