"""Known-item search over a Chinese archive: is the half-remembered event first?

    python -m bench.knownitem INDEX_DIR [--events 200] [--seed 11] [--save FILE]
                                        [--compare FILE] [--show]

Queries are made from the index's own events, with a fixed seed, the way a reader
half-remembers a headline: for each of ``--events`` sampled events, 2-4 of its title's
jieba words (two or more Han characters each), in shuffled order, then independently

- ``drop``: one character left out of one word of three or more characters (25%);
- ``trad``: converted to Traditional with OpenCC ``s2t`` (25%), or ``tw`` with ``s2twp``,
  which also swaps in Taiwanese vocabulary and names (``软件`` -> ``軟體``, 15%);
- ``joined``: typed without spaces (30%).

Each query runs through ``Search(index, cache_bytes=0).search`` (no result cache; first 100
hits).
An event whose title is the same as the target's (a duplicate page) counts as the target.
Reported: success@1, @3, @10, MRR (over the first 100 hits), per kind, and the median and
95th-percentile latency. ``--save`` writes every query with its rank as JSON;
``--compare`` reads such a file (from another version of the code, same index archive)
and lists the queries whose rank got worse, and those that left the top 10.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import rjieba
from opencc import OpenCC

from bench.common import median, percentile
from indexer.analysis import HAN_CHARS, to_simplified
from search.params import parse_request
from search.service import Search

HAN_WORD = re.compile(f"[{HAN_CHARS}]{{2,}}")
HITS = 100
P_DROP, P_TRAD, P_TW, P_JOINED = 0.25, 0.25, 0.15, 0.30


@dataclass(frozen=True, slots=True)
class Item:
    query: str
    target: str  # event id
    kind: str  # "plain" or perturbations joined by "+"


@dataclass(frozen=True, slots=True)
class Outcome:
    item: Item
    rank: int | None  # 1-based, None when not in the first HITS
    ms: float


def title_words(title: str) -> list[str]:
    return list(dict.fromkeys(w for w in rjieba.cut(to_simplified(title)) if HAN_WORD.fullmatch(w)))


def _drop_char(rng: random.Random, words: list[str]) -> bool:
    long = [i for i, w in enumerate(words) if len(w) >= 3]
    if not long:
        return False
    i = rng.choice(long)
    at = rng.randrange(len(words[i]))
    words[i] = words[i][:at] + words[i][at + 1 :]
    return True


def make_items(titles: dict[str, str], n: int, seed: int) -> list[Item]:
    """*n* known-item queries for events of *titles* (id -> title), reproducibly."""
    rng = random.Random(seed)
    eligible = sorted(i for i, t in titles.items() if len(title_words(t)) >= 2)
    s2t, s2tw = OpenCC("s2t"), OpenCC("s2twp")
    items = []
    for target in rng.sample(eligible, min(n, len(eligible))):
        words = title_words(titles[target])
        words = rng.sample(words, rng.randint(2, min(4, len(words))))
        kinds = []
        if rng.random() < P_DROP and _drop_char(rng, words):
            kinds.append("drop")
        script = rng.random()
        joiner = "" if rng.random() < P_JOINED else " "
        query = joiner.join(words)
        if script < P_TRAD:
            query, kinds = s2t.convert(query), [*kinds, "trad"]
        elif script < P_TRAD + P_TW:
            query, kinds = s2tw.convert(query), [*kinds, "tw"]
        if joiner == "":
            kinds.append("joined")
        items.append(Item(query, target, "+".join(kinds) or "plain"))
    return items


def run_items(search: Search, items: list[Item], same: dict[str, set[str]]) -> list[Outcome]:
    outcomes = []
    for item in items:
        request = parse_request([("q", item.query), ("per_page", str(HITS))])
        started = time.perf_counter()
        result = search.search(request)
        ms = (time.perf_counter() - started) * 1000
        targets = same[item.target]
        rank = next((n for n, hit in enumerate(result.hits, 1) if hit.event.id in targets), None)
        outcomes.append(Outcome(item, rank, ms))
    return outcomes


def scores(outcomes: Sequence[Outcome]) -> dict[str, float]:
    ranks = [o.rank for o in outcomes]
    n = max(len(ranks), 1)
    return {
        "queries": len(ranks),
        "success@1": sum(r == 1 for r in ranks) / n,
        "success@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "success@10": sum(r is not None and r <= 10 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def report(outcomes: list[Outcome]) -> str:
    lines = ["| queries | kind | success@1 | success@3 | success@10 | MRR |", "|---" * 6 + "|"]
    kinds = sorted({k for o in outcomes for k in o.item.kind.split("+")})
    groups = [("all", outcomes)] + [
        (k, [o for o in outcomes if k in o.item.kind.split("+")]) for k in kinds
    ]
    for name, group in groups:
        s = scores(group)
        lines.append(
            f"| {s['queries']:.0f} | {name} | {s['success@1']:.3f} | {s['success@3']:.3f} "
            f"| {s['success@10']:.3f} | {s['mrr']:.3f} |"
        )
    ms = [o.ms for o in outcomes]
    lines.append(f"\nlatency: median {median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms")
    return "\n".join(lines)


def compare(outcomes: list[Outcome], baseline: Path) -> str:
    before = {(o["item"]["query"], o["item"]["target"]): o["rank"] for o in json.loads(
        baseline.read_text("utf-8")
    )}  # fmt: skip
    worse, left, better = [], [], 0
    missing = HITS + 1  # "not in the first HITS" ranks below every listed rank
    for o in outcomes:
        key = (o.item.query, o.item.target)
        if key not in before:
            continue
        old, new = before[key] or missing, o.rank or missing
        better += new < old
        if new > old:
            worse.append(f"  {o.item.query!r}: {before[key]} -> {o.rank}  ({o.item.target})")
            if old <= 10 < new:
                left.append(o.item.query)
    head = f"against {baseline}: {better} better, {len(worse)} worse, {len(left)} left the top 10"
    return "\n".join([head, *worse])


def load_titles(search: Search) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Titles by event id, and for each id the ids of events with the same title."""
    snapshot = search.snapshot()
    titles = {event.id: event.title for event in snapshot.events(snapshot.live_docs)}
    by_title: dict[str, set[str]] = {}
    for event_id, title in titles.items():
        by_title.setdefault(to_simplified(title).strip(), set()).add(event_id)
    same = {i: by_title[to_simplified(t).strip()] for i, t in titles.items()}
    return titles, same


