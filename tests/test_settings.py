"""Settings are declared once (name, default, cast, help); the rest is derived from them."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from eventsearch import settings as settings_module
from eventsearch.settings import (
    BOOLEAN_WORDS,
    LOG_LEVELS,
    SETTINGS,
    SettingError,
    Settings,
    markdown_table,
)

from .conftest import ROOT

# A value other than the default for every setting, as an operator would write it.
CHANGED = {
    "EVENTSEARCH_INDEX": "/srv/eventsearch/index",
    "EVENTSEARCH_ARCHIVE": "/srv/archive",
    "EVENTSEARCH_HOST": "0.0.0.0",
    "EVENTSEARCH_PORT": "8001",
    "EVENTSEARCH_WORKERS": "4",
    "EVENTSEARCH_SITE_NAME": "News archive",
    "EVENTSEARCH_SHORT_NAME": " Archive ",
    "EVENTSEARCH_CORS_ORIGINS": "https://a.example, https://b.example",
    "EVENTSEARCH_RATE_LIMIT": "0",
    "EVENTSEARCH_RATE_LIMIT_LOOPBACK": "Yes",
    "EVENTSEARCH_CACHE_SECONDS": "300",
    "EVENTSEARCH_CACHE_MB": "16",
    "EVENTSEARCH_TERM_CACHE_MB": "32",
    "EVENTSEARCH_MALLOC_ARENAS": "1",
    "EVENTSEARCH_FORWARDED_ALLOW_IPS": "10.0.0.1,10.0.0.2",
    "EVENTSEARCH_LOG_LEVEL": "WARNING",
    "EVENTSEARCH_READ_ONLY": "on",
    "EVENTSEARCH_HEADER_TIMEOUT": "2.5",
    "EVENTSEARCH_REMOTE_IMAGES": "1",
    "EVENTSEARCH_PUBLIC_URL": "https://events.example.org/",
    "EVENTSEARCH_ALLOWED_HOSTS": "events.example.org,*.mirror.example.net",
    "EVENTSEARCH_CLIENT_CONNECTIONS": "20",
}


def test_settings_has_one_field_per_declared_setting_in_order() -> None:
    assert [f.name for f in dataclasses.fields(Settings)] == [s.name for s in SETTINGS]
    assert sorted(CHANGED) == sorted(s.env for s in SETTINGS)


@pytest.mark.parametrize("environ", [{}, CHANGED], ids=["defaults", "changed"])
def test_each_cast_gives_the_type_its_field_declares(environ: dict[str, str]) -> None:
    hints = typing.get_type_hints(Settings)
    loaded = Settings.load(environ)
    for setting in SETTINGS:
        declared = typing.get_origin(hints[setting.name]) or hints[setting.name]
        assert isinstance(getattr(loaded, setting.name), declared), setting.name


def test_values_are_cast_where_they_are_read() -> None:
    loaded = Settings.load(CHANGED)
    assert loaded.index == Path("/srv/eventsearch/index")
    assert (loaded.port, loaded.workers, loaded.header_timeout) == (8001, 4, 2.5)
    assert (loaded.rate_limit_loopback, loaded.read_only, loaded.remote_images) == (True,) * 3
    assert loaded.cors_origins == ("https://a.example", "https://b.example")
    assert (loaded.short_name, loaded.log_level) == ("Archive", "warning")
    assert loaded.public_url == "https://events.example.org"


@pytest.mark.parametrize("environ", [{}, CHANGED], ids=["defaults", "changed"])
def test_the_environment_handed_to_workers_loads_the_same_settings(
    environ: dict[str, str],
) -> None:
    loaded = Settings.load(environ)
    assert set(loaded.environ()) == {s.env for s in SETTINGS}
    assert Settings.load(loaded.environ()) == loaded


def test_environment_then_overrides() -> None:
    settings = Settings.load({"EVENTSEARCH_PORT": "9000", "EVENTSEARCH_WORKERS": "3"}, workers=2)
    assert (settings.port, settings.workers) == (9000, 2)
    again = Settings.load(settings.environ())
    assert again == settings


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EVENTSEARCH_PORT", "80a", "is not a whole number"),
        ("EVENTSEARCH_PORT", "", "is not a whole number"),
        ("EVENTSEARCH_PORT", "0", "is out of range (1 to 65535)"),
        ("EVENTSEARCH_PORT", "65536", "is out of range (1 to 65535)"),
        ("EVENTSEARCH_WORKERS", "0", "is out of range (at least 1)"),
        ("EVENTSEARCH_WORKERS", "1.5", "is not a whole number"),
        ("EVENTSEARCH_RATE_LIMIT", "-1", "is out of range (at least 0)"),
        ("EVENTSEARCH_TERM_CACHE_MB", "0", "is out of range (at least 1)"),
        ("EVENTSEARCH_CLIENT_CONNECTIONS", "1_000", "is not a whole number"),
        ("EVENTSEARCH_HEADER_TIMEOUT", "0", "is out of range (at least 0.1)"),
        ("EVENTSEARCH_HEADER_TIMEOUT", "nan", "is not a number"),
        ("EVENTSEARCH_HEADER_TIMEOUT", "ten", "is not a number"),
        (
            "EVENTSEARCH_READ_ONLY",
            "maybe",
            "is not a boolean (use true/false, yes/no, on/off, 1/0)",
        ),
        (
            "EVENTSEARCH_REMOTE_IMAGES",
            "",
            "is not a boolean (use true/false, yes/no, on/off, 1/0)",
        ),
        ("EVENTSEARCH_LOG_LEVEL", "loud", f"is not one of {', '.join(LOG_LEVELS)}"),
        ("EVENTSEARCH_INDEX", " ", "is empty (a folder is needed)"),
        (
            "EVENTSEARCH_PUBLIC_URL",
            "events.example.org",
            "is not an http(s) URL like https://events.example.org",
        ),
        (
            "EVENTSEARCH_PUBLIC_URL",
            "https://events.example.org:port",
            "is not an http(s) URL like https://events.example.org",
        ),
    ],
)
def test_a_bad_value_names_the_variable_and_what_fits(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingError) as raised:
        Settings.load({variable: value})
    assert str(raised.value) == f"{variable}={value!r} {message}"


def test_a_bad_override_from_code_names_the_setting() -> None:
    with pytest.raises(SettingError, match=r"^port='80a' is not a whole number$"):
        Settings.load({}, port="80a")
    with pytest.raises(TypeError, match="unknown settings: prot"):
        Settings.load({}, prot=80)


@pytest.mark.parametrize(
    ("word", "value"),
    [(w, True) for w, _ in BOOLEAN_WORDS]
    + [(w, False) for _, w in BOOLEAN_WORDS]
    + [("TRUE", True), (" Yes ", True), ("Off", False), ("NO", False)],
)
def test_booleans_take_the_usual_spellings_in_any_case(word: str, value: bool) -> None:
    assert Settings.load({"EVENTSEARCH_READ_ONLY": word}).read_only is value


def test_log_levels_are_uvicorns() -> None:
    from uvicorn.config import LOG_LEVELS as UVICORN_LOG_LEVELS

    assert set(LOG_LEVELS) == set(UVICORN_LOG_LEVELS)


def test_readme_settings_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = markdown_table()
    assert table in readme, "regenerate it: python -m eventsearch.settings --markdown"
    assert readme.count("\n| `EVENTSEARCH_") == len(SETTINGS)  # and no stale copy of a row
    assert readme.count(table.splitlines()[-1]) == 1


def test_the_table_is_the_same_on_every_machine() -> None:
    assert str(ROOT) not in markdown_table()
    assert "| `EVENTSEARCH_ARCHIVE` | path | `examples/archive` (bundled) |" in markdown_table()


def test_settings_module_prints_the_table_or_the_settings_in_effect(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert settings_module.main(["--markdown"]) == 0
    assert capsys.readouterr().out == markdown_table()

    monkeypatch.setenv("EVENTSEARCH_PORT", "8001")
    assert settings_module.main([]) == 0
    assert "EVENTSEARCH_PORT=8001\n" in capsys.readouterr().out

    monkeypatch.setenv("EVENTSEARCH_PORT", "80a")
    assert settings_module.main([]) == 2
    assert capsys.readouterr().err == (
        "eventsearch: error: EVENTSEARCH_PORT='80a' is not a whole number\n"
    )
