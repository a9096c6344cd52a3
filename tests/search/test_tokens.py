"""Normalisation and bigrams (search.tokens): pure functions, no database."""

import pytest

from search.tokens import normalize_text, query_terms, search_terms


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("｜木場潟《きばがた》の水", "木場潟の水"),
        ("|木場潟《きばがた》の水", "木場潟の水"),
        ("木場潟《きばがた》の水", "木場潟の水"),
        ("小松市《こまつし》と｜ごみ《ゴミ》", "小松市とごみ"),
        # Double angle brackets that are not a reading after kanji stay.
        ("本の題名は《こまつ物語》です", "本の題名は《こまつ物語》です"),
    ],
)
def test_ruby_readings_are_removed_and_the_base_stays(text, normalized):
    assert normalize_text(text) == normalized


def test_width_case_and_whitespace_are_normalised():
    assert normalize_text("  ＳＤＧｓ　ﾌﾚｲﾙ\n\t予防 Ｎｏ.１ ") == "sdgs フレイル 予防 no.1"
    assert normalize_text("Straße") == "strasse"


def test_html_tags_and_entities_are_removed_keeping_words_whole():
    assert (
        normalize_text("<p>木場潟の<b>生き</b>もの</p><p>水&amp;森</p>") == "木場潟の生きもの 水&森"
    )
    assert normalize_text("<ruby>木場潟<rp>（</rp><rt>きばがた</rt><rp>）</rp></ruby>") == "木場潟"
    assert normalize_text("1 < 2 and 3 > 2") == "1 < 2 and 3 > 2"


def test_empty_text_normalises_to_the_empty_string():
    assert normalize_text(None) == ""
    assert normalize_text("　 \n") == ""
    assert search_terms("") == set()


def test_search_terms_are_the_bigrams_of_each_run():
    assert search_terms("木場潟の水") == {"木場", "場潟", "潟の", "の水"}


def test_punctuation_and_spaces_split_runs():
    terms = search_terms("ごみ、資源。「分別」・缶 紙")
    assert terms == {"ごみ", "資源", "分別", "缶", "紙"}
    assert not any(mark in term for term in terms for mark in "、。「」・ ")


def test_a_ruby_word_gives_the_bigrams_of_the_base_only():
    assert search_terms("｜木場潟《きばがた》") == {"木場", "場潟"}


def test_every_term_is_one_or_two_characters():
    terms = search_terms("Manabi（まなび）は小松市と金沢大学がつくるSDGsのプラットフォーム！")
    assert terms and all(1 <= len(term) <= 2 for term in terms)
    assert {"ma", "bi", "まな", "sd", "gs", "金沢"} <= terms


def test_query_terms_per_word():
    assert query_terms("木場潟　ごみ 水") == {
        "木場潟": frozenset({"木場", "場潟"}),
        "ごみ": frozenset({"ごみ"}),
        "水": frozenset({"水"}),
    }


def test_query_words_lose_surrounding_punctuation_and_repeats():
    assert query_terms("「防災」 防災 、") == {"防災": frozenset({"防災"})}


def test_query_word_with_inner_punctuation_keeps_every_run():
    assert query_terms("ごみ・紙") == {"ごみ・紙": frozenset({"ごみ", "紙"})}


def test_blank_query_has_no_words():
    assert query_terms("") == {}
    assert query_terms("　、。 ") == {}


@pytest.mark.parametrize("word", ["木場潟", "フレイル", "ごみ", "水", "sdgs", "ＳＤＧｓ"])
def test_a_word_in_the_text_has_all_its_terms_in_the_index(word):
    text = "｜木場潟《きばがた》の水とごみ、フレイル予防。SDGs"
    indexed = search_terms(text)
    for terms in query_terms(word).values():
        for term in terms:
            if len(term) == 2:
                assert term in indexed
            else:
                assert any(held.startswith(term) or held.endswith(term) for held in indexed)
