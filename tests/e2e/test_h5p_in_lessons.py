"""Real H5P packages in a lesson: imported, played by h5p-standalone, answered in Chromium.

Each of the shared fixture packages is imported with the app's importer, put in a
one-lesson course and opened on the live server. The player must start without
page errors and show its content in the H5P iframe; three question types are then
answered correctly and must send an `answered` xAPI statement with full marks
under the block's activity id.
"""

import json
import re
import zipfile

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.h5p.services import import_h5p_package
from courses.models import LessonPage
from tests.courses.h5p_packages import FIXTURES
from tests.factories import make_course

H5P_FIXTURES = FIXTURES
PACKAGES = sorted(path.name for path in H5P_FIXTURES.glob("*.h5p"))
OFF_SITE_SCRIPT = re.compile(r"^Loading the script 'https://")
CHECK_BUTTON = re.compile(r"^\s*(確認|Check)\b")


def content_json(name):
    with zipfile.ZipFile(H5P_FIXTURES / name) as archive:
        return json.loads(archive.read("content/content.json"))


def lesson_with(name):
    """A published one-lesson course playing the named package; return the lesson."""
    package = import_h5p_package(H5P_FIXTURES / name)
    body = [("h5p", {"package": package, "pass_mark": 60, "fallback_text": ""})]
    course = make_course(lessons=[(f"H5P {name}", body)])
    return LessonPage.objects.child_of(course).get()


def open_lesson(page, site, lesson):
    """Open the lesson and wait until its player has started; return the H5P frame."""
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.goto(site.url + lesson.url)
    page.wait_for_selector(".h5p-player--ready", state="attached", timeout=30_000)
    assert page.locator(".h5p-player--failed").count() == 0, "the player should not fail"
    frame = page.frame_locator("iframe.h5p-iframe").first
    # H5P core mounts the content type in .h5p-container; an empty one means it broke.
    container = frame.locator(".h5p-content .h5p-container").first
    expect(container, "the H5P content should show").to_be_visible()
    expect(container, "the H5P content should show").to_contain_text(re.compile(r"\w"))
    return frame, page_errors


def statements(page):
    return page.evaluate("window.manabiH5P.statements.map(s => s.statement)")


def wait_for_full_marks_answer(page, activity_id, seconds=10):
    """Poll for an `answered` statement on our activity with raw == max."""
    seen = []
    for _ in range(int(seconds * 5)):
        seen = statements(page)
        for statement in seen:
            verb = statement.get("verb", {}).get("id", "")
            object_id = statement.get("object", {}).get("id", "")
            score = (statement.get("result") or {}).get("score") or {}
            if (
                verb.endswith("answered")
                and object_id.startswith(activity_id)
                and score.get("max")
                and score.get("raw") == score.get("max")
            ):
                return statement
        page.wait_for_timeout(200)
    verbs = [(s.get("verb", {}).get("id"), s.get("object", {}).get("id")) for s in seen]
    pytest.fail(f"no full-marks `answered` statement for {activity_id}; saw {verbs}")


@pytest.fixture
def tolerant_context(browser, live_server):
    """A context that aborts requests off the live server without failing the test.

    The course presentation embeds a video and a Twitter feed by external URLs;
    offline (and under our policy) they cannot load, which is expected. Any other
    content-security-policy violation still fails the test.
    """
    context = browser.new_context()
    blocked = []

    def only_the_live_server(route):
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    policy_violations = []

    def note_policy_violation(message):
        # Our policy refusing a third-party script (the presentation's Twitter
        # widget) is the policy working; anything else is a violation.
        text = message.text
        if "Content Security Policy" in text and not OFF_SITE_SCRIPT.search(text):
            policy_violations.append(text)

    context.route("**/*", only_the_live_server)
    context.on("console", note_policy_violation)
    context.set_default_timeout(15_000)
    yield context
    context.close()
    assert policy_violations == [], f"content security policy violations: {policy_violations}"


@pytest.mark.parametrize("name", PACKAGES)
def test_each_fixture_package_plays_in_a_lesson(request, site, name):
    if name.startswith("coursepresentation"):
        page = request.getfixturevalue("tolerant_context").new_page()
    else:
        page = request.getfixturevalue("page")
    lesson = lesson_with(name)
    frame, page_errors = open_lesson(page, site, lesson)
    assert page_errors == [], f"page errors: {page_errors}"
    assert page.locator(".h5p-player--failed").count() == 0


def answer_multichoice(frame):
    correct = next(a for a in content_json("multichoice-1.16.h5p")["answers"] if a["correct"])
    text = re.sub(r"<[^>]+>", "", correct["text"]).strip()
    frame.get_by_text(text, exact=True).click()


def answer_truefalse(frame):
    data = content_json("truefalse-1.6.h5p")
    label = data["l10n"]["trueText"] if data["correct"] == "true" else data["l10n"]["falseText"]
    frame.get_by_role("radio", name=label).click()


def answer_blanks(frame):
    answers = []
    for question in content_json("blanks-1.12.h5p")["questions"]:
        answers += [
            blank.split("/")[0].split(":")[0] for blank in re.findall(r"\*([^*]+)\*", question)
        ]
    blanks = frame.locator("input.h5p-text-input")
    expect(blanks).to_have_count(len(answers))
    for index, answer in enumerate(answers):
        blanks.nth(index).fill(answer)
        blanks.nth(index).press("Tab")


ANSWERING = {
    "multichoice-1.16.h5p": answer_multichoice,
    "truefalse-1.6.h5p": answer_truefalse,
    "blanks-1.12.h5p": answer_blanks,
}


@pytest.mark.parametrize("name", list(ANSWERING))
def test_a_correct_answer_sends_full_marks_under_the_block_activity_id(page, site, name):
    lesson = lesson_with(name)
    activity_id = f"{settings.MANABI_BASE_URL}/xapi/activities/{lesson.body[0].id}"
    frame, page_errors = open_lesson(page, site, lesson)

    ANSWERING[name](frame)
    check = frame.get_by_role("button", name=CHECK_BUTTON)
    if check.count() and check.first.is_visible():
        check.first.click()

    statement = wait_for_full_marks_answer(page, activity_id)
    assert statement["result"]["score"]["raw"] == statement["result"]["score"]["max"]
    assert page_errors == [], f"page errors: {page_errors}"


@pytest.mark.parametrize(
    ("name", "viewport", "shot"),
    [
        ("multichoice-1.16.h5p", {"width": 1280, "height": 900}, "h5p-multichoice-desktop.png"),
        ("truefalse-1.6.h5p", {"width": 390, "height": 844}, "h5p-truefalse-phone.png"),
    ],
)
def test_screenshots(page, site, screenshots_dir, name, viewport, shot):
    page.set_viewport_size(viewport)
    lesson = lesson_with(name)
    frame, page_errors = open_lesson(page, site, lesson)
    expect(frame.get_by_role("button", name=CHECK_BUTTON).first).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshots_dir / shot), full_page=True)
    assert page_errors == [], f"page errors: {page_errors}"
