"""The course report in the admin: its figures, its CSV export, who may see it, and a
number of queries that does not grow with the number of learners."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learners import roles
from learners.models import LearnerProfile
from learners.reports import course_report, course_structure, learner_rows, score_bin
from learners.selectors import course_progress_for
from learners.services.progress import enrol_learner
from tests.factories import UserFactory, make_course, make_learner
from tests.learning import (
    answer,
    h5p,
    lessons_of,
    make_quiz_package,
    reach_end,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(reference_data):
    """Two lessons, each with one scored H5P quiz (pass mark 60%)."""
    first = make_quiz_package("｜木場潟《きばがた》クイズ")
    second = make_quiz_package("水質クイズ")
    return make_course(
        title="木場潟の生きものと水",
        lessons=[("水を調べる", [h5p(first)]), ("生きものを守る", [h5p(second)])],
    )


@pytest.fixture
def learners(course):
    """Four learners: one finished the course, two are part way, one only enrolled."""
    first, second = lessons_of(course)
    done = make_learner("done", display_name="小松 花子")
    answer(done, first, 0.5)
    answer(done, first, 1.0)  # the best of two attempts counts
    reach_end(done, first)
    answer(done, second, 0.8)
    reach_end(done, second)

    failing = make_learner("failing", display_name="=HYPERLINK(1)")
    answer(failing, first, 0.45)  # below the pass mark: lesson not completed
    reach_end(failing, first)
    answer(failing, second, 0.95)

    passing = make_learner("passing", display_name="加賀 太郎")
    answer(passing, first, 0.6)  # exactly the pass mark
    reach_end(passing, first)

    waiting = make_learner("waiting")
    enrol_learner(waiting, course.translation_key)
    return {"done": done, "failing": failing, "passing": passing, "waiting": waiting}


@pytest.fixture
def coordinator(reference_data):
    return make_learner("coordinator", role=roles.COORDINATOR)


def report_url(course):
    return reverse("learners_course_report", args=[course.pk])


def csv_url(course):
    return reverse("learners_course_report_csv", args=[course.pk])


def read_csv(response):
    content = b"".join(response.streaming_content)  # streamed, as browsers receive it
    assert content.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# The figures ---------------------------------------------------------------------


def test_score_bands_are_ten_points_wide_and_include_the_top():
    assert [score_bin(score) for score in (0, 0.09, 0.1, 0.45, 0.6, 0.899, 0.9, 1.0)] == [
        0,
        0,
        1,
        4,
        6,
        8,
        9,
        9,
    ]
    assert score_bin(-0.5) == 0


def test_the_report_counts_what_the_learners_did(course, learners):
    report = course_report(course.translation_key)
    assert (report.enrolled, report.completed) == (4, 1)
    assert report.completion_rate == 25

    assert [lesson.lesson.title for lesson in report.lessons] == ["水を調べる", "生きものを守る"]
    assert [lesson.completed for lesson in report.lessons] == [2, 1]

    first, second = report.activities
    assert first.activity.title == "木場潟クイズ"  # readings dropped
    assert first.activity.lesson.number == 1 and first.activity.pass_mark == 60
    assert (first.learners, first.passed) == (3, 2)
    assert first.average_percent == pytest.approx(100 * (1.0 + 0.45 + 0.6) / 3)
    assert first.pass_rate == pytest.approx(200 / 3)
    assert first.bins == (0, 0, 0, 0, 1, 0, 1, 0, 0, 1)

    assert (second.learners, second.passed) == (2, 2)
    assert second.average_percent == pytest.approx(87.5)
    assert second.bins == (0, 0, 0, 0, 0, 0, 0, 0, 1, 1)


def test_the_report_agrees_with_each_learners_progress(course, learners):
    structure = course_structure(course.translation_key)
    rows = {row.username: row for row in learner_rows(structure)}
    assert set(rows) == set(learners)
    for username, user in learners.items():
        progress = course_progress_for(user, [course.translation_key])[course.translation_key]
        assert progress.lessons_total == len(structure.lessons)
        assert rows[username].lessons_completed == progress.lessons_completed
        assert rows[username].completed_at == progress.completed_at
    assert rows["done"].best_scores == (1.0, 0.8)
    assert rows["passing"].best_scores == (0.6, None)
    assert rows["waiting"].best_scores == (None, None)


def test_the_report_page_shows_the_figures_and_an_accessible_chart(client, course, learners):
    client.force_login(make_learner("author", role=roles.FACULTY_AUTHOR))
    response = client.get(report_url(course))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd data-figure="enrolled">4</dd>' in html
    assert '<dd data-figure="completed">1</dd>' in html
    assert '<dd data-figure="completion-rate">25.0%</dd>' in html
    assert '<td data-lesson-completed="1">2</td>' in html
    assert '<td data-lesson-completed="2">1</td>' in html
    assert '<dd data-figure="average">68.3%</dd>' in html
    assert '<dd data-figure="pass-rate">66.7%</dd>' in html
    assert html.count("<svg viewBox=") == 2
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert html.count('class="w-sr-only"') >= 2  # the data tables behind the charts
    assert '<td data-band="4">1</td>' in html
    assert "<script>" not in html.split("<main", 1)[-1]  # the chart needs no script
    assert csv_url(course) in html


def test_the_csv_has_one_row_per_enrolled_learner(client, course, learners, coordinator):
    client.force_login(coordinator)
    response = client.get(csv_url(course))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert len(header) == 5 + 2
    assert "木場潟クイズ" in header[5] and "水質クイズ" in header[6]
    by_username = {row[0]: row for row in rows}
    assert list(by_username) == ["done", "failing", "passing", "waiting"]
    done = by_username["done"]
    assert done[1] == "小松 花子" and done[3] == "2" and done[4] != ""
    assert done[5:] == ["100.0", "80.0"]
    assert by_username["failing"][1] == "'=HYPERLINK(1)"  # never run as a formula
    assert by_username["failing"][3:] == ["0", "", "45.0", "95.0"]
    assert by_username["passing"][3:] == ["1", "", "60.0", ""]
    assert by_username["waiting"][3:] == ["0", "", "", ""]


def test_a_learner_without_a_profile_gets_an_empty_display_name(client, course, coordinator):
    staff = UserFactory(username="staff-learner")
    enrol_learner(staff, course.translation_key)
    assert not LearnerProfile.objects.filter(user=staff).exists()
    client.force_login(coordinator)
    _header, row = read_csv(client.get(csv_url(course)))
    assert row[:2] == ["staff-learner", ""]


# Who may see it ----------------------------------------------------------------------


def test_a_learner_cannot_see_the_report(client, course, learners):
    client.force_login(learners["done"])
    for url in (report_url(course), csv_url(course), reverse("learners_course_report_index")):
        response = client.get(url)
        assert response.status_code == 302
        assert "小松 花子" not in response.content.decode()


def test_admin_access_alone_is_not_enough(client, course, learners):
    teacher = make_learner("teacher", role=roles.TEACHER)
    teacher.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(teacher)
    for url in (report_url(course), csv_url(course), reverse("learners_course_report_index")):
        response = client.get(url)
        assert response.status_code == 403
        assert "小松 花子" not in response.content.decode()


@pytest.mark.parametrize(
    "role", [roles.COORDINATOR, roles.CITY_STAFF, roles.CURRICULUM_SUPERVISOR, None]
)
def test_report_roles_and_superusers_can_see_it(client, course, learners, role):
    user = make_learner(f"staff-{role}".replace(" ", "-")[:30], role=role)
    if role is None:
        user.is_superuser = True
        user.save()
    client.force_login(user)
    assert client.get(report_url(course)).status_code == 200
    assert client.get(csv_url(course)).status_code == 200
    index = client.get(reverse("learners_course_report_index")).content.decode()
    assert report_url(course) in index  # how coordinators, who edit no pages, get there


def test_a_page_that_is_not_a_course_has_no_report(client, course, coordinator):
    client.force_login(coordinator)
    lesson = lessons_of(course)[0]
    assert client.get(reverse("learners_course_report", args=[lesson.pk])).status_code == 404


def test_course_pages_offer_the_report_in_the_admin(client, course):
    author = make_learner("author", role=roles.FACULTY_AUTHOR)
    client.force_login(author)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert report_url(course) in edit
    listing = client.get(reverse("wagtailadmin_explore", args=[course.get_parent().pk]))
    assert report_url(course) in listing.content.decode()
    lesson = lessons_of(course)[0]
    lesson_edit = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert f"/cms/course-report/{lesson.pk}/" not in lesson_edit.content.decode()


# A fixed number of queries -----------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # the export's rows are read as it streams
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_learners(client, course, coordinator):
    first, second = lessons_of(course)

    def add_learners(count, start):
        for number in range(start, start + count):
            user = make_learner(f"many{number}")
            answer(user, first, (number % 11) / 10)
            reach_end(user, first)
            answer(user, second, ((number * 3) % 11) / 10)

    add_learners(3, 0)
    client.force_login(coordinator)
    for url in (report_url(course), csv_url(course)):
        client.get(url)  # warm the caches (content types, locales, site)
    report_queries = count_queries(client, report_url(course))
    csv_queries = count_queries(client, csv_url(course))

    add_learners(20, 3)
    assert course_report(course.translation_key).enrolled == 23
    assert count_queries(client, report_url(course)) == report_queries
    assert count_queries(client, csv_url(course)) == csv_queries
    assert len(read_csv(client.get(csv_url(course)))) == 1 + 23
