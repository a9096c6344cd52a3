"""Furigana in the Aozora Bunko ruby notation: ｜漢字《かんじ》. The one home of the rule.

Authors write readings inline, as Japanese teachers and the Aozora Bunko do:
``｜木場潟《きばがた》`` marks the base text explicitly (the bar may be the
full-width ｜ or ASCII |); ``木場潟《きばがた》`` without a bar takes the run of
kanji just before the reading as its base (kanji include the marks 々〆〻 and the
small ヵヶ of 三ヶ月). Pages render ``<ruby>``; search and plain-text uses drop the
readings so that words stay whole.

``RUBY_PATTERN`` is the rule. Search (``search.tokens``) reads it through
``strip_ruby``; the quiz player (``H5P.ManabiQuiz``) carries the same pattern in
JavaScript, and both are held to the cases in ``tests/ruby_cases.json``.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

RUBY_KANJI = r"\u3005\u3006\u303b\u30f5\u30f6\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Neither part may contain markup or a line break: the notation lives inside text nodes.
RUBY_PATTERN = re.compile(
    r"(?:[｜|](?P<explicit_base>[^｜|《》<>\n]+?)"
    rf"|(?P<kanji_base>[{RUBY_KANJI}]+))"
    r"《(?P<reading>[^《》<>\n]+)》"
)


def ruby_segments(text):
    """The text as ``(text, reading)`` pairs, in order; ``reading`` is None for plain text.

    Joining the texts gives ``strip_ruby(text)``; a bar or bracket that starts no reading
    stays in the plain text (``has_unbalanced_ruby`` reports it).
    """
    text = str(text)
    segments = []
    position = 0
    for match in RUBY_PATTERN.finditer(text):
        if match.start() > position:
            segments.append((text[position : match.start()], None))
        base = match.group("explicit_base") or match.group("kanji_base")
        segments.append((base, match.group("reading")))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], None))
    return segments


def _ruby_tag(base, reading):
    return f"<ruby>{base}<rp>（</rp><rt>{reading}</rt><rp>）</rp></ruby>"


def ruby_html(html):
    """Turn the notation inside already-safe HTML (rich text) into <ruby> markup."""
    return mark_safe(  # noqa: S308 - input was safe HTML; bases and readings hold no markup
        "".join(
            part if reading is None else _ruby_tag(part, reading)
            for part, reading in ruby_segments(html)
        )
    )


def ruby_text(text):
    """Escape plain text and render its notation as <ruby> markup."""
    escaped = str(conditional_escape(text))
    return ruby_html(escaped)


def strip_ruby(text):
    """The text without readings: ｜木場潟《きばがた》 → 木場潟."""
    return "".join(part for part, _reading in ruby_segments(text))


def has_unbalanced_ruby(text):
    """True when a bar or a 《 is left without its partner, a typical authoring slip."""
    remaining = strip_ruby(text)
    return any(mark in remaining for mark in ("｜", "《", "》"))
