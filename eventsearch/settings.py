"""Settings, declared once: name, default, cast, help. Read from ``EVENTSEARCH_<NAME>``.

Everything else is derived from :data:`SETTINGS`: the typed :class:`Settings` and the
errors for values that do not fit, the environment handed to ``serve``'s worker
processes (:meth:`Settings.environ`), the command line's flags and their help, and
README's table (``python -m eventsearch.settings --markdown``; a test compares it).

    ValueError
    └── SettingError   a value its cast refuses; the message names the variable (or
                       the setting, for an override from code) and says what fits:
                       ``EVENTSEARCH_PORT='80a' is not a whole number``
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARCHIVE = PACKAGE_ROOT / "examples" / "archive"
ENV_PREFIX = "EVENTSEARCH_"
SHORT_NAME_CHARS = 16  # OpenSearch's limit for a ShortName

T = TypeVar("T")


class SettingError(ValueError):
    """A setting's text that its cast refuses (raised by :meth:`Settings.load`)."""


@dataclass(frozen=True, slots=True)
class Cast(Generic[T]):
    """How a setting's text becomes its value, and back: ``parse(show(v)) == v``."""

    kind: str  # what fits, as README's table says it: "whole number, 1 to 65535"
    parse: Callable[[str], T]  # raises ValueError("is not a whole number")
    show: Callable[[T], str] = str


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"


def _check_bounds(value: float, low: float | None, high: float | None) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"is out of range ({_bounds(low, high)})")


def _kind(noun: str, low: float | None, high: float | None) -> str:
    return noun if low is None and high is None else f"{noun}, {_bounds(low, high)}"


_WHOLE = re.compile(r"[+-]?[0-9]+")  # int() also takes "1_000" and other scripts' digits


def whole(low: int | None = None, high: int | None = None) -> Cast[int]:
    def parse(text: str) -> int:
        if not _WHOLE.fullmatch(text.strip()):
            raise ValueError("is not a whole number")
        value = int(text)
        _check_bounds(value, low, high)
        return value

    return Cast(_kind("whole number", low, high), parse)


def number(low: float | None = None, high: float | None = None) -> Cast[float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if not math.isfinite(value):
            raise ValueError("is not a number")
        _check_bounds(value, low, high)
        return value

    return Cast(_kind("number", low, high), parse)


BOOLEAN_WORDS = (("true", "false"), ("yes", "no"), ("on", "off"), ("1", "0"))
_SPELLINGS = ", ".join(f"{yes}/{no}" for yes, no in BOOLEAN_WORDS)


def _boolean(text: str) -> bool:
    word = text.strip().casefold()
    for yes, no in BOOLEAN_WORDS:
        if word in (yes, no):
            return word == yes
    raise ValueError(f"is not a boolean (use {_SPELLINGS})")


def _path(text: str) -> Path:
    if not text.strip():
        raise ValueError("is empty (a folder is needed)")
    return Path(text).expanduser()


def _list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def text(max_chars: int | None = None, *, strip: bool = False) -> Cast[str]:
    """Any text; longer than *max_chars* is cut rather than refused (it is only a label)."""

    def parse(value: str) -> str:
        return (value.strip() if strip else value)[:max_chars]

    return Cast("text" if max_chars is None else f"text, cut at {max_chars} characters", parse)


def choice(*options: str) -> Cast[str]:
    def parse(value: str) -> str:
        word = value.strip().lower()
        if word not in options:
            raise ValueError(f"is not one of {', '.join(options)}")
        return word

    return Cast(f"one of {', '.join(options)}", parse)


def _url(value: str) -> str:
    """An absolute http(s) base URL without a trailing slash, or "" (none)."""
    url = value.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        usable = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and (parts.port is None or parts.port > 0)  # .port raises on a bad one
            and not (parts.query or parts.fragment)
        )
    except ValueError:  # a bad port or IPv6 literal
        usable = False
    if url and not usable:
        raise ValueError("is not an http(s) URL like https://events.example.org")
    return url


BOOLEAN = Cast("boolean", _boolean, lambda value: "true" if value else "false")
PATH = Cast("path", _path)
LIST = Cast("comma-separated list", _list, ",".join)
TEXT = text()
URL = Cast("http(s) URL", _url)
# uvicorn's names (uvicorn.config.LOG_LEVELS; a test keeps the two equal). Not imported
# from there so that `index` and `search` never import uvicorn.
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    name: str
    default: str
    cast: Cast[T]
    help: str

    @property
    def env(self) -> str:
        return f"{ENV_PREFIX}{self.name.upper()}"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, value: str, named: str | None = None) -> T:
        """*value* cast, or :class:`SettingError` naming *named* (default: the variable)."""
        try:
            return self.cast.parse(value)
        except ValueError as exc:
            raise SettingError(f"{named or self.env}={value!r} {exc}") from None


