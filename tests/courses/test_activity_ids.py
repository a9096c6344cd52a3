"""xAPI activity ids (courses.activity_ids): the permanent form, round trips and refusals."""

import uuid

import pytest

from courses.activity_ids import (
    BLOCK,
    LESSON,
    block_activity_iri,
    lesson_activity_iri,
    parse_activity_iri,
)

BASE = "https://manabi.example.jp"
KEY = uuid.UUID("0b5e1c2a-7f3d-4a51-9c8e-2d6f4b1a9e07")


def test_the_ids_keep_their_permanent_form():
    # Stored statements carry these strings: changing the form orphans every one of them.
    assert block_activity_iri(KEY) == f"{BASE}/xapi/activities/{KEY}"
    assert lesson_activity_iri(KEY) == f"{BASE}/xapi/activities/lessons/{KEY}"


@pytest.mark.parametrize("key", [KEY, str(KEY), str(KEY).upper(), KEY.hex])
def test_block_and_lesson_ids_round_trip(key):
    assert parse_activity_iri(block_activity_iri(key)) == (BLOCK, KEY)
    assert parse_activity_iri(lesson_activity_iri(key)) == (LESSON, KEY)
    assert parse_activity_iri(block_activity_iri(key)).key == KEY


def test_a_sub_question_names_its_block():
    sub_question = f"{block_activity_iri(KEY)}?subContentId=1a2b"
    assert parse_activity_iri(sub_question) == (BLOCK, KEY)
    assert parse_activity_iri(f"{lesson_activity_iri(KEY)}#end") == (LESSON, KEY)


@pytest.mark.parametrize(
    "iri",
    [
        f"https://elsewhere.example.org/xapi/activities/{KEY}",
        f"https://manabi.example.jp.evil.example/xapi/activities/{KEY}",
        f"http://manabi.example.jp/xapi/activities/{KEY}",
        f"{BASE}/xapi/activity/{KEY}",
        f"{BASE}/xapi/activities/lesson/{KEY}",
        f"{BASE}/xapi/activities/{KEY}/more",
        f"{BASE}/xapi/activities/lessons/{KEY}/more",
        f"{BASE}/xapi/activities/not-a-uuid",
        f"{BASE}/xapi/activities/{str(KEY)[:-1]}",
        f"{BASE}/xapi/activities/{str(KEY).upper()}",
        f"{BASE}/xapi/activities/{KEY.hex}",
        f"{BASE}/xapi/activities/urn:uuid:{KEY}",
        f"{BASE}/xapi/activities/{{{KEY}}}",
        f"{BASE}/xapi/activities/",
        f"{BASE}/xapi/activities/lessons/",
        "",
        None,
        42,
    ],
)
def test_ids_that_are_not_ours_are_refused(iri):
    assert parse_activity_iri(iri) is None


def test_the_base_url_is_read_when_the_id_is_built(settings):
    settings.MANABI_BASE_URL = "https://komatsu.example.jp"
    assert block_activity_iri(KEY).startswith("https://komatsu.example.jp/xapi/activities/")
    assert parse_activity_iri(f"{BASE}/xapi/activities/{KEY}") is None


@pytest.mark.parametrize("bad", [None, "", "test-block", "1234", f"{KEY}x"])
def test_building_from_something_else_than_a_uuid_is_an_error(bad):
    with pytest.raises(ValueError, match="must be a UUID"):
        block_activity_iri(bad)
    with pytest.raises(ValueError, match="must be a UUID"):
        lesson_activity_iri(bad)
