"""Graded relevance against judged sets: broad queries and related events.

    python -m bench.relevance --index INDEX --set bench/judged/broad-zh.tsv [--json]
    python -m bench.relevance --index INDEX --set bench/judged/related-zh.tsv [--json]

A judged set is a tab-separated file with a header naming its kind (bench/judged/README.md
says how the sets were built and what each grade means):

    query   event    grade       a broad-query set: the graded events of each query
    event   related  grade       a related set: the graded related events of each event

Grades run 0-3; an event the set does not judge counts as 0 (and is counted as unjudged,
so a change that surfaces new events shows where the pool needs extending).

Broad queries run through the public ``Search.search`` (result cache off, first ``--depth``
hits); related events come from ``Search.related``. Per query or event, and their means:

- NDCG@10: DCG = sum over the first 10 of (2**grade - 1) / log2(rank + 1), divided by
  the DCG of the ideal order of *all* the key's judged grades (not only the retrieved ones);
- success@1: the top hit carries the key's top grade (3, or the highest grade judged);
- MRR: 1 / rank of the first hit carrying the top grade within the first ``--depth``
  (0 when none does);
- P@3 (related sets): the share of the first 3 related events graded 2 or more.

Judged ids are matched through aliases: an id the index knows is replaced by its event's
current id, so slug variants of one event count as that event.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from search.errors import NotFound
from search.params import MAX_PER_PAGE, parse_request
from search.service import Search

BROAD, RELATED = ("query", "event", "grade"), ("event", "related", "grade")
CUTOFF = 10  # NDCG@10 and the unjudged count
RELATED_K = 3  # P@3
RELEVANT = 2  # the lowest grade P@k counts
TOP_GRADE = 3
KEY_CHARS = 60  # event ids are long; the table shows their start


@dataclass(frozen=True, slots=True)
class JudgedSet:
    kind: str  # "broad" or "related"
    grades: dict[str, dict[str, int]]  # query or event id -> judged event id -> grade


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # the query, or the event id
    ids: list[str]  # the first CUTOFF events the engine returned
    ranked: list[int | None]  # grades of what the engine returned, in order; None: unjudged
    ndcg: float
    success: float  # success@1 (1.0 or 0.0)
    rr: float  # reciprocal rank of the first hit with the top grade
    precision: float  # P@3 (reported for related sets)
    top: int  # the key's top grade

    @property
    def unjudged(self) -> int:
        return sum(g is None for g in self.ranked[:CUTOFF])


def read_set(path: Path) -> JudgedSet:
    """A judged set from its TSV file; the header tells its kind."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = tuple(rows[0]) if rows else (), rows[1:]
    kinds = {BROAD: "broad", RELATED: "related"}
    if header not in kinds:
        raise ValueError(f"{path}: header must be {'/'.join(BROAD)} or {'/'.join(RELATED)}")
    grades: dict[str, dict[str, int]] = {}
    for number, fields in enumerate(body, 2):
        if len(fields) != 3 or fields[2] not in ("0", "1", "2", "3"):
            raise ValueError(f"{path}:{number}: want key, event id, grade 0-3; got {fields}")
        grades.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    return JudgedSet(kinds[header], grades)


# -- the metrics: pure functions of grades ---------------------------------------------
def dcg(grades: Iterable[int]) -> float:
    return sum((2.0**g - 1) / math.log2(rank + 1) for rank, g in enumerate(grades, 1))


def ndcg(ranked: Sequence[int], judged: Iterable[int], k: int = CUTOFF) -> float:
    """NDCG@k of *ranked* grades, the ideal being the best order of all *judged* grades."""
    ideal = dcg(sorted(judged, reverse=True)[:k])
    return dcg(ranked[:k]) / ideal if ideal else 0.0


def top_grade(judged: Iterable[int]) -> int:
    """What success counts: grade 3, or the highest grade judged when none is 3."""
    return min(max(judged, default=0), TOP_GRADE)


def reciprocal_rank(ranked: Sequence[int], top: int) -> float:
    return next((1 / rank for rank, g in enumerate(ranked, 1) if top and g >= top), 0.0)


def precision(ranked: Sequence[int], k: int = RELATED_K, relevant: int = RELEVANT) -> float:
    """P@k: the share of the first *k* graded *relevant* or more (missing ones count 0)."""
    return sum(g >= relevant for g in ranked[:k]) / k


def score(key: str, ids: list[str], judged: dict[str, int]) -> Row:
    ranked = [judged.get(i) for i in ids]
    grades = [g or 0 for g in ranked]
    top = top_grade(judged.values())
    rr = reciprocal_rank(grades, top)
    ndcg_k = ndcg(grades, judged.values())
    return Row(key, ids[:CUTOFF], ranked, ndcg_k, float(rr == 1.0), rr, precision(grades), top)


