"""Places over the real archives: how many events get a place, how right, how fast.

    python -m bench.places [--corpus ../shared/corpus] [--judged FILE] [--show]

For each archive (``zh``, ``en``) under ``--corpus``: parse every event with the indexer
(``indexer.days.read_day``), build the gazetteer once (timed on its own), then tag every
event with ``indexer.places.places_of`` (timed: all events, one thread, three passes;
wall and CPU time, the latter less disturbed by other work on a shared machine). Reported:
events, coverage (share with at least one place), the most frequent places, and for
each judged sample of ``--judged`` (``tests/indexer/data/places_judged.tsv``: event ids
and the codes a reader expects, judged by reading the events) precision (share of given
codes that are expected) and recall (share of expected codes given). ``--show`` lists
the judged events where the tagger and the judgment differ.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.archive import scan
from indexer.days import day_headings, read_day
from indexer.event import Event
from indexer.places import _matcher, places_of

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PASSES = 3  # the first pass also fills the folding table
JUDGED = ROOT / "tests" / "indexer" / "data" / "places_judged.tsv"


@dataclass(frozen=True, slots=True)
class Judged:
    archive: str  # "zh" | "en"
    sample: str  # "tuning" | "held-out" | "all"
    id: str
    expected: frozenset[str]


@dataclass(frozen=True, slots=True)
class Score:
    events: int
    given: int  # codes the tagger gave
    right: int  # of those, expected
    expected: int  # codes expected

    @property
    def precision(self) -> float:
        return self.right / self.given if self.given else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def read_judged(path: Path = JUDGED) -> list[Judged]:
    rows = []
    for line in path.read_text("utf-8").splitlines()[1:]:
        if line.startswith("#") or not line.strip():
            continue
        archive, sample, event_id, codes = line.split("\t")
        expected = frozenset() if codes == "-" else frozenset(codes.split())
        rows.append(Judged(archive, sample, event_id, expected))
    return rows


def read_events(archive: Path) -> list[Event]:
    """Every event of *archive*, parsed as the indexer parses it."""
    days = scan(archive).days
    known: set[str] = set().union(*(day_headings(d) for d in days.values()))
    return [event for day in days.values() for event in read_day(day, known)[0]]


def tag(event: Event) -> tuple[str, ...]:
    return places_of(event.contexts, event.story, event.title)


def score(judged: Iterable[Judged], tagged: dict[str, tuple[str, ...]]) -> Score:
    events = given = right = expected = 0
    for row in judged:
        codes = set(tagged[row.id])
        events += 1
        given += len(codes)
        right += len(codes & row.expected)
        expected += len(row.expected)
    return Score(events, given, right, expected)


def _report(name: str, events: list[Event], judged: list[Judged], show: bool) -> None:
    times, cpu = [], []
    for _ in range(PASSES):
        started, started_cpu = time.perf_counter(), time.process_time()
        tagged = {event.id: tag(event) for event in events}
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    covered = sum(bool(codes) for codes in tagged.values())
    print(f"## {name}: {len(events):,} events")
    print(f"coverage: {covered / len(events):.1%} ({covered:,} with a place)")
    first, best = times[0], min(times)
    print(
        f"tagging all: first pass {first:.3f} s, best of {PASSES} {best:.3f} s "
        f"({best / len(events) * 1e6:.0f} µs an event); CPU time {cpu[0]:.3f} s, "
        f"best {min(cpu):.3f} s"
    )
    common = Counter(code for codes in tagged.values() for code in codes).most_common(10)
    print("most frequent: " + ", ".join(f"{code} {n}" for code, n in common))
    for sample in dict.fromkeys(row.sample for row in judged):
        rows = [row for row in judged if row.sample == sample]
        s = score(rows, tagged)
        print(
            f"judged {sample} ({s.events} events, {s.expected} expected codes): "
            f"precision {s.precision:.1%} ({s.right}/{s.given}), "
            f"recall {s.recall:.1%} ({s.right}/{s.expected})"
        )
        if show:
            for row in rows:
                if set(tagged[row.id]) != row.expected:
                    given = " ".join(tagged[row.id]) or "-"
                    wanted = " ".join(sorted(row.expected)) or "-"
                    print(f"  {row.id}: gave {given}, expected {wanted}")
    print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--judged", type=Path, default=JUDGED)
    parser.add_argument("--show", action="store_true", help="list judged events that differ")
    args = parser.parse_args(argv)
    judged = read_judged(args.judged)
    started = time.perf_counter()
    _matcher()
    print(f"gazetteer built in {time.perf_counter() - started:.2f} s\n")
    for name in ("zh", "en"):
        archive = args.corpus / name
        if (archive / "news").is_dir():
            rows = [row for row in judged if row.archive == name]
            _report(name, read_events(archive), rows, args.show)


if __name__ == "__main__":
    main()
