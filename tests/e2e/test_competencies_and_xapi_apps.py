"""In a browser: a badge's alignment leads to its competency page; the new-badge notice
on /me/ is dismissed by its button; a learner connects an xAPI app and disconnects it.
(No page may break the content security policy: the e2e context fails the test.)"""

import re

from playwright.sync_api import expect

from curriculum.models import BadgeDefinition, Competency
from learners.models import XAPICredential
from learners.services.badges import award_badge
from tests.e2e.test_learning_records import log_in
from tests.factories import make_learner


def test_the_alignment_of_a_badge_leads_to_its_competency_page(site, page, screenshots_dir):
    competency = Competency.objects.get(code="ENV-WATER")
    badge = BadgeDefinition.objects.create(
        name_ja="木場潟の水しらべ", description="…", criteria_narrative="…"
    )
    badge.competencies.add(competency)
    page.goto(f"{site.url}/badges/classes/{badge.uuid}", wait_until="load")
    page.get_by_role("link", name="Water-environment survey").click()
    expect(page).to_have_url(f"{site.url}/curriculum/competencies/ENV-WATER/")
    expect(page.locator("h1")).to_contain_text("水環境調査")
    expect(page.locator("#alignment")).to_contain_text("ENV-WATER")
    expect(page.get_by_role("link", name="木場潟の水しらべ")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "competency-page.png"), full_page=True)
    page.goto(f"{site.url}/en/curriculum/competencies/")
    expect(page.get_by_role("heading", level=2, name="Environment")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "competency-framework-en.png"), full_page=True)


def test_the_new_badge_notice_stays_until_its_button_is_pressed(site, page):
    learner = make_learner()
    badge = BadgeDefinition.objects.create(
        name_ja="新しいバッジ", description="…", criteria_narrative="…"
    )
    award_badge(learner, badge)
    log_in(page, site, learner)
    notice = page.locator(".notice--success").filter(has_text="新しいバッジ")
    expect(notice).to_be_visible()
    page.reload()
    expect(notice).to_be_visible()
    notice.locator("button[value=portfolio]").click()
    expect(page).to_have_url(re.compile(r"/me/portfolio/$"))
    page.goto(site.url + "/me/")
    expect(page.locator(".notice--success")).to_have_count(0)


def test_a_learner_connects_an_xapi_app_and_disconnects_it(site, page, screenshots_dir):
    learner = make_learner()
    log_in(page, site, learner)
    page.locator("a[href='/me/xapi-apps/']").click()
    page.locator("input[name=label]").fill("学校のタブレット")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("#xapi-secret")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "xapi-apps-connected.png"), full_page=True)
    credential = XAPICredential.objects.get(user=learner)
    page.goto(site.url + "/me/xapi-apps/")
    expect(page.locator("#xapi-secret")).to_have_count(0)
    page.locator(f"form[action='/me/xapi-apps/{credential.key}/revoke/'] button").click()
    expect(page.locator(".revoked")).to_be_visible()
    credential.refresh_from_db()
    assert credential.revoked_at is not None
