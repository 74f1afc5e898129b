"""Which of a name's spellings suits a reader's Chinese script.

The archive writes some story names both ways (伊斯兰国 and 伊斯蘭國 are one story, since
contexts compare Traditional = Simplified). A reader of the Traditional interface is
shown the Traditional spelling where the archive has one, a reader of the Simplified
interface the Simplified one. Nothing is converted: only spellings the archive itself
uses are chosen between, so text the archive has in one script stays as written.

Which characters belong to one script only is read off OpenCC's character tables (the
ones ``indexer.analysis`` folds with): a character whose table entry does not list
itself among its conversions (后 -> 後 后 is shared; 兰 -> 蘭 is Simplified only).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources

TABLES = {"Hans": "STCharacters.txt", "Hant": "TSCharacters.txt"}  # that script -> other


@functools.cache
def only_in(script: str) -> frozenset[str]:
    """The characters of *script* ("Hans", "Hant") that the other script writes otherwise."""
    text = (resources.files("opencc") / "dictionary" / TABLES[script]).read_text("utf-8")
    own = set()
    for line in text.splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and source not in targets.split():
            own.add(source)
    return frozenset(own)


def misfits(text: str, script: str) -> int:
    """How many characters of *text* belong to the script other than *script*."""
    other = only_in("Hans" if script == "Hant" else "Hant")
    return sum(char in other for char in text)


def prefer(spellings: Sequence[str], script: str | None) -> str:
    """Of one name's *spellings* (the usual one first), the one that reads best in
    *script*; the first when none reads better, or when the reader has no script."""
    if script is None or len(spellings) < 2:
        return spellings[0]
    return min(spellings, key=lambda spelling: misfits(spelling, script))
