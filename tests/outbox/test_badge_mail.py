"""The fault of issue 10: a course completed by an xAPI POST awards a badge whose mail
went out over SMTP inside the request, so a failing mail server made it a 500 and the
mail was never retried. Now the request answers 200 and the worker retries the mail."""

import json

import pytest
from django.core import mail

from courses.activity_ids import block_activity_iri, lesson_activity_iri
from learners.models import BadgeAward, CourseCompletion
from outbox.models import OutboxMessage
from tests.factories import make_course, make_course_badge, make_learner
from tests.learning import ANSWERED, EXPERIENCED, h5p, lessons_of, make_quiz_package, statement
from tests.outbox.worker import run_worker

Status = OutboxMessage.Status
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture
def course_with_badge(reference_data):
    course = make_course(lessons=[("木場潟クイズ", [h5p(make_quiz_package())])])
    return course, make_course_badge(course)


def complete_by_xapi(client, course):
    """What the lesson page sends: a passing answer and the lesson read to its end."""
    (lesson,) = lessons_of(course)
    block = next(block for block in lesson.body if block.block_type == "h5p")
    statements = [
        statement(ANSWERED, block_activity_iri(block.id), 1.0),
        statement(EXPERIENCED, lesson_activity_iri(lesson.translation_key)),
    ]
    return client.post(
        "/xapi/statements",
        json.dumps(statements),
        content_type="application/json",
        headers=XAPI_HEADERS,
    )


@pytest.mark.django_db(transaction=True)
def test_with_smtp_failing_a_completing_post_answers_200_and_the_worker_retries_the_mail(
    client, course_with_badge, database_tasks, failing_smtp
):
    course, badge = course_with_badge
    learner = make_learner("sakura")
    client.force_login(learner)

    response = complete_by_xapi(client, course)

    assert response.status_code == 200, response.content
    completion = CourseCompletion.objects.get(user=learner, course_key=course.translation_key)
    award = BadgeAward.objects.get(user=learner, badge=badge)
    assert award.issued_on == completion.completed_at.replace(microsecond=0)  # to the second
    assert award.notified_at is not None
    message = OutboxMessage.objects.get(to=["sakura@example.jp"])
    assert message.status == Status.QUEUED and "木場潟の生きもの" in message.subject
    assert mail.outbox == []

    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert message.last_error.startswith("SMTPServerDisconnected")
    assert BadgeAward.objects.filter(user=learner, badge=badge).count() == 1  # untouched
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_a_working_mail_server_the_worker_sends_the_badge_mail(
    client, course_with_badge, database_tasks
):
    course, _badge = course_with_badge
    client.force_login(make_learner("sakura"))
    assert complete_by_xapi(client, course).status_code == 200
    assert mail.outbox == []  # not inside the request

    run_worker()

    message = OutboxMessage.objects.get(to=["sakura@example.jp"])
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert [sent.to for sent in mail.outbox] == [["sakura@example.jp"]]
    assert "木場潟の生きもの" in mail.outbox[0].subject


@pytest.mark.django_db
def test_even_with_tasks_run_inside_the_request_a_failing_server_never_fails_it(
    client, course_with_badge, failing_smtp, django_capture_on_commit_callbacks
):
    """Test settings run tasks at once, so the delivery happens in the request itself:
    the failure is recorded on the message, and the client still gets its 200."""
    course, badge = course_with_badge
    learner = make_learner("sakura")
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert complete_by_xapi(client, course).status_code == 200
    assert BadgeAward.objects.filter(user=learner, badge=badge).exists()
    message = OutboxMessage.objects.get(to=["sakura@example.jp"])
    assert (message.status, message.attempts) == (Status.RETRYING, 1)
    assert "SMTPServerDisconnected" in message.last_error
