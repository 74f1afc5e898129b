"""The reader's language: which interface a request gets, its messages, dates and numbers.

Which interface, first match wins::

    ?ui=en | zh-Hans | zh-Hant   the switcher's links: no cookie, so a shared link, a
                                 bookmark and a cache all see the choice in the URL
    Accept-Language              most wanted first (q-values); zh-TW, zh-HK, zh-MO and
                                 zh-Hant -> zh-Hant; zh, zh-CN, zh-SG, zh-Hans -> zh-Hans
    the archive's language       most events in Chinese -> zh-Hans, else en

Messages are gettext catalogs, ``web/locale/<CLDR id>/LC_MESSAGES/messages.po``; the
English interface is their msgids. Babel reads a catalog and compiles it in memory on
first use, so there is no ``.mo`` to build at install nor one to go stale. Which messages
exist is what Babel extracts from the templates, ``web/*.py`` and ``web/static/*.js``
(``[tool.babel]`` in pyproject.toml); a test checks that both Chinese catalogs translate
every one. Dates, numbers and language names are Babel's (CLDR), never our own tables.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_day_names, get_month_names
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal, get_group_symbol
from babel.support import Translations

from indexer.places import place_name

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
UI_PARAM = "ui"
MAX_LANGUAGES = 16  # Accept-Language entries read: the header is the client's to fill
MAX_TAG = 35  # characters of one language tag (RFC 5646 advises 35 at most)
AXIS_CHARS = 4  # a count on a chart's axis fits in this many characters


@dataclass(frozen=True, slots=True)
class Ui:
    """One interface language."""

    tag: str  # BCP 47: <html lang>, ?ui=, hreflang
    cldr: str  # Babel's locale (dates, numbers, names) and its catalog's folder
    script: str | None = None  # the Chinese script this reader reads (name spellings)

    @property
    def language(self) -> str:
        """The language as events record theirs ("en", "zh")."""
        return self.tag.split("-")[0]

    @property
    def name(self) -> str:
        """The language's name in itself, for the switcher: "English", "中文 (繁體)"."""
        return str(Locale.parse(self.tag, sep="-").display_name)


# English dates stay British ("19 June 2019"), as the site has always written them.
ENGLISH = Ui("en", "en_GB")
SIMPLIFIED = Ui("zh-Hans", "zh_Hans", "Hans")
TRADITIONAL = Ui("zh-Hant", "zh_Hant", "Hant")
UIS = (ENGLISH, SIMPLIFIED, TRADITIONAL)
SOURCE = ENGLISH  # the msgids' language: it has no catalog
_BY_TAG = {ui.tag.lower(): ui for ui in UIS}


@dataclass(frozen=True, slots=True)
class Choice:
    """The interface a request gets, and whether the reader named it (``?ui=``)."""

    ui: Ui
    explicit: bool  # named: our links carry it on; else negotiated (Vary: Accept-Language)

    def link(self, url: str) -> str:
        """*url* (one of ours, without ``ui=``) keeping a named interface."""
        if not self.explicit:
            return url
        address, hash_mark, fragment = url.partition("#")
        joiner = "&" if "?" in address else "?"
        return f"{address}{joiner}{UI_PARAM}={self.ui.tag}{hash_mark}{fragment}"


def for_language(code: str) -> Ui:
    """The interface for an archive whose events are mostly in *code* ("zh", "en")."""
    return SIMPLIFIED if code == "zh" else ENGLISH


def preferred(header: str) -> list[str]:
    """Accept-Language's tags, most wanted first (RFC 9110 q-values; ties keep the
    header's order; q=0 and malformed weights are left out)."""
    ranked = []
    for position, item in enumerate(header.split(",")[:MAX_LANGUAGES]):
        tag, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag))
    return [tag for *_, tag in sorted(ranked)]


@functools.lru_cache(maxsize=512)
def ui_for_tag(tag: str) -> Ui | None:
    """The interface for one language tag, or None for a language we do not speak.

    Babel's ``negotiate_locale`` matches identifiers, so it cannot see that zh-TW means
    Traditional; ``Locale.parse`` fills in the script from CLDR's likely subtags
    (zh-TW -> zh_Hant_TW, zh-SG -> zh_Hans_SG, plain zh -> no script: Simplified).
    """
    if len(tag) > MAX_TAG or tag == "*":
        return None
    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if locale.language == "en":
        return ENGLISH
    if locale.language == "zh":
        return TRADITIONAL if locale.script == "Hant" else SIMPLIFIED
    return None


