"""Hostile input to /xapi/statements: whatever a database could not store and give back
readable (lone surrogates, years outside 1-9999 in UTC, NaN and Infinity, huge integers,
deep nesting), activity ids that must never become links, and bodies over the size cap is
refused with the property named and nothing stored; unusual but legal content is kept,
read back and dumped. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from learners.models import LearningStatement
from learners.services.credentials import create_xapi_credential
from learners.xapi import MAX_DEPTH
from learners.xapi_views import MAX_BODY_BYTES
from tests.factories import make_learner
from tests.learners.test_xapi_statements import (
    URL,
    XAPI_HEADERS,
    basic,
    read,
    reason,
    send,
    statement,
)

pytestmark = pytest.mark.django_db

EXTENSION = "https://manabi.example.jp/xapi/extensions/notes"


@pytest.fixture
def learner(reference_data):
    return make_learner()


@pytest.fixture
def client(learner):
    """A signed-in client that answers a server error as a 500 instead of raising it."""
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    return client


@pytest.fixture
def one_stored(client):
    """One statement already stored, so that "nothing stored" is not merely "empty"."""
    assert send(client, statement()).status_code == 200
    assert LearningStatement.objects.count() == 1


def nested(depth, leaf="deep"):
    """``depth`` objects, one inside the other, around ``leaf``."""
    value = leaf
    for _level in range(depth):
        value = {"level": value}
    return value


def with_extension(value):
    return statement(result={"extensions": {EXTENSION: value}})


def as_text(body):
    return json.dumps(body)  # ASCII: lone surrogates are written as \ud800 escapes


def placeholder(body, marker, raw):
    """The body as JSON text, with the string ``marker`` replaced by raw JSON ``raw``
    (what json.dumps cannot write: huge integers, NaN, raw surrogate bytes)."""
    text = as_text(body)
    assert f'"{marker}"' in text
    return text.replace(f'"{marker}"', raw)


HOSTILE = {
    # name: (body as JSON text or bytes, the property the refusal must name)
    "lone high surrogate in a response": (
        as_text(statement(result={"response": "\ud800"})),
        "statement.result.response: must not contain a lone surrogate",
    ),
    "lone low surrogate after text, deep in a list": (
        as_text(with_extension([{"a": ["ok", "fine \udfff"]}])),
        f"statement.result.extensions.{EXTENSION}[0].a[1]:",
    ),
    "lone surrogate in a key": (
        as_text(with_extension({"n\udc00me": 1})),
        f"statement.result.extensions.{EXTENSION}: must not contain a lone surrogate",
    ),
    "lone surrogate in a top-level key": (
        as_text({**statement(), "\ud83d": 1}),
        "statement: must not contain a lone surrogate",
    ),
    "lone surrogate as raw UTF-8 bytes": (
        placeholder(statement(result={"response": "X"}), "X", '"\udbff"').encode(
            "utf-8", "surrogatepass"
        ),
        "statement.result.response: must not contain a lone surrogate",
    ),
    "timestamp past year 9999 in UTC": (
        as_text(statement(timestamp="9999-12-31T23:59:59-14:00")),
        "statement 1: timestamp: must be between",
    ),
    "timestamp before year 1 in UTC": (
        as_text(statement(timestamp="0001-01-01T00:00:00+14:00")),
        "statement 1: timestamp: must be between",
    ),
    "timestamp whose local time in Japan leaves year 9999": (
        as_text(statement(timestamp="9999-12-31T20:00:00Z")),
        "statement 1: timestamp: must be between",
    ),
    "sub-statement timestamp past year 9999": (
        as_text(
            statement(
                object={
                    "objectType": "SubStatement",
                    "actor": {"mbox": "mailto:a@example.jp"},
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                    "object": {"id": "https://example.org/activities/a"},
                    "timestamp": "9999-12-31T23:59:59-14:00",
                }
            )
        ),
        "statement 1: object.timestamp: must be between",
    ),
    "NaN as a raw score": (
        placeholder(statement(result={"score": {"raw": "X"}}), "X", "NaN"),
        "statement.result.score.raw: must be a finite number",
    ),
    "Infinity in an extension": (
        placeholder(with_extension("X"), "X", "Infinity"),
        f"statement.result.extensions.{EXTENSION}: must be a finite number",
    ),
    "-Infinity as a maximum score": (
        placeholder(statement(result={"score": {"max": "X"}}), "X", "-Infinity"),
        "statement.result.score.max: must be a finite number",
    ),
    "1e400, which parses as Infinity": (
        placeholder(statement(result={"score": {"raw": "X"}}), "X", "1e400"),
        "statement.result.score.raw: must be a finite number",
    ),
    "31-digit integer": (
        placeholder(with_extension("X"), "X", "9" * 31),
        f"statement.result.extensions.{EXTENSION}: must be a number of at most 30 digits",
    ),
    "5,000-digit negative integer": (
        placeholder(statement(result={"score": {"raw": "X"}}), "X", "-" + "7" * 5000),
        "statement.result.score.raw: must be a number of at most 30 digits",
    ),
    "extension nested one level too deep": (
        # statement, result and extensions are levels 1 to 3: the 30th object is level 33.
        as_text(with_extension(nested(MAX_DEPTH - 2))),
        f"statement.result.extensions.{EXTENSION}.level",
    ),
    "5,000 levels of nesting": (
        placeholder(with_extension("X"), "X", '{"level": ' * 5000 + "1" + "}" * 5000),
        f"request: the body is nested more than {MAX_DEPTH} levels deep",
    ),
    "javascript: activity id": (
        as_text(statement(object_id="javascript:alert(document.cookie)")),
        "statement 1: object.id: must not use the “javascript:” scheme",
    ),
    "JavaScript: in capitals": (
        as_text(statement(object_id="JavaScript:alert(1)")),
        "statement 1: object.id: must not use the “javascript:” scheme",
    ),
    "data: context activity id": (
        as_text(
            statement(
                context={
                    "contextActivities": {
                        "parent": [
                            {"id": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="}
                        ]
                    }
                }
            )
        ),
        "statement 1: context.contextActivities.parent[0].id: must not use the “data:” scheme",
    ),
    "vbscript: verb id": (
        as_text(statement(verb="vbscript:msgbox(1)")),
        "statement 1: verb.id: must not use the “vbscript:” scheme",
    ),
    "file: activity id": (
        as_text(statement(object_id="file:///etc/passwd")),
        "statement 1: object.id: must not use the “file:” scheme",
    ),
}


@pytest.mark.parametrize("body, named", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("method", ["post", "put"])
def test_what_a_database_cannot_store_and_give_back_is_refused_naming_it(
    client, one_stored, body, named, method
):
    query = f"?statementId={uuid.uuid4()}" if method == "put" else ""
    response = send(client, body, method=method, query=query)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert named in reason(response)
    assert LearningStatement.objects.count() == 1


def test_a_hostile_statement_in_a_batch_refuses_the_whole_batch(client, one_stored):
    body = [statement(), statement(result={"response": "\udc00"})]
    response = send(client, body)
    assert response.status_code == 400
    assert "statement 2: statement.result.response:" in reason(response)
    assert LearningStatement.objects.count() == 1


def just_over_the_cap():
    padding = "x" * (MAX_BODY_BYTES + 1 - len(as_text(with_extension(""))))
    body = as_text(with_extension(padding))
    assert len(body) == MAX_BODY_BYTES + 1
    return body


@pytest.mark.parametrize("size", ["just over the cap", "over Django's DATA_UPLOAD_MAX_MEMORY_SIZE"])
def test_a_body_over_the_size_cap_is_answered_413_as_xapi(client, one_stored, size, settings):
    body = just_over_the_cap() if size == "just over the cap" else "x" * 3 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3 * 1024 * 1024
    response = send(client, body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert "request: the body is larger than 2 MB" in reason(response)
    assert LearningStatement.objects.count() == 1


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_an_oversized_body_is_answered_as_xapi_before_the_csrf_check(
    learner, one_stored, content_type
):
    """The CSRF check reads a form body (request.POST): past DATA_UPLOAD_MAX_MEMORY_SIZE
    that would be Django's HTML error page."""
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(learner)
    response = send(browser, "a=" + "x" * 3 * 1024 * 1024, content_type=content_type)
    assert response.status_code == 413
    assert "request: the body is larger than 2 MB" in reason(response)
    assert LearningStatement.objects.count() == 1


