"""The xAPI statements resource at /xapi/statements: what a lesson page (session) and an
external xAPI tool (HTTP Basic) may send, what is refused and why, who may read a
statement back, and the progress that statements make.

(Past 400 lines on purpose: the endpoint's whole contract, request by request, sharing
its clients and credentials.)
"""

import base64
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from courses.activity_ids import block_activity_iri, lesson_activity_iri
from courses.models import LessonPage
from curriculum.badge_rules import COMPLETE_COURSE
from curriculum.models import BadgeDefinition
from learners.models import (
    ActivityResult,
    BadgeAward,
    CourseCompletion,
    LearningStatement,
    LessonProgress,
)
from learners.services.credentials import create_xapi_credential
from tests.factories import UserFactory, make_course, make_learner
from tests.learning import h5p, make_quiz_package

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"
BASE_URL = "https://manabi.example.jp"
# English reasons, so that the assertions below do not depend on a translation.
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3", "Accept-Language": "en"}
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
SOME_ACTIVITY = "https://example.org/activities/kibagata-quiz"
SOMEONE_ELSE = "mailto:someone.else@example.jp"


@pytest.fixture
def learner(reference_data):
    return make_learner()


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def statement(object_id=SOME_ACTIVITY, verb=ANSWERED, **properties):
    """A statement as a tool sends it: with an actor of its own choosing."""
    return {
        "actor": {"objectType": "Agent", "mbox": SOMEONE_ELSE},
        "verb": {"id": verb, "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": object_id},
        **properties,
    }


def scored(scaled, object_id=SOME_ACTIVITY, **properties):
    return statement(object_id, result={"score": {"scaled": scaled}}, **properties)


