"""The slowest single requests we can construct, each timed on first use in a fresh process.

    python -m bench.worstcase --index /tmp/zhidx [--repeat 3] [--json]

Build the index first (``eventsearch index ../shared/corpus/zh --index /tmp/zhidx``). The
queries come from the index's own vocabulary of title words, so they are the worst ones
for that index: ``OR`` of 38 two-letter prefixes (the slowest request seen on the zh
archive), 40 prefixes all required, ``OR`` of 40 fuzzy words (Latin and Han), a mix of
prefixes and fuzzy words, and ``OR`` of 40 frequent plain words, each with
``per_page=100``.

Each query runs in a new Python process that opens the index, answers one unrelated query
and builds the lazy spelling and suggestion structures (what a served worker has done
before its first real request), then times ``Search.search`` plus the JSON encoding, as
the API would: the first use, when no term of the query has been read yet. ``--repeat``
runs each query that many times, each in a fresh process: the slowest run and the median
are reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The request that took 817 ms on the zh archive (issue "Hostile archives", §7b).
SEEN = [f"{c}{v}*" for c in "sbcdfghlmnprt" for v in "aeiou"][:38]
CLAUSES = 40


def _latin(word: str) -> bool:
    return word.isascii() and word.isalpha()


def fit(parts: list[str], sep: str) -> str:
    """As many of *parts* as a query may hold (``MAX_QUERY_CHARS``), joined by *sep*."""
    from search.params import MAX_QUERY_CHARS

    text = ""
    for part in parts:
        longer = f"{text}{sep}{part}" if text else part
        if len(longer) > MAX_QUERY_CHARS:
            break
        text = longer
    return text


def queries(words: dict[str, int]) -> dict[str, str]:
    """Name -> query text, from *words* (title word -> number of events)."""
    frequent = [w for w, _ in sorted(words.items(), key=lambda item: -item[1])]
    starts = Counter(w[:2] for w in frequent if len(w) > 2)
    prefixes = [f"{s}*" for s, _ in starts.most_common(CLAUSES)]
    latin = [f"{w}~" for w in frequent if _latin(w) and len(w) >= 4][:CLAUSES]
    han = [f"{w}~" for w in frequent if not w.isascii() and len(w) >= 2][:CLAUSES]
    half = CLAUSES // 2
    return {
        "38 two-letter prefixes, OR (seen)": fit(SEEN, " OR "),
        "40 frequent prefixes, OR": fit(prefixes, " OR "),
        "40 frequent prefixes, all required": fit(prefixes, " "),
        "fuzzy Latin words, OR": fit(latin, " OR "),
        "fuzzy Han words, OR": fit(han, " OR "),
        "20 prefixes + 20 fuzzy words, OR": fit(prefixes[:half] + latin[:half], " OR "),
        "40 frequent words, OR": fit(frequent[:CLAUSES], " OR "),
    }


def first_use(index: Path, text: str) -> dict[str, float | int]:
    """In this process: prepare as a served worker is, then time *text* once."""
    from search.params import parse_request
    from search.service import Search
    from search.spelling import spelling_words
    from search.suggest import suggester

    with Search(index) as search:
        search.search(parse_request([("q", "a")]))
        suggester(search.snapshot()).ready.wait()  # its background build, before timing
        spelling_words(search.snapshot())
        started = time.perf_counter()
        result = search.search(parse_request([("q", text), ("per_page", "100")]))
        body = json.dumps(result.to_dict(), ensure_ascii=False)
        seconds = time.perf_counter() - started
    return {"ms": round(seconds * 1000, 1), "total": result.total, "bytes": len(body.encode())}


def in_fresh_process(index: Path, text: str, budget: int | None) -> dict[str, float | int]:
    child = [sys.executable, "-m", "bench.worstcase", "--index", str(index), "--child", text]
    if budget is not None:
        child += ["--budget", str(budget)]
    out = subprocess.run(child, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    measured: dict[str, float | int] = json.loads(out)
    return measured


def vocabulary(index: Path) -> dict[str, int]:
    from search.service import Search

    with Search(index) as search:
        return dict(search.snapshot().vocab["words"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worstcase", description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per query")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--budget", type=int, help="search.evaluate.QUERY_EXPANSION to try (default: as set)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.budget is not None:
        import search.evaluate

        search.evaluate.QUERY_EXPANSION = args.budget
    if args.child is not None:
        print(json.dumps(first_use(args.index, args.child)))
        return 0
    rows = {}
    for name, text in queries(vocabulary(args.index)).items():
        runs = [in_fresh_process(args.index, text, args.budget) for _ in range(args.repeat)]
        median = statistics.median(r["ms"] for r in runs)
        rows[name] = {**max(runs, key=lambda r: r["ms"]), "median_ms": median, "q": text}
        if not args.json:
            row = rows[name]
            clauses = len([w for w in text.split() if w != "OR"])
            print(
                f"max {row['ms']:>6,.1f} ms, median {median:>6,.1f} ms {row['total']:>6,} hits "
                f"{row['bytes']:>8,} B {clauses:>3} clauses  {name}"
            )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
