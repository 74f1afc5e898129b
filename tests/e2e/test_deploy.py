"""deploy/nginx.conf in front of two read-only replicas, driven by ``bench.replicas``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import replicas

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


@pytest.mark.skipif(NGINX is None, reason="Debian's nginx is not installed (.ci/run installs it)")
def test_two_replicas_behind_nginx_survive_a_publish_and_a_killed_replica(tmp_path: Path) -> None:
    code = replicas.main(["--seconds", "4", "--concurrency", "4", "--out", str(tmp_path)])
    report = (tmp_path / "replicas.md").read_text("utf-8")
    assert code == 0, report
    assert "FAILED" not in report
    for check in (
        "zero failed requests through publish and kill",
        "both replicas switch to the published generation",
        "nginx routes around the dead replica",
        "edge rate limit answers 429 to a burst",
        "edge connection limit answers 503 to one address, serves another",
        "API answers cached at the edge",
        "stale API answers revalidated by ETag",
    ):
        assert f"| {check} | ok |" in report
