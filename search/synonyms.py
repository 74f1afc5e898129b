"""Synonyms and short forms a query also searches (``search/data/synonyms.tsv``).

The data file documents its rules; this module reads it once per process and answers
one question: which other forms a typed word stands for. ``quake`` -> ``earthquake``,
``UN`` -> ``United Nations``, ``川普`` <-> ``特朗普``. Words compare folded
(:func:`indexer.analysis.fold_chars`: case, accents, Traditional = Simplified).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from indexer.analysis import fold_chars

WEIGHT = 0.5  # an alternative's score, as a share of the typed word's
KINDS = frozenset({"short", "abbrev", "name"})  # name: both ways; the others: one way
DATA = "synonyms.tsv"


def fold_word(word: str) -> str:
    return " ".join(fold_chars(word).split())


def parse(text: str) -> Mapping[str, tuple[str, ...]]:
    """The rules of a synonyms file -> folded word -> its alternatives, in file order."""
    table: dict[str, list[str]] = {}

    def add(word: str, others: list[str]) -> None:
        known = table.setdefault(fold_word(word), [])
        for other in others:
            if fold_word(other) != fold_word(word) and other not in known:
                known.append(other)

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] not in KINDS or not fields[1] or not fields[2]:
            raise ValueError(f"{DATA} line {number}: want kind<TAB>word<TAB>a|b, not {line!r}")
        kind, word, alternatives = fields[0], fields[1], fields[2].split("|")
        add(word, alternatives)
        if kind == "name":
            forms = [word, *alternatives]
            for form in alternatives:
                add(form, forms)
    return MappingProxyType({w: tuple(a) for w, a in table.items()})


@cache
def table() -> Mapping[str, tuple[str, ...]]:
    """The shipped rules, read on first use."""
    return parse(files("search").joinpath("data", DATA).read_text(encoding="utf-8"))


def alternatives(word: str) -> tuple[str, ...]:
    """What else *word* (as typed) stands for; () when the list knows no other form."""
    return table().get(fold_word(word), ())
