"""The pipeline is visible in the imports: indexer <- search <- web, no module imports
one above it, no two modules import each other (even lazily, in a function, or only for
type checking), and numpy stays below web.

Imports are read from the source (``ast``), every ``import`` statement anywhere in a
module, so a cycle hidden in a function body or behind ``TYPE_CHECKING`` counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("indexer", "search", "web", "eventsearch")
# What each package may not import: the layers above it. (web reads eventsearch.settings,
# the one table of settings, so only the packages of the pipeline are ordered.)
ABOVE = {"indexer": {"search", "web", "eventsearch"}, "search": {"web", "eventsearch"}}


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported(name: str) -> Iterator[str]:
    """Every name module *name* imports, relative imports resolved."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text("utf-8"), package)


def imports_in(source: str, package: str) -> Iterator[str]:
    """Every name *source* (a module of *package*) imports, anywhere in it."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:  # "from search import browse" imports a module
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base


@cache
def project_imports(name: str) -> frozenset[str]:
    """The project's modules that module *name* imports."""
    found = set()
    for target in imported(name):
        while target and target not in modules():
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return frozenset(found)


def cycle_through(start: str) -> list[str] | None:
    """A chain of imports from *start* back to itself, if there is one."""
    path, seen = [start], set()

    def walk(name: str) -> bool:
        for target in sorted(project_imports(name)):
            if target == start:
                return True
            if target not in seen:
                seen.add(target)
                path.append(target)
                if walk(target):
                    return True
                path.pop()
        return False

    return [*path, start] if walk(start) else None


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_imports_itself_round_a_circle(name: str) -> None:
    cycle = cycle_through(name)
    assert cycle is None, " -> ".join(cycle or ())


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.split(".")[0] in ABOVE))
def test_no_module_imports_a_layer_above_its_own(name: str) -> None:
    above = ABOVE[name.split(".")[0]]
    assert not {t for t in project_imports(name) if t.split(".")[0] in above}


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.startswith("web")))
def test_web_leaves_arrays_to_search(name: str) -> None:
    """Per-generation arrays are computed once in search; web gets plain values."""
    assert not {t for t in imported(name) if t.split(".")[0] == "numpy"}


def test_the_checks_see_lazy_relative_and_type_checking_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from search.snapshot import Snapshot\n"
        "def f():\n    import search.evaluate\n    from . import browse\n"
        "from .matches import Matches\n"
    )
    assert set(imports_in(source, "search")) == {
        "typing",
        "search.snapshot",
        "search.evaluate",
        "search.browse",
        "search.matches",
    }
