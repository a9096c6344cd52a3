"""Passwords are capped at 128 characters, with a message that says so."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import TEST_PASSWORD, make_learner
from tests.learners.test_signup import assert_nothing_created, signup_data

pytestmark = pytest.mark.django_db
User = get_user_model()

TOO_LONG_EN = "This password is too long. It must contain at most 128 characters"


def long_password(length):
    # Varied enough that the length is the only rule it breaks.
    return ("Kibagata-lake-" * (length // 14 + 1))[:length]


@pytest.mark.parametrize("length", [129, 10_000])
def test_signup_refuses_a_password_over_128_characters(client, reference_data, length):
    password = long_password(length)
    response = client.post(
        "/en/accounts/signup/", signup_data(password1=password, password2=password)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{TOO_LONG_EN} (it has {length})." in html
    assert 'aria-invalid="true"' in html
    assert_nothing_created()


def test_signup_accepts_a_password_of_exactly_128_characters(client, reference_data):
    password = long_password(128)
    response = client.post("/accounts/signup/", signup_data(password1=password, password2=password))
    assert response.status_code == 302
    assert User.objects.get(email="hanako@example.jp").check_password(password)


def test_password_change_refuses_a_password_over_128_characters(client, reference_data):
    learner = make_learner("changer")
    client.force_login(learner)
    password = long_password(10_000)
    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert f"{TOO_LONG_EN} (it has 10000)." in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(TEST_PASSWORD)


def test_password_change_accepts_a_password_of_exactly_128_characters(client, reference_data):
    learner = make_learner("changer")
    client.force_login(learner)
    password = long_password(128)
    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(password)
