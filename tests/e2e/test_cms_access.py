"""Faculty authors work in the Wagtail admin (its scripts run under our CSP); learners do not."""

import re

from playwright.sync_api import expect

from learners import roles
from tests.factories import TEST_PASSWORD, make_learner


def test_faculty_author_logs_into_the_cms(site, page):
    make_learner("faculty-e2e", display_name="金沢 大輔", role=roles.FACULTY_AUTHOR)
    page.goto(site.url + "/cms/login/")
    page.locator("input[name=username]").fill("faculty-e2e")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/cms/$"))
    expect(page.locator("main")).to_be_visible()
    page.goto(site.url + "/cms/pages/")
    expect(
        page.get_by_role("link", name="こまつSDGsまなびプラットフォームの子ページを閲覧")
    ).to_be_visible()


def test_learner_is_turned_away_from_the_cms(site, page):
    make_learner("plain-e2e")
    page.goto(site.url + "/cms/login/")
    page.locator("input[name=username]").fill("plain-e2e")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cms/login/"))
