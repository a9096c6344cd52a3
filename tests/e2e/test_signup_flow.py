"""A new resident signs up, verifies their email, logs in and sees their name."""

import re

from playwright.sync_api import expect

from learners.models import LearnerProfile
from tests.factories import make_learner

PASSWORD = "Kibagata-lake-2026"


def test_new_learner_signs_up_verifies_and_logs_in(site, page, mailoutbox):
    page.goto(site.url + "/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="新規登録"
    ).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))

    page.locator("input[name=email]").fill("hanako@example.jp")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_label("表示名").fill("木場 花子")
    page.get_by_label("生まれた年（西暦）").fill("1986")
    page.get_by_label("お住まいの地区").select_option(label="木場")
    page.get_by_label("ポルトガル語 (Português)").check()
    page.get_by_label("利用規約とプライバシーポリシーを読み、同意します。").check()
    page.locator("form.form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)

    page.goto(link)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.locator("input[name=login]").fill("hanako@example.jp")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ようこそ、木場 花子さん")
    expect(page.locator(".site-nav__name")).to_have_text("木場 花子")
    profile = LearnerProfile.objects.get(user__email="hanako@example.jp")
    assert profile.district.name_ja == "木場"


def test_signup_errors_are_announced_next_to_their_fields(site, page):
    page.goto(site.url + "/en/accounts/signup/")
    page.locator("input[name=email]").fill("someone@example.jp")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD + "x")
    page.get_by_label("Display name").fill("Ana Souza")
    page.get_by_label("Birth year").fill("1992")
    page.locator("form.form button[type=submit]").click()

    confirmation = page.locator("input[name=password2]")
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    error_id = confirmation.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_contain_text("You must type the same password")
    terms = page.locator("input[name=consent_terms_and_privacy]")
    expect(terms).to_have_attribute("aria-invalid", "true")
    assert not LearnerProfile.objects.exists()


def test_every_form_control_on_the_signup_page_has_a_label(site, page):
    page.goto(site.url + "/accounts/signup/")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && el.labels.length === 0
                    && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )
    assert unlabelled == []


def test_signing_up_with_a_registered_address_looks_like_any_sign_up(site, page, mailoutbox):
    make_learner("taken")
    page.goto(site.url + "/en/accounts/signup/")
    page.locator("input[name=email]").fill("taken@example.jp")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_label("Display name").fill("Someone Else")
    page.get_by_label("Birth year").fill("1980")
    page.locator("input[name=consent_terms_and_privacy]").check()
    page.locator("form.form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.locator("main")).to_contain_text("If the address already has an account")
    expect(page.locator("main")).not_to_contain_text("already registered")
    assert [message.to for message in mailoutbox] == [["taken@example.jp"]]
    assert "already exists" in mailoutbox[0].body
    assert LearnerProfile.objects.count() == 1
