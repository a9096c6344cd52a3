from django import template
from django.utils.html import conditional_escape

from curriculum.ruby import ruby_html, ruby_text, strip_ruby

register = template.Library()


@register.filter(name="ruby")
def ruby(value):
    """Escape text and show its ｜漢字《かんじ》 readings as furigana."""
    return ruby_text(value or "")


@register.filter(name="without_ruby")
def without_ruby(value):
    """The text with its readings dropped, for places that cannot show furigana (<title>)."""
    return strip_ruby(value or "")


@register.filter(name="ruby_rich_text")
def ruby_rich_text(value):
    """Rich text (already safe HTML) with its ｜漢字《かんじ》 readings shown as furigana."""
    return ruby_html(value.__html__() if hasattr(value, "__html__") else conditional_escape(value))
