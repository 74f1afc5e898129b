"""The Whoosh schema (defined here and nowhere else) and Event <-> document conversion.

Fields, and why each has its type:

=============  ===========================  =================================================
field          type                          purpose
=============  ===========================  =================================================
title          TEXT x3                       the event text
summary        TEXT                          the teaser
story          TEXT x2                       contexts as searchable text
outlets        TEXT x0.5                     source outlet names and domains as searchable text
title_grams    TEXT x3·w                     Han character grams (unigrams, bigrams) of each
summary_grams  TEXT x1·w                     text field: a word the segmenter glued into a
story_grams    TEXT x2·w                     longer one still matches, scoring w = GRAM_WEIGHT
outlets_grams  TEXT x0.5·w                   of a whole word; BM25 uses the text field's length
context        KEYWORD, lowercase            exact context values: filters and facets
domain         KEYWORD                       registrable source domains: filters and facets
place          KEYWORD                       ISO country codes it names (indexer.places): place:
lang           ID                            "en" / "zh": filter and facet
day            ID                            "2017-02-03": a day's events, on this day across years
date           DATETIME, sortable            year/month/range filters, newest/oldest sort
daydir         ID                            "news/2017/02/3": the unit of incremental updates
event          COLUMN                        the whole Event, compressed (indexer.stored)
=============  ===========================  =================================================

An event's ids (its own, in ``event``, and its aliases) and the ids its Related list names
are not Whoosh fields: they are columns (``id_keys``, ``link_keys`` in
:mod:`indexer.columns`), from which the searcher finds an event by any of its ids and
joins the link graph in numpy; as terms, these long slugs took most of the term
dictionary. A day folder (``daydir``) is the unit that incremental runs delete.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.formats import Positions

from indexer.analysis import (
    EventAnalyzer,
    GramAnalyzer,
    gram_positions,
    index_positions,
    text_analyzer,
    to_simplified,
)
from indexer.event import Event
from indexer.stored import EVENT_FIELD, StoredEvents
from indexer.whoosh_compat import EventCodec, single_position

SCHEMA_VERSION = 11  # bump when fields, analysis or parsing change: forces a full rebuild
TEXT_FIELDS = ("title", "summary", "story", "outlets")  # searched by free text
GRAM_FIELDS = {f: f"{f}_grams" for f in TEXT_FIELDS}  # text field -> its gram field
TEXT_OF_GRAMS = {g: f for f, g in GRAM_FIELDS.items()}
# The gram fields' boost, as a share of their text field's: a substring match scores well
# below a whole-word match, and a document with the whole word has both, so it stays ahead
# (马航 the word, not inside 天马航空). Known-item success barely moves between 0.25 and 1.
GRAM_WEIGHT = 0.5
FIELD_BOOSTS = {"title": 3.0, "summary": 1.0, "story": 2.0, "outlets": 0.5}


class EventPositions(Positions):  # type: ignore[misc]
    """Whoosh's ``Positions`` format (same bytes on disk), fed by
    :func:`~indexer.analysis.index_positions` instead of one Token per word: a third
    less work per indexed field. Other analyzers take Whoosh's own path."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        if isinstance(analyzer, EventAnalyzer) and analyzer.stem:
            positions = index_positions(value)
        elif isinstance(analyzer, GramAnalyzer):
            positions = gram_positions(value)
        else:
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        encode = self.encode
        return [
            (word, len(poses), len(poses) * boost, encode(poses))
            for word, poses in positions.items()
        ]

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1:  # most postings: one position, a tiny pickle worth caching
            return single_position(poslist[0])
        return super().encode(poslist)  # type: ignore[no-any-return]


def _text(boost: float = 1.0, stored: bool = False) -> TEXT:
    field = TEXT(analyzer=text_analyzer(), stored=stored, field_boost=boost)
    field.format = EventPositions(field_boost=boost)
    return field


def _grams(boost: float) -> TEXT:
    field = TEXT(analyzer=GramAnalyzer(), field_boost=boost * GRAM_WEIGHT)
    field.format = EventPositions(field_boost=boost * GRAM_WEIGHT)
    field.scorable = False  # no per-document lengths: scoring uses the text field's
    return field


def new_codec() -> EventCodec:
    """Whoosh 2.7's format without the statistics search does not use (see the class)."""
    return EventCodec()


def build_schema() -> Schema:
    return Schema(
        title=_text(FIELD_BOOSTS["title"]),
        summary=_text(FIELD_BOOSTS["summary"]),
        story=_text(FIELD_BOOSTS["story"]),
        outlets=_text(FIELD_BOOSTS["outlets"]),
        **{GRAM_FIELDS[f]: _grams(FIELD_BOOSTS[f]) for f in TEXT_FIELDS},
        context=KEYWORD(commas=True, lowercase=True),
        domain=KEYWORD(commas=True, lowercase=True),
        place=KEYWORD(commas=True),
        lang=ID,
        day=ID,
        date=DATETIME(sortable=True),
        daydir=ID,
        **{EVENT_FIELD: COLUMN()},  # raw bytes: see indexer.stored
    )


def context_key(name: str) -> str:
    """How contexts compare: case-insensitive, Traditional = Simplified, spaces trimmed."""
    return " ".join(to_simplified(name).casefold().split())


def _keywords(values: tuple[str, ...] | list[str]) -> str:
    return ",".join(v.replace(",", " ") for v in values)


def to_document(
    event: Event, daydir: str, stored: StoredEvents, places: tuple[str, ...] = ()
) -> dict[str, Any]:
    """An event as the keyword arguments of ``writer.add_document``, kept whole by
    *stored*; *places*: its country codes (:func:`indexer.places.places_of`, computed by
    the caller)."""
    texts = {
        "title": event.title,
        "summary": event.summary,
        "story": " \n".join(event.contexts),
        "outlets": " \n".join(f"{s.name} {s.domain}" for s in event.sources),
    }
    return {
        **texts,
        **{GRAM_FIELDS[f]: text for f, text in texts.items()},
        "context": _keywords([context_key(c) for c in event.contexts]),
        "domain": _keywords(event.domains),
        "place": _keywords(places),
        "lang": event.lang,
        "day": event.date.isoformat(),
        "date": dt.datetime.combine(event.date, dt.time()),
        "daydir": daydir,
        EVENT_FIELD: stored.pack(event),
    }
