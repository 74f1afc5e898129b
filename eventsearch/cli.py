"""The ``eventsearch`` command: ``index``, ``search`` and ``serve``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from indexer.build import Progress, Report, run
from indexer.errors import IndexerError

EXIT_USAGE = 2


def _progress_bar(enabled: bool) -> Callable[[int], Progress] | None:
    if not enabled:
        return None

    def start(total: int) -> Progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="day", file=sys.stderr, leave=False)

        def tick(n: int) -> None:
            bar.update(n)

        return tick

    return start


def _print_summary(report: Report) -> None:
    print(
        f"{report.mode}: {report.events:,} events from {report.pages:,} pages in "
        f"{report.days:,} days ({report.duplicates:,} duplicates merged, "
        f"{report.listing_only:,} listing-only, {len(report.skipped):,} skipped) "
        f"in {report.seconds:.1f}s -> {report.index}/{report.generation}"
    )
    for item in report.skipped[:20]:
        print(f"  skipped {item['path']}: {item['reason']}")
    if len(report.skipped) > 20:
        print(f"  … and {len(report.skipped) - 20} more (see --json)")


def cmd_index(args: argparse.Namespace) -> int:
    report = run(
        Path(args.archive),
        Path(args.index),
        full=args.full,
        workers=args.workers,
        wait=args.wait,
        allow_empty=args.allow_empty,
        progress=_progress_bar(sys.stderr.isatty() and not args.json),
    )
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        _print_summary(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventsearch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="build or update the index of an archive")
    index.add_argument("archive", help="archive folder (the one holding news/)")
    index.add_argument("--index", default="index", help="index directory (default: ./index)")
    index.add_argument("--json", action="store_true", help="print the summary as JSON")
    index.add_argument("--full", action="store_true", help="rebuild from scratch")
    index.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    index.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for another run holding the index"
    )
    index.add_argument(
        "--allow-empty",
        action="store_true",
        help="accept an archive with no events (replaces the index)",
    )
    index.set_defaults(func=cmd_index)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except IndexerError as exc:
        print(f"eventsearch: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("eventsearch: interrupted; the previous index is untouched", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
