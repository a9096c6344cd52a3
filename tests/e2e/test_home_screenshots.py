"""The home page at phone and desktop widths, in Japanese and English.

Screenshots go to tests/e2e/screenshots/ (git-ignored) for people to look at.
"""

import pytest
from playwright.sync_api import expect

VIEWPORTS = {"phone": (360, 780), "desktop": (1280, 900)}
HOMES = {"ja": ("/", "学びの力で、こまつの未来をつくる"), "en": ("/en/", "The power of learning")}


@pytest.mark.parametrize("language", HOMES)
@pytest.mark.parametrize("viewport_name", VIEWPORTS)
def test_home_page_renders_without_horizontal_scrolling(
    site, page, screenshots_dir, language, viewport_name
):
    width, height = VIEWPORTS[viewport_name]
    path, headline = HOMES[language]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site.url + path)

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_contain_text(headline)
    expect(page.locator(".tile--sdg")).to_have_count(17)
    expect(page.locator(".tile--stage")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots_dir / f"home-{language}-{viewport_name}.png", full_page=True)


def test_keyboard_user_can_skip_to_content_and_switch_language(site, page):
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="メインコンテンツへ移動")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.goto(site.url + "/accounts/login/")
    page.locator(".language-switcher summary").click()
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(site.url + "/en/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
