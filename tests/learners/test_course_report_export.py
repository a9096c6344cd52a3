"""The course report's CSV export is streamed: learners are read in chunks with a fixed
number of queries per chunk, and a coordinator gets the same file as before (rows in
enrolment order, each learner once, the BOM, header, filename and audit entry)."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learners import audit, roles
from learners.models import ActivityResult, Enrolment, LessonProgress
from learners.reports import course_structure
from tests.factories import UserFactory, make_course, make_learner
from tests.learning import answer, h5p, lessons_of, make_quiz_package, reach_end

pytestmark = pytest.mark.django_db

QUERIES_PER_CHUNK = 1  # enrolments with users, profiles, lessons completed, completion and scores


@pytest.fixture
def course(reference_data):
    return make_course(
        title="木場潟の生きものと水",
        lessons=[
            ("水を調べる", [h5p(make_quiz_package("水質クイズ"))]),
            ("生きものを守る", [h5p(make_quiz_package("生きものクイズ"))]),
        ],
    )


@pytest.fixture
def coordinator(reference_data):
    return make_learner("coordinator", role=roles.COORDINATOR)


def csv_url(course):
    return reverse("learners_course_report_csv", args=[course.pk])


def export(client, course):
    """(response, body bytes, number of queries to answer and stream it)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(csv_url(course))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
    return response, body, len(queries)


def rows_of(body):
    assert body.startswith("\ufeff".encode())  # Excel reads UTF-8 Japanese with it
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def add_learners(course, count, *, start=0, enrolled_at=None):
    """``count`` enrolled learners with progress and a best score on the first quiz."""
    structure = course_structure(course.translation_key)
    first = structure.lessons[0]
    quiz = structure.activities[0]
    moment = enrolled_at or timezone.now()
    users = [UserFactory(username=f"bulk{number:03d}") for number in range(start, start + count)]
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user, course_key=course.translation_key, source="explicit", enrolled_at=moment
        )
        for user in users
    )
    LessonProgress.objects.bulk_create(
        LessonProgress(
            user=user,
            lesson_key=first.lesson_key,
            course_key=course.translation_key,
            completed_at=moment,
        )
        for user in users
    )
    ActivityResult.objects.bulk_create(
        ActivityResult(
            user=user,
            block_id=quiz.block_id,
            lesson_key=first.lesson_key,
            best_scaled_score=0.75,
            success=True,
            completed=True,
            attempts=1,
            first_at=moment,
            last_at=moment,
        )
        for user in users
    )
    return users


def test_the_export_is_streamed_with_the_same_file(client, course, coordinator):
    first, second = lessons_of(course)
    done = make_learner("done", display_name="小松 花子")
    answer(done, first, 1.0)
    reach_end(done, first)
    answer(done, second, 0.8)
    reach_end(done, second)
    client.force_login(coordinator)

    response, body, _queries = export(client, course)

    assert response.streaming  # not built whole in memory
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="course-report-{course.slug}-{today:%Y%m%d}.csv"'
    )
    header, row = rows_of(body)
    assert header[:5] == [
        "ユーザー名",
        "表示名",
        "受講登録日時",
        "完了したレッスン数",
        "講座修了日時",
    ]
    assert header[5].startswith("1. 水を調べる / 水質クイズ")
    assert header[6].startswith("2. 生きものを守る / 生きものクイズ")
    enrolled = timezone.localtime(done.enrolments.get().enrolled_at)
    assert row[:4] == ["done", "小松 花子", f"{enrolled:%Y-%m-%d %H:%M}", "2"]
    assert row[4] != "" and row[5:] == ["100.0", "80.0"]


def test_rows_come_in_enrolment_order_each_learner_once_across_chunks(
    client, course, coordinator, settings
):
    settings.COURSE_REPORT_CHUNK_SIZE = 2
    morning = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)
    later = add_learners(course, 3, start=10, enrolled_at=morning + datetime.timedelta(hours=1))
    # Five learners enrolled at the very same moment: ties across chunk boundaries.
    earlier = add_learners(course, 5, start=20, enrolled_at=morning)
    client.force_login(coordinator)

    _response, body, _queries = export(client, course)

    _header, *rows = rows_of(body)
    usernames = [row[0] for row in rows]
    assert usernames == [user.username for user in earlier + later]
    assert all(row[3:] == ["1", "", "75.0", ""] for row in rows)


def test_a_fixed_number_of_queries_per_chunk_of_learners(client, course, coordinator, settings):
    settings.COURSE_REPORT_CHUNK_SIZE = 3
    add_learners(course, 3)
    client.force_login(coordinator)
    export(client, course)  # warm the caches (content types, locales, site)
    _response, body, few = export(client, course)
    assert len(rows_of(body)) == 1 + 3

    add_learners(course, 27, start=3)
    _response, body, many = export(client, course)

    assert len(rows_of(body)) == 1 + 30
    # 3 learners: one full chunk, then an empty read; 30 learners: ten full chunks, then one.
    assert many - few == 9 * QUERIES_PER_CHUNK

    settings.COURSE_REPORT_CHUNK_SIZE = 100  # one chunk whatever the number of learners
    _response, _body, one_chunk = export(client, course)
    add_learners(course, 20, start=30)
    _response, body, still_one_chunk = export(client, course)
    assert len(rows_of(body)) == 1 + 50
    assert still_one_chunk == one_chunk


def test_the_export_is_still_recorded_in_the_audit_log(client, course, coordinator):
    add_learners(course, 4)
    client.force_login(coordinator)
    export(client, course)
    (entry,) = audit.AuditLogEntry.objects.filter(action=audit.EXPORT_COURSE_REPORT)
    assert entry.user == coordinator
    assert entry.data == {"learners": 4, "course_key": str(course.translation_key)}
