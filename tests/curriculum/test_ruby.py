import json
import re
from pathlib import Path

import pytest

from curriculum.ruby import (
    RUBY_PATTERN,
    has_unbalanced_ruby,
    ruby_html,
    ruby_segments,
    ruby_text,
    strip_ruby,
)


def test_explicit_notation_renders_ruby():
    html = ruby_text("｜木場潟《きばがた》の水")
    assert html == "<ruby>木場潟<rp>（</rp><rt>きばがた</rt><rp>）</rp></ruby>の水"


def test_short_notation_takes_the_kanji_before_the_reading():
    assert (
        ruby_text("きれいな水《みず》")
        == "きれいな<ruby>水<rp>（</rp><rt>みず</rt><rp>）</rp></ruby>"
    )


def test_ascii_bar_works_too_and_text_is_escaped():
    html = ruby_text("<b>|小松《こまつ》</b>")
    assert html.startswith("&lt;b&gt;<ruby>小松")
    assert "<b>" not in html


def test_rich_text_keeps_its_markup():
    html = ruby_html("<p>｜防災《ぼうさい》を<b>学ぶ</b></p>")
    assert html == "<p><ruby>防災<rp>（</rp><rt>ぼうさい</rt><rp>）</rp></ruby>を<b>学ぶ</b></p>"


def test_strip_ruby_keeps_words_whole():
    assert (
        strip_ruby("｜木場潟《きばがた》で｜防災《ぼうさい》訓練《くんれん》") == "木場潟で防災訓練"
    )


def test_unbalanced_marks_are_detected():
    assert has_unbalanced_ruby("｜木場潟《きばがた")
    assert has_unbalanced_ruby("木場潟》")
    assert not has_unbalanced_ruby("｜木場潟《きばがた》")


# The rule itself: the same cases hold the quiz player's copy (tests/js/ruby.test.mjs).
RUBY_CASES = json.loads((Path(__file__).parents[1] / "ruby_cases.json").read_text("utf-8"))
QUIZ_SCRIPT = (
    Path(__file__).parents[2]
    / "courses/h5p_content_types/H5P.ManabiQuiz-1.0/scripts/manabi-quiz.js"
)


@pytest.mark.parametrize("case", RUBY_CASES["cases"], ids=lambda case: case["name"])
def test_the_shared_ruby_cases(case):
    segments = [[text, reading] for text, reading in ruby_segments(case["text"])]
    assert segments == case["segments"]
    assert strip_ruby(case["text"]) == "".join(text for text, _reading in segments)
    expected_html = "".join(
        text if reading is None else f"<ruby>{text}<rp>（</rp><rt>{reading}</rt><rp>）</rp></ruby>"
        for text, reading in segments
    )
    assert ruby_html(case["text"]) == expected_html


def test_the_quiz_player_carries_the_same_pattern():
    # Same source, minus Python's group names: the player cannot drift from the rule unseen.
    literal = re.search(r"var RUBY_PATTERN = /(.+)/g;", QUIZ_SCRIPT.read_text("utf-8"))
    assert literal, "manabi-quiz.js no longer declares RUBY_PATTERN"
    assert literal.group(1) == re.sub(r"\?P<\w+>", "", RUBY_PATTERN.pattern)