def settle(timeout: float = 300.0) -> None:
    """Wait for the snapshot's background work (the warm-up of suggestions and spelling:
    the only other threads of this process) to finish, so that the timed queries neither
    share the CPU with it nor wait for its hold on the index."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # one warm-up thread may start another
        me = threading.current_thread()
        warming = [t for t in threading.enumerate() if t is not me and t.is_alive()]
        if not warming:
            return
        warming[0].join(max(0.0, deadline - time.monotonic()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, help="index directory (holds CURRENT)")
    parser.add_argument("--events", type=int, default=200, help="events sampled (queries)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--save", type=Path, help="write every query and its rank as JSON")
    parser.add_argument("--compare", type=Path, help="a --save file of another version")
    parser.add_argument("--show", action="store_true", help="list the queries not ranked first")
    args = parser.parse_args(argv)
    with Search(args.index, cache_bytes=0) as search:
        titles, same = load_titles(search)
        items = make_items(titles, args.events, args.seed)
        search.search(parse_request([]))  # builds the shared arrays, not timed
        settle()
        outcomes = run_items(search, items, same)
    print(report(outcomes))
    if args.show:
        for o in outcomes:
            if o.rank != 1:
                print(f"  {o.rank}\t{o.item.kind}\t{o.item.query}\t{o.item.target}")
    if args.save:
        args.save.write_text(
            json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=1), "utf-8"
        )
    if args.compare:
        print(compare(outcomes, args.compare))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
