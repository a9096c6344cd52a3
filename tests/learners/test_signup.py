"""Sign-up through allauth's real form: what a new resident sees and what is stored."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from learners import roles
from learners.models import ConsentPurpose, ConsentRecord, LearnerProfile
from tests.factories import make_learner

pytestmark = pytest.mark.django_db
User = get_user_model()


def signup_data(**overrides):
    data = {
        "email": "hanako@example.jp",
        "username": "",
        "password1": "Kibagata-lake-2026",
        "password2": "Kibagata-lake-2026",
        "display_name": "木場 花子",
        "birth_year": "1986",
        "district": "",
        "languages": [],
        "interests": [],
        "consent_terms_and_privacy": "on",
    }
    data.update(overrides)
    return data


def assert_nothing_created():
    assert User.objects.count() == 0
    assert LearnerProfile.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert mail.outbox == []


def test_signup_creates_profile_consents_role_and_sends_verification(client, reference_data):
    from learners.models import District, SpokenLanguage

    kiba = District.objects.get(code="kiba")
    portuguese = SpokenLanguage.objects.get(code="pt")
    response = client.post(
        "/accounts/signup/",
        signup_data(
            district=str(kiba.pk),
            languages=[str(portuguese.pk)],
            consent_opportunity_matching="on",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"

    user = User.objects.get(email="hanako@example.jp")
    assert user.username  # generated when left empty
    profile = user.learner_profile
    assert profile.display_name == "木場 花子"
    assert profile.birth_year == 1986
    assert profile.district == kiba
    assert list(profile.languages.all()) == [portuguese]
    assert profile.life_stage.slug == "adult" or profile.life_stage.slug == "young-adult"
    assert list(user.groups.values_list("name", flat=True)) == [roles.LEARNER]

    decisions = {record.purpose: record for record in user.consent_records.all()}
    assert decisions[ConsentPurpose.TERMS_AND_PRIVACY].granted is True
    assert decisions[ConsentPurpose.OPPORTUNITY_MATCHING].granted is True
    assert decisions[ConsentPurpose.NEWS_EMAIL].granted is False
    assert all(record.source == ConsentRecord.Source.SIGNUP for record in decisions.values())
    assert all(record.recorded_at <= timezone.now() for record in decisions.values())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hanako@example.jp"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_signup_form_has_no_pre_ticked_consent(client, reference_data):
    html = client.get("/accounts/signup/").content.decode()
    for name in (
        "consent_terms_and_privacy",
        "consent_opportunity_matching",
        "consent_news_email",
    ):
        tag_start = html.index(f'name="{name}"')
        tag = html[html.rfind("<input", 0, tag_start) : html.index(">", tag_start)]
        assert "checked" not in tag, name
    assert "利用規約とプライバシーポリシーを読み、同意します。" in html


def test_existing_email_gets_the_check_your_mail_page_in_japanese(client, reference_data):
    """The page does not say the address is taken; the owner is told by mail."""
    make_learner("taken", display_name="既存 太郎")
    before = (User.objects.count(), ConsentRecord.objects.count())
    response = client.post("/accounts/signup/", signup_data(email="taken@example.jp"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    html = client.get(response["Location"]).content.decode()
    assert "メールアドレスを確認してください" in html
    assert "ほかのユーザーがこのメールアドレスでアカウント登録済みです。" not in html
    assert (User.objects.count(), ConsentRecord.objects.count()) == before

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["taken@example.jp"]
    assert "アカウントが既に存在" in message.subject
    assert "このメールアドレスを使用したアカウントがすでに存在しています" in message.body
    assert "/accounts/password/reset/" in message.body
    assert "/accounts/confirm-email/" not in message.body


def test_existing_email_owner_is_told_in_english(client, reference_data):
    make_learner("taken", display_name="Taro")
    response = client.post("/en/accounts/signup/", signup_data(email="taken@example.jp"))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "If the address is new to Manabi or not yet confirmed" in html
    assert "If the address already has an account, the mail says so" in html
    assert "A user is already registered with this email address." not in html
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.jp"]
    assert "an account using that email address already exists" in mail.outbox[0].body


def _check_your_mail_answer(client, email):
    """What a visitor sees after signing up with this address, address blanked out."""
    response = client.post("/en/accounts/signup/", signup_data(email=email))
    page = client.get(response["Location"]) if response.status_code == 302 else response
    html = page.content.decode().replace(email, "ADDRESS")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return response.status_code, response.get("Location"), page.status_code, html


def test_signup_answers_the_same_for_a_new_and_an_existing_address(reference_data):
    make_learner("taken")
    new = _check_your_mail_answer(Client(), "newcomer@example.jp")
    existing = _check_your_mail_answer(Client(), "taken@example.jp")
    assert new == existing
    assert new[:3] == (302, "/en/accounts/confirm-email/", 200)
    # Only the new address got an account; each owner got the mail for their case.
    assert User.objects.filter(email="newcomer@example.jp").count() == 1
    assert User.objects.filter(email="taken@example.jp").count() == 1
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2
    assert "/accounts/confirm-email/" in by_address["newcomer@example.jp"].body
    assert "already exists" in by_address["taken@example.jp"].body
    assert "/accounts/confirm-email/" not in by_address["taken@example.jp"].body


def test_existing_address_in_other_case_is_not_a_second_account(client, reference_data):
    make_learner("taken")
    response = client.post("/accounts/signup/", signup_data(email="Taken@Example.JP"))
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["taken@example.jp"]]


@pytest.mark.parametrize(
    ("overrides", "message_ja"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "このパスワードは一般的すぎます。"),
        ({"password2": "Kibagata-lake-2027"}, "同じパスワードを入力してください。"),
        ({"birth_year": str(timezone.localdate().year + 1)}, "今年（"),
        ({"birth_year": "2020"}, "保護者または先生が作成します"),
        ({"consent_terms_and_privacy": ""}, "利用規約とプライバシーポリシーに同意してください"),
        ({"display_name": ""}, "この項目は必須です"),
    ],
    ids=[
        "weak-password",
        "mismatched-confirmation",
        "future-birth-year",
        "young-child",
        "no-terms-consent",
        "no-display-name",
    ],
)
def test_bad_signup_shows_the_error_and_creates_nothing(
    client, reference_data, overrides, message_ja
):
    response = client.post("/accounts/signup/", signup_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message_ja in html
    assert 'aria-invalid="true"' in html
    assert_nothing_created()


def test_bad_signup_error_in_english(client, reference_data):
    response = client.post(
        "/en/accounts/signup/",
        signup_data(password2="something-else-entirely"),
    )
    assert "You must type the same password each time." in response.content.decode()
    assert_nothing_created()


def test_profile_failure_rolls_back_the_account(client, reference_data, monkeypatch):
    """If writing the profile fails, no account, address or consent is left behind."""
    from learners.services import accounts

    def broken_register(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(accounts, "register_learner", broken_register)
    client.raise_request_exception = False
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 500
    assert_nothing_created()


def test_child_without_email_can_log_in_with_username(client, reference_data):
    """Child accounts made later by guardians have no email: username login works."""
    child = User.objects.create_user(username="kodomo-01", password="Hanabatake-2026")
    response = client.post(
        "/accounts/login/", {"login": "kodomo-01", "password": "Hanabatake-2026"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(child.pk)


def test_adult_with_unverified_email_cannot_log_in(client, reference_data):
    User.objects.create_user(
        username="unverified", email="unverified@example.jp", password="Hanabatake-2026"
    )
    response = client.post(
        "/accounts/login/", {"login": "unverified@example.jp", "password": "Hanabatake-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


NUL_MESSAGE_EN = "This field contains an invisible control character (NUL)."


@pytest.mark.parametrize("field", ["email", "username", "password1", "display_name"])
def test_nul_character_is_named_in_the_error(client, reference_data, field):
    """Django's Japanese for this ("enter some characters") told residents nothing."""
    overrides = {field: "hanako\x00example"}
    response = client.post("/en/accounts/signup/", signup_data(**overrides))
    assert response.status_code == 200
    assert any(NUL_MESSAGE_EN in error for error in response.context["form"].errors[field])
    assert NUL_MESSAGE_EN in response.content.decode()

    response = client.post("/accounts/signup/", signup_data(**overrides))
    html = response.content.decode()
    assert "何か文字を入力してください" not in html
    assert "NUL" in html
    assert_nothing_created()


def test_nul_character_at_login_is_named_in_the_error(client, reference_data):
    response = client.post(
        "/en/accounts/login/", {"login": "hanako\x00", "password": "Kibagata-lake-2026"}
    )
    assert response.status_code == 200
    assert NUL_MESSAGE_EN in response.content.decode()
    assert "_auth_user_id" not in client.session
