"""The H5P activity block in a lesson: player data, activity ids, scripts."""

import pytest
from django.core.files.base import ContentFile

from courses.h5p.services import import_h5p_package
from courses.h5p_quiz_builder import build_manabi_quiz_package
from courses.models import LessonPage
from tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(reference_data):
    package = build_manabi_quiz_package(
        title="｜木場潟《きばがた》クイズ",
        language="ja",
        questions=[{"type": "truefalse", "text": "木場潟は小松市にある。", "correct": True}],
    )
    return import_h5p_package(ContentFile(package, name="quiz.h5p"))


def h5p_block(package, pass_mark=60):
    return ("h5p", {"package": package, "pass_mark": pass_mark, "fallback_text": "木場潟の問題"})


def test_each_activity_gets_its_own_id_under_the_base_url(client, quiz, settings):
    settings.MANABI_BASE_URL = "https://manabi.example.jp"
    course = make_course(lessons=[("クイズ", [h5p_block(quiz), h5p_block(quiz, 80)])])
    lesson = LessonPage.objects.child_of(course).get()
    first, second = (block.id for block in lesson.body)
    html = client.get(lesson.url).content.decode()
    assert f'data-activity-id="https://manabi.example.jp/xapi/activities/{first}"' in html
    assert f'data-activity-id="https://manabi.example.jp/xapi/activities/{second}"' in html
    assert f'data-h5p-json-path="/h5p/packages/{quiz.uuid}"' in html
    assert 'data-libraries-path="/h5p/libraries"' in html
    assert "h5p-standalone/main.bundle.js" in html and "courses/js/h5p-player.js" in html
    assert "<ruby>木場潟<rp>（</rp><rt>きばがた</rt>" in html
    assert "木場潟の問題" in html  # the text alternative


def test_lessons_without_h5p_load_no_player(client, reference_data):
    course = make_course(lessons=[("よみもの", [("text", "<p>ごみを減らそう。</p>")])])
    lesson = LessonPage.objects.child_of(course).get()
    html = client.get(lesson.url).content.decode()
    assert "main.bundle.js" not in html


def test_only_lessons_that_play_h5p_allow_its_libraries_to_evaluate_code(client, quiz):
    quiz_course = make_course(lessons=[("クイズ", [h5p_block(quiz)])])
    reading_course = make_course(lessons=[("よみもの", [("text", "<p>ごみを減らそう。</p>")])])
    quiz_lesson = LessonPage.objects.child_of(quiz_course).get()
    reading_lesson = LessonPage.objects.child_of(reading_course).get()

    def script_sources(url):
        policy = client.get(url).headers["Content-Security-Policy"]
        directive = next(part for part in policy.split(";") if "script-src" in part)
        return directive.split()[1:]

    assert "'unsafe-eval'" in script_sources(quiz_lesson.url)
    assert "'unsafe-eval'" not in script_sources(reading_lesson.url)
    assert "'unsafe-eval'" not in script_sources(quiz_course.url)
    assert "'unsafe-inline'" not in script_sources(quiz_lesson.url)


def test_package_in_a_lesson_cannot_be_deleted(quiz):
    from courses.h5p.services import H5PPackageInUse, delete_h5p_package

    make_course(lessons=[("クイズ", [h5p_block(quiz)])])
    with pytest.raises(H5PPackageInUse):
        delete_h5p_package(quiz)
