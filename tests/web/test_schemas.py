"""The OpenAPI description says exactly what the API answers: real answers of every
operation validate against the schemas made from the result types (web.schemas), with
every key the schema names and no other."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

import jsonschema_rs
import pytest
from starlette.testclient import TestClient

from search.params import FILTERS, YEARS
from web import schemas
from web.openapi import OPERATIONS

# Requests answered by each operation: together, every shape an answer takes (facets
# with and without a chosen year, a corrected query, a story in the reader's script).
EXAMPLES = {
    "/search": [
        "/search?q=malaysia+airlines",
        "/search?q=&year=2014&lang=en&from=2014-01-01&per_page=3",
        "/search?q=malaysa&facets=0",
        "/search?q=zzzqqqxxx",
        "/search?group=story&per_page=20",
    ],
    "/events/{id}": ["/events/{event_id}"],
    "/events/{id}/related": ["/events/{event_id}/related"],
    "/contexts/{name}": ["/contexts/Syrian%20Civil%20War", "/contexts/Venezuelan%20crisis?page=1"],
    "/days/{date}": ["/days/2014-07-17"],
    "/on-this-day/{month_day}": ["/on-this-day/07-17", "/on-this-day/02-29"],
    "/suggest": ["/suggest?q=mala", "/suggest?q=syr&script=Hant", "/suggest?q="],
    "/overview": ["/overview"],
    "/stories": ["/stories", "/stories?name=war&page=1"],
    "/places": ["/places"],
    "/places/{code}": ["/places/US", "/places/MY"],
    "/calendar": ["/calendar"],
    "/calendar/{period}": ["/calendar/2014", "/calendar/2014-07"],
    "/facets/{name}": ["/facets/context?q=", "/facets/domain?year=2014&facet_q=bbc"],
    "/search.csv": ["/search.csv?q=malaysia&limit=3"],
    "/search.jsonl": ["/search.jsonl?q=malaysia+airlines", "/search.jsonl?q=&lang=zh&limit=5"],
}
ERRORS = [
    "/search?page=0",
    "/events/news/2014/07/17/none-such",
    "/calendar/1800",
    "/nowhere",
    "/places/ZZ",
    "/places/cn",
]


def strict(schema: Any) -> Any:
    """*schema* allowing no key it does not name (the served one lets clients expect
    more keys one day; this test wants to know of each one now)."""
    if isinstance(schema, dict):
        schema = {key: strict(value) for key, value in schema.items()}
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [strict(value) for value in schema]
    return schema


@pytest.fixture(scope="module")
def components(client: TestClient) -> dict[str, Any]:
    served: dict[str, Any] = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    return served


def validator(components: dict[str, Any], name: str) -> Any:
    root = {"$ref": schemas.REF.format(name=name), "components": {"schemas": components}}
    return jsonschema_rs.validator_for(strict(copy.deepcopy(root)), validate_formats=True)


def errors(components: dict[str, Any], name: str, body: Any) -> list[str]:
    found = validator(components, name).iter_errors(body)
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in found][:5]


def test_every_operation_has_examples_here() -> None:
    assert set(EXAMPLES) == {o.path for o in OPERATIONS}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.path)
def test_every_answer_is_exactly_its_documented_schema(
    client: TestClient, components: dict[str, Any], event_id: str, operation: Any
) -> None:
    name = schemas.name_of(operation.body)
    for path in EXAMPLES[operation.path]:
        response = client.get("/api/v1" + path.format(event_id=quote(event_id, safe="/")))
        assert response.status_code == 200, (path, response.text[:300])
        for body in bodies(operation, response):
            assert errors(components, name, body) == [], path


def bodies(operation: Any, response: Any) -> list[Any]:
    """The JSON values of an answer: its body, or each line of a JSON Lines file (each
    row of a CSV file is checked by tests/web/test_export.py)."""
    if not operation.download:
        return [response.json()]
    assert response.headers["content-type"].split(";")[0] == operation.download
    if "json" not in operation.download:
        return []
    lines = response.text.splitlines()
    assert lines
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("path", ERRORS)
def test_every_error_is_a_problem(
    client: TestClient, components: dict[str, Any], path: str
) -> None:
    response = client.get("/api/v1" + path)
    assert response.status_code >= 400
    assert response.headers["content-type"] == "application/problem+json"
    assert errors(components, "Problem", response.json()) == []


def test_every_schema_is_valid_json_schema(components: dict[str, Any]) -> None:
    for name, schema in components.items():
        assert jsonschema_rs.meta.is_valid(schema), name


def test_a_merged_body_has_the_fields_of_both_types(components: dict[str, Any]) -> None:
    event = set(components["Event"]["properties"])
    hit = components["Hit"]
    assert event | {"highlight", "truncated", "score", "group"} == set(hit["properties"])
    # the event's defaults too; a story group only when grouped
    assert set(hit["required"]) == set(hit["properties"]) - {"group"}


def test_a_key_a_body_lacks_is_caught(components: dict[str, Any]) -> None:
    day: dict[str, Any] = {"date": "2014-07-17", "previous": None, "next": None, "events": []}
    assert errors(components, "Day", day) == []
    assert errors(components, "Day", {**day, "extra": 1})  # not documented
    assert errors(components, "Day", {k: v for k, v in day.items() if k != "next"})


def test_the_filters_echo_is_written_from_the_parameter_table(
    components: dict[str, Any],
) -> None:
    filters = components["Filters"]
    assert list(filters["properties"]) == [p.name for p in FILTERS]
    assert filters["properties"]["year"]["items"]["minimum"] == YEARS[0]
    assert filters["properties"]["from"]["anyOf"][1] == {"type": "null"}


def test_a_nested_value_of_the_wrong_type_is_caught(
    client: TestClient, components: dict[str, Any]
) -> None:
    body = client.get("/api/v1/search", params={"q": "malaysia airlines"}).json()
    assert errors(components, "SearchResult", body) == []
    body["hits"][0]["sources"][0]["url"] = None
    body["facets"][0]["values"][0]["toggle_url"] = "not a uri"
    body["filters"]["from"] = "yesterday"
    found = sorted(e.partition(":")[0] for e in errors(components, "SearchResult", body))
    assert found == ["facets/0/values/0/toggle_url", "filters/from", "hits/0/sources/0/url"]
