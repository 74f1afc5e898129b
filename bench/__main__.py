"""The whole benchmark in one command: ``python -m bench``.

    python -m bench                       # 200,000 synthetic events (seed 1), then zh if present
    python -m bench --events 20000 --quick

Steps, each also runnable on its own (see bench/README.md):

1. ``bench.synth``   generate the seeded synthetic archive (skipped if already there);
2. ``bench.build``   plain single-process Whoosh loop vs eventsearch's full build, and a
                     no-change re-run (``bench/out/build-<name>.md``);
3. ``bench.search``  in-process search vs plain Whoosh and SQLite FTS5
                     (``bench/out/search-<kind>.md``);
4. ``bench.compare`` Datasette, tantivy and Xapian over the same events, in process and
                     over HTTP on 127.0.0.1 (``docs/performance.md``; needs
                     ``pip install -e '.[bench]'``, and Debian's python3-xapian for Xapian).

``python -m bench --scale [--sizes 20000,200000,1000000]`` runs ``bench.scale`` instead: the
same engines at several archive sizes (``docs/benchmarks/scale.{md,json,png}``).

The real zh archive (``../shared/corpus/zh``), when present, is run as a second case with
its reports suffixed ``-zh``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.common import OUT, ROOT, argument

ZH = ROOT.parent / "shared" / "corpus" / "zh"


def step(*args: str) -> None:
    print(f"[bench] python -m {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "-m", *args], cwd=ROOT, check=True)


def run_case(archive: Path, name: str, kind: str, out: Path, quick: bool, report: Path) -> None:
    """The three benchmarks of one archive. Paths are passed relative to the repository
    (the steps run there) where they can be, so that the reports quote them so."""
    source, folder, index = argument(archive), argument(out), argument(out / f"index-{name}")
    step("bench.build", source, "--out", folder, "--index", index, "--workers", "2")
    step("bench.search", index, "--archive", source, "--kind", kind, "--out", folder)
    compare = ["bench.compare", "--index", index, "--kind", kind, "--out", argument(report)]
    step(*compare, *(["--quick"] if quick else []))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--events", type=int, default=200_000, help="synthetic events")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/eventsearch-bench"),
        help="where the synthetic archive is generated",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--reports",
        type=Path,
        default=ROOT / "docs",
        help="where performance.md and performance-zh.md go (a smoke test: not docs/)",
    )
    parser.add_argument("--quick", action="store_true", help="short load levels (smoke test)")
    parser.add_argument("--no-zh", action="store_true", help="skip the real zh archive")
    parser.add_argument(
        "--scale", action="store_true", help="run bench.scale (how cost grows with size)"
    )
    parser.add_argument("--sizes", help="bench.scale's sizes (default: its own)")
    args = parser.parse_args(argv)
    if args.scale:
        sizes = ["--sizes", args.sizes] if args.sizes else []
        quick = ["--quick"] if args.quick else []
        step("bench.scale", *sizes, "--seed", str(args.seed), "--work", argument(args.work), *quick)
        return 0
    archive = args.work / f"synth{args.events}-seed{args.seed}"
    if not (archive / "news").is_dir():
        step(
            "bench.synth", argument(archive), "--events", str(args.events), "--seed", str(args.seed)
        )
    run_case(archive, archive.name, "synth", args.out, args.quick, args.reports / "performance.md")
    if not args.no_zh and (ZH / "news").is_dir():
        run_case(ZH, "zh", "zh", args.out, args.quick, args.reports / "performance-zh.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
