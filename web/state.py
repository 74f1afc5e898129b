"""What every request handler shares: settings and the one Search per process."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from eventsearch.settings import Settings
from search.service import Search


@dataclass(slots=True)
class AppState:
    settings: Settings
    search: Search


def state(request: Request) -> AppState:
    app_state: AppState = request.app.state.eventsearch
    return app_state
