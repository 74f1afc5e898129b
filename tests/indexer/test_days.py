"""Reading one day folder: the heading pre-pass reads topics as the parser does."""

from __future__ import annotations

from pathlib import Path

from indexer.archive import scan
from indexer.days import day_headings, read_day
from indexer.text import fold_key

DAY = "news/2020/01/5"
SLUG = "示例港管理局启用第二座渡轮码头"

PAGE = """\
### [2020-01-5](/zh/news/2020/01/5/index.md)

##### 示例港渡轮
# 示例港管理局启用第二座渡轮码头。

### 有关:

1. [示例港宣布兴建码头。](/zh/news/2019/06/12/x.md) _消息：甲国内战、乙国冲突_
2. [示例电影节开幕。](/zh/news/2019/05/13/y.md) _消息: -{zh-cn:甲城; zh-tw:丙城;}-；示例电影节_
"""

LISTING = f"""\
## [2020-01-5](/zh/news/2020/01/5/index.md)

##### 示例港渡轮
### [示例港管理局启用第二座渡轮码头。](/zh/news/2020/01/5/{SLUG}.md)
_消息: 示例港，渡轮; 码头_
## [前一天...](/zh/news/2020/01/4/index.md)
"""


def one_day(tmp_path: Path) -> Path:
    folder = tmp_path / DAY
    folder.mkdir(parents=True)
    (folder / f"{SLUG}.md").write_text(PAGE, "utf-8")
    (folder / "index.md").write_text(LISTING, "utf-8")
    return tmp_path


def test_heading_pre_pass_splits_topics_on_every_separator_the_parser_splits_on(
    tmp_path: Path,
) -> None:
    found = day_headings(scan(one_day(tmp_path)).days[DAY])

    expected = [
        "甲国内战",
        "乙国冲突",
        "甲城",
        "示例电影节",
        "示例港",
        "渡轮",
        "码头",
        "示例港渡轮",
    ]
    assert {fold_key(t) for t in expected} <= found
    assert not any("zh" in key for key in found)  # no piece of a variant block


def test_heading_pre_pass_finds_what_the_parsed_day_reports(tmp_path: Path) -> None:
    day = scan(one_day(tmp_path)).days[DAY]

    _, report = read_day(day, known_headings=set())

    assert day_headings(day) == set(report.headings)