SETTINGS: tuple[Setting[Any], ...] = (
    Setting(
        "index",
        "index",
        PATH,
        "index directory: what `index` writes, `search` and `serve` read (`serve` builds it "
        "from the archive when missing)",
    ),
    Setting(
        "archive",
        str(DEFAULT_ARCHIVE),
        PATH,
        "archive folder (the one holding news/): what `index` reads, and `serve` when "
        "there is no index yet",
    ),
    Setting("host", "127.0.0.1", TEXT, "address to listen on"),
    Setting("port", "8000", whole(1, 65535), "port to listen on"),
    Setting("workers", "1", whole(1), "uvicorn worker processes sharing the index"),
    Setting(
        "site_name", "eventsearch", text(40), "name shown in pages and the OpenSearch ShortName"
    ),
    Setting(
        "short_name",
        "",
        text(SHORT_NAME_CHARS, strip=True),
        "OpenSearch ShortName (empty: the site name, cut at a word boundary)",
    ),
    Setting(
        "cors_origins", "*", LIST, "origins allowed to call the API (GET only, no credentials)"
    ),
    Setting(
        "rate_limit",
        "120",
        whole(0),
        "API, search and page requests per minute per client, for the whole server (all "
        "workers; 0: off)",
    ),
    Setting("rate_limit_loopback", "false", BOOLEAN, "also rate-limit clients on 127.0.0.1/::1"),
    Setting("cache_seconds", "60", whole(0), "Cache-Control max-age of API and page responses"),
    Setting(
        "cache_mb",
        "96",
        whole(0),
        "memory per worker for answers to repeated requests: two thirds for search results, "
        "a third for whole responses (0: off)",
    ),
    Setting(
        "term_cache_mb",
        "256",
        whole(1),
        "memory per worker for the index's term arrays and phrase matches, kept while a "
        "generation is served",
    ),
    Setting(
        "malloc_arenas",
        "2",
        whole(0),
        "glibc malloc arenas per worker: more let each request thread keep the memory it "
        "freed, so a worker grows under concurrent load (0: glibc's default, 8 per core)",
    ),
    Setting("forwarded_allow_ips", "127.0.0.1", TEXT, "proxies trusted for X-Forwarded-* headers"),
    Setting("log_level", "info", choice(*LOG_LEVELS), "uvicorn log level"),
    Setting(
        "read_only",
        "false",
        BOOLEAN,
        "never index: serve what is published in the index directory, 503 until it appears",
    ),
    Setting(
        "header_timeout",
        "10",
        number(0.1),
        "seconds a connection may take to send a request's headers before it is closed (408)",
    ),
    Setting(
        "remote_images",
        "false",
        BOOLEAN,
        "show event images loaded from their own hosts (readers' browsers then contact "
        "those hosts; off: images are listed as links)",
    ),
    Setting(
        "public_url",
        "",
        URL,
        "public address (e.g. `https://events.example.org`) of every absolute URL (OpenSearch, "
        "feeds, canonical links); the request's Host is then ignored (empty: from the request)",
    ),
    Setting(
        "allowed_hosts",
        "",
        LIST,
        "Host names accepted (`*.example.org` allowed); any other Host gets 400 (empty: any)",
    ),
    Setting(
        "client_connections",
        "50",
        whole(1),
        "connections one client address may hold open per worker; past that only that "
        "client gets 503 (trusted proxies exempt)",
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    """One value per entry of :data:`SETTINGS`, same names, same order (a test checks)."""

    index: Path
    archive: Path
    host: str
    port: int
    workers: int
    site_name: str
    short_name: str
    cors_origins: tuple[str, ...]
    rate_limit: int
    rate_limit_loopback: bool
    cache_seconds: int
    cache_mb: int
    term_cache_mb: int
    malloc_arenas: int
    forwarded_allow_ips: str
    log_level: str
    read_only: bool
    header_timeout: float
    remote_images: bool
    public_url: str
    allowed_hosts: tuple[str, ...]
    client_connections: int

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then the environment, then explicit *overrides* (CLI flags, tests).

        An override is text (as a flag gives it) or a value of the setting's type; None
        means "not given". :class:`SettingError` names whatever does not fit.
        """
        environ = os.environ if environ is None else environ
        unknown = sorted(set(overrides) - set(BY_NAME))
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            given = overrides.get(setting.name)
            if given is None:
                values[setting.name] = setting.parse(environ.get(setting.env, setting.default))
            else:
                shown = given if isinstance(given, str) else setting.cast.show(given)
                values[setting.name] = setting.parse(shown, setting.name)
        return cls(**values)

    def environ(self) -> dict[str, str]:
        """These settings as environment variables (for uvicorn worker processes)."""
        return {s.env: s.cast.show(getattr(self, s.name)) for s in SETTINGS}


def shown_default(setting: Setting[Any]) -> str:
    """The default as the command line's help says it: ``./index``, ``(empty)``."""
    if not setting.default:
        return "(empty)"
    if setting.cast is PATH and not Path(setting.default).is_absolute():
        return f"./{setting.default}"
    return setting.default


def _readme_default(setting: Setting[Any]) -> str:
    """The default as README's table says it: the same on every machine."""
    path = Path(setting.default)
    if setting.cast is PATH and path.is_absolute() and path.is_relative_to(PACKAGE_ROOT):
        return f"`{path.relative_to(PACKAGE_ROOT).as_posix()}` (bundled)"
    shown = shown_default(setting)
    return shown if not setting.default else f"`{shown}`"


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def markdown_table() -> str:
    """README's settings table, then how a boolean may be spelled."""
    rows = [
        "| variable | value | default | meaning |",
        "| --- | --- | --- | --- |",
        *(
            f"| `{s.env}` | {_cell(s.cast.kind)} | {_readme_default(s)} | {_cell(s.help)} |"
            for s in SETTINGS
        ),
    ]
    spellings = ", ".join(f"`{yes}`/`{no}`" for yes, no in BOOLEAN_WORDS)
    return "\n".join(rows) + f"\n\nA boolean is {spellings}, in any case.\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eventsearch.settings",
        description="Print the settings in effect (from the environment), or README's table.",
    )
    parser.add_argument("--markdown", action="store_true", help="print README's settings table")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown_table(), end="")
        return 0
    try:
        settings = Settings.load()
    except SettingError as exc:
        print(f"eventsearch: error: {exc}", file=sys.stderr)
        return 2
    for name, value in settings.environ().items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
