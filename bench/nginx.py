"""Debian's nginx on 127.0.0.1 with ``deploy/nginx.conf`` itself, for ``bench.replicas``:
the shipped site file with its ports, paths, names and (for load phases) edge limits
substituted, under a main configuration that keeps every file in one scratch folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from bench.loadgen import get
from bench.servers import HOST

MAIN_CONF = """\
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{includes}
}}
"""


def render_site(
    config: str, name: str, listen: int, ports: Sequence[int], cache: Path, rate: str | None
) -> str:
    """deploy/nginx.conf for one server: its own upstream, zones, port and cache folder.

    *rate* None keeps the shipped edge limits; else it is the request rate of a load
    phase, with the connection limit lifted too (the load comes from one address).
    """
    site = re.sub(
        r"(upstream eventsearch \{\n)(.*?)(\n    keepalive)",
        lambda m: (
            m[1]
            + "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)
            + m[3]
        ),
        config,
        flags=re.S,
    )
    site = re.sub(r"#.*", "", site)  # comments mention the names replaced below
    site = site.replace("http://eventsearch;", f"http://{name};")
    site = site.replace("upstream eventsearch {", f"upstream {name} {{")
    site = site.replace("zone=eventsearch_", f"zone={name}_")
    site = site.replace("keys_zone=eventsearch:", f"keys_zone={name}:")
    site = site.replace("limit_conn eventsearch_", f"limit_conn {name}_")
    site = site.replace("proxy_cache eventsearch;", f"proxy_cache {name};")
    site = site.replace("/var/cache/nginx/eventsearch", str(cache))
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("limit_req_status 429;", "")  # once per http block, added by caller
    if rate:
        site = re.sub(r"rate=\d+r/s", f"rate={rate}", site)
        site = re.sub(r"(limit_conn \S+) \d+;", r"\1 65535;", site)  # nginx's maximum
    return site


class Nginx:
    def __init__(self, tmp: Path, sites: list[str]) -> None:
        self.tmp = tmp
        for sub in (
            "body",
            "proxy",
            "fastcgi",
            "uwsgi",
            "scgi",
            "cache-two",
            "cache-one",
            "cache-limited",
        ):
            (tmp / sub).mkdir(exist_ok=True)
        user = ""
        if os.geteuid() == 0:  # nginx's workers drop to nobody: let them at the folders
            user = "user nobody nogroup;"
            for path in [tmp, *tmp.iterdir()]:
                if path.is_dir():
                    path.chmod(0o777)
        includes = "    limit_req_status 429;\n" + "\n".join(sites)
        conf = tmp / "nginx.conf"
        conf.write_text(MAIN_CONF.format(user=user, tmp=tmp, includes=includes), "utf-8")
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        check = subprocess.run(
            [binary, "-t", "-c", str(conf), "-p", str(tmp)], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejected the configuration:\n{check.stderr}")
        with (tmp / "nginx-stderr.log").open("wb") as stderr:
            self.proc = subprocess.Popen(
                [binary, "-c", str(conf), "-p", str(tmp)],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def wait_for(url_port: int, path: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(HOST, url_port, path, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"127.0.0.1:{url_port}{path} did not answer 200 in {seconds:.0f} s")
