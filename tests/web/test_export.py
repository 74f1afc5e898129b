"""Exports: /search.csv and /search.jsonl hold the search's results in its pages' order,
filtered as the search is, capped and saying so, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from indexer.build import run
from search.params import SEARCH_PARAMS
from web import export, openapi

from .conftest import make_client

CSV_COLUMNS = ["id", "date", "title", "story", "contexts", "sources", "source_urls", "permalink"]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = body.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == CSV_COLUMNS
    return list(reader)


def jsonl_rows(body: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in body.decode("utf-8").splitlines()]


def api_ids(client: TestClient, params: dict[str, Any], pages: int = 10) -> list[str]:
    """The ids of the search's first *pages* pages of 100, as the API lists them."""
    ids: list[str] = []
    for page in range(1, pages + 1):
        answer = client.get("/api/v1/search", params={**params, "per_page": 100, "page": page})
        hits = answer.json()["hits"]
        ids += [hit["id"] for hit in hits]
        if len(hits) < 100:
            break
    return ids


SEARCHES = [
    {"q": ""},
    {"q": "malaysia airlines"},
    {"q": "venezuela", "sort": "newest"},
    {"q": "", "year": "2014", "sort": "oldest"},
    {"q": "syria OR iraq", "lang": "en"},
    {"q": "malaysa"},  # corrected, as the page shows it
]


@pytest.mark.parametrize(
    "params", SEARCHES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_a_csv_lists_the_ids_of_the_api_pages_in_their_order(
    client: TestClient, params: dict[str, str]
) -> None:
    answer = client.get("/search.csv", params=params)
    assert answer.status_code == 200
    ids = [row["id"] for row in csv_rows(answer.content)]
    assert ids and ids == api_ids(client, params)
    assert answer.headers["x-total-count"] == str(len(ids))
    assert answer.headers["x-export-truncated"] == "false"


def test_json_lines_hold_what_the_csv_holds(client: TestClient) -> None:
    params = {"q": "malaysia airlines"}
    table = csv_rows(client.get("/search.csv", params=params).content)
    lines = jsonl_rows(client.get("/api/v1/search.jsonl", params=params).content)
    assert [line["id"] for line in lines] == [row["id"] for row in table]
    for line, row in zip(lines, table, strict=True):
        assert row["date"] == line["date"] and row["permalink"] == line["permalink"]
        assert row["contexts"] == " | ".join(line["contexts"])
        assert row["sources"] == " | ".join(s["name"] for s in line["sources"])
        assert row["source_urls"] == " | ".join(s["url"] or "" for s in line["sources"])
        assert line["story"] == (line["contexts"] or [None])[0]


def test_a_row_is_the_event_as_its_page_has_it(client: TestClient, event_id: str) -> None:
    event = client.get(f"/api/v1/events/{event_id}").json()
    lines = jsonl_rows(client.get("/search.jsonl", params={"q": "boeing amsterdam"}).content)
    line = next(line for line in lines if line["id"] == event_id)
    assert line["title"] == event["title"] and line["contexts"] == event["contexts"]
    assert line["permalink"] == event["citation"]["permalink"]
    assert line["sources"] == [{"name": s["name"], "url": s["url"]} for s in event["sources"]]


@pytest.mark.parametrize(
    ("params", "holds"),
    [
        ({"context": "Venezuelan crisis"}, lambda r: "Venezuelan crisis" in r["contexts"]),
        ({"year": "2014"}, lambda r: r["date"].startswith("2014")),
        ({"month": "2014-07", "year": "2014"}, lambda r: r["date"].startswith("2014-07")),
        ({"from": "2017-01-01", "to": "2017-12-31"}, lambda r: r["date"].startswith("2017")),
        ({"domain": "reuters.com"}, lambda r: "reuters.com" in json.dumps(r["sources"])),
        ({"q": 'context:"Syrian Civil War"'}, lambda r: "Syrian Civil War" in r["contexts"]),
    ],
    ids=lambda v: json.dumps(v) if isinstance(v, dict) else "",
)
def test_filters_narrow_the_export_as_they_narrow_the_search(
    client: TestClient, params: dict[str, str], holds: Any
) -> None:
    everything = int(client.get("/search.jsonl").headers["x-total-count"])
    answer = client.get("/search.jsonl", params=params)
    rows = jsonl_rows(answer.content)
    assert rows and len(rows) < everything and all(holds(row) for row in rows)
    assert len(rows) == client.get("/api/v1/search", params=params).json()["total"]


def test_a_limit_cuts_the_file_and_the_headers_say_so(client: TestClient) -> None:
    answer = client.get("/search.csv", params={"q": "malaysia", "limit": "3"})
    rows = csv_rows(answer.content)
    total = client.get("/api/v1/search", params={"q": "malaysia"}).json()["total"]
    assert len(rows) == 3 < total
    assert answer.headers["x-total-count"] == str(total)
    assert answer.headers["x-export-truncated"] == "true"


@pytest.mark.parametrize("path", ["/search.csv", "/search.jsonl"])
def test_a_file_is_a_download_named_after_the_query(client: TestClient, path: str) -> None:
    answer = client.get(path, params={"q": "Malaysia Airlines!"})
    extension = path.rsplit(".", 1)[1]
    expected = f'attachment; filename="events-malaysia-airlines.{extension}"'
    assert answer.headers["content-disposition"] == expected
    media = openapi.OPERATION[path].download
    assert answer.headers["content-type"].split(";")[0] == media


def test_a_chinese_query_names_the_file_in_both_forms() -> None:
    header = export.disposition("马航 MH17", "csv")
    assert header == (
        'attachment; filename="events-mh17.csv"; '
        "filename*=UTF-8''events-%E9%A9%AC%E8%88%AA-mh17.csv"
    )
    assert export.disposition('"; evil="x', "csv") == 'attachment; filename="events-evil-x.csv"'


def test_csv_lines_end_in_crlf_and_text_is_quoted_where_it_must_be() -> None:
    chunks = list(export.csv_chunks(iter([[sample_row(title='He said "no", then left\nearly')]])))
    text = "".join(chunks)
    assert text.startswith("\ufeffid,date,") and "\r\n" in text
    (parsed,) = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert parsed["title"] == 'He said "no", then left\nearly'


def sample_row(**changes: Any) -> Any:
    row = {
        "id": "news/2020/01/1/a",
        "date": dt.date(2020, 1, 1),
        "title": "A title.",
        "story": "A story",
        "contexts": ["A story", "Elsewhere"],
        "sources": [{"name": "Gazette", "url": "https://gazette.example.com/a"}],
        "permalink": "https://events.example.org/events/news/2020/01/1/a",
    }
    return {**row, **changes}


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("A ferry = a boat", "A ferry = a boat"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_prefixed(cell: str, shown: str) -> None:
    assert export.defused(cell) == shown


def test_unknown_parameters_are_refused_naming_them(client: TestClient) -> None:
    for path in ("/api/v1/search.csv", "/api/v1/search.jsonl"):
        for name in ("page", "per_page", "facets", "contxt", "ui"):
            answer = client.get(path, params={"q": "x", name: "2"})
            assert answer.status_code == 400, (path, name)
            assert answer.headers["content-type"] == "application/problem+json"
            assert repr(name) in answer.json()["detail"]
        assert client.get(path, params={"q": "x", "_": "1700000000"}).status_code == 200
    page = client.get("/search.csv", params={"q": "x", "page": "2"})
    shown = BeautifulSoup(page.text, "html.parser").get_text()
    assert page.status_code == 400 and "'page'" in shown  # a page, for a reader's link
    assert client.get("/search.csv", params={"q": "x", "ui": "zh-Hans"}).status_code == 200


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "10001"}, {"year": "1800"}])
def test_bad_values_are_refused(client: TestClient, params: dict[str, str]) -> None:
    answer = client.get("/api/v1/search.csv", params=params)
    assert answer.status_code == 400 and next(iter(params)) in answer.json()["detail"]


