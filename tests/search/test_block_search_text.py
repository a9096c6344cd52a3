"""Every lesson block type is found by search: its text parts reach the index, readings do not.

The test walks ``LessonBodyBlock``'s own list of block types, so a new type is checked the
day it is added: if none of its parts is text and it says nothing through
``get_searchable_content``, or its text never reaches the lesson's search text, it fails.
"""

import pytest
from django.core.files.base import ContentFile
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale

from courses.blocks import LessonBodyBlock
from courses.h5p.services import import_h5p_package
from courses.h5p_quiz_builder import build_manabi_quiz_package
from courses.models import LessonPage
from search.services import search_pages
from tests.factories import make_course

pytestmark = pytest.mark.django_db

TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock)
READING = "よみがな"
BLOCK_TYPES = list(LessonBodyBlock().child_blocks.items())


@pytest.fixture
def other_parts(reference_data):
    """What each block type needs besides text, and the words those parts carry."""
    quiz = import_h5p_package(
        ContentFile(
            build_manabi_quiz_package(
                title="｜木場潟《きばがた》クイズ",
                language="ja",
                questions=[{"type": "truefalse", "text": "木場潟は湖。", "correct": True}],
            ),
            name="quiz.h5p",
        )
    )
    image = get_image_model().objects.create(title="木場潟", file=get_test_image_file())
    values = {
        "image": {"image": image},
        "video": {"embed_url": "https://www.youtube.com/watch?v=abc123"},
        "field_activity": {"latitude": 36.38, "longitude": 136.43},
        "h5p": {"package": quiz, "pass_mark": 60},
    }
    words = {"h5p": ["木場潟クイズ"]}  # the package's title, without its reading
    return values, words


def written(block, word):
    """``word`` with furigana, as an author writes it in this kind of text block."""
    text = f"｜{word}《{READING}》"
    return f"<p>{text}</p>" if isinstance(block, blocks.RichTextBlock) else text


def sample(block_type, block, other_values):
    """A value of the block whose every text part holds its own word, and those words."""
    if isinstance(block, TEXT_BLOCKS):
        return written(block, f"kw{block_type}"), [f"kw{block_type}"]
    if isinstance(block, blocks.StructBlock):
        value, words = dict(other_values.get(block_type, {})), []
        for name, child in block.child_blocks.items():
            if isinstance(child, TEXT_BLOCKS):
                word = f"kw{block_type}{name}".replace("_", "")
                value[name] = written(child, word)
                words.append(word)
        return value, words
    raise AssertionError(f"{block_type}: teach this test to fill a {type(block).__name__}")


@pytest.mark.parametrize(("block_type", "block"), BLOCK_TYPES, ids=[n for n, _b in BLOCK_TYPES])
def test_every_block_type_puts_its_text_in_search(block_type, block, other_parts):
    other_values, other_words = other_parts
    value, words = sample(block_type, block, other_values)
    words += other_words.get(block_type, [])
    assert words, f"{block_type} holds no text: give it get_searchable_content"

    course = make_course(lessons=[("ひとつのブロック", [(block_type, value)])])
    lesson = LessonPage.objects.child_of(course).get()
    text = lesson.search_text()
    for word in words:
        assert word in text, f"{block_type}: {word!r} is missing from the lesson's search text"
    assert READING not in text and "《" not in text and "<p>" not in text

    japanese = Locale.objects.get(language_code="ja")
    for word in words:
        assert lesson.pk in search_pages(word, locale=japanese).values_list("pk", flat=True)
    assert not search_pages(READING, locale=japanese).filter(pk=lesson.pk).exists()


def test_rich_text_paragraphs_stay_apart_and_entities_are_text(reference_data):
    body = [("text", "<p>木場潟</p><p>公園&amp;森</p>")]
    lesson = LessonPage.objects.child_of(make_course(lessons=[("よみもの", body)])).get()
    assert lesson.search_text() == "木場潟 公園&森"
