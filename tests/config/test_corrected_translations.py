"""Django's Japanese for a NUL character (何か文字を入力してください, "enter some
characters") is corrected in our catalogue, so forms we do not build say what is wrong."""

import pytest
from django.utils import translation

from tests.factories import make_learner

pytestmark = pytest.mark.django_db

DJANGO_WRONG_JAPANESE = "何か文字を入力してください"


def test_the_catalogue_corrects_djangos_japanese_for_a_nul():
    with translation.override("ja"):
        message = translation.gettext("Null characters are not allowed.")
    assert "NUL" in message and DJANGO_WRONG_JAPANESE not in message


def test_allauth_password_change_names_the_nul(client, reference_data):
    learner = make_learner()
    learner.set_password("Kibagata-lake-2026")
    learner.save()
    client.force_login(learner)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "Kibagata-lake-2026",
            "password1": "Floral\x00Komatsu-2027",
            "password2": "Floral\x00Komatsu-2027",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "見えない制御文字（NUL）" in html and DJANGO_WRONG_JAPANESE not in html
    learner.refresh_from_db()
    assert learner.check_password("Kibagata-lake-2026")


def test_wagtail_admin_sign_in_names_the_nul(client, reference_data):
    response = client.post(
        "/cms/login/",
        {"username": "faculty\x00", "password": "x"},
        headers={"Accept-Language": "ja"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "見えない制御文字（NUL）" in html and DJANGO_WRONG_JAPANESE not in html
