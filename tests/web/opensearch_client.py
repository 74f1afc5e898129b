"""An OpenSearch 1.1 client's reading of a description document: its ``Url`` templates,
filled as the spec's substitution rules say (and as Firefox's ``ParamSubstitution``
does): ``{searchTerms}`` gets the URL-encoded terms, parameters the client knows get
their values, every other optional ``{name?}`` (also namespaced, ``{ns:name?}``) gets
the empty string, and a required one gets the spec's default or makes the template
unusable."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus
from xml.etree import ElementTree as ET

OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
# tparameter = "{" [ tprefix ":" ] tlname [ "?" ] "}"  (OpenSearch 1.1, template grammar)
PARAMETER = re.compile(r"\{(?:(?P<prefix>[^{}:?]+):)?(?P<name>[^{}:?]+)(?P<optional>\?)?\}")


class UnusableTemplate(ValueError):
    """A required parameter the client has no value for (the spec forbids "")."""


@dataclass(frozen=True)
class UrlTemplate:
    type: str
    method: str  # lower case; "get" when absent
    rel: str  # "results" when absent
    template: str
    namespaces: Mapping[str, str]  # XML prefixes in scope on the Url element
    page_offset: int = 1
    index_offset: int = 1


def url_templates(document: bytes) -> list[UrlTemplate]:
    """Every ``Url`` of a description, with the namespace prefixes in scope on it
    (ElementTree forgets prefixes, so they are tracked while parsing)."""
    scopes: list[dict[str, str]] = [{}]
    declared: dict[str, str] = {}
    found = []
    for event, item in ET.iterparse(io.BytesIO(document), events=("start-ns", "start", "end")):
        if event == "start-ns":
            prefix, uri = item
            declared[prefix] = uri
        elif event == "start":
            scopes.append({**scopes[-1], **declared})
            declared = {}
            if item.tag == f"{{{OPENSEARCH}}}Url":
                found.append(
                    UrlTemplate(
                        type=item.get("type", ""),
                        method=item.get("method", "get").lower(),
                        rel=item.get("rel", "results"),
                        template=item.get("template", ""),
                        namespaces=scopes[-1],
                        page_offset=int(item.get("pageOffset", "1")),
                        index_offset=int(item.get("indexOffset", "1")),
                    )
                )
        else:
            scopes.pop()
    return found


def fill(
    url: UrlTemplate, search_terms: str, known: Mapping[tuple[str, str], str] | None = None
) -> str:
    """*url*'s template with every parameter replaced; *known*: other values the client
    has, by (namespace URI, local name)."""
    values = {
        # Firefox escapes the terms as a form does (ConvertAndEscape: space -> "+")
        (OPENSEARCH, "searchTerms"): quote_plus(search_terms),
        (OPENSEARCH, "inputEncoding"): "UTF-8",
        (OPENSEARCH, "outputEncoding"): "UTF-8",
        **(known or {}),
    }
    defaults = {
        (OPENSEARCH, "startPage"): str(url.page_offset),
        (OPENSEARCH, "startIndex"): str(url.index_offset),
        (OPENSEARCH, "language"): "*",
    }

    def substitute(match: re.Match[str]) -> str:
        prefix = match["prefix"]
        if prefix is not None and prefix not in url.namespaces:
            raise UnusableTemplate(f"undeclared prefix in {match[0]}")
        key = (OPENSEARCH if prefix is None else url.namespaces[prefix], match["name"])
        if key in values:
            return values[key]
        if match["optional"]:
            return ""
        if key in defaults:
            return defaults[key]
        raise UnusableTemplate(f"no value for the required parameter {match[0]}")

    return PARAMETER.sub(substitute, url.template)
