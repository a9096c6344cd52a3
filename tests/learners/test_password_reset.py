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


def test_password_reset_for_an_unknown_email_answers_as_for_a_known_one(client, reference_data):
    """The page does not say whether the address is registered; the mail does."""
    make_learner("forgetful")
    known = client.post("/en/accounts/password/reset/", {"email": "forgetful@example.jp"})
    unknown = client.post("/en/accounts/password/reset/", {"email": "nobody@example.jp"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert unknown.status_code == 302
    page = client.get(unknown["Location"]).content.decode()
    assert "not assigned to any user account" not in page
    assert "We have sent you an email." in page

    assert [message.to for message in mail.outbox] == [
        ["forgetful@example.jp"],
        ["nobody@example.jp"],
    ]
    to_unknown = mail.outbox[1].body
    assert "we do not have any record of such an account" in to_unknown
    assert "/accounts/signup/" in to_unknown
    assert "/accounts/password/reset/key/" not in to_unknown


def test_password_reset_for_an_unknown_email_in_japanese(client, reference_data):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.jp"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    page = client.get(response["Location"]).content.decode()
    assert "パスワードの再設定" in page
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nobody@example.jp"]
    assert "不明なアカウント" in mail.outbox[0].subject
    assert "該当するアカウント情報がありませんでした" in mail.outbox[0].body
