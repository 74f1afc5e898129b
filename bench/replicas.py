"""Two replicas behind Debian's nginx, on one machine: failover, publishing, throughput.

    python -m bench.replicas [--archive DIR] [--seconds 10] [--concurrency 8] [--out bench/out]

Everything runs on 127.0.0.1 in a temporary folder, with ``deploy/nginx.conf`` itself
(ports, paths and, for the load phases, the edge rate limits substituted):

1. ``eventsearch index ARCHIVE --publish PUBLISHED`` builds an index and publishes it;
   two ``eventsearch serve --read-only --index PUBLISHED`` replicas start on two ports;
   nginx starts with two servers: one whose upstream holds both replicas, one with only
   the first (to compare throughput).
2. Checks of the edge: API answers are cached (``X-Cache-Status: HIT``) and, once their
   max-age has passed, revalidated by ETag (``REVALIDATED``); OpenSearch URLs follow the
   client's Host through the forwarded headers; the shipped rate limit answers 429 to a
   burst; one address holding more requests in flight than the shipped ``limit_conn``
   gets 503 for the extra ones while another address is served; JSON, HTML, feeds, the
   OpenSearch description and scripts come back gzipped when asked (same weak ETag and
   ``Vary: Accept-Encoding`` as the identity answer, which comes when not asked).
3. Throughput through nginx with one replica, then with two (same request mix, pages and
   suggestions that nginx does not cache, so the replicas do the work).
4. Failover: load through nginx; meanwhile a new day is added to the archive and
   ``eventsearch index --publish`` publishes a new generation; both replicas must switch
   to it (their /healthz, and a search for a word only the new day has). Then one replica
   is killed with SIGKILL while requests are in flight. Every request must succeed.

``bench.nginx`` runs nginx; ``bench.edge`` holds the checks of step 2. Exit status 0 only
when every check held; the report is written to OUT/replicas.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import OUT, ROOT, machine_line, publish, setup_logging
from bench.edge import (
    Check,
    compression_check,
    connection_limit_check,
    edge_checks,
    shipped_connection_limit,
    status,
)
from bench.loadgen import LoadResult, get, run_load
from bench.nginx import Nginx, render_site, wait_for
from bench.servers import HOST, Server, eventsearch_command, free_port

log = logging.getLogger("bench.replicas").info
CONFIG = ROOT / "deploy" / "nginx.conf"
NEW_WORD = "zebracorn"  # only the day published mid-run has it
CACHE_SECONDS = 2  # the replicas' max-age here (60 by default), so revalidation shows soon


def index_and_publish(archive: Path, build: Path, published: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "eventsearch.cli", "index", str(archive), "--index", str(build),
         "--publish", str(published), "--json", "--workers", "1"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"index --publish failed: {done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def add_new_day(archive: Path) -> None:
    folder = archive / "news" / "2030" / "01" / "5"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zebracorn-sighting.md").write_text(
        "### [2030-01-5](/news/2030/01/5/index.md)\n\n##### Replica drills\n"
        f"# A {NEW_WORD} is reported near the river during the replica drill. \n\n"
        "Published while replicas were serving.\n\n### Source:\n\n"
        "1. [Drill Wire](https://drill.example.org/zebracorn)\n",
        "utf-8",
    )


def healthz(port: int) -> dict[str, Any]:
    status, body, _ = get(HOST, port, "/healthz", timeout=5)
    data: dict[str, Any] = json.loads(body) if status == 200 else {"status": status}
    return data


def mix(words: Sequence[str]) -> list[str]:
    """Requests nginx does not cache: result pages and per-keystroke suggestions."""
    paths = []
    for word in words:
        paths.append(f"/search?{urlencode({'q': word})}")
        paths += [f"/suggest?{urlencode({'q': word[:n]})}" for n in range(1, len(word) + 1)]
    return paths


WORDS = ("election", "flood", "president", "earthquake", "protest", "minister", "court",
         "storm", "border", "vote", "strike", "summit", "police", "river", "trade")  # fmt: skip


@dataclass
class Drill:
    """The folders and processes of one run, all stopped and removed at the end."""

    tmp: Path
    replicas: list[Server] = field(default_factory=list)
    nginx: Nginx | None = None

    @property
    def archive(self) -> Path:
        return self.tmp / "archive"

    @property
    def build(self) -> Path:
        return self.tmp / "build"

    @property
    def published(self) -> Path:
        return self.tmp / "published"

    def publish(self) -> dict[str, Any]:
        return index_and_publish(self.archive, self.build, self.published)

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for server in self.replicas:
            server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _switched(replicas: Sequence[Server], new: str, seconds: float = 15) -> list[Any]:
    """The generation each replica reports, once all report *new* or *seconds* passed."""
    deadline = time.monotonic() + seconds
    while True:
        seen = [healthz(r.port).get("generation") for r in replicas]
        if all(g == new for g in seen) or time.monotonic() >= deadline:
            return seen
        time.sleep(0.1)


def publish_checks(
    drill: Drill, nginx_port: int, started: float, timeline: dict[str, float]
) -> list[Check]:
    """Publish a new day while the replicas serve: both switch, both find its event."""
    before = healthz(drill.replicas[0].port)["generation"]
    add_new_day(drill.archive)
    new = drill.publish()["published"]["generation"]
    timeline["published"] = time.monotonic() - started
    seen = _switched(drill.replicas, new)
    timeline["both switched"] = time.monotonic() - started
    path = f"/api/v1/search?q={NEW_WORD}"
    found = [json.loads(get(HOST, r.port, path)[1])["total"] for r in drill.replicas]
    through = json.loads(get(HOST, nginx_port, path)[1])["total"]
    return [
        (
            "both replicas switch to the published generation",
            seen == [new, new],
            f"{before} → {new}; replicas report {seen}",
        ),
        (
            "the new event is found on both replicas and through nginx",
            min(found) >= 1 and through >= 1,
            f"replicas {found}, nginx {through}",
        ),
    ]


def kill_checks(result: LoadResult, nginx_port: int) -> list[Check]:
    """After a replica was killed mid-load: no request failed, nginx still answers."""
    failed = result.errors + result.requests - result.ok
    after = [status(nginx_port, f"/search?q={w}") for w in WORDS]
    return [
        (
            "zero failed requests through publish and kill",
            failed == 0 and result.requests > 0,
            f"{result.requests:,} requests, {failed} failed {result.error_samples}",
        ),
        (
            "nginx routes around the dead replica",
            after.count(200) == len(after),
            f"{after.count(200)}/{len(after)} answered after the kill",
        ),
    ]


def failover(
    args: argparse.Namespace, nginx_port: int, drill: Drill
) -> tuple[LoadResult, list[Check], dict[str, float]]:
    """Load through nginx while a generation is published and a replica is killed."""
    timeline: dict[str, float] = {}
    outcome: dict[str, LoadResult] = {}
    started = time.monotonic()

    def load() -> None:
        outcome["load"] = run_load(
            HOST, nginx_port, mix(WORDS), args.concurrency, 10**9, args.seconds * 2
        )

    thread = threading.Thread(target=load)
    thread.start()
    time.sleep(args.seconds * 0.3)
    checks = publish_checks(drill, nginx_port, started, timeline)
    time.sleep(max(0.0, args.seconds * 0.9 - (time.monotonic() - started)))
    os.killpg(drill.replicas[1].pid, signal.SIGKILL)
    timeline["replica 2 killed"] = time.monotonic() - started
    thread.join()
    checks += kill_checks(outcome["load"], nginx_port)
    return outcome["load"], checks, timeline


def render(
    args: argparse.Namespace, events: int, throughput: dict[str, LoadResult],
    checks: list[Check], timeline: dict[str, float], load: LoadResult,
) -> str:  # fmt: skip
    one, two = throughput["one replica"], throughput["two replicas"]
    lines = [
        f"## Two replicas behind nginx ({events:,} events)",
        "",
        f"{machine_line()} Each replica: "
        f"`eventsearch serve --read-only --workers {args.replica_workers}` "
        f"(API max-age {CACHE_SECONDS} s, so that revalidation shows within the run); "
        f"nginx: `deploy/nginx.conf` with the edge rate limits raised for the load; load: "
        f"{args.concurrency} keep-alive clients on the same machine, result pages and "
        "suggestions (not cached by nginx).",
        "",
        "| behind nginx | requests | req/s | p50 ms | p95 ms | p99 ms | failed "
        "| load generator's CPU (cores) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in throughput.items():
        failed = result.errors + result.requests - result.ok
        lines.append(
            f"| {name} | {result.requests:,} | {result.rps:,.0f} | {result.p(0.5):.1f} | "
            f"{result.p(0.95):.1f} | {result.p(0.99):.1f} | {failed} | "
            f"{result.client_cpu_s / result.seconds:.2f} |"
        )
    lines += [
        "",
        f"Two replicas / one: {two.rps / one.rps:.2f}x throughput.",
        "",
        "Failover run: "
        + ", ".join(f"{k} at {v:.1f} s" for k, v in timeline.items())
        + f"; {load.requests:,} requests in {load.seconds:.1f} s.",
        "",
        "| check | result | detail |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {name} | {'ok' if ok else 'FAILED'} | {detail} |" for name, ok, detail in checks]
    return "\n".join(lines) + "\n"


def start_replicas(drill: Drill, workers: int) -> None:
    env = {**os.environ, "EVENTSEARCH_RATE_LIMIT": "0",
           "EVENTSEARCH_CACHE_SECONDS": str(CACHE_SECONDS)}  # fmt: skip
    for number in (1, 2):
        port = free_port()
        command = eventsearch_command(
            sys.executable, drill.published, port, "--read-only", "--workers", str(workers)
        )
        log_file = drill.tmp / f"replica-{number}.log"
        server = Server(f"replica {number}", command, port, "/healthz", log_file, env, workers)
        drill.replicas.append(server)
        server.start()


def start_nginx(drill: Drill, config: str) -> tuple[int, int, int]:
    """nginx with three servers: both replicas and one (load phases, edge limits lifted),
    and both with the shipped limits. Their ports."""
    two, one, limited = free_port(), free_port(), free_port()
    ports = [s.port for s in drill.replicas]
    sites = [
        render_site(config, "es_two", two, ports, drill.tmp / "cache-two", "100000r/s"),
        render_site(config, "es_one", one, ports[:1], drill.tmp / "cache-one", "100000r/s"),
        render_site(config, "es_limited", limited, ports, drill.tmp / "cache-limited", None),
    ]
    drill.nginx = Nginx(drill.tmp, sites)
    for port in (two, one, limited):
        wait_for(port, "/healthz")
    return two, one, limited


def throughputs(args: argparse.Namespace, one: int, two: int) -> dict[str, LoadResult]:
    paths = mix(WORDS)
    found = {}
    for name, port in (("one replica", one), ("two replicas", two)):
        run_load(HOST, port, paths, args.concurrency, 200, 5)  # warm both replicas
        found[name] = run_load(HOST, port, paths, args.concurrency, 10**9, args.seconds)
        log(f"{name}: {found[name].rps:,.0f} req/s")
    return found


def run(args: argparse.Namespace, drill: Drill) -> tuple[str, list[Check]]:
    """The whole drill: the report and every check."""
    shutil.copytree(args.archive, drill.archive)
    first = drill.publish()
    start_replicas(drill, args.replica_workers)
    config = CONFIG.read_text("utf-8")
    two, one, limited = start_nginx(drill, config)
    checks = edge_checks(two, limited, CACHE_SECONDS)
    checks.append(compression_check(two))
    checks.append(connection_limit_check(limited, shipped_connection_limit(config)))
    throughput = throughputs(args, one, two)
    load, more, timeline = failover(args, two, drill)
    checks += more
    return render(args, first["events"], throughput, checks, timeline, load), checks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.replicas", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--archive", type=Path, default=ROOT / "examples" / "archive")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per load phase")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--replica-workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    setup_logging()
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx-light)")
    drill = Drill(Path(tempfile.mkdtemp(prefix="eventsearch-replicas-")))
    try:
        table, checks = run(args, drill)
    finally:
        drill.stop()
    publish(table, args.out / "replicas.md")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
