"""大学監修 from start to finish, through the real UI.

A faculty author writes a course and its lesson in the CMS and submits them to
the 大学監修 workflow; a curriculum supervisor approves both, which publishes
them; a visitor finds the course in the catalogue by life stage, SDG and
keyword, and sees who supervised it. Screenshots of the catalogue, course and
lesson at phone and desktop widths land in tests/e2e/screenshots/.
"""

import re
from urllib.parse import quote

from playwright.sync_api import expect

from curriculum.models import FacultyMember
from learners import roles
from tests.factories import TEST_PASSWORD, make_catalogue, make_course, make_learner

HOME_TITLE = "こまつSDGsまなびプラットフォーム"
CATALOGUE_TITLE = "講座をさがす"
COURSE_TITLE = "みんなでごみダイエット"
COURSE_SUMMARY = "家庭のごみを減らす方法を、家族と一緒に考えます。"
COURSE_DESCRIPTION = "ごみの分別とリサイクルを学び、できることを話し合います。"
LESSON_TITLE = "家庭のごみを半分に"
LESSON_TEXT = "家庭のごみを半分にする工夫を考えよう。"
WORD_ONLY_IN_LESSON = "工夫"
SDG_12 = "12. つくる責任 つかう責任"
# A published course that none of the filters below should return.
OTHER_COURSE_TITLE = "健康長寿とフレイル予防"
VIEWPORTS = {"phone": (360, 780), "desktop": (1280, 900)}


