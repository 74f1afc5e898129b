"""Event <-> Whoosh document, through a real in-memory index, and the schema's pickling."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index
from whoosh.query import Term

from indexer.event import Event, Related, Source
from indexer.schema import build_schema, to_document
from indexer.stored import StoredEvents, packed_events

STORED = StoredEvents()  # no dictionary: three events are too few to train one

ENGLISH = Event(
    id="news/2020/01/5/the-examplia-harbour-board-opens-a-second-ferry-pier",
    date=dt.date(2020, 1, 5),
    lang="en",
    title="The Examplia harbour board opens a second ferry pier, at last.",
    summary='The board says the "new" pier doubles capacity & cuts queues.',
    contexts=("Examplia ferry network", "Ferries, boats and piers", "Examplia"),
    sources=(
        Source("Examplia Gazette", "https://news.gazette.example.co.uk/a?b=1,2", "example.co.uk"),
        Source(
            "Reuters",
            "https://web.archive.org/web/20200105000000/http://www.reuters.com/x",
            "reuters.com",
        ),
    ),
    images=("https://img.example.com/pier.jpg",),
    related=(
        Related("news/2019/06/12/the-board-plans-a-pier", "The board plans a pier.", ("Ferries",)),
        Related("news/2018/03/1/a-ferry-sinks", "A ferry sinks.", ()),
    ),
    aliases=("news/2020/01/5/examplia-ferry-network-the-examplia-harbour-board",),
    position=4,
)

CHINESE_LISTING_ONLY = Event(
    id="news/2019/03/3/示例港启用新码头",
    date=dt.date(2019, 3, 3),
    lang="zh",
    title="示例港啟用新碼頭，運力翻倍。",
    contexts=("示例港渡轮",),
    position=0,
    listing_only=True,
)

BARE = Event(id="news/2005/07/7/a-heatwave", date=dt.date(2005, 7, 7), lang="en", title="Heat")


@pytest.fixture
def index() -> Iterator[Index]:
    ix = RamStorage().create_index(build_schema())
    yield ix
    ix.close()


def add(ix: Index, *events: Event) -> None:
    with ix.writer() as writer:
        for event in events:
            writer.add_document(**to_document(event, event.id.rsplit("/", 1)[0], STORED))


@pytest.mark.parametrize("event", [ENGLISH, CHINESE_LISTING_ONLY, BARE], ids=["en", "zh", "bare"])
def test_event_survives_the_round_trip_through_the_index(index: Index, event: Event) -> None:
    add(index, ENGLISH, CHINESE_LISTING_ONLY, BARE)

    with index.searcher() as searcher:
        column = packed_events(searcher.reader())
        stored = [STORED.unpack(column[d]) for d in range(searcher.doc_count_all())]
        assert [e for e in stored if e.id == event.id] == [event]


def test_ids_and_links_are_columns_not_fields() -> None:
    # An event's ids and Related ids are looked up in the columns (id_keys, link_keys):
    # as terms they took most of the term dictionary (long slugs).
    assert not {"id", "ids", "links"} & set(build_schema().names())


def test_document_keeps_filter_and_facet_values(index: Index) -> None:
    add(index, ENGLISH)

    with index.searcher() as searcher:
        assert set(searcher.lexicon("domain")) == {b"example.co.uk", b"reuters.com"}
        assert b"examplia ferry network" in set(searcher.lexicon("context"))
        assert list(searcher.lexicon("day")) == [b"2020-01-05"]
        assert list(searcher.lexicon("daydir")) == [b"news/2020/01/5"]
        assert list(searcher.lexicon("lang")) == [b"en"]


def test_title_is_searchable_through_the_shared_analyzer(index: Index) -> None:
    add(index, ENGLISH, CHINESE_LISTING_ONLY)

    with index.searcher() as searcher:
        for word, event in (("pier", ENGLISH), ("码头", CHINESE_LISTING_ONLY)):
            hits = searcher.search(Term("title", word))
            column = packed_events(searcher.reader())
            assert [STORED.unpack(column[h.docnum]).id for h in hits] == [event.id]


def test_schema_pickles_and_unpickles_with_the_same_fields() -> None:
    schema = build_schema()

    restored = pickle.loads(pickle.dumps(schema))

    assert restored.names() == schema.names()
    assert restored["title"].analyzer == schema["title"].analyzer


def test_analyzer_still_works_after_unpickling() -> None:
    schema = build_schema()
    text = "Gunmen killed López near the 聖殿山"
    expected = [t.text for t in schema["title"].analyzer(text)]

    restored = pickle.loads(pickle.dumps(schema))

    assert [t.text for t in restored["title"].analyzer(text)] == expected
    assert expected == ["gunmen", "kill", "lopez", "near", "圣殿山"]


def test_schema_pickles_after_its_analyzer_has_stemmed_words() -> None:
    schema = build_schema()
    list(schema["summary"].analyzer("floods displaced villagers"))

    restored = pickle.loads(pickle.dumps(schema))

    assert [t.text for t in restored["summary"].analyzer("killing")] == ["kill"]


def test_reopened_index_analyses_with_the_stored_schema() -> None:
    storage = RamStorage()
    add(storage.create_index(build_schema()), ENGLISH)

    reopened = storage.open_index()
    try:
        assert [t.text for t in reopened.schema["title"].analyzer("龍捲風 killed")] == [
            "龙卷风",
            "kill",
        ]
        with reopened.searcher() as searcher:
            assert len(searcher.search(Term("title", "open"))) == 1
    finally:
        reopened.close()


_FAST_PATH_TEXTS = [
    "Peruvian President Pedro Pablo Kuczynski's talks with the U.S. on 3 February",
    "The the the: stop words, repeated words and repeated words again",
    "美國總統川普與亞拉巴馬州官員會面 and López met İstanbul officials",
    "臺灣 2016 年總統選舉 ''italic'' -{zh-tw:歐巴馬; zh-cn:奥巴马}-",
    "",
    "   \n\t ",
]


@pytest.mark.parametrize("name", ["summary", "summary_grams"])
@pytest.mark.parametrize("text", _FAST_PATH_TEXTS)
def test_fast_position_format_writes_the_same_postings_as_whoosh(text: str, name: str) -> None:
    from whoosh.formats import Positions

    field = build_schema()[name]
    stock = Positions(field_boost=field.format.field_boost)
    fast = sorted(field.format.word_values(text, field.analyzer, mode="index"))
    slow = sorted(stock.word_values(text, field.analyzer, mode="index"))
    assert fast == slow


@pytest.mark.parametrize("name", ["title", "title_grams"])
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
@settings(max_examples=200, deadline=None)
def test_fast_position_format_agrees_with_whoosh_on_any_text(text: str, name: str) -> None:
    from whoosh.formats import Positions

    field = build_schema()[name]
    stock = Positions(field_boost=field.format.field_boost)
    fast = sorted(field.format.word_values(text, field.analyzer, mode="index"))
    assert fast == sorted(stock.word_values(text, field.analyzer, mode="index"))
