"""The event: one frozen value shared by the indexer (which makes it) and search
(which rebuilds it from stored fields and serialises it).

    Event
    ├── id          "news/2017/02/3/<slug>"  (page path, no ".md", no language prefix)
    ├── date        datetime.date
    ├── lang        "en" | "zh"  (of the title; summary_lang says the summary's)
    ├── script      "Hans" | "Hant" for Chinese titles, "" otherwise (lang_tag: "zh-Hant")
    ├── title       the event text
    ├── summary     the outlet teaser / listing line ("" when none)
    ├── contexts    story heading first, then topics; de-duplicated, in order
    ├── sources     (Source(name, url, domain), ...)
    ├── images      (url, ...)
    ├── related     (Related(id, text, contexts), ...)
    ├── aliases     other ids of the same event (slug variants)
    ├── position    order within its day listing (archive order)
    └── listing_only  True when no page exists, only a day-listing entry
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from indexer.text import lang_of


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str
    domain: str


@dataclass(frozen=True, slots=True)
class Related:
    id: str
    text: str
    contexts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: dt.date
    lang: str
    title: str
    summary: str = ""
    contexts: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    images: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()
    aliases: tuple[str, ...] = ()
    position: int = 0
    listing_only: bool = False
    script: str = ""

    @property
    def lang_tag(self) -> str:
        """The BCP 47 tag of the title: ``"en"``, ``"zh-Hans"``, ``"zh-Hant"``."""
        return f"{self.lang}-{self.script}" if self.script else self.lang

    @property
    def summary_lang(self) -> str:
        """The summary's own language: a Chinese event's teaser is often English."""
        return lang_of(self.summary) if self.summary else self.lang

    @property
    def story(self) -> str | None:
        """The story heading, when the event has one (the first context)."""
        return self.contexts[0] if self.contexts else None

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.domain for s in self.sources if s.domain))

    @property
    def all_ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the API's event shape)."""
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "lang": self.lang,
            "title": self.title,
            "summary": self.summary,
            "contexts": list(self.contexts),
            "sources": [{"name": s.name, "url": s.url, "domain": s.domain} for s in self.sources],
            "images": list(self.images),
            "related": [
                {"id": r.id, "text": r.text, "contexts": list(r.contexts)} for r in self.related
            ],
            "aliases": list(self.aliases),
            "position": self.position,
            "listing_only": self.listing_only,
            "script": self.script,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return cls(
            id=data["id"],
            date=dt.date.fromisoformat(data["date"]),
            lang=data["lang"],
            title=data["title"],
            summary=data.get("summary", ""),
            contexts=tuple(data.get("contexts", ())),
            sources=tuple(Source(**s) for s in data.get("sources", ())),
            images=tuple(data.get("images", ())),
            related=tuple(
                Related(r["id"], r["text"], tuple(r.get("contexts", ())))
                for r in data.get("related", ())
            ),
            aliases=tuple(data.get("aliases", ())),
            position=data.get("position", 0),
            listing_only=data.get("listing_only", False),
            script=data.get("script", ""),
        )