def choose(named: str | None, accept_language: str, archive: Callable[[], Ui]) -> Choice:
    """``?ui=``, else the first language of *accept_language* we speak, else *archive()*."""
    if named and (ui := _BY_TAG.get(named.lower())):
        return Choice(ui, True)
    for tag in preferred(accept_language):
        if ui := ui_for_tag(tag):
            return Choice(ui, False)
    return Choice(archive(), False)


@functools.cache
def translations(ui: Ui) -> gettext.NullTranslations:
    """*ui*'s catalog, compiled in memory (fuzzy entries left out, as msgfmt does)."""
    if ui == SOURCE:
        return gettext.NullTranslations()
    with catalog_path(ui).open("rb") as po:
        catalog = read_po(po, locale=ui.cldr, domain=DOMAIN)
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def catalog_path(ui: Ui) -> Path:
    return LOCALE_DIR / ui.cldr / "LC_MESSAGES" / f"{DOMAIN}.po"


def _date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


PROBES = (0, 7, 999, 1000, 12345, 999999, 1234567, 98765432101)


def _integer_format(locale: Locale) -> Callable[[int], str]:
    """Babel's decimal format for *locale*'s counts, as Python's ``{:,}`` with the
    locale's group symbol when that gives Babel's own text for every probe (true of
    English and Chinese: groups of 3), else Babel itself. A results page writes ~100
    counts; Babel's general formatter costs ~0.07 ms each, this ~1 µs."""
    group = get_group_symbol(locale)

    def babel(n: int) -> str:
        return str(format_decimal(n, locale=locale))

    def grouped(n: int) -> str:
        return f"{n:,}".replace(",", group) if n >= 0 else babel(n)

    same = all(grouped(n) == babel(n) for n in PROBES)
    return grouped if same else babel


class Words:
    """What one interface says: its messages, and dates and numbers in its way."""

    def __init__(self, ui: Ui) -> None:
        self.ui = ui
        self.translations = translations(ui)
        self.gettext = self.translations.gettext
        self.ngettext = self.translations.ngettext
        self.locale = Locale.parse(ui.cldr)
        self._integer = _integer_format(self.locale)

    # -- numbers ------------------------------------------------------------------
    def number(self, n: int) -> str:
        return self._integer(n)

    def axis(self, n: int) -> str:
        """A count for a chart's axis, short: 950, 1.5k, 12k; 1.2万."""
        text = str(format_compact_decimal(n, locale=self.locale, fraction_digits=1))
        if len(text) > AXIS_CHARS:
            text = str(format_compact_decimal(n, locale=self.locale))
        return text

    def events(self, n: int) -> str:
        return self.ngettext("%(num)s event", "%(num)s events", n) % {"num": self.number(n)}

    def stories(self, n: int) -> str:
        """Results grouped by story (``group=story``) are counted in stories."""
        return self.ngettext("%(num)s story", "%(num)s stories", n) % {"num": self.number(n)}

    # -- dates --------------------------------------------------------------------
    def date(self, iso: str) -> str:
        """ "2016-07-31" -> "31 July 2016", "2016年7月31日"; anything else as it is."""
        day = _date(iso)
        return str(format_date(day, "long", locale=self.locale)) if day else iso

    def month(self, period: str) -> str:
        """ "2014-07" -> "July 2014", "2014年7月"."""
        day = _date(f"{period}-01")
        return str(format_skeleton("yMMMM", day, locale=self.locale)) if day else period

    def month_name(self, month: int | str) -> str:
        return str(get_month_names("wide", "stand-alone", self.locale)[int(month)])

    def short_month(self, month: int) -> str:
        return str(get_month_names("abbreviated", "stand-alone", self.locale)[month])

    def day_month(self, month: int, day: int) -> str:
        """(6, 19) -> "19 June", "6月19日" (a leap day's year: 2000)."""
        return str(format_skeleton("MMMMd", dt.date(2000, month, day), locale=self.locale))

    def year(self, year: int | str) -> str:
        """2017 -> "2017", "2017年"."""
        return str(format_skeleton("y", dt.date(int(year), 1, 1), locale=self.locale))

    def weekdays(self) -> list[str]:
        """Short day names, Monday first (as the calendar's weeks are)."""
        names = get_day_names("abbreviated", "stand-alone", self.locale)
        return [str(names[day]) for day in range(7)]

    # -- names --------------------------------------------------------------------
    def language(self, code: str) -> str:
        """An event's language by its code: "English", "中文"."""
        return str(self.locale.languages.get(code, code))

    def facet_label(self, name: str, value: str) -> str:
        """A facet value as readers see it: a language or month by name, else as it is."""
        if name == "lang":
            return self.language(value)
        if name == "month":
            return self.month(value)
        if name in ("from", "to"):
            return self.date(value)
        if name == "place":
            return self.place(value)
        return value

    def place(self, code: str) -> str:
        """A country by its code, in this language: "China", "中国", "中國" (CLDR's names,
        looked up: the gazetteer that finds places is built by the indexer only)."""
        return place_name(code, self.ui.cldr)  # en_GB and others: English

    # -- charts (web.chart.ChartWords) ---------------------------------------------
    def bar_title(self, name: str, count: int) -> str:
        return self.gettext("%(bar)s: %(events)s") % {"bar": name, "events": self.events(count)}

    def years_label(self, first: int, last: int, matching: bool) -> str:
        span = {"first": first, "last": last}
        if matching:
            return self.gettext("Matching events per year, %(first)s to %(last)s") % span
        return self.gettext("Events per year, %(first)s to %(last)s") % span

    def months_label(self, year: str, matching: bool) -> str:
        if matching:
            return self.gettext("Matching events per month in %(year)s") % {"year": year}
        return self.gettext("Events per month in %(year)s") % {"year": year}

    def days_label(self, period: str, matching: bool) -> str:
        month = {"month": self.month(period)}
        if matching:
            return self.gettext("Matching events per day in %(month)s") % month
        return self.gettext("Events per day in %(month)s") % month


