"""Where an H5P package is used: Wagtail's reference index for what page rows hold
(published bodies, drafts of lessons never published), and the pending drafts of
published lessons, which the index does not read."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import blocks
from wagtail.models import ReferenceIndex

from courses.blocks import H5PActivityBlock
from courses.h5p.selectors import lessons_using_package
from courses.h5p.services import H5PPackageInUse, delete_h5p_package, import_h5p_package
from courses.models import H5PPackage, LessonPage
from tests.courses.h5p_packages import tiny_package
from tests.factories import make_catalogue, make_course

pytestmark = pytest.mark.django_db


def new_package():
    return import_h5p_package(io.BytesIO(tiny_package()))


def h5p_block(package):
    return ("h5p", {"package": package, "pass_mark": 60, "fallback_text": "木場潟の問題"})


def reading(text="<p>まず読もう。</p>"):
    return ("text", text)


def only_lesson(course):
    return LessonPage.objects.child_of(course).get()


def test_a_published_lesson_is_found_through_the_reference_index(reference_data):
    used, other = new_package(), new_package()
    course = make_course(
        lessons=[
            ("クイズ", [reading(), h5p_block(used)]),
            ("よみもの", [reading(f"<p>package {used.pk} は使いません</p>")]),
        ]
    )
    quiz = LessonPage.objects.child_of(course).get(slug="lesson-1")
    assert [reference.object_id for reference in ReferenceIndex.get_references_to(used)] == [
        str(quiz.pk)
    ]
    assert lessons_using_package(used) == [quiz]
    assert lessons_using_package(other) == []


def test_a_lesson_never_published_is_found_by_its_draft(reference_data):
    package = new_package()
    lesson = only_lesson(make_course(publish=False, lessons=[("クイズ", [h5p_block(package)])]))
    assert not lesson.live
    assert lessons_using_package(package) == [lesson]


def test_a_pending_draft_that_adds_the_activity_counts_before_it_is_published(reference_data):
    package = new_package()
    lesson = only_lesson(make_course(lessons=[("よみもの", [reading()])]))
    lesson.body = [reading(), h5p_block(package)]
    lesson.save_revision()
    assert not ReferenceIndex.get_references_to(package).exists()  # the row is still live
    assert lessons_using_package(package) == [lesson]
    with pytest.raises(H5PPackageInUse):
        delete_h5p_package(package)

    lesson.get_latest_revision().publish()
    assert ReferenceIndex.get_references_to(package).exists()
    assert lessons_using_package(package) == [lesson]


def test_a_pending_draft_without_the_activity_does_not_free_the_live_one(reference_data):
    package = new_package()
    lesson = only_lesson(make_course(lessons=[("クイズ", [h5p_block(package)])]))
    lesson.body = [reading()]
    lesson.save_revision()
    assert lessons_using_package(package) == [lesson]

    lesson.get_latest_revision().publish()
    assert lessons_using_package(package) == []


def test_deleting_the_lesson_frees_the_package(reference_data, django_capture_on_commit_callbacks):
    package = new_package()
    only_lesson(make_course(lessons=[("クイズ", [h5p_block(package)])])).delete()
    assert lessons_using_package(package) == []
    with django_capture_on_commit_callbacks(execute=True):
        delete_h5p_package(package)
    assert not H5PPackage.objects.filter(pk=package.pk).exists()


def test_finding_uses_costs_the_same_queries_however_many_lessons_use_it(reference_data):
    package = new_package()
    catalogue = make_catalogue()
    make_course(catalogue, lessons=[("クイズ", [h5p_block(package)])])
    with CaptureQueriesContext(connection) as few:
        assert len(lessons_using_package(package)) == 1
    for number in range(8):
        make_course(
            catalogue,
            title=f"講座{number}",
            lessons=[("クイズ", [h5p_block(package)]), ("よみもの", [reading()])],
        )
    with CaptureQueriesContext(connection) as many:
        assert len(lessons_using_package(package)) == 9
    assert len(many) == len(few)


def test_activities_nested_in_other_blocks_are_seen_too(reference_data):
    """No lesson block nests an H5P activity today; one that does stays visible,
    because the index walks every block's own references."""
    package = new_package()
    sections = blocks.StreamBlock(
        [("section", blocks.StructBlock([("items", blocks.ListBlock(H5PActivityBlock()))]))]
    )
    value = sections.to_python(
        [{"type": "section", "value": {"items": [{"package": package.pk, "pass_mark": 60}]}}]
    )
    found = [(model, object_id) for model, object_id, *_path in sections.extract_references(value)]
    assert found == [(H5PPackage, str(package.pk))]
