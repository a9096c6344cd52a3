"""Fuzzing /xapi/statements with statements of the xAPI 1.0.3 shapes mixed with hostile
values (lone surrogates, NaN and Infinity, huge integers, deep nesting, timestamps at and
past the ends of the calendar, link-unsafe schemes, wrong types).

Whatever arrives, the endpoint never answers 5xx; what it refuses leaves nothing stored;
what it accepts reads back by id and in the list, shows on the learner's pages, and
serialises as ``dumpdata`` would. Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

import json

import pytest
from django.core import serializers
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learners.models import LearningStatement
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"
HEADERS = {"X-Experience-API-Version": "1.0.3", "Accept-Language": "en"}

HOSTILE_TEXT = st.sampled_from(
    [
        "\ud800",
        "a\udfffb",
        "\x00",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "\u202e\u2066RTL",
        "𠮷野家 🌸",
        "",
        "x" * 5000,
    ]
)
TEXT = st.one_of(st.text(max_size=40), HOSTILE_TEXT)
IRI = st.one_of(
    st.sampled_from(
        [
            "http://adlnet.gov/expapi/verbs/answered",
            "http://adlnet.gov/expapi/verbs/completed",
            "https://manabi.example.jp/xapi/activities/lesson/3f0c2d6e-1f49-4c4e-9f0a-2b1f1c9d7e10",
            "https://example.org/activities/kibagata?subContentId=1",
            "urn:uuid:6f1d2c3b-0a9e-4b8c-8d7e-5f4a3b2c1d0e",
            "javascript:alert(document.cookie)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<b>x</b>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "not an iri",
            "https://例え.jp/活動",
        ]
    ),
    st.builds(lambda path: f"https://example.org/{path}", st.text(max_size=20)),
)
LANGUAGE_TAG = st.sampled_from(["ja", "ja-JP", "en-US", "pt-BR", "vi", "zh-Hans", "fil", "x"])
LANGUAGE_MAP = st.dictionaries(
    st.one_of(LANGUAGE_TAG, st.text(max_size=5)), TEXT, min_size=1, max_size=3
)
NUMBER = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([10**29, 10**30, 10**40, -(10**4000)]),
    st.floats(allow_nan=True, allow_infinity=True),
)
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBER, TEXT),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=12,
)


def deeply_nested(depth):
    value = "deep"
    for _level in range(depth):
        value = {"level": value}
    return value


EXTENSIONS = st.one_of(
    st.dictionaries(IRI, JSON_VALUE, max_size=3),
    st.builds(lambda depth: {"https://example.org/x": deeply_nested(depth)}, st.integers(1, 80)),
)
TIMESTAMP = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from(
        [
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "0001-01-02T00:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-12-02T09:00:00",
            "2026-12-02T09:00:00.123456789+09:00",
            "yesterday",
        ]
    ),
)
AGENT = st.one_of(
    st.fixed_dictionaries({"objectType": st.just("Agent"), "mbox": st.just("mailto:a@example.jp")}),
    st.fixed_dictionaries(
        {"account": st.fixed_dictionaries({"homePage": IRI, "name": TEXT})},
        optional={"name": TEXT},
    ),
)
SCORE = st.fixed_dictionaries(
    {},
    optional={
        "scaled": st.one_of(st.floats(-1, 1), NUMBER),
        "raw": NUMBER,
        "min": NUMBER,
        "max": NUMBER,
    },
)
RESULT = st.fixed_dictionaries(
    {},
    optional={
        "score": SCORE,
        "success": st.one_of(st.booleans(), TEXT),
        "completion": st.booleans(),
        "response": TEXT,
        "duration": st.sampled_from(["PT1M30S", "P1D", "PT0.5S", "1 minute", "P"]),
        "extensions": EXTENSIONS,
    },
)
ACTIVITY = st.fixed_dictionaries(
    {"id": IRI},
    optional={
        "objectType": st.just("Activity"),
        "definition": st.fixed_dictionaries(
            {},
            optional={
                "name": LANGUAGE_MAP,
                "description": LANGUAGE_MAP,
                "type": IRI,
                "extensions": EXTENSIONS,
            },
        ),
    },
)
CONTEXT = st.fixed_dictionaries(
    {},
    optional={
        "registration": st.one_of(st.uuids().map(str), TEXT),
        "contextActivities": st.dictionaries(
            st.sampled_from(["parent", "grouping", "category", "other", "sibling"]),
            st.one_of(ACTIVITY, st.lists(ACTIVITY, max_size=2)),
            max_size=2,
        ),
        "platform": TEXT,
        "language": LANGUAGE_TAG,
        "extensions": EXTENSIONS,
    },
)
STATEMENT = st.fixed_dictionaries(
    {
        "actor": AGENT,
        "verb": st.fixed_dictionaries({"id": IRI}, optional={"display": LANGUAGE_MAP}),
        "object": ACTIVITY,
    },
    optional={
        "id": st.one_of(st.uuids().map(str), TEXT),
        "result": RESULT,
        "context": CONTEXT,
        "timestamp": TIMESTAMP,
        "version": st.sampled_from(["1.0.0", "1.0.3", "2.0.0"]),
    },
)
BODY = st.one_of(STATEMENT, st.lists(STATEMENT, min_size=1, max_size=4))


@pytest.fixture
def learner(reference_data):
    return make_learner()


@pytest.fixture
def client(learner):
    """A signed-in client that answers a server error as a 500 instead of raising it."""
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    return client


def test_no_statement_breaks_the_endpoint_the_pages_or_a_dump(client):
    answers = {"accepted": 0, "refused": 0}

    @settings(
        max_examples=150,
        deadline=None,
        database=None,  # no .hypothesis/ folder in the checkout
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(body=BODY)
    def send_and_check(body):
        answers[check_statements(client, body)] += 1

    send_and_check()
    # Both branches were exercised: a fuzzer that only ever sees refusals proves nothing.
    assert answers["accepted"] >= 10 and answers["refused"] >= 10, answers


def check_statements(client, body):
    before = LearningStatement.objects.count()
    stored_before = {str(pk) for pk in LearningStatement.objects.values_list("pk", flat=True)}
    # ensure_ascii keeps lone surrogates as \ud800 escapes; NaN and Infinity go out as such.
    payload = json.dumps(body, ensure_ascii=True, allow_nan=True)
    response = client.post(URL, payload, content_type="application/json", headers=HEADERS)

    assert response.status_code < 500, response.content[:500]
    if response.status_code != 200:
        assert 400 <= response.status_code < 500
        assert "error" in response.json()
        assert LearningStatement.objects.count() == before
        return "refused"

    ids = response.json()
    assert len(ids) == (len(body) if isinstance(body, list) else 1)
    for statement_id in ids:
        read = client.get(URL, {"statementId": statement_id}, headers=HEADERS)
        assert read.status_code == 200 and read.json()["id"] == statement_id
    assert client.get(URL, headers=HEADERS).status_code == 200
    assert client.get("/me/").status_code == 200
    assert client.get("/me/portfolio/").status_code == 200
    dumped = serializers.serialize("json", LearningStatement.objects.all())
    # A statement whose id an earlier example already stored is accepted again without a
    # second row (xAPI: the same id and content are idempotent).
    assert len(json.loads(dumped)) == before + len(set(ids) - stored_before)
    return "accepted"
