"""The SVG charts as values: axis steps, labels, links, escaping."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from web.chart import Bar, bar_chart, day_chart, month_chart, nice_step, year_chart
from web.i18n import ENGLISH, SIMPLIFIED, words

EN = words(ENGLISH)


def svg(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


@pytest.mark.parametrize(
    ("peak", "step"),
    [(0, 1), (1, 1), (5, 1), (6, 2), (11, 5), (57, 20), (100, 20), (412, 100), (56_789, 20_000)],
)
def test_axis_step_is_round_and_gives_at_most_five_gridlines(peak: int, step: int) -> None:
    assert nice_step(peak) == step
    assert -(-peak // step) <= 5


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (950, "950"), (1000, "1k"), (1500, "1.5k"), (12_345, "12k"), (1_200_000, "1.2m")],
)
def test_axis_counts_are_short(n: int, text: str) -> None:
    assert EN.axis(n) == text


def test_a_chinese_chart_counts_names_and_labels_in_chinese() -> None:
    zh = words(SIMPLIFIED)
    assert [zh.axis(n) for n in (950, 12_345, 1_200_000)] == ["950", "1.2万", "120万"]
    chart = svg(month_chart("2017", {"2017-07": 12_345}, str, zh))
    assert [t.get_text() for t in chart.select("text:not(.axis)")][:3] == ["1月", "2月", "3月"]
    assert chart.a.title.get_text() == "2017年7月：12,345 个事件"
    assert chart.svg["aria-label"] == "2017 年每月的事件"


def test_year_chart_links_every_bar_and_labels_the_count_axis() -> None:
    chart = svg(year_chart({"2014": 11, "2016": 3, "2017": 17}, lambda y: f"/s?year={y}", EN))
    links = chart.select("a[href]")
    assert [a["href"] for a in links] == ["/s?year=2014", "/s?year=2016", "/s?year=2017"]
    assert [a.title.get_text() for a in links] == [
        "2014: 11 events",
        "2016: 3 events",
        "2017: 17 events",
    ]
    assert all(a.select_one("rect.hit") and a.select_one("rect.bar") for a in links)
    axis = [t.get_text() for t in chart.select("text.axis")]
    assert axis == ["0", "5", "10", "15", "20"]
    labels = [t.get_text() for t in chart.select("text:not(.axis)")]
    assert labels == ["2014", "2015", "2016", "2017"]  # 2015 has no events: a gap, no link


def test_long_year_spans_label_fewer_years_and_mark_narrow_screen_ones_minor() -> None:
    chart = svg(year_chart({str(y): 1 for y in range(1990, 2021)}, str, EN))
    labels = chart.select("text:not(.axis)")
    shown = [int(t.get_text()) for t in labels]
    assert shown and all(y % 2 == 0 for y in shown) and len(shown) < 31
    narrow = [int(t.get_text()) for t in labels if "minor" not in (t.get("class") or [])]
    assert narrow and len(narrow) < len(shown) and all(y % 4 == 0 for y in narrow)


def test_month_chart_has_twelve_bars_linking_to_their_month() -> None:
    chart = svg(
        month_chart(
            "2017", {"2017-03": 5, "2017-07": 12}, lambda m: f"/s?month={m}", EN, ["2017-07"]
        )
    )
    assert [t.get_text() for t in chart.select("text:not(.axis)")][:3] == ["Jan", "Feb", "Mar"]
    assert len(chart.select("text:not(.axis)")) == 12
    links = chart.select("a[href]")
    assert [a["href"] for a in links] == ["/s?month=2017-03", "/s?month=2017-07"]
    assert [a.title.get_text() for a in links] == ["March 2017: 5 events", "July 2017: 12 events"]
    assert chart.select_one("a[aria-current] rect.bar.selected")
    assert chart.svg["aria-label"] == "Events per month in 2017"


def test_chart_escapes_what_it_interpolates() -> None:
    markup = bar_chart([Bar('<b>"x"', "<script>", 3, '/s?a="1"&b=<2>')], 'A "chart" <i>', EN)
    assert "<script>" not in markup and "<b>" not in markup and "<i>" not in markup
    chart = svg(markup)
    assert chart.a["href"] == '/s?a="1"&b=<2>'
    assert chart.svg["aria-label"] == 'A "chart" <i>'


def test_no_bars_no_chart() -> None:
    assert year_chart({}, str, EN) == "" and bar_chart([], "x", EN) == ""


def test_day_chart_has_every_day_of_the_month_and_marks_the_chosen_one() -> None:
    per_day = {"2016-02-03": 4, "2016-02-29": 1}
    chart = svg(day_chart("2016-02", per_day, lambda d: f"/s?day={d}", EN, ["2016-02-29"]))
    assert [a["href"] for a in chart.select("a[href]")] == [
        "/s?day=2016-02-03",
        "/s?day=2016-02-29",
    ]
    assert chart.select_one("a[aria-current]").title.get_text() == "29 February 2016: 1 event"
    labels = chart.select("text:not(.axis)")
    assert [t.get_text() for t in labels] == ["1", "5", "10", "15", "20", "25"]
    assert [t.get_text() for t in labels if "minor" not in (t.get("class") or [])] == [
        "1",
        "10",
        "20",
    ]
    assert chart.svg["aria-label"] == "Events per day in February 2016"
