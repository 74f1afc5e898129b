"""URLs of a search with one parameter changed: facet toggles, paging, sort.

Pages render these links to ``/search`` and the API hands clients the same ones to
``/api/v1/search`` (a facet value's ``toggle_url``), so both follow the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from urllib.parse import urlencode

from search.params import given


class SearchLinks:
    """URLs of the search at *path* with one parameter changed (facets, paging, sort).

    Parameters without a value mean nothing (:func:`search.params.given`) and are left out.
    """

    def __init__(self, params: Iterable[tuple[str, str]], path: str = "/search") -> None:
        self.items = [(k, v) for k, v in given(params) if k != "format"]
        self.path = path

    def _url(self, items: list[tuple[str, str]]) -> str:
        return f"{self.path}?{urlencode(items)}"

    @cached_property
    def _unpaged(self) -> str:
        """The query string without ``page``: every toggle starts from it."""
        return urlencode([(k, v) for k, v in self.items if k != "page"])

    def toggle(self, name: str, value: str) -> str:
        if name != "year" and (name, value) not in self.items:
            # The common case (a page has ~80 facet values): one value added.
            added = urlencode([(name, value)])
            query = f"{self._unpaged}&{added}" if self._unpaged else added
            return f"{self.path}?{query}"
        items = [(k, v) for k, v in self.items if k != "page"]
        if (name, value) in items:
            items.remove((name, value))
        else:
            items.append((name, value))
        if name == "year":  # months only make sense within one chosen year
            items = [(k, v) for k, v in items if k != "month"]
        return self._url(items)

    def only(self, name: str, value: str) -> str:
        items = [(k, v) for k, v in self.items if k not in (name, "page")]
        return self._url([*items, (name, value)])

    def narrow(self, level: str, bucket: str) -> str:
        """The search narrowed to one bucket of its timeline (search.histogram): a year
        ("2011"), a month of it ("2011-03": its year too) or a day ("2011-03-11": from
        and to that day); every other filter kept, page reset."""
        if level == "days":
            return self.replaced({"from": (bucket,), "to": (bucket,)})
        if level == "months":
            return self.replaced({"year": (bucket[:4],), "month": (bucket,)})
        return self.replaced({"year": (bucket,), "month": ()})

    def widen(self, year: str = "") -> str:
        """The search up its timeline: to the months of *year* ("2011"), or with none, to
        every year; what the timeline set is dropped (a month, a chosen day), the
        reader's own date range kept."""
        dates = {k: v for k, v in self.items if k in ("from", "to")}
        day = {"from": (), "to": ()} if len(dates) == 2 and len(set(dates.values())) == 1 else {}
        return self.replaced({"year": (year,) if year else (), "month": (), **day})

    def replaced(self, values: dict[str, tuple[str, ...]]) -> str:
        """The search with *values* instead of its values of those names, page reset."""
        items = [(k, v) for k, v in self.items if k not in values and k != "page"]
        return self._url([*items, *((k, v) for k, vs in values.items() for v in vs)])

    def page(self, number: int) -> str:
        return self._url([*((k, v) for k, v in self.items if k != "page"), ("page", str(number))])

    def sort(self, value: str) -> str:
        return self.only("sort", value)

    def query(self, text: str) -> str:
        return self.only("q", text)

    def story(self, name: str) -> str:
        """This search narrowed to the story *name*, ungrouped: a group's other events."""
        items = [(k, v) for k, v in self.items if k not in ("page", "group")]
        return self._url(items if ("context", name) in items else [*items, ("context", name)])

    def without(self, *names: str) -> str:
        return self._url([(k, v) for k, v in self.items if k not in names])
