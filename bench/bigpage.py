"""Big-page drill: one huge event page must not make searches slow or memory grow.

    python -m bench.bigpage [--queries 1000] [--page-bytes 1900000] [--title-bytes 65536]
                            [--script latin|han] [--seed 1] [--json]

Copies the bundled example archive (``examples/archive``) to a temporary folder, adds one
generated event page just under the indexer's 2 MB page limit (seeded made-up words, or
made-up Han text with ``--script han``; nothing is copied from a real archive), indexes it
with ``indexer.build.run`` and then, in this process, asks ``search.service.Search``
``--queries`` distinct questions that all find the big page: single words that occur only
at the very end of its summary (the worst case for a snippet), ``OR`` of three such words,
prefixes, ``title:`` words and 100-hit pages. Each answer is also serialised to JSON, as
the API does.

Reported: latency (search + JSON) max, p95 and median; the largest JSON answer; resident
memory at the start (after the first answer) and at the end, and its peak. The targets
(docs/reliability.md): every answer under 0.5 s, memory within ±150 MB of the start.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.common import ROOT, median, percentile, rss_mb

EXAMPLE = ROOT / "examples" / "archive"
DAY = "news/2019/06/19"  # an existing day of the example archive
SLUG = "a-generated-event-page-just-under-the-page-size-limit"
TAIL_WORDS = 2000  # words that occur only in the last lines of the big summary
MAX_SECONDS = 0.5
MAX_RSS_GROWTH_MB = 150.0
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"
_HAN = (0x4E00, 0x9FA5)


@dataclass
class Report:
    queries: int
    page_bytes: int
    index_seconds: float
    max_ms: float
    p95_ms: float
    median_ms: float
    slowest: str
    max_json_bytes: int
    rss_start_mb: float
    rss_end_mb: float
    rss_peak_mb: float

    @property
    def ok(self) -> bool:
        growth = self.rss_end_mb - self.rss_start_mb
        return self.max_ms < MAX_SECONDS * 1000 and abs(growth) <= MAX_RSS_GROWTH_MB


def made_up_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables))


def vocabulary(rng: random.Random, count: int, syllables: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < count:
        words[made_up_word(rng, syllables)] = None
    return list(words)


def han_text(rng: random.Random, chars: int) -> str:
    return "".join(chr(rng.randint(*_HAN)) for _ in range(chars))


def latin_text(rng: random.Random, words: list[str], size: int) -> str:
    """Sentences of *words* up to *size* UTF-8 bytes (ASCII: one byte a character)."""
    parts: list[str] = []
    total = 0
    while total < size:
        sentence = " ".join(rng.choices(words, k=12)).capitalize() + "."
        parts.append(sentence)
        total += len(sentence) + 1
    return " ".join(parts)[:size].rsplit(" ", 1)[0]


def page_markdown(title: str, summary: str) -> str:
    return (
        f"### [2019-06-19](/{DAY}/index.md)\n\n##### Generated story\n# {title}\n\n{summary}\n\n"
        "### Sources:\n\n1. [Example](https://example.org/generated)\n"
    )


def big_page(
    rng: random.Random, size: int, title_size: int, script: str
) -> tuple[str, list[str], list[str]]:
    """The page's Markdown, its tail words (each only at the very end of the summary) and
    the common words (all through the title and, for ``latin``, the summary)."""
    common = vocabulary(rng, 5000, 3)
    tail = [w for w in vocabulary(rng, TAIL_WORDS * 2, 4) if w not in set(common)][:TAIL_WORDS]
    title = latin_text(rng, common, title_size)
    ending = " ".join(tail) + "."
    room = size - title_size - len(ending) - 200
    # Han characters are three bytes each in UTF-8.
    body = han_text(rng, room // 3) if script == "han" else latin_text(rng, common, room)
    return page_markdown(title, f"{body} {ending}"), tail, common


def make_archive(
    work: Path, size: int, title_size: int, script: str, seed: int
) -> tuple[list[str], list[str]]:
    archive = work / "archive"
    shutil.copytree(EXAMPLE, archive)
    markdown, tail, common = big_page(random.Random(seed), size, title_size, script)
    (archive / DAY / f"{SLUG}.md").write_text(markdown, "utf-8")
    return tail, common


def questions(tail: list[str], common: list[str], count: int) -> Iterator[list[tuple[str, str]]]:
    """*count* distinct requests (at most 5 per tail word), each finding the big page."""
    shapes: tuple[Callable[[int], list[tuple[str, str]]], ...] = (
        lambda i: [("q", tail[i])],
        lambda i: [("q", f"{tail[i]} OR {tail[i - 1]} OR {tail[i - 2]}")],
        lambda i: [("q", f"{tail[i][:6]}* {tail[i]}")],
        lambda i: [("q", f"title:{common[i % len(common)]} {tail[i]}"), ("per_page", "100")],
        lambda i: [("q", f"{tail[i]} OR malaysia"), ("sort", "newest")],
    )
    for i in range(count):
        word = i % len(tail)
        yield shapes[(i // len(tail) + i) % len(shapes)](word)


def answer(search: object, params: list[tuple[str, str]]) -> tuple[float, int]:
    """Seconds to answer and serialise one request, and the JSON size."""
    from search.params import parse_request
    from search.service import Search

    assert isinstance(search, Search)
    started = time.perf_counter()
    body = json.dumps(search.search(parse_request(params)).to_dict(), ensure_ascii=False)
    return time.perf_counter() - started, len(body.encode())


def drill(args: argparse.Namespace, work: Path) -> Report:
    from indexer.build import run
    from search.service import Search

    tail, common = make_archive(work, args.page_bytes, args.title_bytes, args.script, args.seed)
    started = time.perf_counter()
    run(work / "archive", work / "index", workers=1)
    index_seconds = time.perf_counter() - started
    times: list[tuple[float, str]] = []
    sizes: list[int] = []
    with Search(work / "index") as search:
        answer(search, [("q", "malaysia")])  # open the index, load the analyzer
        start = peak = rss_mb()
        for params in questions(tail, common, args.queries):
            seconds, size = answer(search, params)
            times.append((seconds, json.dumps(params)))
            sizes.append(size)
            peak = max(peak, rss_mb())
        end = rss_mb()
    ms = [t * 1000 for t, _ in times]
    return Report(
        queries=len(times),
        page_bytes=args.page_bytes,
        index_seconds=round(index_seconds, 1),
        max_ms=round(max(ms), 1),
        p95_ms=round(percentile(ms, 0.95), 1),
        median_ms=round(median(ms), 1),
        slowest=max(times)[1],
        max_json_bytes=max(sizes),
        rss_start_mb=round(start, 1),
        rss_end_mb=round(end, 1),
        rss_peak_mb=round(peak, 1),
    )


def render(report: Report) -> str:
    return "\n".join(
        [
            f"{report.queries:,} distinct queries finding one {report.page_bytes:,}-byte page "
            f"(indexed in {report.index_seconds} s)",
            f"latency (search + JSON): max {report.max_ms:,} ms, p95 {report.p95_ms:,} ms, "
            f"median {report.median_ms:,} ms; slowest {report.slowest}",
            f"largest JSON answer: {report.max_json_bytes:,} bytes",
            f"RSS: start {report.rss_start_mb:,} MB, end {report.rss_end_mb:,} MB, "
            f"peak {report.rss_peak_mb:,} MB",
            "targets met" if report.ok else "TARGETS MISSED (max < 500 ms, RSS within ±150 MB)",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bigpage", description=__doc__)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--page-bytes", type=int, default=1_900_000)
    parser.add_argument("--title-bytes", type=int, default=65_536, help="of the page's size")
    parser.add_argument("--script", choices=("latin", "han"), default="latin")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.queries <= 5 * TAIL_WORDS:
        parser.error(f"--queries must be between 1 and {5 * TAIL_WORDS}")
    with tempfile.TemporaryDirectory(prefix="bigpage-") as work:
        report = drill(args, Path(work))
    print(json.dumps(asdict(report)) if args.json else render(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
