"""bench.lexicon: the word lists read from bench/data/synth/, and the words made from them."""

from __future__ import annotations

from bench.lexicon import WORDS, lexicon, slugify


def test_word_lists_are_read_without_their_comments() -> None:
    assert WORDS.function_words[:3] == ["the", "of", "in"]
    assert ("Côte d'Ivoire", "Ivorian") in WORDS.countries
    assert WORDS.outlets[0] == ("Reuters", "www.reuters.com")
    assert all(not item.startswith("#") and item == item.strip() for item in WORDS.cities)


def test_the_vocabulary_is_the_same_whatever_the_seed() -> None:
    lex = lexicon()
    assert len(lex.words.items) == len(set(lex.words.items)) > 3_800
    assert lex.words.items[:2] == ["the", "of"]


def test_slugs_fold_accents_and_keep_chinese() -> None:
    assert slugify("Erdoğan visits Zürich, again!", 140) == "erdogan-visits-zurich-again"
    assert slugify("台湾 选举 2016", 60) == "台湾-选举-2016"
    assert slugify("!!!", 10) == "event"