def log_into_cms(page, site, username):
    page.context.clear_cookies()
    page.goto(site.url + "/cms/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page, f"{username} should land on the CMS dashboard").to_have_url(re.compile(r"/cms/$"))


def open_catalogue_in_explorer(page, site):
    """The page explorer, from the root down to the catalogue's courses."""
    page.goto(site.url + "/cms/pages/")
    page.get_by_role("link", name=f"{HOME_TITLE}の子ページを閲覧").click()
    page.get_by_role("link", name=f"{CATALOGUE_TITLE}の子ページを閲覧").click()
    expect(
        page.get_by_role("heading", level=1),
        "the explorer should list the catalogue's courses",
    ).to_contain_text(CATALOGUE_TITLE)


def type_rich_text(page, field, text, hidden_input):
    """Click into a Draftail editor and type; wait until Draftail has copied the
    text into the form's hidden input (it does so after a short debounce, and a
    save clicked before then would send the editor's previous, empty state)."""
    field.get_by_role("textbox").click()
    page.keyboard.type(text)
    expect(hidden_input, "Draftail should copy what was typed into the form").to_have_value(
        re.compile(re.escape(text))
    )


def save_draft(page, title):
    page.get_by_role("button", name="下書きを保存").click()
    expect(page, f"saving 「{title}」 should lead to its edit view").to_have_url(
        re.compile(r"/cms/pages/\d+/edit/$")
    )
    expect(page.get_by_role("status"), f"「{title}」 should be saved").to_contain_text(
        f"'{title}' が作成されました"
    )


def submit_to_supervision(page, title):
    page.get_by_role("button", name="他のアクション").click()
    page.get_by_role("button", name="大学監修に提出する").click()
    expect(
        page.get_by_role("status"), f"「{title}」 should be submitted to 大学監修"
    ).to_contain_text(f"'{title}' が調整のために提出されました")


def approve_from_dashboard(page, title):
    review_list = page.get_by_role("region", name="あなたのレビューの待機中")
    row = review_list.get_by_role("row").filter(
        has=page.get_by_role("link", name=title, exact=True)
    )
    expect(row, f"「{title}」 should await the supervisor's review").to_be_visible()
    row.get_by_role("button", name="操作").click()
    row.get_by_role("button", name="承認", exact=True).click()
    expect(row, f"「{title}」 should leave the review list once approved").to_have_count(0)
    expect(page, "approving should return to the dashboard").to_have_url(re.compile(r"/cms/$"))


def show_courses(page, filters, expected_parameter):
    filters.get_by_role("button", name="講座を表示").click()
    expect(page, f"the catalogue should be asked for {expected_parameter}").to_have_url(
        re.compile(rf"[?&]{re.escape(expected_parameter)}(&|$)")
    )


def clear_filters(page):
    page.get_by_role("link", name="条件をクリア").click()
    expect(
        page.get_by_role("link", name=OTHER_COURSE_TITLE, exact=True),
        "clearing the filters should list every course again",
    ).to_be_visible()


def expect_catalogue_lists_only_our_course(page, how):
    expect(
        page.get_by_role("link", name=COURSE_TITLE, exact=True),
        f"the course should be found {how}",
    ).to_be_visible()
    expect(
        page.get_by_role("link", name=OTHER_COURSE_TITLE, exact=True),
        f"the other course should be filtered out {how}",
    ).to_have_count(0)


def test_author_submits_supervisor_approves_visitor_finds_supervised_course(
    site, page, screenshots_dir
):
    catalogue = make_catalogue()
    make_course(
        catalogue,
        title=OTHER_COURSE_TITLE,
        stages=("senior",),
        sdgs=(3,),
        summary="フレイルを防ぐ運動と食事を学びます。",
    )
    make_learner("faculty-e2e", display_name="金沢 大輔", role=roles.FACULTY_AUTHOR)
    supervisor = make_learner(
        "supervisor-e2e", display_name="兼六 由紀子", role=roles.CURRICULUM_SUPERVISOR
    )
    FacultyMember.objects.create(name_ja="兼六 由紀子", name_en="Yukiko Kenroku", user=supervisor)

    # 1. The faculty author writes the course and its lesson as drafts.
    log_into_cms(page, site, "faculty-e2e")
    open_catalogue_in_explorer(page, site)
    page.get_by_role("link", name="子ページを追加", exact=True).click()
    expect(
        page.get_by_role("heading", level=1),
        "a course is the only page type the catalogue takes, so its form opens directly",
    ).to_have_text("新規作成: 講座")
    page.get_by_role("textbox", name="タイトル*").fill(COURSE_TITLE)
    page.get_by_role("textbox", name="要約*").fill(COURSE_SUMMARY)
    type_rich_text(
        page,
        page.locator("[data-contentpath=description]"),
        COURSE_DESCRIPTION,
        page.locator("input[name=description]"),
    )
    page.get_by_role("checkbox", name="小学生", exact=True).check()
    page.get_by_role("checkbox", name=SDG_12, exact=True).check()
    page.get_by_role("spinbutton", name="目安の時間（分）*").fill("45")
    save_draft(page, COURSE_TITLE)

    open_catalogue_in_explorer(page, site)
    page.get_by_role("link", name=f"{COURSE_TITLE}に子ページを追加").click()
    expect(
        page.get_by_role("heading", level=1),
        "a lesson is the only page type a course takes, so its form opens directly",
    ).to_have_text("新規作成: レッスン")
    page.get_by_role("textbox", name="タイトル*").fill(LESSON_TITLE)
    body = page.locator("[data-contentpath=body]")
    # Wagtail 8 does not translate this button's label into Japanese (yet).
    body.get_by_role("button", name=re.compile("Insert a block|ブロックを挿入")).click()
    page.get_by_role("option", name="本文", exact=True).click()
    type_rich_text(page, body, LESSON_TEXT, body.locator("input[name$='-value']"))
    save_draft(page, LESSON_TITLE)

    # 2. … and submits both to 大学監修: the lesson from its edit view, then the
    # course, found again in the explorer.
    submit_to_supervision(page, LESSON_TITLE)
    open_catalogue_in_explorer(page, site)
    page.get_by_role("link", name=COURSE_TITLE, exact=True).click()
    expect(page, "the course title in the explorer should open its edit view").to_have_url(
        re.compile(r"/cms/pages/\d+/edit/$")
    )
    submit_to_supervision(page, COURSE_TITLE)

    # Nothing is public before the supervisor approves.
    page.context.clear_cookies()
    page.goto(site.url + "/courses/")
    expect(
        page.get_by_role("link", name=OTHER_COURSE_TITLE, exact=True),
        "the catalogue should list the course already published",
    ).to_be_visible()
    expect(
        page.get_by_role("link", name=COURSE_TITLE, exact=True),
        "a course in review must not be public",
    ).to_have_count(0)

    # 3. The supervisor approves both from the dashboard; approval publishes.
    log_into_cms(page, site, "supervisor-e2e")
    approve_from_dashboard(page, COURSE_TITLE)
    approve_from_dashboard(page, LESSON_TITLE)

    # 4. A visitor finds the course by life stage, by SDG and by keyword.
    page.context.clear_cookies()
    page.goto(site.url + "/courses/")
    expect(page.get_by_role("heading", level=1), "the catalogue should open").to_have_text(
        CATALOGUE_TITLE
    )
    filters = page.get_by_role("search", name="講座をしぼりこむ")

    filters.get_by_label("ライフステージ").select_option(label="小学生")
    show_courses(page, filters, "stage=elementary")
    expect_catalogue_lists_only_our_course(page, "under 小学生")

    clear_filters(page)
    filters.get_by_label("SDGs目標").select_option(label=SDG_12)
    show_courses(page, filters, "sdg=12")
    expect_catalogue_lists_only_our_course(page, "under SDG 12")

    clear_filters(page)
    filters.get_by_label("キーワード").fill("ごみ")
    show_courses(page, filters, "query=" + quote("ごみ"))
    expect_catalogue_lists_only_our_course(page, "by the keyword ごみ")

    filters.get_by_label("キーワード").fill(WORD_ONLY_IN_LESSON)
    show_courses(page, filters, "query=" + quote(WORD_ONLY_IN_LESSON))
    expect_catalogue_lists_only_our_course(page, f"by {WORD_ONLY_IN_LESSON}, a word of its lesson")

    # The course shows who supervised it, and leads to its lesson.
    page.get_by_role("link", name=COURSE_TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1), "the course should open").to_have_text(
        COURSE_TITLE
    )
    expect(
        page.get_by_role("paragraph").filter(has_text="金沢大学監修"),
        "the course should name its supervisor on the 大学監修 line",
    ).to_have_text(re.compile(r"^\W*金沢大学監修 ／ 兼六 由紀子 ／ \d{4}年\d{1,2}月\d{1,2}日$"))
    course_url = page.url
    page.get_by_role("link", name=LESSON_TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1), "the lesson should open").to_have_text(
        LESSON_TITLE
    )
    expect(page.get_by_text(LESSON_TEXT), "the lesson should show its text").to_be_visible()
    lesson_url = page.url

    # 5. Screenshots at phone and desktop widths, without sideways scrolling.
    pages = {
        "catalogue": site.url + "/courses/",
        "course": course_url,
        "lesson": lesson_url,
    }
    for viewport_name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, url in pages.items():
            page.goto(url)
            expect(page.get_by_role("heading", level=1), f"the {name} should open").to_be_visible()
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{name} scrolls sideways at {width}px ({scroll_width}px)"
            page.screenshot(path=screenshots_dir / f"{name}-{viewport_name}.png", full_page=True)
