"""The eventsearch command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from eventsearch.cli import build_parser
from eventsearch.settings import Settings

from .conftest import EXAMPLE_ARCHIVE, ROOT


def eventsearch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eventsearch.cli", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_index_json_summary_has_the_documented_keys(tmp_path: Path) -> None:
    result = eventsearch("index", str(EXAMPLE_ARCHIVE), "--index", str(tmp_path / "ix"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"pages", "events", "duplicates", "listing_only", "skipped", "seconds"} <= set(summary)
    assert summary["events"] > 40 and summary["skipped"] == []
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_index_prints_a_readable_summary(tmp_path: Path) -> None:
    result = eventsearch("index", str(EXAMPLE_ARCHIVE), "--index", str(tmp_path / "ix"))
    assert result.returncode == 0
    assert result.stdout.startswith("full: ") and "events from" in result.stdout


def test_missing_archive_exits_2_with_one_line(tmp_path: Path) -> None:
    result = eventsearch("index", str(tmp_path / "missing"), "--index", str(tmp_path / "ix"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "archive folder not found" in result.stderr
    assert "Traceback" not in result.stderr


def run_main(*args: str) -> int:
    from eventsearch.cli import main

    return main(list(args))


def test_search_finds_the_index_named_by_the_environment(
    example_index: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTSEARCH_INDEX", str(example_index))
    assert run_main("search", "boeing amsterdam", "--json") == 0
    assert json.loads(capsys.readouterr().out)["total"] > 0


def test_search_flags_are_the_search_parameters(
    example_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--year", "2014", "--month", "2014-07", "--lang", "en", "--from", "2014-07-01"]
    flags += ["--to", "2014-07-31", "--sort", "oldest", "--limit", "3", "--facets", "0"]
    assert run_main("search", "", "--index", str(example_index), "--json", *flags) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["filters"] == {
        "context": [],
        "domain": [],
        "place": [],
        "year": [2014],
        "month": ["2014-07"],
        "lang": ["en"],
        "from": "2014-07-01",
        "to": "2014-07-31",
    }
    assert (result["sort"], result["per_page"], result["facets"]) == ("oldest", 3, [])
    assert result["total"] > 0 and all(h["date"].startswith("2014-07") for h in result["hits"])


def test_grouped_search_counts_events_and_stories_and_says_what_is_left_out(
    example_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main("search", "", "--index", str(example_index), "--group", "story") == 0
    out = capsys.readouterr().out
    assert out.startswith("51 events in 17 stories") and "more in this story)" in out


def test_search_offers_a_date_in_the_query_as_flags(
    example_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main("search", "floods march 2017", "--index", str(example_index)) == 0
    assert "Only events of 2017-03? search 'floods' --year 2017 --month 2017-03" in (
        capsys.readouterr().out
    )


def test_every_search_parameter_but_the_query_is_a_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from search.params import SEARCH_PARAMS

    with pytest.raises(SystemExit):
        run_main("search", "--help")
    help_text = capsys.readouterr().out
    for param in SEARCH_PARAMS[1:]:
        assert f"--{param.name.replace('_', '-')} " in help_text, param.name
    assert "--q " not in help_text and "(1 to 100; default 10)" in help_text


def test_a_bad_search_flag_names_the_flag_and_the_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        run_main("search", "x", "--year", "20x7")
    assert exited.value.code == 2
    message = "argument --year: year must be a whole number, not '20x7'"
    assert capsys.readouterr().err.endswith(f"eventsearch search: error: {message}\n")


def test_index_writes_to_the_index_and_reads_the_archive_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTSEARCH_INDEX", str(tmp_path / "ix"))
    monkeypatch.setenv("EVENTSEARCH_ARCHIVE", str(EXAMPLE_ARCHIVE))
    assert run_main("index", "--json", "--workers", "1") == 0
    assert json.loads(capsys.readouterr().out)["events"] > 40
    assert (tmp_path / "ix" / "CURRENT").is_file()


def test_a_flag_wins_over_the_environment(
    example_index: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EVENTSEARCH_INDEX", str(tmp_path / "elsewhere"))
    assert run_main("search", "boeing", "--index", str(example_index), "--json") == 0
    assert json.loads(capsys.readouterr().out)["total"] > 0


def test_serve_takes_flags_then_environment_then_defaults_and_hands_them_to_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventsearch import cli

    served: list[Settings] = []
    monkeypatch.setattr(os, "environ", dict(os.environ))  # serve writes the hand-over here
    monkeypatch.setattr(cli, "_run_uvicorn", served.append)
    monkeypatch.setenv("EVENTSEARCH_PORT", "9001")
    monkeypatch.setenv("EVENTSEARCH_READ_ONLY", "yes")
    monkeypatch.setenv("EVENTSEARCH_RATE_LIMIT", "0")
    monkeypatch.setenv("EVENTSEARCH_HEADER_TIMEOUT", "2.5")
    assert run_main("serve", "--index", str(tmp_path / "ix"), "--port", "9002") == 0
    [settings] = served
    assert (settings.index, settings.port, settings.read_only) == (tmp_path / "ix", 9002, True)
    assert (settings.host, settings.header_timeout) == ("127.0.0.1", 2.5)
    assert Settings.load(os.environ) == settings  # what each worker process loads


def test_no_read_only_flag_overrides_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventsearch.cli import build_parser, settings_of

    monkeypatch.setenv("EVENTSEARCH_READ_ONLY", "true")
    args = build_parser().parse_args(["serve", "--no-read-only"])
    assert settings_of(args).read_only is False


@pytest.mark.parametrize("command", [["index"], ["search", "boeing"], ["serve"]])
def test_a_bad_variable_stops_every_command_with_its_name(command: list[str]) -> None:
    result = eventsearch(*command, env={"EVENTSEARCH_PORT": "80a"})
    assert result.returncode == 2
    assert result.stderr == "eventsearch: error: EVENTSEARCH_PORT='80a' is not a whole number\n"


def test_a_bad_boolean_says_which_spellings_fit() -> None:
    result = eventsearch("serve", env={"EVENTSEARCH_READ_ONLY": "maybe"})
    assert result.returncode == 2
    assert result.stderr == (
        "eventsearch: error: EVENTSEARCH_READ_ONLY='maybe' is not a boolean "
        "(use true/false, yes/no, on/off, 1/0)\n"
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--port", "80a"], "argument --port: '80a' is not a whole number"),
        (["--port", "70000"], "argument --port: '70000' is out of range (1 to 65535)"),
        (["--workers", "0"], "argument --workers: '0' is out of range (at least 1)"),
        (["--index", ""], "argument --index: '' is empty (a folder is needed)"),
    ],
)
def test_a_bad_flag_value_names_the_flag(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run_main("serve", *flags)
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(f"eventsearch serve: error: {message}\n")


@pytest.mark.parametrize("command", ["index", "search", "serve"])
def test_help_gives_each_setting_flag_its_variable_and_default(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run_main(command, "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "(env EVENTSEARCH_INDEX; default ./index)" in help_text


def test_search_into_a_closed_pipe_ends_quietly(example_index: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already exited
    with os.fdopen(write_end, "w") as stdout:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "eventsearch.cli",
                "search",
                "malaysia",
                "--index",
                str(example_index),
            ],
            cwd=ROOT,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    assert (result.returncode, result.stderr) == (0, "")


def test_readme_shows_every_search_flag() -> None:
    from eventsearch.cli import FLAG_PARAMS

    readme = (ROOT / "README.md").read_text("utf-8")
    usage = readme[readme.index('eventsearch search "QUERY"') :].split("```")[0]
    names = {"per_page": "limit"}
    assert all(f"--{names.get(p.name, p.name)} " in usage for p in FLAG_PARAMS), usage


def test_index_watch_prints_a_line_per_publish_and_stops_after_max_polls(tmp_path: Path) -> None:
    result = eventsearch(
        "index", str(EXAMPLE_ARCHIVE), "--index", str(tmp_path / "ix"),
        "--watch", "--interval", "0", "--max-polls", "2", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["mode"], line["generation"]) for line in lines] == [("full", "gen-000001")]
    assert lines[0]["lag"] >= 0 and lines[0]["time"].endswith("Z")
    assert "watching" in result.stderr


def test_index_watch_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    process = subprocess.Popen(
        [sys.executable, "-m", "eventsearch.cli", "index", str(EXAMPLE_ARCHIVE),
         "--index", str(index), "--watch", "--interval", "3600"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()  # the first publish: then it waits for the next poll
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "full: gen-000001 live" in first
    assert "stopping" in err


# SIGTERM landing while the watcher's main thread holds its stop Event's lock (inside
# stop.wait(), as it is between polls): the handler must not wait for that lock. In a
# child process, so a handler that deadlocks fails the test by its timeout.
SIGNAL_INSIDE_THE_WAIT = """
import os, signal, threading
from eventsearch.cli import stop_on_signals
stop = threading.Event()
stop_on_signals(stop)
with stop._cond:  # CPython's Event: the lock stop.wait() holds around its checks
    os.kill(os.getpid(), signal.SIGTERM)  # the handler runs here, in this frame
print(stop.wait(10))
"""


def test_a_sigterm_landing_inside_the_watchers_wait_still_stops_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_INSIDE_THE_WAIT],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "True"
    assert "stopping after the run in progress" in done.stderr


@pytest.mark.parametrize("unit", ["eventsearch-index.service", "eventsearch-replica.service"])
def test_deploy_units_run_real_commands_and_options(unit: str) -> None:
    text = (ROOT / "deploy" / unit).read_text("utf-8")
    command = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    argv = command.removeprefix("ExecStart=").split()[1:]
    args = build_parser().parse_args(argv)  # exits (a test failure) on an unknown option
    assert args.func.__name__.startswith("cmd_")


def test_the_index_timer_starts_the_index_service() -> None:
    timer = (ROOT / "deploy" / "eventsearch-index.timer").read_text("utf-8")
    assert "Unit=eventsearch-index.service" in timer
    assert "OnUnitInactiveSec=" in timer
