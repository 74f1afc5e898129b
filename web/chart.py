"""A small server-rendered SVG bar chart of matching events per year; each bar links to
the same search filtered to that year. No chart library, no JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

WIDTH, HEIGHT, LABEL = 600, 120, 16


def year_chart(per_year: dict[str, int], link: Callable[[str], str]) -> str:
    """SVG markup (everything interpolated is escaped)."""
    if not per_year:
        return ""
    years = sorted(per_year, key=int)
    first, last = int(years[0]), int(years[-1])
    span = list(range(first, last + 1))
    peak = max(per_year.values())
    bar = WIDTH / len(span)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + LABEL}" role="img" '
        f'aria-label="Matching events per year, {first} to {last}">'
    ]
    for i, year in enumerate(span):
        count = per_year.get(str(year), 0)
        height = 0 if not count else max(2.0, (HEIGHT - 4) * count / peak)
        x, y = i * bar, HEIGHT - height
        title = f"{year}: {count:,} event{'s' if count != 1 else ''}"
        rect = (
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}" '
            f'height="{height:.1f}"><title>{escape(title)}</title></rect>'
        )
        parts.append(f'<a href="{escape(link(str(year)))}">{rect}</a>' if count else rect)
        if len(span) <= 12 or year % 5 == 0 or year in (first, last):
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT + LABEL - 3}" '
                f'text-anchor="middle">{year}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
