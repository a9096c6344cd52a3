"""Furigana in the Aozora Bunko ruby notation: ｜漢字《かんじ》.

Authors write readings inline, as Japanese teachers and the Aozora Bunko do:
``｜木場潟《きばがた》`` marks the base text explicitly (the bar may be the
full-width ｜ or ASCII |); ``木場潟《きばがた》`` without a bar takes the run of
kanji just before the reading as its base. Pages render ``<ruby>``; search and
plain-text uses drop the readings so that words stay whole.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_KANJI = r"[\u3005\u3006\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
# Neither part may contain markup: the notation lives inside text nodes.
RUBY_EXPLICIT = re.compile(r"[｜|](?P<base>[^｜|《》<>\n]+?)《(?P<reading>[^《》<>\n]+)》")
RUBY_IMPLICIT = re.compile(rf"(?P<base>{_KANJI}+)《(?P<reading>[^《》<>\n]+)》")


def _ruby_tag(match, escape):
    base, reading = match.group("base"), match.group("reading")
    if escape:
        base, reading = conditional_escape(base), conditional_escape(reading)
    return f"<ruby>{base}<rp>（</rp><rt>{reading}</rt><rp>）</rp></ruby>"


def ruby_html(html):
    """Turn the notation inside already-safe HTML (rich text) into <ruby> markup."""
    html = RUBY_EXPLICIT.sub(lambda match: _ruby_tag(match, escape=False), str(html))
    html = RUBY_IMPLICIT.sub(lambda match: _ruby_tag(match, escape=False), html)
    return mark_safe(html)  # noqa: S308 - input was safe HTML; bases and readings hold no markup


def ruby_text(text):
    """Escape plain text and render its notation as <ruby> markup."""
    escaped = str(conditional_escape(text))
    return ruby_html(escaped)


def strip_ruby(text):
    """The text without readings: ｜木場潟《きばがた》 → 木場潟."""
    text = RUBY_EXPLICIT.sub(lambda match: match.group("base"), str(text))
    return RUBY_IMPLICIT.sub(lambda match: match.group("base"), text)


def has_unbalanced_ruby(text):
    """True when a bar or a 《 is left without its partner, a typical authoring slip."""
    remaining = strip_ruby(text)
    return any(mark in remaining for mark in ("｜", "《", "》"))