@functools.cache
def words(ui: Ui) -> Words:
    return Words(ui)


# -- strings for scripts ----------------------------------------------------------------
Table = dict[str, str | dict[str, str]]


def script_messages(ui: Ui, script: Path) -> Table:
    """The translations of what *script* marks with ``gettext("…")`` and
    ``ngettext("…", "…", n)`` (Babel's JavaScript extractor finds them). A plural is
    ``{CLDR plural category: form}``, for the script's ``Intl.PluralRules`` to pick."""
    tr, rule = translations(ui), Locale.parse(ui.cldr).plural_form
    examples: dict[str, int] = {}
    for n in range(200):  # a number of each plural category the language has
        examples.setdefault(rule(n), n)
    table: Table = {}
    with script.open("rb") as source:
        for _line, message, _comments, _context in extract("javascript", source):
            if isinstance(message, tuple):
                one, many = message[0], message[1]
                forms = {kind: tr.ngettext(one, many, n) for kind, n in examples.items()}
                table[one] = forms
            else:
                table[message] = tr.gettext(message)
    return table


def script_table(ui: Ui, script: Path) -> dict[str, Any]:
    """What a script needs to speak *ui*: its messages and the BCP 47 locale for Intl."""
    return {"locale": ui.cldr.replace("_", "-"), "messages": script_messages(ui, script)}


EMBED_MARKER = "var STRINGS = {};"


@functools.cache
def embed_script(path: Path) -> str:
    """The widget with every interface's strings in it: it runs on other sites, which
    choose the language (``data-lang`` or their ``<html lang>``) and cannot give it ours."""
    source = path.read_text("utf-8")
    tables = {ui.tag: script_table(ui, path) for ui in UIS}
    filled = f"var STRINGS = {json.dumps(tables, ensure_ascii=False, sort_keys=True)};"
    if EMBED_MARKER not in source:
        raise RuntimeError(f"{path} lacks {EMBED_MARKER!r}, where its strings go")
    return source.replace(EMBED_MARKER, filled, 1)


def switcher(path: str, params: Iterable[tuple[str, str]], current: Ui) -> list[dict[str, Any]]:
    """The language links of a page: the same address and parameters, each with ``ui=``."""
    kept = [(k, v) for k, v in params if k != UI_PARAM]
    return [
        {
            "ui": ui,
            "url": f"{path}?{urlencode([*kept, (UI_PARAM, ui.tag)])}",
            "current": ui == current,
        }
        for ui in UIS
    ]