def test_an_export_takes_the_searchs_filters_and_a_limit_from_the_table() -> None:
    takes = openapi.query_parameters("/search.csv")
    assert takes == openapi.query_parameters("/search.jsonl")
    expected = {p.name for p in SEARCH_PARAMS} - {"page", "per_page", "facets"} | {"limit"}
    assert takes == expected
    limit = {p["name"]: p for p in openapi.OPERATION["/search.csv"].parameters()}["limit"]
    assert limit["schema"]["maximum"] == openapi.MAX_EXPORT_ROWS == 10_000


def test_the_description_names_the_files_and_their_headers(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, media in (("/search.csv", "text/csv"), ("/search.jsonl", "application/x-ndjson")):
        ok = spec["paths"][path]["get"]["responses"]["200"]
        assert list(ok["content"]) == [media]
        assert {"X-Total-Count", "X-Export-Truncated", "Content-Disposition"} <= set(ok["headers"])
    jsonl = spec["paths"]["/search.jsonl"]["get"]["responses"]["200"]["content"]
    assert jsonl["application/x-ndjson"]["x-itemSchema"] == {
        "$ref": "#/components/schemas/ExportRow"
    }


def test_the_results_page_links_its_downloads_with_its_filters(client: TestClient) -> None:
    page = client.get("/search", params={"q": "venezuela", "year": "2017", "page": "2"})
    soup = BeautifulSoup(page.text, "html.parser")
    links = soup.select("p.download a[download]")
    assert [a.get_text() for a in links] == ["CSV", "JSON Lines"]
    for a, path in zip(links, ("/search.csv", "/search.jsonl"), strict=True):
        url = urlsplit(str(a["href"]))
        assert url.path == path and url.query == "q=venezuela&year=2017"  # no page
        assert client.get(str(a["href"])).status_code == 200


def test_an_export_is_answered_304_when_the_client_has_it(client: TestClient) -> None:
    first = client.get("/search.csv", params={"q": "malaysia"})
    again = client.get(
        "/search.csv", params={"q": "malaysia"}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


# -- hostile archives -------------------------------------------------------------------

DAY = "news/2020/01/1"
HOSTILE_TITLE = "=cmd|' /C calc'!A0 and a ferry pier opens in Examplia."


def hostile_page() -> str:
    return (
        f"### [2020-01-1](/news/2020/01/1/index.md)\n\n##### +SUM(1,2)\n"
        f"# {HOSTILE_TITLE}\n\nThe crossing took six years.\n\n"
        "### Sources:\n\n1. [@Outlet](javascript:alert(1))\n"
        "2. [-Gazette](https://www.gazette.example.com/a?b=1&c=2)\n"
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "archive" / DAY).mkdir(parents=True)
    (root / "archive" / DAY / "a-ferry-pier-opens.md").write_text(hostile_page(), "utf-8")
    run(root / "archive", root / "index", workers=1)
    with make_client(root / "index") as client:
        yield client


def test_hostile_text_is_defused_in_csv_and_kept_in_json_lines(hostile: TestClient) -> None:
    (row,) = csv_rows(hostile.get("/search.csv", params={"q": "ferry"}).content)
    assert row["title"] == "'" + HOSTILE_TITLE
    assert row["story"] == row["contexts"] == "'+SUM(1,2)"
    assert row["sources"] == "'@Outlet | -Gazette"  # the cell starts with @
    assert row["source_urls"] == " | https://www.gazette.example.com/a?b=1&c=2"
    (line,) = jsonl_rows(hostile.get("/search.jsonl", params={"q": "ferry"}).content)
    assert line["title"] == HOSTILE_TITLE and line["story"] == "+SUM(1,2)"
    assert line["sources"][0] == {"name": "@Outlet", "url": None}  # never javascript:


# -- the cap, on a synthetic archive larger than it -------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from bench.synth import generate

    root = tmp_path_factory.mktemp("synth")
    generate(root / "archive", openapi.MAX_EXPORT_ROWS + 50, seed=3)
    run(root / "archive", root / "index", workers=2)
    with make_client(root / "index") as client:
        yield client


@pytest.mark.slow
def test_an_export_stops_at_ten_thousand_rows_and_says_so(synthetic: TestClient) -> None:
    with synthetic.stream("GET", "/search.csv", params={"sort": "newest"}) as answer:
        assert "content-length" not in answer.headers  # streamed
        chunks = list(answer.iter_bytes())
    rows = csv_rows(b"".join(chunks))
    total = int(answer.headers["x-total-count"])
    assert len(rows) == openapi.MAX_EXPORT_ROWS < total
    assert answer.headers["x-export-truncated"] == "true"
    assert len(chunks) > 10
    pages = api_ids(synthetic, {"sort": "newest"})  # the API pages the first 1,000
    assert [row["id"] for row in rows[: len(pages)]] == pages
    dates = [row["date"] for row in rows]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.slow
def test_a_relevance_export_past_the_paging_cap_keeps_the_pages_order(
    synthetic: TestClient,
) -> None:
    params = {"q": "united nations"}
    lines = jsonl_rows(synthetic.get("/search.jsonl", params=params).content)
    assert len(lines) > 1000
    assert [line["id"] for line in lines[:1000]] == api_ids(synthetic, params)


# -- the real archive -------------------------------------------------------------------


@pytest.mark.corpus
def test_a_chinese_export_of_the_real_archive(zh_index: Path) -> None:
    with make_client(zh_index, public_url="https://events.example.org") as client:
        params = {"q": "地震"}
        answer = client.get("/search.csv", params=params)
        rows = csv_rows(answer.content)
        assert len(rows) > 10 and [r["id"] for r in rows] == api_ids(client, params)
        assert (
            "filename*=UTF-8''events-%E5%9C%B0%E9%9C%87.csv"
            in answer.headers["content-disposition"]
        )
        assert all(
            r["permalink"].startswith("https://events.example.org/events/news/") for r in rows
        )
        assert any("地震" in r["title"] for r in rows)
        lines = jsonl_rows(client.get("/search.jsonl", params=params).content)
        urls = [s["url"] for line in lines for s in line["sources"] if s["url"]]
        assert urls and all(u.startswith(("http://", "https://")) for u in urls)
