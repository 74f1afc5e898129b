"""The fixed query sets of the search benchmark, one per archive kind.

Each query is ``(label, params)`` with URL-style pairs for ``search.params.parse_request``.
The ``q`` values use only syntax that every engine in ``bench.search`` can express: words,
``"phrases"``, ``OR`` between two words, ``-word`` exclusion and ``word*`` prefixes; filters
(``context``, ``domain``, ``year``) are separate parameters, as the web form sends them.

``synth`` words come from ``bench/synth.py``'s lexicon (seed-independent: news words, invented
words, names, outlets) and its seed-1 story headings; ``zh`` words are frequent and rare words
of the real Chinese archive (``../shared/corpus/zh``). The benchmark's per-query table shows
how many events each query finds (on the 200k synthetic archive: from 1 to ~84,000).
"""

from __future__ import annotations

Params = list[tuple[str, str]]
Query = tuple[str, Params]


def _q(text: str, **filters: str | list[str]) -> Params:
    params = [("q", text)]
    for key, value in filters.items():
        for item in [value] if isinstance(value, str) else value:
            params.append((key, item))
    return params


SYNTH: list[Query] = [
    # one word, from very common to rare
    ("1w very common", _q("afghanistan")),
    ("1w common", _q("killed")),
    ("1w mid", _q("tariffs")),
    ("1w rare invented", _q("sheakouprun")),
    ("1w very rare (accent dropped)", _q("dsseldorf")),
    ("1w accented name", _q("Erdoğan")),
    ("1w folded accent", _q("erdogan")),
    ("1w stemmed", _q("bombings")),
    # two and three words
    ("2w common+common", _q("united nations")),
    ("2w common+mid", _q("police tariffs")),
    ("2w mid+mid", _q("earthquake tsunami")),
    ("2w rare+common", _q("hakust killed")),
    ("3w common", _q("government security forces")),
    ("3w mixed", _q("president election fraud")),
    # phrases
    ("phrase common", _q('"at least"')),
    ("phrase name", _q('"yasser sargsyan"')),
    ("phrase 3 words", _q('"democratic republic of the congo"')),
    ("phrase + word", _q('"european union" sanctions')),
    # operators
    ("OR", _q("typhoon OR hurricane")),
    ("exclusion", _q("ceasefire -syria")),
    ("prefix", _q("earthqu*")),
    ("misspelt (spelling path)", _q("earthqauke")),
    # Chinese share of the synthetic archive
    ("zh word", _q("地震")),
    ("zh 2 words", _q("政府 宣布")),
    # filters
    ("word + context", _q("sanctions", context="European Union")),
    ("word + domain", _q("election", domain="reuters.com")),
    ("word + year", _q("protests", year="2017")),
    ("2w + context + year", _q("killed police", context="Afghanistan", year="2015")),
    ("common + 2 domains", _q("afghanistan", domain=["bbc.co.uk", "bbc.com"])),
    ("filter only: context", _q("", context="Cuba")),
]

ZH: list[Query] = [
    ("1w very common", _q("中国")),
    ("1w common", _q("美国")),
    ("1w mid", _q("地震")),
    ("1w rare", _q("禽流感")),
    ("1w traditional", _q("選舉")),
    ("1w simplified", _q("选举")),
    ("1w name", _q("特朗普")),
    ("2w common", _q("中国 政府")),
    ("2w mid", _q("台湾 选举")),
    ("3w", _q("美国 总统 访问")),
    ("phrase, one jieba word", _q('"世界卫生组织"')),
    ("phrase 2 words", _q('"美国总统"')),
    ("phrase 2 words, spaced", _q('"造成 至少"')),
    ("OR", _q("台风 OR 地震")),
    ("exclusion", _q("选举 -美国")),
    ("latin word in zh", _q("NBA")),
    ("word + year", _q("选举", year="2018")),
    ("word + domain", _q("地震", domain="cna.com.tw")),
    ("word + context", _q("示威", context="香港")),
    ("common + context", _q("总统", context="美国")),
    ("common + year", _q("中国", year="2019")),
    ("filter only: year", _q("", year="2016")),
]

QUERY_SETS: dict[str, list[Query]] = {"synth": SYNTH, "zh": ZH}


def queries(kind: str) -> list[Query]:
    """The query set for an archive kind (``synth`` or ``zh``)."""
    try:
        return QUERY_SETS[kind]
    except KeyError:
        raise ValueError(f"unknown query set {kind!r}; one of {', '.join(QUERY_SETS)}") from None
