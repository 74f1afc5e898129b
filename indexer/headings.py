"""Story headings glued onto the event text: ``"Peru-Venezuela relationsPeruvian President …"``.

Some generator runs dropped the paragraph break between the story heading and the text.
We split only where the archive itself vouches for the split, with any one of:

1. the prefix is a heading or topic seen elsewhere in the archive (``##### …``, ``_Context:``);
2. the same day's listing names the event by the rest of the text alone;
3. the page's slug kept the lost paragraph as a stray ``p`` between the two parts
   (``…-relationspperuvian-president-…``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from indexer.text import fold_key

# A lower-case letter, digit or closing bracket directly followed by an upper-case letter.
_GLUE = re.compile(r"(?<=[a-z0-9)\]])(?=[A-Z])")
MAX_HEADING_CHARS = 80


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def glue_points(title: str) -> Iterator[int]:
    """Offsets where a heading could end, shortest prefix first."""
    for match in _GLUE.finditer(title[: MAX_HEADING_CHARS + 1]):
        if match.start() >= 3:
            yield match.start()


def split_glued_heading(
    title: str,
    slug: str,
    known_headings: Collection[str],
    listing_titles: Collection[str],
) -> tuple[str | None, str]:
    """``(heading, text)`` when the archive vouches for a split, else ``(None, title)``.

    *known_headings* and *listing_titles* hold :func:`~indexer.text.fold_key` values.
    """
    for cut in glue_points(title):
        head, rest = title[:cut].strip(), title[cut:].strip()
        if fold_key(head) in known_headings or fold_key(rest) in listing_titles:
            return head, rest
        # The lost paragraph shows as "<last word of heading>p<text>" in the slug.
        last_word = slugify(head).rsplit("-", 1)[-1]
        marker = f"{last_word}p{slugify(rest)[:40]}"
        if len(marker) > 12 and marker in slug:
            return head, rest
    return None, title
