"""Places: country codes from an event's texts, and their names for readers."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.places import Judged, read_events, read_judged, score, tag
from indexer.event import Event
from indexer.places import is_place, place_name, places_of


def places(title: str, *contexts: str) -> tuple[str, ...]:
    return places_of(contexts, contexts[0] if contexts else None, title)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("United States", ("US",)),
        ("The U.S. Senate passes a US$410-billion bill", ("US",)),
        ("USA wins", ("US",)),
        ("The United Kingdom and Britain", ("GB",)),
        ("Great Britain, England, Scotland and Wales", ("GB",)),
        ("South Korea and North Korea", ("KP", "KR")),
        ("Russia and Iran", ("IR", "RU")),
        ("Syria", ("SY",)),
        ("Taiwan", ("TW",)),
        ("Palestine", ("PS",)),
        ("Ivory Coast", ("CI",)),
        ("Côte d’Ivoire", ("CI",)),
        ("Czech Republic", ("CZ",)),
        ("Vatican", ("VA",)),
        ("Hong Kong", ("HK",)),
        ("Kosovo", ("XK",)),
        ("Burma", ("MM",)),
        ("Macedonia naming dispute", ("MK",)),
    ],
)
def test_english_names_and_their_common_forms(title: str, expected: tuple[str, ...]) -> None:
    assert places(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Syrian Civil War", ("SY",)),
        ("Peruvian President Pedro Pablo Kuczynski", ("PE",)),
        ("thousands of Venezuelans", ("VE",)),
        ("2011 Saudi Arabian protests", ("SA",)),
        ("Afghan capital Kabul", ("AF",)),
        ("South Korean news agency", ("KR",)),
    ],
)
def test_demonyms_name_their_country(title: str, expected: tuple[str, ...]) -> None:
    assert places(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2011 Lorca earthquake", ("ES",)),
        ("Politics of Peru", ("PE",)),
        ("A fire in the Moscow Metro", ("RU",)),
        ("Fukushima Daiichi nuclear disaster", ("JP",)),
        ("wildfires in Oklahoma and Colorado", ("US",)),
        ("Chinese province of Zhejiang", ("CN",)),
        ("巴基斯坦拉合爾一個公園", ("PK",)),
        ("第61届汉诺威工业博览会", ("DE",)),
    ],
)
def test_cities_and_regions_name_their_country(title: str, expected: tuple[str, ...]) -> None:
    assert places(title) == expected


@pytest.mark.parametrize(
    "title",
    ["中国", "中國", "China", "中华人民共和国", "中華人民共和國", "People's Republic of China"],
)
def test_china_is_one_place_in_every_script(title: str) -> None:
    assert places(title) == ("CN",)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("美国", ("US",)),
        ("美國", ("US",)),
        ("朝鲜", ("KP",)),
        ("北韓", ("KP",)),
        ("韩国", ("KR",)),
        ("南韓", ("KR",)),
        ("台灣", ("TW",)),
        ("臺灣", ("TW",)),
        ("叙利亚", ("SY",)),
        ("敘利亞", ("SY",)),
        ("新泽西州", ("US",)),
        ("內蒙古", ("CN",)),
        ("印度尼西亚", ("ID",)),
        ("巴布亚新几内亚", ("PG",)),
        ("朝韩将军级军事会谈", ("KP", "KR")),
    ],
)
def test_chinese_names_simplified_and_traditional(title: str, expected: tuple[str, ...]) -> None:
    assert places(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("South Sudan", ("SS",)),
        ("Papua New Guinea", ("PG",)),
        ("Equatorial Guinea", ("GQ",)),
        ("the Indian Ocean", ()),
        ("Latin America", ()),
        ("South China Sea", ()),
        ("中美洲", ()),
        ("印度洋大海啸", ()),
    ],
)
def test_the_longest_name_wins(title: str, expected: tuple[str, ...]) -> None:
    assert places(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Michael Jordan retires",
        "Chad Johnson scores",
        "a turkey dinner",
        "the chad of a ballot",
        "give us a call",
        "Nancy Pelosi speaks",
        "Mary Fallin",
        "The Lost World",
        "Most of them",
        "woman",
        "a romantic comedy",
        "理查德·克拉克",
        "超级马里奥",
        "希拉里·克林顿",
        "總理多米尼克·德维尔潘",
        "前國防部長伊拉克利·奥克鲁阿什维利",
        "台风狮子山",
    ],
)
def test_words_and_names_that_are_not_places(title: str) -> None:
    assert places(title) == ()


def test_paris_jackson_is_a_known_miss() -> None:
    # A city of a million and more may follow a capitalised word ("London Underground");
    # a first name before a surname is not told from it.
    assert places("Paris Jackson, Michael Jackson's daughter") == ("FR",)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Georgia and Russia", ("GE", "RU")),
        ("Georgia (country)", ("GE",)),
        ("Georgia (U.S. state)", ("US",)),
        ("Atlanta, Georgia", ("US",)),
        ("Georgia votes in the United States", ("US",)),
        ("Paris, Texas", ("US",)),
        ("Paris", ("FR",)),
        ("King Abdullah of Jordan", ("JO",)),
        ("Lake Chad", ("TD",)),
        ("Korean War", ()),
        ("Korea and Seoul", ("KR",)),
        ("美國德州", ("US",)),
    ],
)
def test_a_name_of_several_places_is_the_one_the_event_points_to(
    title: str, expected: tuple[str, ...]
) -> None:
    assert places(title) == expected


def test_story_and_contexts_count_and_codes_come_sorted_once() -> None:
    assert places_of(["Japan", "Politics of Peru"], "Syrian Civil War", "Brazil") == (
        "BR",
        "JP",
        "PE",
        "SY",
    )
    assert places_of(["Peru", "Peru"], "Peru", "Peru") == ("PE",)


def test_an_events_own_fields_fit_the_call() -> None:
    event = Event(
        "news/2011/05/11/x",
        dt.date(2011, 5, 11),
        "en",
        "An earthquake hits southern Spain",
        contexts=("2011 Lorca earthquake", "Murcia"),
    )
    assert tag(event) == ("ES",)


@pytest.mark.parametrize(
    "title",
    ["", " ", "\x00\x07", "中国\ud800马里", "(" * 10_000, "x" * 100_000 + " Paris", "US" * 5000],
)
def test_hostile_text_does_not_crash(title: str) -> None:
    assert isinstance(places(title), tuple)


def test_a_long_text_is_tagged_in_linear_time() -> None:
    started = time.perf_counter()
    places(("x" * 10_000 + " Lorca ") * 10)
    assert time.perf_counter() - started < 1


def test_tagging_from_many_threads_gives_the_same_codes() -> None:
    titles = ["中國和美國", "Paris, Texas", "Syrian Civil War", "理查德·克拉克", "北韓"] * 40
    alone = [places(t) for t in titles]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(places, titles)) == alone


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("CN", "en", "China"),
        ("CN", "zh_Hans", "中国"),
        ("CN", "zh_Hant", "中國"),
        ("KR", "en", "South Korea"),
        ("KR", "zh_Hans", "韩国"),
        ("KP", "zh_Hant", "北韓"),
        ("HK", "en", "Hong Kong"),
        ("HK", "zh_Hans", "香港"),
        ("XK", "zh_Hans", "科索沃"),
        ("US", "fr", "United States"),  # other languages read English
        ("ZZ", "en", "ZZ"),  # not a place, though CLDR names it ("Unknown Region")
        ("EU", "en", "EU"),
    ],
)
def test_place_names_in_the_readers_language(code: str, language: str, name: str) -> None:
    assert place_name(code, language) == name


def test_every_code_given_is_a_place_with_a_name_in_each_language() -> None:
    codes = {c for t in ("中國和美國", "Kosovo", "Hong Kong", "Lorca") for c in places(t)}
    assert codes and all(is_place(c) for c in codes)
    assert all(place_name(c, lang) != c for c in codes for lang in ("en", "zh_Hans", "zh_Hant"))
    assert not is_place("ZZ") and not is_place("cn") and is_place("XK")


# The real archives: coverage, and precision against events judged by reading them
# (tests/indexer/data/places_judged.tsv; bench/places.py reports the same numbers).


@pytest.fixture(scope="module")
def judged() -> dict[str, list[Judged]]:
    rows = read_judged()
    return {name: [r for r in rows if r.archive == name] for name in ("zh", "en")}


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "coverage"), [("zh", 0.90), ("en", 0.88)])
def test_real_archives_are_tagged_widely_rightly_and_fast(
    name: str,
    coverage: float,
    judged: dict[str, list[Judged]],
    request: pytest.FixtureRequest,
) -> None:
    archive: Path = request.getfixturevalue(f"{name}_corpus")
    events = read_events(archive)
    places_of([], None, "")  # the gazetteer is built once, outside the timing
    started = time.perf_counter()
    tagged = {event.id: tag(event) for event in events}
    took = time.perf_counter() - started
    assert sum(map(bool, tagged.values())) >= coverage * len(events)
    assert took < 0.5e-3 * len(events)  # ~0.1 ms an event measured; loose for busy machines
    for sample in {row.sample for row in judged[name]}:
        s = score([r for r in judged[name] if r.sample == sample], tagged)
        assert s.events >= 100
        assert s.precision >= 0.95, (sample, s)
        assert s.recall >= 0.90, (sample, s)
