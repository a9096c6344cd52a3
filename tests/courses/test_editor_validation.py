"""What the editor refuses, with a message the author understands."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import rich_text

from courses.blocks import LessonBodyBlock
from courses.models import CoursePage
from curriculum.models import LifeStage
from tests.factories import make_catalogue, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_editor():
    """These authors use the admin in English; one test checks the Japanese wording."""
    with translation.override("en"):
        yield


def test_messages_are_in_the_authors_language(reference_data):
    with translation.override("ja"):
        form = course_form(make_course(), life_stages=[])
        assert not form.is_valid()
        assert form.errors["life_stages"] == [
            "ライフステージを1つ以上選んでください。学習者はライフステージから講座をさがします。"
        ]


def block_errors(stream_data):
    block = LessonBodyBlock()
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python(stream_data))
    return str(error.value.as_json_data())


def test_field_activity_without_coordinates_is_refused():
    errors = block_errors(
        [
            {
                "type": "field_activity",
                "value": {
                    "place_name": "木場潟公園",
                    "latitude": None,
                    "longitude": None,
                    "instructions": "<p>水を調べます。</p>",
                    "safety_note": "",
                },
            }
        ]
    )
    assert "latitude and longitude" in errors


def test_image_without_alt_text_is_refused(reference_data):
    image = get_image_model().objects.create(title="木場潟", file=get_test_image_file())
    errors = block_errors(
        [{"type": "image", "value": {"image": image.pk, "alt_text": " ", "caption": ""}}]
    )
    assert "alternative text" in errors


def test_incomplete_furigana_is_refused():
    errors = block_errors([{"type": "heading", "value": {"text": "｜木場潟《きばがた"}}])
    assert "furigana" in errors


def test_video_needs_captions_or_a_known_host(reference_data):
    errors = block_errors(
        [
            {
                "type": "video",
                "value": {
                    "title": "木場潟の四季",
                    "video_file": None,
                    "captions": None,
                    "embed_url": "https://example.com/video/1",
                    "transcript": "",
                },
            }
        ]
    )
    assert "YouTube and Vimeo" in errors


def course_form(course, **overrides):
    form_class = CoursePage.get_edit_handler().get_form_class()
    stages = [str(pk) for pk in course.life_stages.values_list("pk", flat=True)]
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": rich_text(course.description),
        "estimated_minutes": str(course.estimated_minutes),
        "life_stages": stages,
        "competencies-TOTAL_FORMS": "0",
        "competencies-INITIAL_FORMS": "0",
        "competencies-MIN_NUM_FORMS": "0",
        "competencies-MAX_NUM_FORMS": "1000",
        "comment_notifications": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return form_class(data, instance=course, parent_page=course.get_parent(), for_user=None)


def test_course_without_a_life_stage_is_refused(reference_data):
    course = make_course()
    form = course_form(course, life_stages=[])
    assert not form.is_valid()
    assert "Choose at least one life stage" in str(form.errors["life_stages"])


def test_cover_image_needs_alternative_text(reference_data):
    course = make_course()
    image = get_image_model().objects.create(title="表紙", file=get_test_image_file())
    form = course_form(course, cover_image=str(image.pk), cover_image_alt="")
    assert not form.is_valid()
    assert "alternative text" in str(form.errors["cover_image_alt"])


def test_prerequisite_cycle_is_refused_and_named(reference_data):
    catalogue = make_catalogue()
    first = make_course(catalogue, title="SDGsってなに？")
    second = make_course(catalogue, title="木場潟の生きものと水")
    third = make_course(catalogue, title="木場潟の水質調査")
    second.prerequisites.set([first])
    second.save_revision().publish()
    third.prerequisites.set([second])
    third.save_revision().publish()

    form = course_form(first, prerequisites=[str(third.pk)])
    assert not form.is_valid()
    message = str(form.errors["prerequisites"])
    assert "circle" in message
    assert "木場潟の水質調査 → 木場潟の生きものと水" in message

    assert not course_form(first, prerequisites=[str(first.pk)]).is_valid()
    ok = course_form(third, prerequisites=[str(first.pk), str(second.pk)])
    assert ok.is_valid(), ok.errors


def test_a_valid_course_form_passes(reference_data):
    course = make_course()
    assert course_form(course).is_valid(), course_form(course).errors
    assert LifeStage.objects.count() == 7
