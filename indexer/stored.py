"""How an event is kept in its Whoosh document: the column ``event``, the event's JSON
compressed by zstd with a dictionary trained on the archive's own events.

A results page reads ten documents out of hundreds of thousands, so each document is
compressed on its own. Alone, a 3 KB event compresses poorly: what it has in common with
the others (JSON keys, outlet names and URL prefixes, story headings, the archive's common
words) is in no window of its own. A dictionary trained from a sample of the archive's
events supplies that. At 200,000 synthetic events the stored fields took 1,530 bytes per
event under Whoosh's per-document zlib and take about 950 with a dictionary at level 6
(level 3: about 1,000, at a quarter of the compression time), and the dictionary trains
in under a second from 1,000 events (4,000 random ones: 940).

The bytes go into a column of raw bytes (Whoosh's ``COLUMN``), not a stored field: Whoosh
pickles stored values with protocol 2, which writes bytes as a latin-1 string encoded in
UTF-8, so half of the compressed bytes took two (1,280 bytes per event instead of 950).

Each generation's documents are all read with that generation's dictionary,
``events.zdict``: a full build trains a new one (:meth:`StoredEvents.train`), an
incremental run keeps its base's (the file is hard-linked with the segments it extends).
An archive too small to train a dictionary from is compressed without one, and has no
file.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# python-zstandard: trained dictionaries and prepared (digested) ones shared by threads.
# The standard library's zlib takes a preset dictionary but has no trainer, and its
# 32 KiB window holds a sixth of what a dictionary holds here; compression.zstd arrives
# only with Python 3.14.
import zstandard
from whoosh.index import open_dir

from indexer.event import Event

DICTIONARY = "events.zdict"  # in a generation, beside its segments
EVENT_FIELD = "event"  # the schema's column holding the packed event
DICTIONARY_BYTES = 1 << 20  # at most; a small archive's is smaller (see _dictionary_size)
LEVEL = 6
SAMPLE_EVENTS = 1000  # events a dictionary is trained from (more did not help, above)
MIN_SAMPLE_EVENTS = 200  # fewer: no dictionary (it would only learn these few)
SAMPLE_BYTES_PER_DICTIONARY_BYTE = 8  # zstd's trainer wants samples well past its output


def event_json(event: Event) -> bytes:
    """What is compressed: the event as the API shows it, in compact UTF-8 JSON."""
    return json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()


class StoredEvents:
    """Packs events into the bytes of a document's ``event`` field and back, with one
    generation's dictionary (or none). Safe to share by threads: each thread compresses
    and decompresses with its own zstd context over the one digested dictionary."""

    def __init__(self, dictionary: bytes | None = None) -> None:
        self.dictionary = dictionary
        self._prepared = zstandard.ZstdCompressionDict(dictionary) if dictionary else None
        self._local = threading.local()

    @classmethod
    def train(cls, events: Iterable[Event]) -> StoredEvents:
        """A dictionary trained on *events* (a sample of the archive), or none if they are
        too few to learn from."""
        samples: list[bytes | bytearray | memoryview] = [
            event_json(e) for e, _ in zip(events, range(SAMPLE_EVENTS), strict=False)
        ]
        if len(samples) < MIN_SAMPLE_EVENTS:
            return cls(None)
        size = _dictionary_size(sum(map(len, samples)))
        try:
            trained = zstandard.train_dictionary(size, samples)
        except zstandard.ZstdError:  # samples too alike or too short to learn from
            return cls(None)
        return cls(trained.as_bytes())

    @classmethod
    def load(cls, generation: Path) -> StoredEvents:
        """The packing *generation*'s documents were written with."""
        try:
            return cls((generation / DICTIONARY).read_bytes())
        except FileNotFoundError:
            return cls(None)

    def save(self, generation: Path) -> None:
        if self.dictionary is not None:
            (generation / DICTIONARY).write_bytes(self.dictionary)

    def pack(self, event: Event) -> bytes:
        compressor = getattr(self._local, "compressor", None)
        if compressor is None:
            compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=self._prepared)
            self._local.compressor = compressor
        packed: bytes = compressor.compress(event_json(event))
        return packed

    def unpack(self, packed: bytes) -> Event:
        """A document's ``event`` column value -> the Event it was made from."""
        decompressor = getattr(self._local, "decompressor", None)
        if decompressor is None:
            decompressor = zstandard.ZstdDecompressor(dict_data=self._prepared)
            self._local.decompressor = decompressor
        return Event.from_dict(json.loads(decompressor.decompress(packed)))

    def __reduce__(self) -> tuple[type[StoredEvents], tuple[bytes | None]]:
        """Sent to indexing workers as the dictionary alone (zstd contexts do not pickle)."""
        return (StoredEvents, (self.dictionary,))


def _dictionary_size(sample_bytes: int) -> int:
    return max(min(DICTIONARY_BYTES, sample_bytes // SAMPLE_BYTES_PER_DICTIONARY_BYTE), 4096)


def packed_events(reader: Any) -> Any:
    """The ``event`` column of a Whoosh reader: ``column[docnum]`` is the packed event."""
    return reader.column_reader(EVENT_FIELD)


def live_events(generation: Path) -> list[Event]:
    """Every live event of *generation*, in document order: for tools and tests that read
    a whole index (a searcher reads a few at a time, through its snapshot)."""
    stored = StoredEvents.load(generation)
    with open_dir(str(generation)).reader() as reader:
        column = packed_events(reader)
        live = (d for d in range(reader.doc_count_all()) if not reader.is_deleted(d))
        return [stored.unpack(column[d]) for d in live]
