"""Known real events are found in the top 3 by the words a reader would type."""

from __future__ import annotations

import pytest

from indexer.schema import context_key
from search.params import parse_request
from search.service import Search

ZH_QUERIES = [
    # typed in Simplified; the page is in Traditional
    ("巴黎圣母院 火灾", "news/2019/04/15/"),
    ("英国 脱欧公投 卡梅伦", "news/2016/06/24/"),
    ("中华航空 罢工", "news/2016/06/24/"),
    ("仙台 地震 海啸", "news/2011/03/11/"),
    ("伦敦地铁 爆炸 嫌疑人", "news/2007/07/10/"),
]
EN_QUERIES = [
    ("moscow metro fire", "news/2013/06/5/a-fire-in-the-moscow-metro"),
    ("peru visa venezuelans", "news/2017/02/3/peruavenezuela-relations"),
    ("louvre soldier knife", "news/2017/02/3/a-french-army-soldier"),
    ("oldest primate fossil", "news/2013/06/5/a-newly-discovered-fossil"),
    ("judge blocks travel ban", "news/2017/02/3/united-states-federal-judge-james-robart"),
    ("Kuczynski", "news/2017/02/3/peruavenezuela-relations"),
]


def top3(service: Search, query: str) -> list[str]:
    result = service.search(parse_request([("q", query), ("per_page", "3")]))
    return [hit.event.id for hit in result.hits]


@pytest.mark.parametrize(("query", "expected"), ZH_QUERIES)
def test_zh_event_is_in_top_3(zh_search: Search, query: str, expected: str) -> None:
    assert any(i.startswith(expected) for i in top3(zh_search, query)), top3(zh_search, query)


@pytest.mark.parametrize(("query", "expected"), EN_QUERIES)
def test_en_event_is_in_top_3(en_search: Search, query: str, expected: str) -> None:
    assert any(i.startswith(expected) for i in top3(en_search, query)), top3(en_search, query)


def test_zh_facets_and_suggestions_on_the_real_archive(zh_search: Search) -> None:
    result = zh_search.search(parse_request([("q", "地震")])).to_dict()
    years = next(f for f in result["facets"] if f["name"] == "year")
    assert sum(v["count"] for v in years["values"]) == result["total"] > 50
    assert context_key(zh_search.suggest("叙利亚")[0].text).startswith("叙利亚")
    traditional = zh_search.search(parse_request([("q", 'context:"敘利亞"')])).total
    assert traditional == zh_search.search(parse_request([("q", 'context:"叙利亚"')])).total > 10
