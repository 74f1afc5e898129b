"""Small server-rendered SVG bar charts of events per year, per month of one year, or
per day of one month.

Every bar with events is a link (to the same search narrowed to it, or to a calendar
page); a count axis runs up the left. No chart library, no JavaScript. Text sizes are in
the stylesheet (``.chart text``), larger on narrow screens where the chart shrinks, and
labels marked ``minor`` are hidden there so the rest stay readable. What a chart says
(month names, counts, titles) comes from a :class:`ChartWords`, in the reader's language.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Protocol

WIDTH, PLOT, TOP, AXIS, LABEL = 720, 150, 10, 46, 28  # viewBox units
MAX_STEPS = 5  # gridlines above zero at most
# Label spacing (viewBox units) that fits a year label at the wide and narrow text sizes.
WIDE_LABEL, NARROW_LABEL = 36, 64


class ChartWords(Protocol):
    """What charts say, in one interface's language (web.i18n.Words is one)."""

    def axis(self, count: int) -> str: ...  # 1500 -> "1.5k"
    def bar_title(self, name: str, count: int) -> str: ...  # "July 2017: 12 events"
    def short_month(self, month: int) -> str: ...  # 7 -> "Jul"
    def year(self, year: int) -> str: ...  # 2017 -> "2017", "2017年"
    def month(self, period: str) -> str: ...  # "2017-07" -> "July 2017"
    def date(self, iso: str) -> str: ...  # "2017-07-04" -> "4 July 2017"
    def years_label(self, first: int, last: int, matching: bool) -> str: ...
    def months_label(self, year: str, matching: bool) -> str: ...
    def days_label(self, period: str, matching: bool) -> str: ...


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # under the bar ("2014", "Jul"), or "" for none
    title: str  # what the bar is, in words ("July 2014"; the count is added to it)
    count: int
    href: str | None = None
    minor: bool = False  # its label is hidden where the chart is small
    selected: bool = False


def nice_step(peak: int) -> int:
    """The gridline step: 1, 2 or 5 times a power of ten, at most MAX_STEPS to *peak*."""
    power: int = 10 ** max(0, int(math.log10(max(peak, 1))) - 1)
    while True:
        for factor in (1, 2, 5):
            if math.ceil(peak / (factor * power)) <= MAX_STEPS:
                return factor * power
        power *= 10


def bar_chart(bars: list[Bar], label: str, words: ChartWords) -> str:
    """SVG markup (everything interpolated is escaped); "" without bars."""
    if not bars:
        return ""
    step = nice_step(max(b.count for b in bars))
    top = step * max(1, math.ceil(max(b.count for b in bars) / step))
    column = (WIDTH - AXIS) / len(bars)
    base = TOP + PLOT
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {base + LABEL}" '
        f'preserveAspectRatio="xMinYMid meet" role="img" aria-label="{escape(label)}">'
    ]
    for tick in range(0, top + 1, step):
        y = base - PLOT * tick / top
        parts.append(
            f'<line class="grid" x1="{AXIS}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"></line>'
            f'<text class="axis" x="{AXIS - 6}" y="{y:.1f}" dy="0.35em" '
            f'text-anchor="end">{escape(words.axis(tick))}</text>'
        )
    for i, bar in enumerate(bars):
        x = AXIS + i * column
        parts.append(_bar(bar, x, column, base, PLOT * bar.count / top, words))
        if bar.label:
            minor = ' class="minor"' if bar.minor else ""
            parts.append(
                f'<text{minor} x="{x + column / 2:.1f}" y="{base + LABEL - 6}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _bar(bar: Bar, x: float, column: float, base: float, height: float, words: ChartWords) -> str:
    if not bar.count:
        return ""
    height = max(height, 2.0)
    title = f"<title>{escape(words.bar_title(bar.title, bar.count))}</title>"
    shape = (
        f'<rect class="bar{" selected" if bar.selected else ""}" x="{x + 1:.1f}" '
        f'y="{base - height:.1f}" width="{max(column - 2, 1):.1f}" height="{height:.1f}"></rect>'
    )
    if not bar.href:
        return f"<g>{title}{shape}</g>"
    # The whole column is the link, so a short bar is as easy to hit as a tall one.
    target = f'<rect class="hit" x="{x:.1f}" y="{TOP}" width="{column:.1f}" height="{PLOT}"></rect>'
    current = ' aria-current="true"' if bar.selected else ""
    return f'<a href="{escape(bar.href)}"{current}>{title}{target}{shape}</a>'


def _label_step(columns: int, room: float, unit: int = 1) -> int:
    """Label every n-th year (n: *unit* times 1, 2, 5, 10, …) so labels are *room* apart."""
    column = (WIDTH - AXIS) / columns
    for factor in (1, 2, 5, 10, 20, 50, 100):
        if unit * factor * column >= room:
            return unit * factor
    return unit * 100


def year_chart(
    per_year: dict[str, int],
    link: Callable[[str], str],
    words: ChartWords,
    matching: bool = False,
) -> str:
    """Events (*matching* a search) per year, every year from the first to the last; a
    bar links to *link(year)*."""
    if not per_year:
        return ""
    first, last = min(map(int, per_year)), max(map(int, per_year))
    span = range(first, last + 1)
    wide = _label_step(len(span), WIDE_LABEL)
    narrow = _label_step(len(span), NARROW_LABEL, wide)  # a subset of the wide labels
    bars = [
        Bar(
            str(year) if year % wide == 0 else "",
            words.year(year),
            per_year.get(str(year), 0),
            link(str(year)),
            minor=narrow > 1 and year % narrow != 0,
        )
        for year in span
    ]
    return bar_chart(bars, words.years_label(first, last, matching), words)


def month_chart(
    year: str,
    per_month: dict[str, int],
    link: Callable[[str], str],
    words: ChartWords,
    selected: Iterable[str] = (),
    matching: bool = False,
) -> str:
    """Events (*matching* a search) in each month of *year* (``per_month`` keyed
    "2017-02"); a bar links to *link("2017-02")*."""
    chosen = set(selected)
    bars = []
    for number in range(1, 13):
        key = f"{year}-{number:02d}"
        count, minor = per_month.get(key, 0), number % 2 == 0  # narrow: Jan, Mar, May…
        label = words.short_month(number)
        bars.append(Bar(label, words.month(key), count, link(key), minor, key in chosen))
    return bar_chart(bars, words.months_label(year, matching), words)


def day_chart(
    period: str,
    per_day: dict[str, int],
    link: Callable[[str], str],
    words: ChartWords,
    selected: Iterable[str] = (),
    matching: bool = False,
) -> str:
    """Events (*matching* a search) on each day of month *period* ("2017-02"; ``per_day``
    keyed "2017-02-03"); a bar links to *link("2017-02-03")*. Days 1, 5, 10, … are
    labelled, and where the chart is small 1, 10, 20 and 30."""
    chosen, year, month = set(selected), int(period[:4]), int(period[5:7])
    bars = []
    for number in range(1, calendar.monthrange(year, month)[1] + 1):
        key = f"{period}-{number:02d}"
        label = str(number) if number == 1 or number % 5 == 0 else ""
        minor = bool(label) and number != 1 and number % 10 != 0
        count = per_day.get(key, 0)
        bars.append(Bar(label, words.date(key), count, link(key), minor, key in chosen))
    return bar_chart(bars, words.days_label(period, matching), words)
