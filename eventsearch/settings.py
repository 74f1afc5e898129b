"""Settings, declared once: name, default, help. Read from ``EVENTSEARCH_<NAME>``.

README's settings table is generated from :data:`SETTINGS` (and a test checks that
every setting is documented there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARCHIVE = PACKAGE_ROOT / "examples" / "archive"


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return f"EVENTSEARCH_{self.name.upper()}"


SETTINGS = (
    Setting("index", "index", "index directory (built from the archive when missing)"),
    Setting("archive", str(DEFAULT_ARCHIVE), "archive folder indexed when there is no index yet"),
    Setting("host", "127.0.0.1", "address to listen on"),
    Setting("port", "8000", "port to listen on"),
    Setting("workers", "1", "uvicorn worker processes sharing the index"),
    Setting("site_name", "eventsearch", "name shown in pages and the OpenSearch ShortName"),
    Setting("cors_origins", "*", "comma-separated origins allowed to call the API (GET only)"),
    Setting(
        "rate_limit",
        "120",
        "API, search and page requests per minute per client, for the whole server (0: off)",
    ),
    Setting("rate_limit_loopback", "false", "also rate-limit clients on 127.0.0.1/::1"),
    Setting("cache_seconds", "60", "Cache-Control max-age of API and page responses"),
    Setting("forwarded_allow_ips", "127.0.0.1", "proxies trusted for X-Forwarded-* headers"),
    Setting("log_level", "info", "uvicorn log level"),
    Setting(
        "read_only",
        "false",
        "never index: serve what is published in the index directory, 503 until it appears",
    ),
    Setting(
        "header_timeout",
        "10",
        "seconds a connection may take to send a request's headers before it is closed (408)",
    ),
    Setting(
        "public_url",
        "",
        "public address (e.g. https://events.example.org) of every absolute URL (OpenSearch, "
        "feeds, canonical links); Host is then ignored",
    ),
    Setting(
        "allowed_hosts",
        "",
        "comma-separated Host names accepted (`*.example.org` allowed); others get 400 "
        "(empty: any)",
    ),
    Setting(
        "client_connections",
        "50",
        "connections one client address may hold open per worker; past that it alone gets "
        "503 (trusted proxies exempt)",
    ),
)


def _split(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    index: Path
    archive: Path
    host: str
    port: int
    workers: int
    site_name: str
    cors_origins: tuple[str, ...]
    rate_limit: int
    rate_limit_loopback: bool
    cache_seconds: int
    forwarded_allow_ips: str
    log_level: str
    read_only: bool
    header_timeout: float
    public_url: str
    allowed_hosts: tuple[str, ...]
    client_connections: int

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then the environment, then explicit *overrides* (CLI flags)."""
        environ = os.environ if environ is None else environ
        raw = {s.name: environ.get(s.env, s.default) for s in SETTINGS}
        raw.update({k: str(v) for k, v in overrides.items() if v is not None})
        return cls(
            index=Path(raw["index"]),
            archive=Path(raw["archive"]),
            host=raw["host"],
            port=int(raw["port"]),
            workers=max(1, int(raw["workers"])),
            site_name=raw["site_name"][:40],
            cors_origins=_split(raw["cors_origins"]),
            rate_limit=max(0, int(raw["rate_limit"])),
            rate_limit_loopback=raw["rate_limit_loopback"].lower() in ("1", "true", "yes"),
            cache_seconds=max(0, int(raw["cache_seconds"])),
            forwarded_allow_ips=raw["forwarded_allow_ips"],
            log_level=raw["log_level"],
            read_only=raw["read_only"].lower() in ("1", "true", "yes"),
            header_timeout=max(0.1, float(raw["header_timeout"])),
            public_url=raw["public_url"].strip().rstrip("/"),
            allowed_hosts=_split(raw["allowed_hosts"]),
            client_connections=max(1, int(raw["client_connections"])),
        )

    def environ(self) -> dict[str, str]:
        """These settings as environment variables (for uvicorn worker processes)."""
        values = {
            f.name: ",".join(getattr(self, f.name))
            if isinstance(getattr(self, f.name), tuple)
            else str(getattr(self, f.name)).lower()
            if isinstance(getattr(self, f.name), bool)
            else str(getattr(self, f.name))
            for f in fields(self)
        }
        return {f"EVENTSEARCH_{k.upper()}": v for k, v in values.items()}
