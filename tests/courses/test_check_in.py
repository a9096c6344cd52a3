"""Field activity posters: signed check-in links that cannot be forged or reused forever."""

import re

import pytest
from django.core import signing
from django.test import override_settings

from courses.field_activities import (
    CheckInRefused,
    check_in_token,
    check_in_url,
    verify_check_in,
)
from courses.models import LessonPage
from learners import roles
from tests.factories import make_course, make_learner

pytestmark = pytest.mark.django_db

FIELD_ACTIVITY = (
    "field_activity",
    {
        "place_name": "｜木場潟《きばがた》公園 中央園地",
        "latitude": 36.3797,
        "longitude": 136.4435,
        "instructions": "<ol><li>水の色とにおいを調べます。</li></ol>",
        "safety_note": "水辺では大人と一緒に行動しましょう。",
    },
)


@pytest.fixture
def lesson(reference_data):
    course = make_course(lessons=[("木場潟へ行こう", [FIELD_ACTIVITY])])
    return LessonPage.objects.child_of(course).get()


def activity_id(lesson):
    return lesson.field_activities()[0][0]


def test_the_lesson_shows_the_activity_but_never_the_qr_code(client, lesson):
    html = client.get(lesson.url).content.decode()
    assert "中央園地" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "<svg" not in main
    assert "/checkin/" not in html


def test_a_valid_link_leads_to_the_activity(client, lesson, settings):
    url = check_in_url(lesson, activity_id(lesson))
    assert url.startswith(settings.MANABI_BASE_URL + "/checkin/")
    response = client.get(url.removeprefix(settings.MANABI_BASE_URL))
    assert response.status_code == 200
    assert "水の色とにおいを調べます。" in response.content.decode()


def test_a_forged_link_is_refused(client, lesson):
    token = check_in_token(lesson, activity_id(lesson))
    tampered = signing.dumps({"lesson": lesson.pk, "block": "another"}, salt="wrong-salt")
    for bad in (token[:-2] + "xx", tampered, "not-a-token"):
        with pytest.raises(CheckInRefused) as refusal:
            verify_check_in(bad)
        assert refusal.value.reason == "forged"
        response = client.get(f"/checkin/{bad}/")
        assert response.status_code == 400
        assert "このチェックインコードは有効ではありません" in response.content.decode() or (
            "This check-in code is not valid" in response.content.decode()
        )


def test_an_expired_link_is_refused(client, lesson):
    token = check_in_token(lesson, activity_id(lesson))
    with override_settings(MANABI_CHECK_IN_POSTER_VALID_DAYS=-1):
        with pytest.raises(CheckInRefused) as refusal:
            verify_check_in(token)
        assert refusal.value.reason == "expired"
        assert client.get(f"/checkin/{token}/").status_code == 410


def test_a_link_to_a_removed_activity_is_refused(lesson):
    token = check_in_token(lesson, activity_id(lesson))
    lesson.body = []
    lesson.save_revision().publish()
    with pytest.raises(CheckInRefused) as refusal:
        verify_check_in(token)
    assert refusal.value.reason == "gone"


def test_staff_print_a_poster_with_a_qr_code(client, lesson):
    author = make_learner("poster-author", role=roles.FACULTY_AUTHOR)
    client.force_login(author)
    listing = client.get(f"/cms/courses/lessons/{lesson.pk}/check-in-posters/")
    assert listing.status_code == 200
    poster_path = f"/cms/courses/lessons/{lesson.pk}/check-in-posters/{activity_id(lesson)}/"
    assert poster_path in listing.content.decode()
    poster = client.get(poster_path).content.decode()
    assert "<svg" in poster and "<ruby>木場潟" in poster
    url = re.search(r"https://\S+/checkin/[^<\s]+/", poster).group(0)
    assert verify_check_in(url.rstrip("/").rsplit("/", 1)[-1]).lesson == lesson


def test_learners_cannot_print_posters(client, lesson):
    client.force_login(make_learner("curious"))
    response = client.get(f"/cms/courses/lessons/{lesson.pk}/check-in-posters/")
    assert response.status_code in (302, 403)
