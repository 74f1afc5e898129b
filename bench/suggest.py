"""Suggestion latency in process: the first keystroke of each prefix, and a repeat.

    python -m bench.suggest --index /tmp/sg-zh
    python -m bench.suggest --index bench/out/index-synth200k --prefixes 4000 --json out.json

Prefixes are drawn from the live titles of the index's current generation, as a reader
types them: 1-4 characters from the start of a Chinese word (as jieba cuts the title),
or 1-6 letters of an English word (or a whole word, a space and 1-3 letters of the next).
Each prefix is distinct, so its first call is **cold** (nothing cached for it; the
postings and titles that other prefixes read stay warm, as in a server). The suggester's
one-time build after the generation opens (its background warm-up, wall and process CPU
seconds) is waited for and reported on its own, unless ``--no-wait``: then the first
keystrokes run while it is still going, as right after a new generation is published.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rjieba

from bench.common import percentile
from indexer.analysis import HAN_CHARS

HAN = re.compile(f"[{HAN_CHARS}]+")
LATIN = re.compile(r"[^\W\d_]+")
STEPS = (50, 95, 99)


def summary(values: Sequence[float]) -> dict[str, float]:
    found = {f"p{p}": round(percentile(values, p / 100), 3) if values else 0.0 for p in STEPS}
    return {**found, "max": round(max(values, default=0.0), 3), "n": len(values)}


def typed_prefix(title: str, rng: random.Random) -> tuple[str, str] | None:
    """(script, prefix) a reader might type to find *title*: a Chinese word's first 1-4
    characters, or an English word's first 1-6 letters (sometimes with the next word's)."""
    runs = HAN.findall(title)
    if runs and (rng.random() < 0.5 or not LATIN.search(title)):
        run = rng.choice(runs)
        start = rng.choice([start for _, start, _ in rjieba.tokenize(run)])  # a word's start
        return "zh", run[start : start + rng.randint(1, 4)]
    words = [w for w in LATIN.findall(title) if not HAN.match(w)]
    if not words:
        return None
    i = rng.randrange(len(words))
    word = words[i][: rng.randint(1, 6)]
    if i + 1 < len(words) and len(word) == len(words[i]) and rng.random() < 0.3:
        word += " " + words[i + 1][: rng.randint(1, 3)]
    return "en", word


def draw_prefixes(titles: Sequence[str], count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    found: dict[str, str] = {}
    for _ in range(count * 50):
        if len(found) >= count or not titles:
            break
        drawn = typed_prefix(rng.choice(titles), rng)
        if drawn and drawn[1].strip():
            found.setdefault(drawn[1], drawn[0])
    return [(script, prefix) for prefix, script in found.items()]


def sample_titles(snapshot: Any, count: int, seed: int) -> list[str]:
    docs = list(snapshot.live_docs)
    picked = random.Random(seed).sample(docs, min(count, len(docs)))
    return [e.title for e in snapshot.events(picked)]


def wait_for_build(timeout: float) -> None:
    """Wait for the suggester's background threads (named ``suggest-…``)."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.startswith("suggest-"):
            thread.join(max(0.0, deadline - time.monotonic()))


def run(index: Path, count: int, seed: int, wait: bool) -> dict[str, Any]:
    from search.service import Search

    service = Search(index)
    snapshot = service.snapshot()
    titles = sample_titles(snapshot, count * 2, seed)
    prefixes = draw_prefixes(titles, count, seed)
    cpu, wall = time.process_time(), time.perf_counter()
    service.suggest("\u2060")  # builds the suggester (and starts its warm-up)
    if wait:
        wait_for_build(3600)
    build = {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
    }
    cold: dict[str, list[float]] = {"zh": [], "en": []}
    warm: dict[str, list[float]] = {"zh": [], "en": []}
    shown = 0
    for script, prefix in prefixes:
        for timings in (cold, warm):
            started = time.perf_counter()
            found = service.suggest(prefix)
            timings[script].append((time.perf_counter() - started) * 1000)
        shown += len(found)
    service.close()
    every = {k: [*cold["zh"], *cold["en"]] if k == "cold" else [*warm["zh"], *warm["en"]]
             for k in ("cold", "warm")}  # fmt: skip
    return {
        "index": str(index),
        "generation": snapshot.name,
        "events": snapshot.live_count,
        "prefixes": len(prefixes),
        "suggestions_per_prefix": round(shown / max(len(prefixes), 1), 2),
        "build": build,
        "waited_for_build": wait,
        "cold_ms": {"all": summary(every["cold"]), **{k: summary(v) for k, v in cold.items()}},
        "warm_ms": {"all": summary(every["warm"]), **{k: summary(v) for k, v in warm.items()}},
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['index']} ({result['generation']}, {result['events']:,} events): "
        f"{result['prefixes']:,} prefixes, {result['suggestions_per_prefix']} suggestions each",
        f"suggester build (background warm-up): {result['build']['wall_s']} s wall, "
        f"{result['build']['cpu_s']} s CPU"
        + ("" if result["waited_for_build"] else " (not waited)"),
        "",
        "| ms | prefixes | p50 | p95 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in ("cold_ms", "warm_ms"):
        for script in ("all", "zh", "en"):
            s = result[kind][script]
            if s["n"]:
                lines.append(
                    f"| {kind[:-3]} {script} | {s['n']} | {s['p50']} | {s['p95']} | "
                    f"{s['p99']} | {s['max']} |"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggest", description=__doc__)
    parser.add_argument("--index", type=Path, required=True, help="an eventsearch index folder")
    parser.add_argument("--prefixes", type=int, default=3000, help="distinct prefixes (3000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-wait", action="store_true", help="do not wait for the warm-up")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    result = run(args.index, args.prefixes, args.seed, not args.no_wait)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
