"""Per-generation arrays beside the Whoosh segments, for the search hot path.

Whoosh iterates postings in pure Python; counting facets or filtering by date that way
costs as much as the matching itself. So each run, after the Whoosh index is complete,
writes these arrays (indexed by Whoosh document number) into ``<generation>/columns/``;
searchers memory-map them, so several worker processes share one copy in the page cache.

    live            bool[N]     False for deleted documents
    day             int32[N]    date as days since 1970-01-01
    lang            uint8[N]    index into meta.langs
    context_ptr     int32[N+1]  CSR: context_ids[context_ptr[d]:context_ptr[d+1]]
    context_ids     int32[M]    index into meta.contexts (display names)
    domain_ptr/ids  likewise for source domains
    len_<field>     uint16[N]   field length in tokens (BM25 length normalisation)

``vocab.json`` holds unstemmed words and phrases with their counts, the raw material of
spelling correction and suggestions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.index import open_dir

from indexer.analysis import plain_analyzer
from indexer.schema import TEXT_FIELDS, from_stored

COLUMNS = "columns"
EPOCH = dt.date(1970, 1, 1)
MIN_PHRASE_COUNT = 3  # a title phrase must recur to be suggested
_WORDLIKE = re.compile(r"\w", re.UNICODE)

IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class Columns:
    live: npt.NDArray[np.bool_]
    day: IntArray
    lang: npt.NDArray[np.uint8]
    context_ptr: IntArray
    context_ids: IntArray
    domain_ptr: IntArray
    domain_ids: IntArray
    lengths: dict[str, npt.NDArray[np.uint16]]
    langs: list[str]
    contexts: list[str]
    domains: list[str]

    @property
    def doc_count(self) -> int:
        return len(self.live)


class _Interner:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def __call__(self, name: str, key: str | None = None) -> int:
        key = key if key is not None else name
        if key not in self.ids:
            self.ids[key] = len(self.names)
            self.names.append(name)
        return self.ids[key]


def _csr(rows: list[list[int]]) -> tuple[IntArray, IntArray]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int32)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    flat = np.fromiter((v for r in rows for v in r), dtype=np.int32, count=int(ptr[-1]))
    return ptr, flat


def _phrases(words: list[str]) -> list[str]:
    return [" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)]


def build_columns(generation: Path) -> None:
    """Write ``columns/`` for the complete Whoosh index in *generation*."""
    ix = open_dir(str(generation))
    analyzer = plain_analyzer()
    with ix.reader() as reader:
        total = reader.doc_count_all()
        live = np.zeros(total, dtype=np.bool_)
        day = np.zeros(total, dtype=np.int32)
        lang = np.zeros(total, dtype=np.uint8)
        contexts: list[list[int]] = [[] for _ in range(total)]
        domains: list[list[int]] = [[] for _ in range(total)]
        lengths = {f: np.zeros(total, dtype=np.uint16) for f in TEXT_FIELDS}
        langs, context_names, domain_names = _Interner(), _Interner(), _Interner()
        words: Counter[str] = Counter()
        phrases: Counter[str] = Counter()
        for docnum, fields in reader.iter_docs():
            event = from_stored(fields)
            live[docnum] = True
            day[docnum] = (event.date - EPOCH).days
            lang[docnum] = langs(event.lang)
            contexts[docnum] = [context_names(c, c.casefold()) for c in event.contexts]
            domains[docnum] = [domain_names(d) for d in event.domains]
            for field in TEXT_FIELDS:
                lengths[field][docnum] = min(reader.doc_field_length(docnum, field) or 0, 65535)
            title_words = [t.text for t in analyzer(event.title) if _WORDLIKE.search(t.text)]
            words.update(set(title_words))
            phrases.update(set(_phrases(title_words)))
    context_ptr, context_ids = _csr(contexts)
    domain_ptr, domain_ids = _csr(domains)
    folder = generation / COLUMNS
    folder.mkdir(exist_ok=True)
    arrays: dict[str, Any] = {
        "live": live, "day": day, "lang": lang,
        "context_ptr": context_ptr, "context_ids": context_ids,
        "domain_ptr": domain_ptr, "domain_ids": domain_ids,
        **{f"len_{f}": a for f, a in lengths.items()},
    }  # fmt: skip
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
    meta = {"langs": langs.names, "contexts": context_names.names, "domains": domain_names.names}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    vocab = {
        "words": dict(words.most_common()),
        "phrases": {p: n for p, n in phrases.most_common() if n >= MIN_PHRASE_COUNT},
    }
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")


def load_columns(generation: Path) -> Columns:
    """Memory-map the arrays of *generation* (cheap: nothing is read until used)."""
    folder = generation / COLUMNS

    def array(name: str) -> Any:
        return np.load(folder / f"{name}.npy", mmap_mode="r")

    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    return Columns(
        live=array("live"),
        day=array("day"),
        lang=array("lang"),
        context_ptr=array("context_ptr"),
        context_ids=array("context_ids"),
        domain_ptr=array("domain_ptr"),
        domain_ids=array("domain_ids"),
        lengths={f: array(f"len_{f}") for f in TEXT_FIELDS},
        langs=meta["langs"],
        contexts=meta["contexts"],
        domains=meta["domains"],
    )


def load_vocab(generation: Path) -> dict[str, dict[str, int]]:
    data: dict[str, dict[str, int]] = json.loads(
        (generation / COLUMNS / "vocab.json").read_text("utf-8")
    )
    return data