def test_an_oversized_body_with_an_xapi_key_is_answered_413(learner, one_stored):
    credential, secret = create_xapi_credential(learner, label="Tablet app", acting_user=learner)
    tool = Client(raise_request_exception=False)
    response = send(tool, just_over_the_cap(), headers=basic(credential.key, secret))
    assert response.status_code == 413
    assert "larger than 2 MB" in reason(response)
    assert LearningStatement.objects.count() == 1


def unusual_but_legal():
    return {
        **statement(
            object_id="https://manabi.example.jp/xapi/activities/木場潟-クイズ?q=🌸",
            result={
                "response": "木場潟の水はきれい 🐟🌊 — ok\u200d, “quoted”, <b>not bold</b>",
                "score": {"raw": 10**29, "min": -(10**29), "max": 10**30 - 1},
                "extensions": {
                    EXTENSION: nested(MAX_DEPTH - 3, leaf="底 🪨"),  # level 32: the limit
                    "https://manabi.example.jp/xapi/extensions/numbers": [0.25, -7, 0],
                    "https://manabi.example.jp/xapi/extensions/javascript:": "javascript:ok",
                },
            },
            context={"language": "ja-JP", "platform": "小松市 🏯"},
            timestamp="9999-12-30T23:59:59.999999Z",
        ),
        "id": str(uuid.uuid4()),
        "verb": {"id": "https://manabi.example.jp/verbs/学んだ", "display": {"ja": "学んだ 📚"}},
    }


@pytest.mark.parametrize("timestamp", ["9999-12-30T23:59:59.999999Z", "0001-01-02T00:00:00Z"])
def test_unusual_but_legal_content_is_kept_read_back_and_dumped(client, learner, timestamp):
    sent = {**unusual_but_legal(), "timestamp": timestamp}
    # Sent as the page sends it (not ASCII-escaped), emoji and all.
    body = json.dumps(sent, ensure_ascii=False).encode()
    response = send(client, body)
    assert response.status_code == 200, response.content[:300]
    assert response.json() == [sent["id"]]

    stored = read(client, sent["id"]).json()
    for name in ("verb", "object", "result", "context", "timestamp"):
        assert stored[name] == sent[name]
    listed = client.get(URL, headers=XAPI_HEADERS).json()["statements"]
    assert [item["id"] for item in listed] == [sent["id"]]
    assert client.get("/me/", follow=True).status_code == 200

    dump = io.StringIO()
    call_command("dumpdata", "learners.learningstatement", stdout=dump)
    (row,) = json.loads(dump.getvalue())
    assert row["pk"] == sent["id"]
    assert row["fields"]["statement"]["result"] == sent["result"]
