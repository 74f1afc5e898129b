"""Settings are declared once and each one is documented in README."""

from __future__ import annotations

from eventsearch.settings import SETTINGS, Settings

from .conftest import ROOT


def test_every_setting_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in readme, setting.env


def test_environment_then_overrides() -> None:
    settings = Settings.load({"EVENTSEARCH_PORT": "9000", "EVENTSEARCH_WORKERS": "3"}, workers=2)
    assert (settings.port, settings.workers) == (9000, 2)
    again = Settings.load(settings.environ())
    assert again == settings
