"""Story headings glued onto the event text: ``"Peru-Venezuela relationsPeruvian President …"``,
``"Syrian civil war:The Syrian Army …"``.

Some generator runs dropped the paragraph break between the story heading and the text,
leaving nothing or a bare colon between them, in page titles and in listing entries alike.
We split only where the archive itself vouches for the split, with any one of:

1. the prefix is a heading or topic seen elsewhere in the archive (``##### …``, ``_Context:``);
2. the same day names the event by the rest of the text alone (a listing entry for a
   page, a page for a listing entry);
3. the slug kept the lost paragraph as a stray ``p`` between the two parts
   (``…-relationspperuvian-president-…``, ``…-civil-war-pthe-syrian-army-…``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from indexer.text import fold_key

# A lower-case letter, digit or closing bracket directly followed (or after a bare colon)
# by an upper-case letter.
_GLUE = re.compile(r"(?<=[a-z0-9)\]]):?(?=[A-Z])")
MAX_HEADING_CHARS = 80


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def glue_points(title: str) -> Iterator[tuple[int, int]]:
    """(where a heading could end, where the text would start), shortest prefix first."""
    for match in _GLUE.finditer(title[: MAX_HEADING_CHARS + 2]):
        if 3 <= match.start() <= MAX_HEADING_CHARS:
            yield match.start(), match.end()


def split_glued_heading(
    title: str,
    slug: str,
    known_headings: Collection[str],
    listing_titles: Collection[str],
) -> tuple[str | None, str]:
    """``(heading, text)`` when the archive vouches for a split, else ``(None, title)``.

    *known_headings* and *listing_titles* (the titles the same day gives the event
    elsewhere) hold :func:`~indexer.text.fold_key` values.
    """
    for end, start in glue_points(title):
        head, rest = title[:end].strip(), title[start:].strip()
        if fold_key(head) in known_headings or fold_key(rest) in listing_titles:
            return head, rest
        if _slug_keeps_paragraph(slug, head, rest):
            return head, rest
    return None, title


def _slug_keeps_paragraph(slug: str, head: str, rest: str) -> bool:
    """The lost paragraph shows as "<last word of heading>p<text>" in the slug, with a
    dash between when a colon was kept (``war:The`` -> ``war-pthe``)."""
    last_word = slugify(head).rsplit("-", 1)[-1]
    text = slugify(rest)[:40]
    markers = (f"{last_word}p{text}", f"{last_word}-p{text}")
    return len(markers[0]) > 12 and any(marker in slug for marker in markers)
