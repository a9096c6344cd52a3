"""Text into search terms: normalisation and character bigrams.

Japanese has no spaces between words, so instead of words the index holds every
pair of neighbouring characters (bigrams). A document that contains a word as a
substring then always holds all of the word's bigrams; the converse is not true
(the pairs may sit apart), so callers confirm candidates against the text.

Plain functions, without models or settings, so they can be tested and reused anywhere.
Aozora ruby readings are dropped by ``curriculum.ruby.strip_ruby``, the one home of
that notation.
"""

import html
import re
import unicodedata

from curriculum.ruby import strip_ruby

# Readings rendered as HTML (<rt>, and the <rp> brackets around them) are not words
# of the text either.
_HTML_RUBY_READING = re.compile(r"<(rt|rp)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Only tag-shaped text is markup: "1 < 2" in plain text stays as it is.
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# Inline tags sit inside words (<b>木場</b>潟); any other tag separates text.
_INLINE_TAG = re.compile(
    r"</?(a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|ruby|s|samp|small|span|"
    r"strong|sub|sup|time|u|var|wbr)\b",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"\s+")


def _without_html(text):
    if "<" not in text:
        return text
    text = _HTML_COMMENT.sub(" ", text)
    text = _HTML_RUBY_READING.sub("", text)
    return _HTML_TAG.sub(lambda tag: "" if _INLINE_TAG.match(tag.group()) else " ", text)


def normalize_text(text):
    """The comparable form of ``text``: what the index stores and queries use.

    Guarantees: HTML tags are gone (inline ones without leaving a gap, so
    ``<b>木場</b>潟`` stays one word) and character entities are decoded; Aozora
    ruby readings are removed, leaving the base text (``｜漢字《かんじ》`` and
    ``漢字《かんじ》`` become ``漢字``); the result is in Unicode NFKC (full-width
    Latin letters and digits, half-width katakana and the ideographic space
    become their usual forms) and casefolded; runs of whitespace are one space
    and there is none at either end. ``None`` and the empty string give the
    empty string.
    """
    if not text:
        return ""
    text = _without_html(str(text))
    text = html.unescape(text)
    text = strip_ruby(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    # Casefolding can decompose characters (ǰ becomes j and a combining caron);
    # compose them again so that text and queries always meet in one form.
    text = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub(" ", text).strip()


def is_separator(character):
    """True for characters that end a run of searchable text: whitespace,
    punctuation (Japanese 、。「」・ too), symbols and control characters."""
    return unicodedata.category(character)[0] in "ZPSC"


def _runs(normalized_text):
    run = []
    for character in normalized_text:
        if is_separator(character):
            if run:
                yield "".join(run)
                run = []
        else:
            run.append(character)
    if run:
        yield "".join(run)


def _run_terms(run):
    if len(run) == 1:
        return {run}
    return {run[index : index + 2] for index in range(len(run) - 1)}


def search_terms(text):
    """The set of index terms of ``text``: it is normalised, split into runs
    at separators (see ``is_separator``), and every run gives its overlapping
    bigrams; a run of a single character gives that character.

    Guarantees: every term has one or two characters and none contains a
    separator. If the normalised form of a word is a substring of the normalised
    text, every term of ``query_terms(word)`` is in this set (one-character
    terms as a term, or as the first or last character of one).
    """
    terms = set()
    for run in _runs(normalize_text(text)):
        terms |= _run_terms(run)
    return terms


def query_terms(query):
    """The words of a search query and the index terms each one needs.

    Returns a dict, in the order the words were first typed, from each
    normalised word to the frozenset of its terms: bigrams of every run in the
    word, or a single character for a run of one character. Words are
    separated by whitespace (ideographic spaces too); separators at a word's
    ends are dropped (``「防災」`` is ``防災``), those inside stay part of it, and
    words made only of separators are left out. An empty or blank query gives an
    empty dict.
    """
    words = {}
    for raw_word in normalize_text(query).split(" "):
        start, end = 0, len(raw_word)
        while start < end and is_separator(raw_word[start]):
            start += 1
        while end > start and is_separator(raw_word[end - 1]):
            end -= 1
        word = raw_word[start:end]
        if word and word not in words:
            terms = set()
            for run in _runs(word):
                terms |= _run_terms(run)
            words[word] = frozenset(terms)
    return words
