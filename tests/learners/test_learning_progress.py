"""Progress a learner sees: enrolment, lesson and course completion, field check-ins,
the dashboard and the marks on the catalogue, course and lesson pages."""

import re
import uuid

import pytest
from django.urls import reverse

from courses.activity_ids import block_activity_iri
from courses.field_activities import check_in_url
from courses.h5p.services import import_h5p_package
from curriculum.badge_rules import COMPLETE_COURSE
from curriculum.models import BadgeDefinition
from learners.models import (
    ActivityResult,
    BadgeAward,
    CourseCompletion,
    Enrolment,
    FieldVisit,
    LessonProgress,
)
from learners.services.statements import record_statements
from tests.factories import make_catalogue, make_course, make_learner
from tests.learning import (
    EXPERIENCED,
    answer,
    h5p,
    lessons_of,
    make_quiz_package,
    reach_end,
    statement,
)

pytestmark = pytest.mark.django_db

FIELD_ACTIVITY = (
    "field_activity",
    {
        "place_name": "｜木場潟《きばがた》公園 中央園地",
        "latitude": 36.3797,
        "longitude": 136.4435,
        "instructions": "<ol><li>水の色とにおいを調べます。</li></ol>",
        "safety_note": "",
    },
)


@pytest.fixture
def quiz(reference_data):
    return make_quiz_package()


def test_a_course_completes_once_when_every_lesson_is_done(
    quiz, django_capture_on_commit_callbacks
):
    course = make_course(lessons=[("一", [h5p(quiz)]), ("二", [("text", "<p>読む</p>")])])
    first, second = lessons_of(course)
    learner = make_learner()
    BadgeDefinition.objects.create(
        name_ja="二つのレッスン",
        description="…",
        criteria_narrative="…",
        rule_type=COMPLETE_COURSE,
        course=course,
    )

    with django_capture_on_commit_callbacks(execute=True):
        answer(learner, first, 0.4)  # below the pass mark
        reach_end(learner, first)
        reach_end(learner, second)
    assert LessonProgress.objects.get(lesson_key=second.translation_key).completed_at
    assert LessonProgress.objects.get(lesson_key=first.translation_key).completed_at is None
    assert not CourseCompletion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        answer(learner, first, 0.9)
        answer(learner, first, 1.0)
        reach_end(learner, second)
    assert (
        CourseCompletion.objects.filter(user=learner, course_key=course.translation_key).count()
        == 1
    )
    award = BadgeAward.objects.get()  # what follows a completion happened once
    assert award.badge.course.translation_key == course.translation_key
    assert Enrolment.objects.get(user=learner).source == Enrolment.Source.LESSON_VISIT


def test_unscored_content_counts_once_viewed(reference_data):
    from tests.courses.test_h5p_import import FIXTURES

    accordion = import_h5p_package(FIXTURES / "accordion-1.0.h5p")
    course = make_course(lessons=[("読みもの", [h5p(accordion)])])
    (lesson,) = lessons_of(course)
    learner = make_learner()
    block = lesson.body[0]
    record_statements(learner, [statement(EXPERIENCED, block_activity_iri(block.id))])
    reach_end(learner, lesson)
    result = ActivityResult.objects.get(user=learner)
    assert result.best_scaled_score is None and result.success
    assert CourseCompletion.objects.filter(user=learner).exists()


def test_progress_follows_the_learner_into_a_translation(client, quiz):
    from wagtail.models import Locale

    course = make_course(lessons=[("木場潟クイズ", [h5p(quiz)])])
    (lesson,) = lessons_of(course)
    english = Locale.objects.get_or_create(language_code="en")[0]
    catalogue_en = course.get_parent().copy_for_translation(english, copy_parents=True)
    catalogue_en.save_revision().publish()
    course_en = course.copy_for_translation(english)
    course_en.title = "Kibagata lake"
    course_en.save_revision().publish()
    lesson_en = lesson.copy_for_translation(english)
    lesson_en.title = "Kibagata quiz"
    lesson_en.save_revision().publish()

    learner = make_learner()
    client.force_login(learner)
    answer(learner, lesson, 1.0)
    reach_end(learner, lesson)  # finished in Japanese ...
    html = client.get(lesson_en.url).content.decode()  # ... and it shows in English
    assert "You have completed this lesson." in html
    course_html = client.get(course_en.url).content.decode()
    assert "Completed" in course_html


def test_starting_a_course_enrols_and_opens_the_first_lesson(client, quiz):
    course = make_course(lessons=[("一", [h5p(quiz)]), ("二", [("text", "<p>読む</p>")])])
    first, _second = lessons_of(course)
    learner = make_learner()
    url = reverse("learners:enrol", args=[course.translation_key])

    assert client.post(url).status_code == 302  # to the login page
    assert not Enrolment.objects.exists()
    client.force_login(learner)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == first.url
    client.post(url)
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.source) == (learner, Enrolment.Source.EXPLICIT)
    html = client.get(course.url).content.decode()
    assert 'aria-valuenow="0"' in html  # enrolled, nothing done yet
    assert f'class="button button--primary" href="{first.url}"' in html  # continue there
    assert client.post(reverse("learners:enrol", args=[uuid.uuid4()])).status_code == 404


