"""The fixed query sets of the search benchmarks, one per archive kind (``synth``, ``zh``).

The sets are data, in ``bench/data/queries.toml`` (what each set holds and why is said
there). Each query is ``(label, params)`` with URL-style pairs for
``search.params.parse_request``: ``q`` first, then the filters (``context``, ``domain``,
``year``) in the order the file gives them, as the web form sends them.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

QUERIES = Path(__file__).resolve().parent / "data" / "queries.toml"
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')  # -word, "a phrase" (maybe unclosed), word

Params = list[tuple[str, str]]
Query = tuple[str, Params]


def _query(entry: dict[str, str | list[str]]) -> Query:
    """``{label, q, filter: value | [values]}`` -> ``(label, [("q", q), (filter, value)…])``."""
    fields = dict(entry)
    label = fields.pop("label")
    assert isinstance(label, str), f"a query's label is a string, not {label!r}"
    params = [(key, item) for key, value in fields.items() for item in _listed(value)]
    return label, params


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


@cache
def query_sets() -> dict[str, list[Query]]:
    with QUERIES.open("rb") as handle:
        data = tomllib.load(handle)
    return {kind: [_query(entry) for entry in entries] for kind, entries in data.items()}


def queries(kind: str) -> list[Query]:
    """The query set for an archive kind (``synth`` or ``zh``)."""
    try:
        return query_sets()[kind]
    except KeyError:
        known = ", ".join(query_sets())
        raise ValueError(f"unknown query set {kind!r}; one of {known}") from None


def q_of(params: Params) -> str:
    """The text of a query (``""`` when it has none)."""
    return next((v for k, v in params if k == "q"), "")


def params_of(params: Params, key: str) -> list[str]:
    """The non-blank values of one parameter, in order."""
    return [v for k, v in params if k == key and v.strip()]


def describe(params: Params) -> str:
    """Short display of a query: ``q`` plus its filters."""
    filters = [f"{k}={v}" for k, v in params if k != "q"]
    return (q_of(params) or "(empty)") + (f" [{', '.join(filters)}]" if filters else "")


def tokens(q: str) -> list[str]:
    """The tokens of a query's text: ``-word``, ``"a phrase"`` (maybe unclosed), ``word``."""
    return list(_TOKEN.findall(q))
