"""A demo quiz (our own H5P.ManabiQuiz) in a real lesson page, answered with the keyboard only.

The quiz is built and imported exactly as ``load_demo_data`` does it, placed in a lesson and
opened on the live server. The learner starts at the top of the page and never touches the
mouse: Tab into the player, arrow keys and Space to choose, Enter to check.
"""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.demo import demo_quiz_package
from courses.demo.quizzes import load_quizzes
from courses.models import LessonPage
from tests.factories import make_course

QUIZ_SLUG = "ohana-to-nakayoshi"  # the early-childhood quiz: furigana-free kana, child labels
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def focused_in(frame):
    """What has keyboard focus inside the player frame (None while focus is on the page)."""
    return frame.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element || element === document.body) return null;
            return {
                tag: element.tagName.toLowerCase(),
                type: element.type || null,
                className: String(element.className),
                fieldset: [...document.querySelectorAll("fieldset")].indexOf(
                    element.closest("fieldset")
                ),
                option: [...(element.closest("fieldset")?.querySelectorAll("input") || [])]
                    .indexOf(element),
                checked: !!element.checked,
            };
        }"""
    )


def tab_until(page, frame, wanted, most_presses=40):
    for _ in range(most_presses):
        page.keyboard.press("Tab")
        focused = focused_in(frame)
        if focused and wanted(focused):
            return focused
    pytest.fail(f"Tab never reached the wanted element; focus is on {focused_in(frame)}")


def correct_options(question):
    """Indexes of the options a learner must choose, in the order the player shows them."""
    if question["type"] == "truefalse":
        return [0 if question["correct"] else 1]  # the player shows true, then false
    return [index for index, answer in enumerate(question["answers"]) if answer["correct"]]


def answer_with_the_keyboard(page, frame, number, question):
    first = tab_until(page, frame, lambda f: f["fieldset"] == number and f["tag"] == "input")
    wanted = correct_options(question)
    if first["type"] == "radio":
        # Space chooses the focused option; each ArrowDown moves on and chooses the next.
        page.keyboard.press("Space")
        for _ in range(wanted[0]):
            page.keyboard.press("ArrowDown")
        assert focused_in(frame)["option"] == wanted[0]
        assert focused_in(frame)["checked"]
    else:
        focused = first
        for option in range(len(question["answers"])):
            if option:
                focused = tab_until(
                    page, frame, lambda f, option=option: f["option"] == option, most_presses=2
                )
            if option in wanted:
                page.keyboard.press("Space")
                assert focused_in(frame)["checked"], focused
    tab_until(page, frame, lambda f: "h5p-manabi-quiz__check" in f["className"], most_presses=4)
    page.keyboard.press("Enter")


def test_a_demo_quiz_in_a_lesson_is_answered_with_the_keyboard_alone(page, site, screenshots_dir):
    quiz = load_quizzes()[QUIZ_SLUG]
    package = demo_quiz_package(QUIZ_SLUG, author_user=None)
    body = [("h5p", {"package": package, "pass_mark": 60, "fallback_text": ""})]
    course = make_course(lessons=[("おはなと なかよし", body)])
    lesson = LessonPage.objects.child_of(course).get()
    activity_id = f"{settings.MANABI_BASE_URL}/xapi/activities/{lesson.body[0].id}"
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    page.goto(site.url + lesson.url)
    page.wait_for_selector(".h5p-player--ready", state="attached", timeout=30_000)
    frame = page.wait_for_selector("iframe.h5p-iframe").content_frame()
    questions = frame.locator("fieldset")
    expect(questions).to_have_count(len(quiz["questions"]))
    expect(frame.get_by_role("button", name="こたえあわせ").first).to_be_visible()
    assert focused_in(frame) is None  # the learner starts on the page, not in the player

    for number, question in enumerate(quiz["questions"]):
        answer_with_the_keyboard(page, frame, number, question)
        expect(questions.nth(number).locator("[role=status]")).to_contain_text("せいかい！")

    total = len(quiz["questions"])
    expect(frame.locator(".h5p-manabi-quiz__total")).to_have_text(
        f"{total} / {total} もん せいかい"
    )
    for _ in range(50):  # the page's statements, once the quiz has reported completion
        statements = page.evaluate("window.manabiH5P.statements")
        completed = [s for s in statements if s["statement"]["verb"]["id"] == COMPLETED]
        if completed:
            break
        page.wait_for_timeout(100)
    assert len(completed) == 1
    assert completed[0]["activityId"] == activity_id
    assert completed[0]["statement"]["object"]["id"] == activity_id
    assert completed[0]["statement"]["result"]["score"]["raw"] == total
    answered = [s for s in statements if s["statement"]["verb"]["id"] == ANSWERED]
    assert [s["statement"]["result"]["score"]["raw"] for s in answered] == [1] * total
    page.screenshot(path=screenshots_dir / "manabi-quiz-in-lesson.png", full_page=True)
    assert page_errors == []
