"""A small Chinese archive written for the interface tests, in the archive's format
(examples/ARCHIVE.md): two days, one story spelled in both scripts (伊斯兰国: three
events in Simplified, two in Traditional 伊斯蘭國), titles in both scripts as written.
Every title, summary and heading is our own wording."""

from __future__ import annotations

from pathlib import Path

# (date, story heading, title, summary, outlet name, outlet URL)
EVENTS = [
    ("2016-07-31", "伊斯兰国", "伊拉克政府军在摩苏尔以南收复多个村庄。", "联军提供了空中支援。",
     "新华网", "http://www.xinhuanet.com/world/2016-07/31/c_1.htm"),
    ("2016-07-31", "伊斯蘭國", "聯軍空襲敘利亞東部的武裝據點。", "",
     "中央社", "https://www.cna.com.tw/news/aopl/201607310001.aspx"),
    ("2016-07-31", "叙利亚内战", "叙利亚政府军在阿勒颇北部推进。", "",
     "BBC中文网", "https://www.bbc.com/zhongwen/simp/world-1"),
    ("2016-08-01", "伊斯兰国", "土耳其边境城镇加强安全检查。", "",
     "联合早报", "https://www.zaobao.com.sg/realtime/world/story20160801-1"),
    ("2016-08-01", "伊斯蘭國", "美軍表示已擊斃一名高級指揮官。", "",
     "美國之音", "https://www.voachinese.com/a/20160801/1.html"),
    ("2016-08-01", "伊斯兰国", "伊拉克总理表示年内收复摩苏尔。", "",
     "新华网", "http://www.xinhuanet.com/world/2016-08/01/c_2.htm"),
]  # fmt: skip


def slug(title: str) -> str:
    return title.rstrip("。").replace("，", "-")


def write_chinese_archive(root: Path) -> Path:
    """The archive under *root* (its ``news/`` folder made); returns *root*."""
    days: dict[str, list[tuple[str, str, str, str, str, str]]] = {}
    for event in EVENTS:
        days.setdefault(event[0], []).append(event)
    for date, events in days.items():
        year, month, day = date.split("-")
        folder = root / "news" / year / month / str(int(day))
        folder.mkdir(parents=True, exist_ok=True)
        base = f"/zh/news/{year}/{month}/{int(day)}"
        listing = [f"## [{date}]({base}/index.md)", ""]
        for _, story, title, summary, outlet, url in events:
            listing += [f"##### {story}", f"### [{title} ]({base}/{slug(title)}.md)"]
            page = [
                f"### [{date}](/news/{year}/{month}/{int(day)}/index.md)",
                "",
                f"##### {story}",
                f"# {title} ",
                "",
                summary,
                "",
                "",
                "### 信息来源:",
                "",
                f"1. [{outlet}]({url})",
            ]
            (folder / f"{slug(title)}.md").write_text("\n".join(page) + "\n", "utf-8")
        text = "\n".join(listing) + "\n"
        (folder / "index.md").write_text(text, "utf-8")
        (folder / "README.md").write_text(text, "utf-8")
    return root
