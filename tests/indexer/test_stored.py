"""Stored events: compressed with a dictionary trained on the archive, read back whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
import random
import threading
from pathlib import Path

import pytest
import zstandard

from indexer import build, store
from indexer.event import Event, Related, Source
from indexer.stored import (
    DICTIONARY,
    EVENT_FIELD,
    MIN_SAMPLE_EVENTS,
    StoredEvents,
    live_events,
)

from ..conftest import EXAMPLE_ARCHIVE

WORDS = ["harbour", "ferry", "council", "vote", "storm", "bridge", "river"]
OUTLETS = [
    ("Examplia Gazette", "https://gazette.example.com/"),
    ("Reuters", "https://reuters.com/"),
]


def made_up(n: int, rng: random.Random) -> Event:
    """An event shaped like an archive's: words, sources and Related links."""
    day = dt.date(2015, 1, 1) + dt.timedelta(days=n % 900)
    title = " ".join(rng.choices(WORDS, k=rng.randint(6, 20))).capitalize() + "."
    name, url = rng.choice(OUTLETS)
    return Event(
        id=f"news/{day:%Y/%m}/{day.day}/event-{n}",
        date=day,
        lang="en",
        title=title,
        summary=" ".join(rng.choices(WORDS, k=rng.randint(0, 30))),
        contexts=tuple(rng.sample(["Examplia", "Ferries", "Storms", "Elections"], 2)),
        sources=(Source(name, f"{url}{n}", url.split("/")[2]),),
        related=tuple(
            Related(f"news/2014/12/1/event-{k}", f"Earlier event {k}.", ("Examplia",))
            for k in range(rng.randint(0, 5))
        ),
    )


@pytest.fixture(scope="module")
def events() -> list[Event]:
    rng = random.Random(7)
    return [made_up(n, rng) for n in range(1200)]


def test_a_trained_dictionary_gives_back_every_event_exactly(events: list[Event]) -> None:
    stored = StoredEvents.train(events)

    assert stored.dictionary is not None
    assert all(stored.unpack(stored.pack(e)) == e for e in events)


def test_the_dictionary_makes_events_smaller_than_compressing_each_alone(
    events: list[Event],
) -> None:
    trained, alone = StoredEvents.train(events[:1000]), StoredEvents()
    unseen = events[1000:]  # not in the sample it learnt from

    with_dictionary = sum(len(trained.pack(e)) for e in unseen)
    without = sum(len(alone.pack(e)) for e in unseen)
    assert with_dictionary < 0.6 * without


def test_too_few_events_give_no_dictionary_and_still_round_trip(events: list[Event]) -> None:
    stored = StoredEvents.train(events[: MIN_SAMPLE_EVENTS - 1])

    assert stored.dictionary is None
    assert stored.unpack(stored.pack(events[0])) == events[0]


def test_another_dictionary_cannot_read_a_document(events: list[Event]) -> None:
    # A generation's documents are read with its own dictionary only; another fails loudly
    # rather than returning another event.
    one, other = StoredEvents.train(events[:600]), StoredEvents.train(events[600:])
    packed = one.pack(events[0])

    with pytest.raises(zstandard.ZstdError):
        other.unpack(packed)


