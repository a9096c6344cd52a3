"""A coordinator matches graduates to a Kibagata survey in the admin, as a new user would:
starts a run, reads the proposals' reasons in Japanese and in English, removes one and
adds another graduate by hand."""

import re

from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD
from tests.opportunities.builders import (
    make_badge,
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)


def kibagata_city():
    kibagata = make_organisation("木場潟を守る会")
    make_coordinator("coordinator-e2e", organisations=[kibagata])
    badge = make_badge()
    survey = make_opportunity(kibagata, title_ja="木場潟の水質調査", required_badges=[badge])
    make_opportunity(
        make_organisation("安宅 白砂青松の会", district="ataka"), title_ja="松林の手入れ"
    )
    make_graduate("ペレイラ アナ", badges=[badge], languages=[("pt", 3), ("ja", 2)])
    make_graduate("山田 花子", badges=[badge], district="imae")
    make_graduate("グエン ミン", badges=[badge], languages=[("vi", 3), ("ja", 2)])
    make_graduate("中村 健", badges=[badge], district="awazu", interests=(3,))
    make_graduate("佐藤 一郎", district="kiba")  # no survey badge
    make_graduate("未同意 次郎", badges=[badge], consent=False)
    return survey


def test_a_coordinator_runs_matching_and_reviews_the_proposals(site, page, screenshots_dir):
    survey = kibagata_city()
    page.goto(site.url + "/cms/login/")
    page.locator("input[name=username]").fill("coordinator-e2e")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cms/$"))

    page.goto(site.url + "/cms/matching-runs/")
    choices = page.locator("input[name=opportunity]")
    # Only the coordinator's own organisation's opportunity can be chosen.
    expect(choices).to_have_count(1)
    page.get_by_label(re.compile("木場潟の水質調査")).check()
    page.locator("button[name=scope][value=chosen]").click()

    expect(page).to_have_url(re.compile(r"/cms/matching-runs/\d+/"))
    proposals = page.get_by_test_id("proposal")
    expect(proposals).to_have_count(3)  # three places
    expect(proposals.first).to_contain_text("木場潟水質調査バッジあり")
    expect(page.locator("main")).not_to_contain_text("未同意 次郎")
    expect(page.locator("main")).to_contain_text("ペレイラ アナ")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshots_dir / "matching-review-ja-1280.png", full_page=True)

    page.get_by_role("link", name="English").click()
    expect(proposals.first).to_contain_text("holds the Kibagata water survey badge")
    expect(proposals.first).to_contain_text("available Saturday morning")
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=screenshots_dir / "matching-review-en-360.png", full_page=True)

    first_name = proposals.first.locator("strong").inner_text()
    proposals.first.locator("button[type=submit]").click()
    expect(proposals).to_have_count(2)
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(first_name)

    page.get_by_label(re.compile("Name of a graduate|修了者の名前")).fill("佐藤")
    page.locator(".matching-add form[role=search] button[type=submit]").click()
    page.get_by_label("佐藤 一郎").check()
    page.locator(".matching-add__form button[type=submit]").click()

    expect(proposals).to_have_count(3)
    added = proposals.filter(has_text="佐藤 一郎")
    expect(added).to_contain_text("lacks the Kibagata water survey badge")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshots_dir / "matching-review-en-1280.png", full_page=True)
    assert survey.matching_runs.count() == 1