# -- running the engine ------------------------------------------------------------------
def current_id(search: Search, event_id: str) -> str:
    """The event's current id when the index knows *event_id* (maybe as an alias)."""
    try:
        return search.event(event_id).id
    except NotFound:  # a related link to an event the archive does not hold
        return event_id


def canonical(search: Search, judged: dict[str, int]) -> dict[str, int]:
    current: dict[str, int] = {}
    for event_id, grade in judged.items():
        key = current_id(search, event_id)
        current[key] = max(grade, current.get(key, 0))
    return current


def ranked_for_query(search: Search, query: str, depth: int) -> list[str]:
    params = [("q", query), ("per_page", str(depth)), ("facets", "0")]
    return [hit.event.id for hit in search.search(parse_request(params)).hits]


def ranked_related(search: Search, event_id: str) -> list[str]:
    return [current_id(search, item.id) for item in search.related(event_id)]


def evaluate(search: Search, judged: JudgedSet, depth: int = MAX_PER_PAGE) -> list[Row]:
    rows = []
    for key, grades in judged.grades.items():
        current = canonical(search, grades)
        if judged.kind == "broad":
            ids = ranked_for_query(search, key, depth)
        else:
            ids = ranked_related(search, key)
        rows.append(score(key, ids, current))
    return rows


# -- reporting ---------------------------------------------------------------------------
def means(rows: Sequence[Row], kind: str) -> dict[str, float]:
    def mean(values: Iterable[float]) -> float:
        return statistics.fmean(values) if rows else 0.0

    shown = {"ndcg@10": mean(r.ndcg for r in rows)}
    if kind == "broad":
        shown |= {"success@1": mean(r.success for r in rows), "mrr": mean(r.rr for r in rows)}
    else:
        shown["p@3"] = mean(r.precision for r in rows)
    return {"keys": len(rows), **shown, "unjudged@10": mean(r.unjudged for r in rows)}


def _grades(row: Row, n: int) -> str:
    return " ".join("-" if g is None else str(g) for g in row.ranked[:n]) or "(none)"


def summary(rows: Sequence[Row], kind: str) -> str:
    m = means(rows, kind)
    if kind == "broad":
        shown = f"NDCG@10 {m['ndcg@10']:.3f}, success@1 {m['success@1']:.3f}, MRR {m['mrr']:.3f}"
    else:
        shown = f"P@3 {m['p@3']:.3f}, NDCG@10 {m['ndcg@10']:.3f}"
    noun = "queries" if kind == "broad" else "events"
    return f"{m['keys']} {noun}: {shown}; unjudged in the top 10: {m['unjudged@10']:.1f} a key"


def markdown(rows: Sequence[Row], kind: str) -> str:
    if kind == "broad":
        head = "| query | NDCG@10 | S@1 | RR | top | first 10 grades | unjudged |"
        cells = [f"{r.ndcg:.3f} | {r.success:.0f} | {r.rr:.3f} | {r.top}" for r in rows]
    else:
        head = "| event | P@3 | NDCG@10 | top | first 10 grades | unjudged |"
        cells = [f"{r.precision:.3f} | {r.ndcg:.3f} | {r.top}" for r in rows]
    lines = [head, "|---" * head.count(" | ") + "|---|"]
    for row, cell in zip(rows, cells, strict=True):
        key = row.key if len(row.key) <= KEY_CHARS else row.key[: KEY_CHARS - 1] + "…"
        lines.append(f"| {key} | {cell} | {_grades(row, CUTOFF)} | {row.unjudged} |")
    return "\n".join([*lines, "", summary(rows, kind)])


def as_json(rows: Sequence[Row], judged: JudgedSet, path: Path, generation: str) -> str:
    body = {
        "set": str(path),
        "kind": judged.kind,
        "generation": generation,
        "mean": means(rows, judged.kind),
        "rows": [{**asdict(r), "unjudged": r.unjudged} for r in rows],
    }
    return json.dumps(body, ensure_ascii=False, indent=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="index directory")
    parser.add_argument("--set", type=Path, required=True, help="a judged set (.tsv)")
    parser.add_argument("--depth", type=int, default=MAX_PER_PAGE, help="hits read per query")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)
    judged = read_set(args.set)
    with Search(args.index, cache_bytes=0) as search:
        rows = evaluate(search, judged, args.depth)
        generation = search.snapshot().name
    print(as_json(rows, judged, args.set, generation) if args.json else markdown(rows, judged.kind))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
