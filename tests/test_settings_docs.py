"""Every mention of a setting outside its table agrees with the table: the variables the
code, docs and deploy files name, the defaults and values they give, the commands and
flags they show, and the uvicorn limits README and the systemd unit restate."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventsearch import cli
from eventsearch.settings import (
    BY_NAME,
    SETTINGS,
    Setting,
    SettingError,
    Settings,
    shown_default,
)
from web.limits import FILE_ENV

from .conftest import CORPUS_ENV, ROOT

# Variables that are not settings, each with the one place that reads it.
NOT_SETTINGS = {
    FILE_ENV: "web/limits.py: the rate-limit table `serve` hands to its workers",
    CORPUS_ENV: "tests/conftest.py: where the real archives are",
    "EVENTSEARCH_FUZZ_EXAMPLES": "tests/e2e/test_api_fuzz.py: examples per operation",
}
BY_ENV = {setting.env: setting for setting in SETTINGS}
TEXT_SUFFIXES = {".py", ".md", ".conf", ".service", ".toml", ".yml", ".yaml", ".html", ".js", ""}
CODE = ("eventsearch", "web", "search", "indexer", "bench", "tests", "scripts", ".ci")
DOCS = ("README.md", "bench/README.md", "docs", "deploy")
VARIABLE = re.compile(r"\bEVENTSEARCH_[A-Z][A-Z_]*[A-Z]\b")
# "`EVENTSEARCH_HEADER_TIMEOUT` (10 s)", "(`EVENTSEARCH_CACHE_MB`, 96 MB)": a default restated.
RESTATED = re.compile(r"`(EVENTSEARCH_[A-Z_]+)`(?:\s\(|,\s)(\d[\d,.]*)\b")
# "EVENTSEARCH_RATE_LIMIT=0": a value given, in a command or a unit. Not a blank to fill
# ("=<this host>") nor a quoted one (README's example of an error: "PORT='80a'").
ASSIGNED = re.compile(r"\b(EVENTSEARCH_[A-Z_]+)=([^\s`<|)'\"][^\s`|)]*)")
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
UNIT = ROOT / "deploy" / "eventsearch-replica.service"


def files(*names: str) -> Iterator[Path]:
    for name in names:
        path = ROOT / name
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*")):
            if found.is_file() and found.suffix in TEXT_SUFFIXES and "out" not in found.parts:
                yield found


def mentions(pattern: re.Pattern[str], *names: str) -> list[tuple[str, re.Match[str]]]:
    return [
        (str(path.relative_to(ROOT)), match)
        for path in files(*names)
        for match in pattern.finditer(path.read_text("utf-8", errors="replace"))
    ]


def test_every_variable_named_anywhere_is_a_setting_or_a_known_other() -> None:
    named = {match[0] for _, match in mentions(VARIABLE, *CODE, *DOCS)}
    assert not named - set(BY_ENV) - set(NOT_SETTINGS), "not in SETTINGS (a typo, or stale)"
    assert not set(NOT_SETTINGS) & set(BY_ENV)


def as_number(text: str) -> float:
    return float(text.replace(",", ""))


def test_a_default_restated_in_the_docs_is_the_tables() -> None:
    restated = mentions(RESTATED, *DOCS)
    assert len(restated) >= 4  # the pattern still finds them
    for where, match in restated:
        setting = BY_ENV[match[1]]
        assert as_number(match[2]) == as_number(setting.default), f"{where}: {match[0]}"


def test_a_value_given_in_the_docs_or_deploy_files_loads() -> None:
    given = [(where, m[1], m[2]) for where, m in mentions(ASSIGNED, *DOCS) if m[1] in BY_ENV]
    assert len(given) > 10  # the pattern still finds them
    for where, variable, value in given:
        try:
            BY_ENV[variable].parse(value)
        except SettingError as exc:
            raise AssertionError(f"{where}: {exc}") from None


def shell_commands(markdown: str) -> Iterator[list[str]]:
    """Each ``eventsearch`` command of the ```sh blocks, as words (continuations joined)."""
    for block in SH_BLOCK.findall(markdown):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line)
            for start, word in enumerate(words):
                if Path(word).name == "eventsearch":
                    yield words[start + 1 :]


def documented_commands() -> list[list[str]]:
    found = [
        cmd
        for path in files(*DOCS)
        if path.suffix == ".md"
        for cmd in shell_commands(path.read_text("utf-8"))
    ]
    return [words for words in found if "[" not in " ".join(words)]  # not usage lines


@pytest.mark.parametrize("words", documented_commands(), ids=" ".join)
def test_every_command_in_the_docs_parses(words: list[str]) -> None:
    cli.settings_of(cli.build_parser().parse_args(words))


def usage(command: str) -> str:
    """README's usage block of *command*: ``eventsearch serve [--index DIR] …``."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(rf"^eventsearch {command} .*?(?=^```)", readme, re.M | re.S)
    assert block, command
    return " ".join(block[0].split())


