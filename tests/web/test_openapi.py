"""The OpenAPI description is written from the parameter table (search.params) and the
result types (web.schemas): its bounds are the code's, whatever they become."""

from __future__ import annotations

import re
from typing import Any

import pytest

from search import params
from search.params import SEARCH_PARAMS
from web import openapi, schemas

from ..conftest import ROOT


def parameters(path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in openapi.paths()[path]["get"]["parameters"]}


def test_search_parameters_are_the_tables_in_its_order() -> None:
    assert list(parameters("/search")) == [p.name for p in SEARCH_PARAMS]


def test_bounds_are_the_codes() -> None:
    search = parameters("/search")
    year = search["year"]["schema"]
    assert (year["items"]["minimum"], year["items"]["maximum"]) == params.YEARS
    assert year["maxItems"] == params.MAX_FILTER_VALUES and search["year"]["explode"]
    assert search["q"]["schema"]["maxLength"] == params.MAX_QUERY_CHARS
    assert search["per_page"]["schema"]["maximum"] == params.MAX_PER_PAGE
    assert search["per_page"]["schema"]["default"] == params.DEFAULT_PER_PAGE
    assert search["page"]["schema"]["maximum"] == params.MAX_PAGE
    assert f"first {params.MAX_RESULTS} " in search["page"]["description"]
    assert search["lang"]["schema"]["items"]["enum"] == list(params.LANGS)
    assert search["sort"]["schema"] == {
        "type": "string",
        "enum": list(params.SORTS),
        "default": "relevance",
    }
    assert search["facets"]["schema"] == {"type": "string", "enum": ["0", "1"], "default": "1"}
    assert parameters("/suggest")["q"]["schema"]["maxLength"] == params.MAX_TEXT_CHARS
    assert parameters("/stories")["name"]["schema"]["maxLength"] == params.MAX_TEXT_CHARS
    assert parameters("/facets/{name}")["facet_q"]["schema"]["maxLength"] == params.MAX_TEXT_CHARS
    assert f"{params.YEARS[0]} to {params.YEARS[1]}" in openapi.PERIOD.help


def test_a_month_filter_is_anchored_as_the_code_matches_it() -> None:
    month = parameters("/search")["month"]["schema"]["items"]
    assert month == {"type": "string", "pattern": r"^(?:\d{4}-\d{2})$"}


def test_a_facets_list_takes_the_search_less_its_page_and_then_its_own() -> None:
    names = list(parameters("/facets/{name}"))
    assert names == [
        "name",
        *(p.name for p in SEARCH_PARAMS if p.name != "page"),
        "facet_q",
        "page",
    ]


@pytest.mark.parametrize("operation", openapi.OPERATIONS, ids=lambda o: o.path)
def test_each_operation_accepts_what_it_lists(operation: openapi.Operation) -> None:
    listed = {p["name"] for p in operation.parameters() if p["in"] == "query"}
    assert openapi.query_parameters(operation.path) == listed
    assert {p["name"] for p in operation.parameters() if p["in"] == "path"} == {
        part[1:-1] for part in operation.path.split("/") if part.startswith("{")
    }


def test_every_body_has_its_schema() -> None:
    components = openapi.components()
    for operation in openapi.OPERATIONS:
        assert schemas.name_of(operation.body) in components, operation.path
    assert "Problem" in components


def test_no_component_is_left_unused() -> None:
    components = openapi.components()
    used = {schemas.name_of(o.body) for o in openapi.OPERATIONS} | {"Problem"}
    for schema in components.values():
        used |= set(schemas.refs(schema))
    assert used == set(components)


def test_readme_lists_every_search_parameter() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    listed = readme[readme.index("`/api/v1/search` (") :].split(")")[0]
    assert re.findall(r"`(\w+)`", listed) == [p.name for p in SEARCH_PARAMS]
