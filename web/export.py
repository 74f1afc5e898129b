"""Any search as a file: ``/search.csv`` and ``/search.jsonl`` (also under ``/api/v1``).

They take the search's query, filters and order and a row ``limit`` (web.openapi's
``OF_EXPORT``, from the parameter table; any other name is a 400 naming it, as on the
API) and stream the first ``limit`` results, at most ``MAX_EXPORT_ROWS``, in the order
the search's pages list them (past their paging cap), read from the index a batch at a
time (``Search.export``), so neither the worker nor web.response_cache (which gives up on
an answer past 1 MiB) holds the whole file::

    200  Content-Type: text/csv; charset=utf-8        (or application/x-ndjson)
         Content-Disposition: attachment; filename="events-malaysia-airlines.csv"
         X-Total-Count: 23127      what the search finds
         X-Export-Truncated: true  the file holds fewer rows than that (limit cut it)

One row an event (``web.schemas.ExportRow``): id, date, title, story, contexts, sources
(names and their http(s) URLs), permalink. CSV choices, for the spreadsheets most readers
open it with: UTF-8 *with* a byte order mark (without one, Excel reads UTF-8 as the
system's code page and Chinese titles become mojibake; Python's ``utf-8-sig``, pandas
and LibreOffice skip it); CRLF line ends and quoting by the csv module (RFC 4180);
lists joined with `` | ``; and a cell that starts with ``= + - @``, a tab or a line end
gets a leading ``'`` (OWASP's advice against CSV injection: spreadsheets would run it as
a formula). JSON Lines is the lossless form: lists stay lists, nothing is prefixed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from indexer.event import Event
from indexer.urls import http_url
from search.params import given, parse_request
from web.api import PREFIX, api_route
from web.caching import conditional, version
from web.citation import permalink
from web.i18n import UI_PARAM
from web.openapi import EXPORT_LIMIT, OPERATION, query_parameters
from web.opensearch import base_url
from web.schemas import ExportRow
from web.state import state

JOIN = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"
NAME_WORDS = 8  # of the query, in the file's name
NAME_CHARS = 80
# An export costs the rate limit this many requests: 10,000 rows take ~1.3 s of CPU
# (docs/benchmarks/export-synth200k.md), ten pages of 100 hits or more; the budget is
# counted in requests, so a client could otherwise run two exports a second for a minute.
EXPORT_COST = 10
Rows = Iterator[list[ExportRow]]


def export_row(event: Event, base: str) -> ExportRow:
    return {
        "id": event.id,
        "date": event.date,
        "title": event.title,
        "story": event.story,
        "contexts": list(event.contexts),
        "sources": [{"name": s.name or s.domain, "url": http_url(s.url)} for s in event.sources],
        "permalink": permalink(base, event.id),
    }


# -- CSV ------------------------------------------------------------------------------


def defused(cell: str) -> str:
    """*cell* as a spreadsheet shows it but will not evaluate (OWASP: CSV injection)."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


COLUMNS: tuple[tuple[str, Callable[[ExportRow], str]], ...] = (
    ("id", lambda r: r["id"]),
    ("date", lambda r: r["date"].isoformat()),
    ("title", lambda r: r["title"]),
    ("story", lambda r: r["story"] or ""),
    ("contexts", lambda r: JOIN.join(r["contexts"])),
    ("sources", lambda r: JOIN.join(s["name"] for s in r["sources"])),
    ("source_urls", lambda r: JOIN.join(s["url"] or "" for s in r["sources"])),
    ("permalink", lambda r: r["permalink"]),
)


def csv_cells(row: ExportRow) -> list[str]:
    return [defused(cell(row)) for _, cell in COLUMNS]


def csv_chunks(batches: Rows) -> Iterator[str]:
    """The file: a byte order mark and the header, then one chunk a batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF, quotes where a cell needs them
    writer.writerow([name for name, _ in COLUMNS])
    yield BOM + buffer.getvalue()
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(csv_cells(row) for row in rows)
        yield buffer.getvalue()


# -- JSON Lines -----------------------------------------------------------------------


def json_line(row: ExportRow) -> str:
    return json.dumps({**row, "date": row["date"].isoformat()}, ensure_ascii=False) + "\n"


def jsonl_chunks(batches: Rows) -> Iterator[str]:
    for rows in batches:
        yield "".join(map(json_line, rows))


# -- the routes -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Format:
    extension: str
    label: str  # as the results page links it
    media_type: str
    chunks: Callable[[Rows], Iterator[str]]

    @property
    def path(self) -> str:
        return f"/search.{self.extension}"


FORMATS = (
    Format("csv", "CSV", OPERATION["/search.csv"].download, csv_chunks),
    Format("jsonl", "JSON Lines", OPERATION["/search.jsonl"].download, jsonl_chunks),
)
READER_TAKES = query_parameters("/search.csv") | {UI_PARAM}
HEADERS = ("Content-Disposition", "X-Total-Count", "X-Export-Truncated")  # for CORS
COSTS = {path: EXPORT_COST for f in FORMATS for path in (f.path, PREFIX + f.path)}


def disposition(query: str, extension: str) -> str:
    """``attachment`` with a file name made of the query's words; its ASCII ones in
    ``filename``, all of them in ``filename*`` (RFC 6266) when some are not ASCII."""
    words = re.findall(r"\w+", query.lower())[:NAME_WORDS]
    name = "-".join(["events", *words])[:NAME_CHARS]
    plain = "-".join(["events", *(w for w in words if w.isascii())])[:NAME_CHARS]
    header = f'attachment; filename="{plain}.{extension}"'
    if name != plain:
        header += f"; filename*=UTF-8''{quote(name, safe='')}.{extension}"
    return header


def links(params: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The downloads of the search in *params* (those an export takes, paging dropped;
    the interface kept, for an error page in the reader's language)."""
    query = urlencode([(k, v) for k, v in given(params) if k in READER_TAKES])
    return [{"label": f.label, "type": f.media_type, "url": f"{f.path}?{query}"} for f in FORMATS]


def batches_of(events: Iterator[list[Event]], base: str) -> Rows:
    for batch in events:
        yield [export_row(event, base) for event in batch]


def download(request: Request, form: Format) -> Response:
    app, params = state(request), request.query_params.multi_items()
    search_request = parse_request(params)
    limit = int(EXPORT_LIMIT.get(params))

    def make() -> Response:
        total, events = app.search.export(search_request, limit)
        rows = form.chunks(batches_of(events, base_url(request)))
        headers = {
            "Content-Disposition": disposition(search_request.q, form.extension),
            "X-Total-Count": str(total),
            "X-Export-Truncated": "true" if total > limit else "false",
        }
        return StreamingResponse(rows, media_type=form.media_type, headers=headers)

    generation = version(app.search.snapshot().name)
    return conditional(request, generation, app.settings.cache_seconds, make)


def _handler(form: Format) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        return download(request, form)

    handle.__name__ = f"export_{form.extension}"
    return handle


# The same files for readers (linked from the results page; an error is a page in their
# language) and for the API (under PREFIX, which has no interface language).
routes = [api_route(f.path, _handler(f), frozenset({UI_PARAM})) for f in FORMATS]
api_routes = [api_route(f.path, _handler(f)) for f in FORMATS]
