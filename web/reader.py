"""A request's interface (web.i18n) and the templates that speak it.

Every HTML answer, and every other answer in the reader's language (feeds, OpenSearch),
goes through :func:`interface`; :func:`negotiated` then adds ``Vary: Accept-Language``
when the language came from that header rather than from ``?ui=`` or the archive
alone, so shared caches (and web.response_cache, which keys on the header) keep one
answer per language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from indexer.urls import http_url
from search.errors import IndexUnavailable
from search.params import MAX_QUERY_CHARS, MAX_TEXT_CHARS
from web import data, i18n
from web.i18n import UI_PARAM, Choice, Ui
from web.state import state

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def interface(request: Request) -> Choice:
    """``?ui=``, else Accept-Language, else the archive's language (web.i18n.choose)."""
    search = state(request).search

    def archive() -> Ui:
        try:
            return i18n.for_language(data.archive_language(search))
        except IndexUnavailable:
            return i18n.SOURCE

    named = request.query_params.get(UI_PARAM)
    return i18n.choose(named, request.headers.get("accept-language", ""), archive)


def negotiated(response: Response, choice: Choice) -> Response:
    if not choice.explicit:
        response.headers.add_vary_header("Accept-Language")
    return response


@functools.cache
def templates_for(choice: Choice) -> Jinja2Templates:
    """The templates as *choice* reads them: its catalog, its dates and numbers, and
    links that keep a named interface. One environment per choice (six in all), so a
    template never has to be told its language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,  # templates ship with the code: no stat() per page
    )
    env.policies["ext.i18n.trimmed"] = True  # as [tool.babel] in pyproject.toml extracts
    env.install_gettext_translations(i18n.translations(choice.ui), newstyle=True)  # type: ignore[attr-defined]
    words, link = i18n.words(choice.ui), choice.link
    env.globals.update(
        ui=choice.ui,
        ui_param=choice.ui.tag if choice.explicit else None,
        href=link,
        quote=lambda text: quote(str(text), safe=""),
        event_url=lambda event_id: link("/events/" + quote(event_id, safe="/")),
        story_url=lambda name: link("/stories/" + quote(name, safe="")),
        day_url=lambda date: link(f"/days/{date}"),
        # The indexer already drops every URL that is not http(s); checked again where
        # links are written, so an index from elsewhere can never put one in a page.
        http_url=http_url,
        host_of=lambda url: urlsplit(url).hostname or "",
        human_date=words.date,
        month_label=words.month,
        month_name=words.month_name,
        day_month=words.day_month,
        year_label=words.year,
        weekdays=words.weekdays,
        number=words.number,
        events=words.events,
        stories=words.stories,
        query_chars=MAX_QUERY_CHARS,  # the longest query a search takes
        text_chars=MAX_TEXT_CHARS,  # … and text a story's or facet value's name contains
    )
    return Jinja2Templates(env=env)


@functools.cache
def script_strings(ui: Ui) -> dict[str, Any]:
    """What app.js says, in *ui* (read from the page: no inline script under our CSP)."""
    return i18n.script_table(ui, STATIC / "app.js")


def speller(request: Request, ui: Ui) -> Callable[[str], str]:
    """Story name -> its spelling in the reader's script, where the archive has one."""
    search = state(request).search

    def spell(name: str) -> str:
        try:
            return data.spelling(search, name, ui.script)
        except IndexUnavailable:
            return name

    return spell


def example(request: Request, spell: Callable[[str], str]) -> str | None:
    try:
        story = data.example_story(state(request).search)
    except IndexUnavailable:
        return None
    return spell(story) if story else None


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
    choice: Choice | None = None,
) -> Response:
    """*template* in the reader's interface, with what every page shows beside
    *context*: the site's name, the language switcher, an example query."""
    choice = choice or interface(request)
    spell = speller(request, choice.ui)
    params = request.query_params.multi_items()
    common = {
        "site_name": state(request).settings.site_name,
        "q": request.query_params.get("q", ""),
        "alternate_json": None,
        "canonical": None,
        "switcher": i18n.switcher(request.url.path, params, choice.ui),
        "example": example(request, spell),
        "spell": spell,
        "script_strings": script_strings(choice.ui),
    }
    response = templates_for(choice).TemplateResponse(
        request, template, {**common, **context}, status_code=status, headers=headers
    )
    return negotiated(response, choice)
