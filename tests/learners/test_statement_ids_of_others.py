"""A statement id another learner already used tells the sender nothing: the answer is the
one a new id gets, the statement is kept as the sender's own, and each learner reads back
their own statement under that id."""

import json
import uuid

import pytest
from django.test import Client

from learners.models import LearningStatement
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"
HEADERS = {"X-Experience-API-Version": "1.0.3", "Accept-Language": "en"}


def answered(scaled, **properties):
    return {
        "actor": {"objectType": "Agent", "mbox": "mailto:tool@example.jp"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"objectType": "Activity", "id": "https://example.org/activities/quiz"},
        "result": {"score": {"scaled": scaled}},
        **properties,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def send(client, body, *, method="post", query=""):
    return getattr(client, method)(
        URL + query, json.dumps(body), content_type="application/json", headers=HEADERS
    )


def read(client, statement_id):
    return client.get(URL, {"statementId": statement_id}, headers=HEADERS)


@pytest.fixture
def first_and_second(reference_data):
    return client_for(make_learner()), client_for(make_learner())


def test_an_id_someone_else_holds_is_answered_exactly_as_a_new_one(first_and_second):
    first, second = first_and_second
    taken = str(uuid.uuid4())
    assert send(first, answered(0.9, id=taken)).status_code == 200

    on_a_taken_id = send(second, answered(0.2, id=taken))
    on_a_new_id = send(second, answered(0.2, id=(fresh := str(uuid.uuid4()))))
    assert on_a_taken_id.status_code == on_a_new_id.status_code == 200
    assert on_a_taken_id.json() == [taken] and on_a_new_id.json() == [fresh]
    assert on_a_taken_id.headers.keys() == on_a_new_id.headers.keys()

    # Each learner reads back their own statement under the id; the first one's is untouched.
    assert read(second, taken).json()["result"]["score"]["scaled"] == 0.2
    assert read(second, taken).json()["id"] == taken
    assert read(first, taken).json()["result"]["score"]["scaled"] == 0.9
    assert LearningStatement.objects.count() == 3


def test_put_on_someone_elses_id_is_answered_as_a_new_one_and_retries_store_once(
    first_and_second,
):
    first, second = first_and_second
    taken = str(uuid.uuid4())
    assert (
        send(first, answered(0.9), method="put", query=f"?statementId={taken}").status_code == 204
    )

    for _attempt in range(3):
        retry = send(second, answered(0.4), method="put", query=f"?statementId={taken}")
        assert retry.status_code == 204
    assert LearningStatement.objects.count() == 2


def test_the_sender_gets_a_conflict_only_against_their_own_statement(first_and_second):
    first, second = first_and_second
    taken = str(uuid.uuid4())
    assert send(first, answered(0.9, id=taken)).status_code == 200
    assert send(second, answered(0.2, id=taken)).status_code == 200

    conflict = send(second, answered(0.3, id=taken))
    assert conflict.status_code == 409
    # The first learner's own retry is still a retry, not a conflict with the second's.
    assert send(first, answered(0.9, id=taken)).status_code == 200
    assert LearningStatement.objects.count() == 2


def test_a_batch_mixing_new_ids_and_someone_elses_is_stored_whole(first_and_second):
    first, second = first_and_second
    taken = [str(uuid.uuid4()) for _ in range(3)]
    assert send(first, [answered(0.5, id=pk) for pk in taken]).status_code == 200

    batch = [answered(0.1, id=str(uuid.uuid4())), *(answered(0.7, id=pk) for pk in taken)]
    response = send(second, batch)
    assert response.status_code == 200
    assert response.json() == [item["id"] for item in batch]
    assert all(read(second, pk).json()["result"]["score"]["scaled"] == 0.7 for pk in taken)
    assert all(read(first, pk).json()["result"]["score"]["scaled"] == 0.5 for pk in taken)


def test_a_large_batch_on_someone_elses_ids_is_stored_as_the_senders(first_and_second):
    """Large enough for the bulk path (COPY on PostgreSQL)."""
    first, second = first_and_second
    taken = [str(uuid.uuid4()) for _ in range(60)]
    assert send(first, [answered(0.5, id=pk) for pk in taken]).status_code == 200

    response = send(second, [answered(0.6, id=pk) for pk in taken])
    assert response.status_code == 200 and response.json() == taken
    assert send(second, [answered(0.6, id=pk) for pk in taken]).status_code == 200  # a retry
    assert LearningStatement.objects.count() == 120