# Field check-ins ---------------------------------------------------------------


@pytest.fixture
def field_lesson(reference_data):
    course = make_course(lessons=[("木場潟へ行こう", [FIELD_ACTIVITY])])
    return lessons_of(course)[0]


def check_in_path(lesson, settings):
    block_id = lesson.field_activities()[0][0]
    return check_in_url(lesson, block_id).removeprefix(settings.MANABI_BASE_URL)


def test_a_check_in_records_one_visit_that_counts_towards_the_lesson(
    client, field_lesson, settings
):
    learner = make_learner()
    path = check_in_path(field_lesson, settings)

    anonymous = client.get(path).content.decode()
    assert "/accounts/login/?next=" in anonymous
    assert not FieldVisit.objects.exists()

    client.force_login(learner)
    first = client.get(path).content.decode()
    assert "記録しました" in first or "recorded" in first
    again = client.get(path).content.decode()  # the same code scanned again
    assert FieldVisit.objects.filter(user=learner).count() == 1
    assert first != again
    visit = FieldVisit.objects.get()
    assert visit.place_name == "木場潟公園 中央園地"

    reach_end(learner, field_lesson)
    assert CourseCompletion.objects.filter(user=learner).exists()


def test_forged_and_expired_check_ins_record_nothing(client, field_lesson, settings):
    client.force_login(make_learner())
    path = check_in_path(field_lesson, settings)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-3] + ("abc" if not token.endswith("abc") else "xyz"))
    assert client.get(forged).status_code == 400

    settings.MANABI_CHECK_IN_POSTER_VALID_DAYS = -1  # every poster is out of date
    assert client.get(path).status_code == 410
    assert not FieldVisit.objects.exists()


# What the learner sees, and what it costs ---------------------------------------


def progress_texts(html):
    """Every progress bar's label and value on a page."""
    return re.findall(
        r'progress__label">([^<]+)</span>\s*<span class="progress__track" role="progressbar"'
        r'[^>]*aria-valuenow="(\d+)"',
        html,
    )


def build_catalogue(quiz, courses):
    catalogue = make_catalogue()
    made = []
    for number in range(courses):
        made.append(
            make_course(
                catalogue,
                title=f"講座{number}",
                lessons=[(f"一{number}", [h5p(quiz)]), (f"二{number}", [("text", "<p>読む</p>")])],
            )
        )
    return catalogue, made


def make_progress(learner, course, *, finish):
    first, second = lessons_of(course)
    answer(learner, first, 0.5)
    answer(learner, first, 0.8)
    reach_end(learner, first)
    if finish:
        reach_end(learner, second)


def test_dashboard_catalogue_and_course_page_show_the_same_numbers(client, quiz):
    catalogue, (started, finished, _untouched) = build_catalogue(quiz, 3)
    learner = make_learner()
    make_progress(learner, started, finish=False)
    make_progress(learner, finished, finish=True)
    client.force_login(learner)

    dashboard = client.get("/me/").content.decode()
    catalogue_html = client.get(catalogue.url).content.decode()
    course_html = client.get(started.url).content.decode()
    half = [label for label, value in progress_texts(course_html)]
    assert [value for _label, value in progress_texts(course_html)] == ["50"]
    assert [value for _label, value in progress_texts(dashboard)] == ["50"]
    assert sorted(value for _label, value in progress_texts(catalogue_html)) == ["100", "50"]
    assert half[0] in dashboard and half[0] in catalogue_html
    assert "講座1" in dashboard[dashboard.index("courses-completed") :]
    assert "80%" in dashboard  # the best score, not the last or first


def test_progress_pages_cost_the_same_queries_as_data_grows(
    client, quiz, django_assert_num_queries
):
    catalogue, courses = build_catalogue(quiz, 2)
    learner = make_learner()
    client.force_login(learner)
    make_progress(learner, courses[0], finish=True)

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = ["/me/", catalogue.url, courses[0].url, lessons_of(courses[0])[0].url]
    [count(url) for url in urls]  # warm the per-process caches (site root, locales)
    before = [count(url) for url in urls]
    more = [
        make_course(catalogue, title=f"追加{n}", lessons=[("一", [h5p(quiz)]), ("二", [])])
        for n in range(3)
    ]
    for course in [courses[1], *more]:
        for _ in range(3):
            make_progress(learner, course, finish=True)
    after = [count(url) for url in urls]
    assert after == before
    # 30 for the learning records, and one for each card a later app adds through
    # learners.dashboard_links (open offers, the calendar).
    assert before[0] <= 32, "the dashboard should stay lean"


def test_opening_a_lesson_enrols_a_signed_in_learner_once(client, quiz):
    course = make_course(lessons=[("一", [h5p(quiz)])])
    (lesson,) = lessons_of(course)
    client.get(lesson.url)
    assert not Enrolment.objects.exists()  # visitors are not enrolled
    learner = make_learner()
    client.force_login(learner)
    client.get(lesson.url)
    client.get(lesson.url)
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.course_key) == (learner, course.translation_key)
    assert enrolment.source == Enrolment.Source.LESSON_VISIT