def test_threads_share_one_packing(events: list[Event]) -> None:
    stored = StoredEvents.train(events)
    packed = [stored.pack(e) for e in events]
    wrong: list[int] = []

    def read(offset: int) -> None:
        for i in range(offset, len(events), 4):
            if stored.unpack(packed[i]) != events[i]:
                wrong.append(i)

    threads = [threading.Thread(target=read, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_the_packing_crosses_to_worker_processes_as_its_dictionary(events: list[Event]) -> None:
    stored = StoredEvents.train(events)
    copy = pickle.loads(pickle.dumps(stored))

    assert copy.dictionary == stored.dictionary
    assert copy.unpack(stored.pack(events[3])) == events[3]


def test_a_packed_event_is_plain_zstd_of_the_api_json(events: list[Event]) -> None:
    # Any zstd reader with the generation's dictionary reads it: no framing of our own
    stored = StoredEvents.train(events)
    assert stored.dictionary is not None
    plain = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(stored.dictionary))

    assert json.loads(plain.decompress(stored.pack(events[5]))) == events[5].to_dict()


# -- through indexing runs ----------------------------------------------------------------


def test_a_small_archive_is_indexed_without_a_dictionary(tmp_path: Path) -> None:
    build.run(EXAMPLE_ARCHIVE, tmp_path / "index", workers=1)
    generation = store.current_generation(tmp_path / "index")
    assert generation is not None

    assert not (generation / DICTIONARY).exists()
    assert {e.id for e in live_events(generation)}  # read back all the same


def page(day: dt.date, title: str, url: str) -> str:
    """An event page in the archive's format (../shared/corpus/FORMAT.md)."""
    return (
        f"### [{day:%Y-%m}-{day.day}](/news/{day:%Y/%m}/{day.day}/index.md)\n\n# {title}\n\n"
        f"### Source:\n\n1. [Examplia Gazette]({url})\n"
    )


def grown_archive(root: Path, days: int, per_day: int) -> Path:
    """An archive of *days* day folders with *per_day* made-up event pages each."""
    rng = random.Random(3)
    for d in range(days):
        day = dt.date(2016, 1, 1) + dt.timedelta(days=d)
        folder = root / "news" / f"{day:%Y/%m}" / str(day.day)
        folder.mkdir(parents=True)
        for k in range(per_day):
            title = " ".join(rng.choices(WORDS, k=rng.randint(6, 16))).capitalize()
            url = f"https://gazette.example.com/{d}/{k}"
            (folder / f"e{k}.md").write_text(page(day, f"{title} {d}-{k}.", url), "utf-8")
    return root


def test_a_full_build_trains_a_dictionary_that_incremental_runs_keep(tmp_path: Path) -> None:
    archive = grown_archive(tmp_path / "archive", days=60, per_day=5)
    index = tmp_path / "index"
    build.run(archive, index, workers=2, full=True)
    first = store.current_generation(index)
    assert first is not None and (first / DICTIONARY).is_file()

    folder = archive / "news/2016/03/20"
    folder.mkdir(parents=True)
    late = page(dt.date(2016, 3, 20), "A late storm closes the river port.", "https://x.example/")
    (folder / "late.md").write_text(late, "utf-8")
    report = build.run(archive, index)
    second = store.current_generation(index)

    assert report.mode == "incremental" and second is not None and second != first
    assert (second / DICTIONARY).read_bytes() == (first / DICTIONARY).read_bytes()
    titles = {e.title for e in live_events(second)}
    assert "A late storm closes the river port." in titles and len(titles) == 301


def test_events_read_through_the_index_equal_those_parsed(tmp_path: Path) -> None:
    from indexer.archive import archive_root, scan
    from indexer.days import read_day

    archive = grown_archive(tmp_path / "archive", days=60, per_day=5)
    build.run(archive, tmp_path / "index", workers=2, full=True)
    generation = store.current_generation(tmp_path / "index")
    assert generation is not None

    parsed = [e for day in scan(archive_root(archive)).days.values() for e in read_day(day, ())[0]]
    strip = {"position"}  # the only field a whole-archive build may set differently
    as_dicts = sorted(
        (dataclasses.asdict(e) for e in live_events(generation)), key=lambda d: d["id"]
    )
    assert [{k: v for k, v in d.items() if k not in strip} for d in as_dicts] == [
        {k: v for k, v in d.items() if k not in strip}
        for d in sorted(map(dataclasses.asdict, parsed), key=lambda d: d["id"])
    ]


def test_the_event_column_holds_the_packed_bytes_as_they_are(tmp_path: Path) -> None:
    # Not a pickled stored field: Whoosh's protocol-2 pickle wrote bytes as a UTF-8
    # string, a third bigger after its zlib
    archive = grown_archive(tmp_path / "archive", days=60, per_day=5)
    build.run(archive, tmp_path / "index", workers=1, full=True)
    generation = store.current_generation(tmp_path / "index")
    assert generation is not None
    stored = StoredEvents.load(generation)
    events = live_events(generation)

    packed = [stored.pack(e) for e in events]
    on_disk = sum(p.stat().st_size for p in generation.glob(f"*.{EVENT_FIELD}.col"))
    assert sum(map(len, packed)) <= on_disk <= sum(map(len, packed)) + 16 * len(packed)
