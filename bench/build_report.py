"""The Markdown table of ``bench.build`` (``OUT/build-<archive name>.md``), from the phases'
results as ``bench.build`` saves them (``OUT/build-<archive name>.json``)."""

from __future__ import annotations

import argparse
import math
from typing import Any

from bench.common import machine_line

PHASES = ("baseline", "full", "single", "rerun")
LABELS = {
    "baseline": "plain Whoosh loop (1 process)",
    "full": "eventsearch full build",
    "single": "eventsearch full build, 1 worker",
    "rerun": "eventsearch no-change re-run",
}


def ok(results: dict[str, dict[str, Any]], phase: str) -> bool:
    """Whether *phase* ran and succeeded."""
    return phase in results and "failed" not in results[phase]


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f}"


def _head(name: str, args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> list[str]:
    built = [p for p in ("full", "single") if ok(results, p)]
    base = results["baseline"] if ok(results, "baseline") else None
    ref = results[built[0]] if built else base
    size_note = f"{ref['events']:,} events, {ref['days']:,} days" if ref else "no phase succeeded"
    return [
        f"## Build benchmark: `{name}` ({size_note})",
        "",
        f"{machine_line()} workers={args.workers}; each phase in a fresh process; "
        "peak RSS is ru_maxrss of the phase process / of its largest child (indexing worker); "
        "CPU s = user + system time of the phase process and its children (start-up included); "
        "the machine is shared, so the 1-minute load average is shown.",
        "",
        "| phase | events | seconds | events/s | CPU s | size MB | peak RSS MB (main / child) "
        "| ratio | load avg before/after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]


def _ratio(phase: str, results: dict[str, dict[str, Any]]) -> str:
    """A phase's time against the baseline (builds) or the full build (the re-run)."""
    built = [p for p in ("full", "single") if ok(results, p)]
    r = results[phase]
    if phase == "baseline":
        return "1.00x (reference)"
    if phase == "rerun":
        of = results[built[0]]["seconds"] if built else math.nan
        what = LABELS[built[0]] if built else "full build"
        return f"{100 * r['seconds'] / of:.2f}% of {what} (mode: {r['mode']})"
    base = results["baseline"] if ok(results, "baseline") else None
    return f"{base['seconds'] / r['seconds']:.2f}x speedup vs baseline" if base else "-"


def _phase_row(phase: str, results: dict[str, dict[str, Any]]) -> str:
    r = results[phase]
    load = f"{r['load'][0]:.2f} / {r['load'][1]:.2f}"
    if "failed" in r:
        return (
            f"| {LABELS[phase]} | - | FAILED after {r['wall']:.0f} s | - | - | - | - | "
            f"`{_cell(r['failed'])}` | {load} |"
        )
    rate = f"{r['events'] / r['seconds']:,.0f}" if r["seconds"] > 0 else "-"
    size = _mb(r["bytes"]) if phase != "rerun" else "(same)"
    return (
        f"| {LABELS[phase]} | {r['events']:,} | {r['seconds']:.2f} | {rate} | "
        f"{r['cpu_seconds']:.1f} | {size} | "
        f"{r['rss_self_mb']:,.0f} / {r['rss_children_mb']:,.0f} | {_ratio(phase, results)} | "
        f"{load} |"
    )


def _breakdown(results: dict[str, dict[str, Any]], built: list[str]) -> list[str]:
    """Where each eventsearch build spent its time, step by step."""
    lines = [
        "",
        "Where the eventsearch full build spent its time (seconds, wall clock in the parent):",
        "",
        "| step | " + " | ".join(built) + " |",
        "| --- | " + " | ".join("---:" for _ in built) + " |",
    ]
    steps = list(dict.fromkeys(k for p in built for k in results[p]["breakdown"]))
    for step in steps:
        cells = [f"{results[p]['breakdown'].get(step, 0.0):.2f}" for p in built]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    cells = []
    for p in built:
        timed = results[p]["breakdown"]
        cells.append(
            f"{results[p]['seconds'] - sum(timed[k] for k in results[p]['top_level']):.2f}"
        )
    lines.append("| other (lock, prune, manifest, ...) | " + " | ".join(cells) + " |")
    return lines


def render(name: str, args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> str:
    built = [p for p in ("full", "single") if ok(results, p)]
    base = results["baseline"] if ok(results, "baseline") else None
    lines = _head(name, args, results)
    lines += [_phase_row(phase, results) for phase in PHASES if phase in results]
    if built and base:
        full = results[built[0]]
        lines += [
            "",
            f"Index size: eventsearch {_mb(full['bytes'])} MB (of which columns/ + vocab "
            f"{_mb(full['columns_bytes'])} MB) vs plain Whoosh {_mb(base['bytes'])} MB "
            f"({full['bytes'] / max(base['bytes'], 1):.2f}x).",
        ]
    if built:
        lines += _breakdown(results, built)
    versions = ", ".join(f"{p} {results[p]['code']}" for p in PHASES if ok(results, p))
    lines += ["", f"Library code (hash of indexer/ and search/ sources) per phase: {versions}."]
    return "\n".join(lines) + "\n"


def _cell(text: str, limit: int = 240) -> str:
    text = text.replace("|", "\\|").replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"