def send(client, body, *, method="post", query="", headers=XAPI_HEADERS, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    extra.setdefault("content_type", "application/json")
    return getattr(client, method)(URL + query, data, headers=headers, **extra)


def read(client, statement_id, *, headers=XAPI_HEADERS):
    return client.get(URL, {"statementId": statement_id}, headers=headers)


def reason(response):
    return response.json()["error"]


def basic(key, secret):
    return {
        **XAPI_HEADERS,
        "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
    }


def account_agent(user):
    return {"objectType": "Agent", "account": {"homePage": BASE_URL, "name": str(user.pk)}}


# Refused statements --------------------------------------------------------------------


def without_verb(body):
    del body["verb"]


def verb_not_an_iri(body):
    body["verb"]["id"] = "answered"


def object_not_an_iri(body):
    body["object"]["id"] = "kibagata quiz"


def scaled_above_one(body):
    body["result"] = {"score": {"scaled": 1.5}}


def raw_above_max(body):
    body["result"] = {"score": {"raw": 12, "min": 0, "max": 10}}


def min_not_below_max(body):
    body["result"] = {"score": {"raw": 10, "min": 10, "max": 10}}


def unknown_property(body):
    body["colour"] = "blue"


def id_not_a_uuid(body):
    body["id"] = "statement-1"


@pytest.mark.parametrize(
    "spoil, named",
    [
        (without_verb, "statement 1: verb:"),
        (verb_not_an_iri, "statement 1: verb.id:"),
        (object_not_an_iri, "statement 1: object.id:"),
        (scaled_above_one, "statement 1: result.score.scaled:"),
        (raw_above_max, "statement 1: result.score.raw:"),
        (min_not_below_max, "statement 1: result.score.min:"),
        (unknown_property, "colour"),
        (id_not_a_uuid, "statement 1: id:"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_a_malformed_statement_is_refused_naming_the_property(signed_in, spoil, named):
    body = statement()
    spoil(body)
    response = send(signed_in, body)
    assert response.status_code == 400
    assert named in reason(response)
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert not LearningStatement.objects.exists()


def test_one_bad_statement_in_a_list_refuses_the_whole_list(signed_in):
    bad = statement()
    del bad["verb"]
    response = send(signed_in, [statement(), scored(0.5), bad])
    assert response.status_code == 400
    assert "statement 3: verb:" in reason(response)
    assert not LearningStatement.objects.exists()


def test_a_body_that_is_not_json_is_refused(signed_in):
    response = send(signed_in, '{"verb": {"id": ')
    assert response.status_code == 400
    assert "JSON" in reason(response)
    assert not LearningStatement.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_sent_as_json_is_refused(signed_in, content_type):
    response = send(signed_in, statement(), content_type=content_type)
    assert response.status_code == 400
    assert "Content-Type" in reason(response)
    assert not LearningStatement.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Accept-Language": "en"}, {**XAPI_HEADERS, "X-Experience-API-Version": "0.95"}],
    ids=["missing", "wrong"],
)
def test_a_request_without_the_1_0_version_header_is_refused(signed_in, headers):
    response = send(signed_in, statement(), headers=headers)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in reason(response)
    assert read(signed_in, str(uuid.uuid4()), headers=headers).status_code == 400
    assert not LearningStatement.objects.exists()


def test_a_timestamp_that_is_not_a_real_date_is_refused(reference_data, learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = send(client, statement(timestamp="2026-13-45T10:00:00Z"))
    assert response.status_code == 400
    assert "timestamp" in reason(response)


def test_a_statement_with_a_nul_character_is_refused(reference_data, learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    body = statement()
    body["verb"]["display"]["en-US"] = "answered\u0000"
    response = send(client, body)
    assert response.status_code == 400
    assert "verb.display" in reason(response)
    assert not LearningStatement.objects.exists()


# Storing statements --------------------------------------------------------------------


def test_a_statement_is_stored_for_the_signed_in_learner_whoever_it_names(signed_in, learner):
    response = send(signed_in, scored(0.5))
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"
    (statement_id,) = response.json()
    row = LearningStatement.objects.get()
    assert str(row.id) == statement_id and row.user == learner
    stored = row.statement
    assert stored["actor"] == account_agent(learner)
    assert "someone.else" not in json.dumps(stored)
    assert stored["id"] == statement_id
    assert stored["stored"] and stored["timestamp"]
    assert stored["authority"]["account"]["homePage"] == BASE_URL
    assert row.score_scaled == 0.5 and row.is_root


def test_a_list_of_statements_answers_their_ids_in_order(signed_in, learner):
    chosen = str(uuid.uuid4())
    response = send(signed_in, [statement(), scored(0.9, id=chosen)])
    assert response.status_code == 200
    ids = response.json()
    assert len(ids) == 2 and ids[1] == chosen
    assert {str(pk) for pk in LearningStatement.objects.values_list("id", flat=True)} == set(ids)
    assert all(
        row.statement["actor"] == account_agent(learner) for row in LearningStatement.objects.all()
    )


def test_sending_the_same_statement_again_stores_it_once(signed_in):
    body = scored(0.7, id=str(uuid.uuid4()))
    first = send(signed_in, body)
    again = send(signed_in, body)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == [body["id"]]
    assert LearningStatement.objects.count() == 1


def test_reusing_an_id_for_other_content_is_a_conflict_that_changes_nothing(signed_in):
    statement_id = str(uuid.uuid4())
    assert send(signed_in, scored(0.7, id=statement_id)).status_code == 200
    before = LearningStatement.objects.get().statement

    response = send(signed_in, [statement(), scored(1.0, id=statement_id)])
    assert response.status_code == 409
    assert statement_id in reason(response)
    assert LearningStatement.objects.count() == 1
    assert LearningStatement.objects.get().statement == before


def test_put_stores_the_statement_under_the_id_in_the_address(signed_in, learner):
    statement_id = str(uuid.uuid4())
    response = send(signed_in, scored(0.6), method="put", query=f"?statementId={statement_id}")
    assert response.status_code == 204
    assert response["X-Experience-API-Version"] == "1.0.3"
    row = LearningStatement.objects.get()
    assert str(row.id) == statement_id and row.user == learner
    # Sending it again is a harmless retry.
    again = send(signed_in, scored(0.6), method="put", query=f"?statementId={statement_id}")
    assert again.status_code == 204
    assert LearningStatement.objects.count() == 1


def test_put_refuses_a_body_whose_id_differs_from_the_address(signed_in):
    body = scored(0.6, id=str(uuid.uuid4()))
    response = send(signed_in, body, method="put", query=f"?statementId={uuid.uuid4()}")
    assert response.status_code == 400
    assert "id" in reason(response) and "statementId" in reason(response)
    assert not LearningStatement.objects.exists()


def test_put_accepts_the_same_uuid_written_in_capitals(signed_in):
    statement_id = str(uuid.uuid4())
    body = scored(0.6, id=statement_id.upper())
    response = send(signed_in, body, method="put", query=f"?statementId={statement_id}")
    assert response.status_code == 204
    assert str(LearningStatement.objects.get().id) == statement_id


# Reading statements back -----------------------------------------------------------------


def test_a_learner_reads_back_their_own_statement_and_nobody_elses(signed_in, learner):
    (statement_id,) = send(signed_in, scored(0.8)).json()

    mine = read(signed_in, statement_id)
    assert mine.status_code == 200
    assert mine["X-Experience-API-Version"] == "1.0.3"
    assert mine.json()["id"] == statement_id
    assert mine.json()["actor"] == account_agent(learner)

    other = Client()
    other.force_login(make_learner())
    theirs = read(other, statement_id)
    assert theirs.status_code == 404
    assert "0.8" not in theirs.content.decode() and statement_id not in theirs.content.decode()


def test_holders_of_the_statement_permission_read_any_learners_statement(signed_in):
    """A permission, not is_staff (tests/learners/test_permissions.py: staff get a 404)."""
    from django.contrib.auth.models import Permission

    (statement_id,) = send(signed_in, scored(0.8)).json()
    reader = UserFactory()
    reader.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="learners", codename="view_learningstatement"
        )
    )
    staff = Client()
    staff.force_login(reader)
    response = read(staff, statement_id)
    assert response.status_code == 200
    assert response.json()["result"]["score"]["scaled"] == 0.8


def test_a_negative_limit_is_refused(reference_data, learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.get(URL, {"limit": "-1"}, headers=XAPI_HEADERS)
    assert response.status_code == 400


def test_anonymous_requests_are_asked_to_authenticate(client, reference_data):
    for response in (read(client, str(uuid.uuid4())), send(client, statement())):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic")
        assert response["X-Experience-API-Version"] == "1.0.3"
    assert not LearningStatement.objects.exists()


# Authentication: session with CSRF, or HTTP Basic --------------------------------------


def test_a_session_post_needs_the_csrf_token(reference_data, learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    refused = send(browser, statement())
    assert refused.status_code == 403
    assert "CSRF" in reason(refused)
    assert not LearningStatement.objects.exists()

    browser.get("/me/profile/")  # any page sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    accepted = send(browser, statement(), headers={**XAPI_HEADERS, "X-CSRFToken": token})
    assert accepted.status_code == 200
    assert LearningStatement.objects.get().user == learner


def test_an_xapi_key_and_secret_send_statements_without_a_session_or_csrf(learner):
    credential, secret = create_xapi_credential(learner, label="Tablet app", acting_user=learner)
    tool = Client(enforce_csrf_checks=True)

    response = send(tool, scored(0.9), headers=basic(credential.key, secret))
    assert response.status_code == 200
    row = LearningStatement.objects.get()
    assert row.user == learner
    assert row.statement["actor"] == account_agent(learner)
    assert read(tool, str(row.id), headers=basic(credential.key, secret)).status_code == 200
    credential.refresh_from_db()
    assert credential.last_used_at is not None


def test_a_wrong_or_revoked_xapi_secret_is_refused(learner):
    credential, secret = create_xapi_credential(learner, label="Tablet app", acting_user=learner)
    tool = Client(enforce_csrf_checks=True)

    wrong = send(tool, statement(), headers=basic(credential.key, secret + "x"))
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Basic")

    credential.revoked_at = timezone.now()
    credential.save()
    revoked = send(tool, statement(), headers=basic(credential.key, secret))
    assert revoked.status_code == 401
    assert not LearningStatement.objects.exists()


# Progress from statements --------------------------------------------------------------


@pytest.fixture
def quiz_lesson(reference_data):
    block = h5p(make_quiz_package(), fallback_text="木場潟の問題")
    course = make_course(lessons=[("木場潟クイズ", [("text", "<p>読もう</p>"), block])])
    return LessonPage.objects.child_of(course).get()


def quiz_iri(lesson):
    block = next(block for block in lesson.body if block.block_type == "h5p")
    return block_activity_iri(block.id)


def test_a_passing_answer_records_the_best_score_of_the_quiz(signed_in, learner, quiz_lesson):
    assert send(signed_in, scored(0.8, quiz_iri(quiz_lesson))).status_code == 200
    result = ActivityResult.objects.get(user=learner)
    assert result.lesson_key == quiz_lesson.translation_key
    assert result.best_scaled_score == 0.8
    assert result.success and result.attempts == 1

    assert send(signed_in, scored(0.3, quiz_iri(quiz_lesson))).status_code == 200
    result.refresh_from_db()
    assert result.best_scaled_score == 0.8
    assert result.success and result.attempts == 2


def test_a_sub_question_is_stored_but_does_not_score_the_quiz(signed_in, learner, quiz_lesson):
    parent = {"parent": [{"id": quiz_iri(quiz_lesson), "objectType": "Activity"}]}
    sub_question = scored(
        1.0, quiz_iri(quiz_lesson) + "?subContentId=x", context={"contextActivities": parent}
    )
    assert send(signed_in, sub_question).status_code == 200
    row = LearningStatement.objects.get()
    assert not row.is_root
    assert not ActivityResult.objects.filter(user=learner).exists()


def test_reaching_the_end_after_passing_completes_the_lesson_and_the_course_once(
    signed_in, learner, quiz_lesson, django_capture_on_commit_callbacks
):
    course = quiz_lesson.get_parent()
    badge = BadgeDefinition.objects.create(
        name_ja="木場潟クイズ修了",
        description="…",
        criteria_narrative="…",
        rule_type=COMPLETE_COURSE,
        course=course,
    )

    everything = [
        scored(0.8, quiz_iri(quiz_lesson), id=str(uuid.uuid4())),
        statement(
            lesson_activity_iri(quiz_lesson.translation_key), EXPERIENCED, id=str(uuid.uuid4())
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert send(signed_in, everything).status_code == 200
    progress = LessonProgress.objects.get(user=learner, lesson_key=quiz_lesson.translation_key)
    assert progress.completed_at is not None
    completion = CourseCompletion.objects.get(user=learner)
    award = BadgeAward.objects.get()  # what follows a completion happened once
    assert (award.user, award.badge) == (learner, badge)
    assert completion.course_key == course.translation_key
    assert award.issued_on == completion.completed_at.replace(microsecond=0)  # to the second

    with django_capture_on_commit_callbacks(execute=True):
        assert send(signed_in, everything).status_code == 200  # a retry
        fresh = [{k: v for k, v in item.items() if k != "id"} for item in everything]
        assert send(signed_in, fresh).status_code == 200  # the same, sent anew
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    assert list(BadgeAward.objects.all()) == [award]


def test_refusals_are_explained_in_the_clients_language(client, reference_data):
    client.force_login(make_learner())
    bad = {**statement(), "verb": {"id": "not an IRI"}}
    japanese = send(client, bad, headers={**XAPI_HEADERS, "Accept-Language": "ja"})
    assert "IRI" in reason(japanese) and "でなければ" in reason(japanese)
    english = send(client, bad)
    assert "must be an IRI" in reason(english)


def test_a_large_batch_is_stored_once_however_often_it_is_retried(signed_in):
    batch = [{**scored(index / 20), "id": str(uuid.uuid4())} for index in range(20)]
    assert send(signed_in, batch).json() == [item["id"] for item in batch]
    assert send(signed_in, batch).status_code == 200  # the whole batch again
    assert send(signed_in, batch[5:15] + [scored(0.5)]).status_code == 200  # part of it, one new
    assert LearningStatement.objects.count() == 21

    changed = [dict(item) for item in batch]
    changed[7] = {**changed[7], "result": {"score": {"scaled": 1.0}}}
    conflict = send(signed_in, changed)
    assert conflict.status_code == 409 and batch[7]["id"] in reason(conflict)
    assert LearningStatement.objects.count() == 21
