"""Concurrent statements for the same learner never lose or fail a progress update.

PostgreSQL only: SQLite lets one writer in at a time, so these requests cannot overlap
there. Each thread is a separate client with its own database connection, posting through
the real endpoint at the same moment (a barrier releases them together).
"""

import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from courses.activity_ids import block_activity_iri, lesson_activity_iri
from courses.models import LessonPage
from learners.models import ActivityResult, BadgeAward, CourseCompletion, LessonProgress
from tests.factories import make_course, make_course_badge, make_learner
from tests.learning import ANSWERED, EXPERIENCED, h5p, make_quiz_package, statement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so requests cannot race there",
    ),
]

URL = "/xapi/statements"
HEADERS = {"X-Experience-API-Version": "1.0.3", "Accept-Language": "en"}
PASS_MARK = 50


@pytest.fixture
def quiz_lesson(reference_data):
    course = make_course(
        lessons=[("木場潟クイズ", [h5p(make_quiz_package(), pass_mark=PASS_MARK)])]
    )
    return LessonPage.objects.child_of(course).get()


def quiz_iri(lesson):
    return block_activity_iri(next(b for b in lesson.body if b.block_type == "h5p").id)


def post(client, body):
    return client.post(
        URL, json.dumps({**body, "id": str(uuid.uuid4())}), "application/json", headers=HEADERS
    )


def clients_for(learner, count):
    clients = [Client(raise_request_exception=False) for _ in range(count)]
    for client in clients:
        client.force_login(learner)
    return clients


def run_together(work_per_thread, rounds):
    """Run ``work_per_thread[i](round)`` in thread i for each round, all threads released
    together at the start of each round; return the status codes of every request."""
    barrier = threading.Barrier(len(work_per_thread))
    statuses, errors = [], []

    def run(work):
        try:
            for number in range(rounds):
                barrier.wait()
                statuses.append(work(number))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in work_per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


def test_eight_simultaneous_scores_per_learner_are_all_counted(quiz_lesson):
    """40 learners, each with a first score of 0.1 and then eight at once (one 1.0, seven
    0.3): every best is 1.0, every learner has nine attempts and has passed."""
    iri = quiz_iri(quiz_lesson)
    learners = [make_learner() for _ in range(40)]
    clients = [clients_for(learner, 8) for learner in learners]
    for per_learner in clients:
        assert post(per_learner[0], statement(ANSWERED, iri, 0.1)).status_code == 200

    def sender(index):
        score = 1.0 if index == 0 else 0.3
        return lambda number: post(clients[number][index], statement(ANSWERED, iri, score))

    statuses = run_together([sender(index) for index in range(8)], rounds=len(learners))

    assert [response.status_code for response in statuses] == [200] * 320
    results = {r.user_id: r for r in ActivityResult.objects.filter(user__in=learners)}
    wrong = {
        learner.username: (results[learner.pk].best_scaled_score, results[learner.pk].attempts)
        for learner in learners
        if (results[learner.pk].best_scaled_score, results[learner.pk].attempts) != (1.0, 9)
    }
    lost_best = sum(best != 1.0 for best, _attempts in wrong.values())
    assert wrong == {}, (
        f"{len(wrong)} of 40 learners lost an update, {lost_best} of them their best score"
    )
    assert all(result.success for result in results.values())  # 1.0 is above the pass mark
    assert all(result.completed and result.viewed for result in results.values())


def test_sixteen_clients_of_one_learner_never_fail_and_count_every_score(quiz_lesson):
    """The first scores of a learner, sent by 16 clients at once (the row does not exist
    yet): no request fails, all 16 attempts count, and the best is the highest."""
    iri = quiz_iri(quiz_lesson)
    learners = [make_learner() for _ in range(5)]
    clients = [clients_for(learner, 16) for learner in learners]

    def sender(index):
        score = round(0.05 * index, 2)  # 0.0 … 0.75; below the pass mark until 0.5
        return lambda number: post(clients[number][index], statement(ANSWERED, iri, score))

    statuses = run_together([sender(index) for index in range(16)], rounds=len(learners))

    assert sorted({response.status_code for response in statuses}) == [200]
    for learner in learners:
        result = ActivityResult.objects.get(user=learner)
        assert (result.best_scaled_score, result.attempts, result.success) == (0.75, 16, True)


def test_a_pass_and_the_lesson_end_sent_at_once_complete_the_course_once(quiz_lesson):
    """A passing score and the lesson's end, in two requests at the same moment (each also
    sent twice more, as retries from other tabs do): the lesson and the course complete,
    and the course's badge is awarded once."""
    course = quiz_lesson.get_parent()
    badge = make_course_badge(course)
    iri = quiz_iri(quiz_lesson)
    end = lesson_activity_iri(quiz_lesson.translation_key)
    learners = [make_learner() for _ in range(20)]
    clients = [clients_for(learner, 4) for learner in learners]
    bodies = [
        statement(ANSWERED, iri, 0.9),
        statement(EXPERIENCED, end),
        statement(EXPERIENCED, end),
        statement(ANSWERED, iri, 0.8),
    ]

    def sender(index):
        return lambda number: post(clients[number][index], bodies[index])

    statuses = run_together([sender(index) for index in range(4)], rounds=len(learners))

    assert sorted({response.status_code for response in statuses}) == [200]
    progress = LessonProgress.objects.filter(user__in=learners)
    assert progress.filter(reached_end_at__isnull=False, completed_at__isnull=False).count() == 20
    assert CourseCompletion.objects.filter(user__in=learners).count() == 20
    assert BadgeAward.objects.filter(user__in=learners, badge=badge).count() == 20