def help_of(command: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.main([command, "--help"])
    return out.getvalue()


def flags_of(command: str) -> set[str]:
    """The ``--flags`` of *command*, as its usage line lists them."""
    usage_line = help_of(command).split("\n\n")[0]
    return set(re.findall(r"--[a-z][a-z-]*", usage_line)) - {"--help"}


def setting_flags(command: str) -> dict[str, Setting[Any]]:
    """The settings *command* takes as flags, by flag (``--index``)."""
    names = cli.build_parser().parse_args([command]).setting_flags
    return {BY_NAME[name].flag: BY_NAME[name] for name in names}


@pytest.mark.parametrize("command", ["index", "serve"])
def test_readme_usage_lists_each_flag_and_shows_the_tables_defaults(command: str) -> None:
    text = usage(command)
    shown = dict(re.findall(r"(--[a-z-]+)(?: ([^\]\s]+))?", text))
    assert set(shown) == {flag for flag in flags_of(command) if not flag.startswith("--no-")}
    for flag, setting in setting_flags(command).items():
        value = shown.get(flag, "")
        if value and not value.isupper():  # a value, not a METAVAR such as DIR
            assert value == shown_default(setting), flag


@pytest.mark.parametrize("command", ["index", "serve"])
def test_help_of_each_setting_flag_is_the_tables(command: str) -> None:
    squeezed = "".join(help_of(command).split())  # argparse wraps, even at hyphens
    for setting in setting_flags(command).values():
        told = f"{setting.help} (env {setting.env}; default {shown_default(setting)})"
        assert "".join(told.split()) in squeezed, setting.name


def unit_environment() -> dict[str, str]:
    text = UNIT.read_text("utf-8")
    return dict(re.findall(r"^Environment=(EVENTSEARCH_[A-Z_]+)=(.*)$", text, re.M))


def test_the_systemd_unit_sets_settings_that_load_as_a_read_only_replica() -> None:
    environment = unit_environment()
    assert set(environment) <= set(BY_ENV)
    settings = Settings.load(environment)
    assert settings.read_only and settings.rate_limit == 0  # nginx limits at the edge
    assert settings.host in settings.forwarded_allow_ips.split(",")  # nginx on this host


def test_the_unit_waits_longer_than_uvicorn_takes_to_stop() -> None:
    text = UNIT.read_text("utf-8")
    assert f"(uvicorn: up to {cli.SHUTDOWN_SECONDS} s)" in text
    stop = re.search(r"^TimeoutStopSec=(\d+)$", text, re.M)
    assert stop and int(stop[1]) > cli.SHUTDOWN_SECONDS


def test_nginx_sends_requests_to_the_replica_the_unit_runs() -> None:
    settings = Settings.load(unit_environment())
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    upstream = re.findall(r"^\s*server (\S+):(\d+) ", conf, re.M)
    assert (settings.host, str(settings.port)) in upstream


@pytest.mark.parametrize(
    ("where", "phrase"),
    [
        ("README.md", f"at most {cli.MAX_CONNECTIONS:,} connections"),
        ("README.md", f"idle for {cli.KEEP_ALIVE_SECONDS} s"),
        ("docs/reliability.md", f"at most {cli.MAX_CONNECTIONS:,} connections per worker"),
        ("docs/reliability.md", f"idle for {cli.KEEP_ALIVE_SECONDS} s is closed"),
        ("docs/reliability.md", f"uvicorn's cap of {cli.MAX_CONNECTIONS:,} connections"),
    ],
)
def test_docs_restate_the_uvicorn_limits_serve_sets(where: str, phrase: str) -> None:
    assert phrase in " ".join((ROOT / where).read_text("utf-8").split())
