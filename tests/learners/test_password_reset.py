"""A resident who forgot their password resets it through the mailed link."""

import re

import pytest
from django.core import mail

from tests.factories import make_learner

pytestmark = pytest.mark.django_db


def test_password_reset_by_mail(client, reference_data):
    make_learner("forgetful")
    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.jp"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(0), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(0),
        {"password1": "Floral-Komatsu-2027", "password2": "Floral-Komatsu-2027"},
    )
    assert response.status_code == 302

    assert client.login(username="forgetful", password="Floral-Komatsu-2027")


def test_password_reset_for_an_unknown_email_says_so(client, reference_data):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.jp"})
    assert response.status_code == 200
    assert "not assigned to any user account" in response.content.decode()
    assert mail.outbox == []
