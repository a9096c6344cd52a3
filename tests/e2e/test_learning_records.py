"""Learning records in a browser: what a signed-in learner does in a lesson is kept.

A new learner signs in through the login form and answers real H5P packages (the
shared fixtures) in lessons. The page script queues each statement the player sends
and posts it to /xapi/statements; the tests then look at what the server stored:
the statements, the learner's best result per activity, lesson and course progress.
The offline tests cut the learner off mid-lesson and check that nothing is lost and
nothing is counted twice.

(Past 400 lines on purpose: the lesson fixtures and page helpers here serve every H5P
content type and the offline queue alike.)
"""

import json
import re
import uuid
import zipfile

import pytest
from django.conf import settings
from django.db import OperationalError
from playwright.sync_api import expect

from courses.h5p.services import import_h5p_package
from courses.models import LessonPage
from learners.models import ActivityResult, CourseCompletion, LearningStatement, LessonProgress
from tests.courses.h5p_packages import FIXTURES
from tests.factories import TEST_PASSWORD, make_course, make_learner

H5P_FIXTURES = FIXTURES
CHECK_BUTTON = re.compile(r"^\s*(確認|Check)\b")
RETRY_BUTTON = re.compile(r"^\s*(もう一度|Retry)\b")
QUEUE_PREFIX = "manabi.xapi.queue."
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


# Building lessons ----------------------------------------------------------------


def content_json(name):
    with zipfile.ZipFile(H5P_FIXTURES / name) as archive:
        return json.loads(archive.read("content/content.json"))


def h5p_block(name):
    package = import_h5p_package(H5P_FIXTURES / name)
    return ("h5p", {"package": package, "pass_mark": 60, "fallback_text": ""})


def course_with(*lessons):
    """A published course of (title, body) lessons; return the course and its lessons."""
    course = make_course(lessons=lessons)
    return course, list(LessonPage.objects.child_of(course).order_by("path"))


def lesson_playing(name):
    """A published one-lesson course playing the named fixture package; return the lesson."""
    _, (lesson,) = course_with((f"H5P {name}", [h5p_block(name)]))
    return lesson


def block_id_of(lesson):
    return next(block.id for block in lesson.body if block.block_type == "h5p")


def activity_id_of(lesson):
    return f"{settings.MANABI_BASE_URL}/xapi/activities/{block_id_of(lesson)}"


# What a learner does ---------------------------------------------------------------


def log_in(page, site, user):
    page.goto(site.url + "/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def open_lesson(page, site, lesson):
    """Open the lesson, wait for its player (if any); return the H5P frame or None."""
    page.goto(site.url + lesson.url)
    if not any(block.block_type == "h5p" for block in lesson.body):
        return None
    page.wait_for_selector(".h5p-player--ready", state="attached", timeout=30_000)
    frame = page.frame_locator("iframe.h5p-iframe").first
    expect(frame.locator(".h5p-content .h5p-container").first).to_be_visible()
    return frame


def click_check(frame):
    """Press Check, unless the content checks answers by itself (the Blanks fixture does)."""
    check = frame.get_by_role("button", name=CHECK_BUTTON)
    if check.count() and check.first.is_visible():
        check.first.click()


def answer_multichoice(frame):
    answer = next(a for a in content_json("multichoice-1.16.h5p")["answers"] if a["correct"])
    frame.get_by_text(re.sub(r"<[^>]+>", "", answer["text"]).strip(), exact=True).click()
    click_check(frame)


def truefalse_label(data, *, correct):
    wanted = data["correct"] == "true" if correct else data["correct"] != "true"
    return data["l10n"]["trueText"] if wanted else data["l10n"]["falseText"]


def answer_truefalse(frame, *, correct=True):
    label = truefalse_label(content_json("truefalse-1.6.h5p"), correct=correct)
    frame.get_by_role("radio", name=label).click()
    click_check(frame)


def answer_blanks(frame):
    answers = []
    for question in content_json("blanks-1.12.h5p")["questions"]:
        answers += [b.split("/")[0].split(":")[0] for b in re.findall(r"\*([^*]+)\*", question)]
    blanks = frame.locator("input.h5p-text-input")
    expect(blanks).to_have_count(len(answers))
    for index, answer in enumerate(answers):
        blanks.nth(index).fill(answer)
        blanks.nth(index).press("Tab")
    click_check(frame)


ANSWERING = {
    "multichoice-1.16.h5p": answer_multichoice,
    "truefalse-1.6.h5p": answer_truefalse,
    "blanks-1.12.h5p": answer_blanks,
}


def reach_the_end(page):
    page.locator("[data-lesson-end]").scroll_into_view_if_needed()


# Waiting and looking -------------------------------------------------------------


def wait_for(page, condition, what, seconds=20):
    """Poll ``condition`` (browser state or ORM queries) until it is truthy; return it.

    ``page.wait_for_function`` would evaluate a string, which our CSP refuses. On
    SQLite a read can meet the live server's write in progress ("table is locked"):
    that only means "not yet".
    """
    for _ in range(int(seconds * 5)):
        try:
            value = condition()
        except OperationalError:
            value = None
        if value:
            return value
        page.wait_for_timeout(200)
    pytest.fail(f"waited {seconds}s for {what}")


def records(page):
    """What the page script says: {sent, failures, pending}."""
    return page.evaluate("({...window.manabiRecords})")


def queue_keys(page):
    return page.evaluate(
        "prefix => Object.keys(localStorage).filter(key => key.startsWith(prefix))", QUEUE_PREFIX
    )


def queued(page):
    """The statements waiting in the localStorage queue."""
    return page.evaluate(
        """prefix => Object.keys(localStorage).filter(key => key.startsWith(prefix))
            .flatMap(key => JSON.parse(localStorage.getItem(key)))""",
        QUEUE_PREFIX,
    )


def all_sent(page):
    return records(page)["pending"] == 0


def stored_for(user, lesson):
    return LearningStatement.objects.filter(user=user, block_id=block_id_of(lesson))


def result_for(user, lesson):
    return ActivityResult.objects.filter(user=user, block_id=block_id_of(lesson)).first()


def lesson_done(user, lesson):
    return LessonProgress.objects.filter(
        user=user, lesson_key=lesson.translation_key, completed_at__isnull=False
    ).first()


@pytest.fixture
def learner(site, page):
    user = make_learner()
    log_in(page, site, user)
    return user


@pytest.fixture
def refusals(page):
    """Every refused POST to /xapi/statements: (status, what was sent, the server's reply)."""
    responses = []
    page.on(
        "response",
        lambda response: (
            responses.append(response)
            if "/xapi/statements" in response.url and response.status >= 400
            else None
        ),
    )

    def body(response):
        try:
            return response.text()
        except Exception as error:  # the page that sent it has been left
            return f"<reply not readable: {error}>"

    def read():
        return [(r.status, r.request.post_data, body(r)) for r in responses]

    return read


# 1. Questions answered one by one ------------------------------------------------


@pytest.mark.parametrize("name", list(ANSWERING))
def test_a_right_answer_is_kept_with_full_marks(site, page, learner, refusals, name):
    lesson = lesson_playing(name)
    frame = open_lesson(page, site, lesson)

    ANSWERING[name](frame)

    result = wait_for(
        page,
        lambda: (r := result_for(learner, lesson)) and r.best_scaled_score is not None and r,
        "a scored result",
    )
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    assert result.best_scaled_score == 1.0
    assert result.success and result.completed and result.attempts == 1
    assert all(row.is_root for row in stored_for(learner, lesson))
    scored = stored_for(learner, lesson).exclude(score_scaled=None)
    assert [(row.verb_id, row.score_scaled) for row in scored] == [(ANSWERED, 1.0)]
    assert refusals() == []


def test_a_wrong_answer_is_kept_too_and_a_better_retry_replaces_it(site, page, learner, refusals):
    lesson = lesson_playing("truefalse-1.6.h5p")
    frame = open_lesson(page, site, lesson)

    answer_truefalse(frame, correct=False)
    result = wait_for(
        page,
        lambda: (r := result_for(learner, lesson)) and r.attempts == 1 and r,
        "the wrong answer's result",
    )
    assert result.best_scaled_score == 0.0
    assert not result.success

    frame.get_by_role("button", name=RETRY_BUTTON).first.click()
    answer_truefalse(frame, correct=True)
    result = wait_for(
        page,
        lambda: (r := result_for(learner, lesson)) and r.attempts == 2 and r,
        "the retry's result",
    )
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    assert result.best_scaled_score == 1.0
    assert result.success
    scores = stored_for(learner, lesson).exclude(score_scaled=None).order_by("timestamp")
    assert [(row.is_root, row.score_scaled) for row in scores] == [(True, 0.0), (True, 1.0)]
    assert refusals() == []


# 2. Composite content: only the set's own result counts --------------------------


# The question set's sub-questions are mostly stubs: empty fields fall back to the
# libraries' default texts, whose right answers these are.
BLANKS_DEFAULT_ANSWER = "Norway"  # "Oslo is the capital of *Norway*."
MARK_THE_WORDS_DEFAULT = ["nice", "flexible"]  # "This is a *nice*, *flexible* content type."
DRAG_TEXT_DEFAULT = ["nice", "flexible", "wonderful", "exciting", "fantastic"]


def answer_set_question(page, question, params):
    library = params["library"].split()[0]
    if library == "H5P.TrueFalse":
        question.get_by_role("radio", name=truefalse_label(params["params"], correct=True)).click()
    elif library == "H5P.Blanks":
        question.get_by_role("textbox").fill(BLANKS_DEFAULT_ANSWER)
    elif library == "H5P.MarkTheWords":
        for word in MARK_THE_WORDS_DEFAULT:
            question.get_by_role("option", name=word).click()
    elif library == "H5P.DragText":
        for word in DRAG_TEXT_DEFAULT:  # pick a word up, drop it on the next empty gap
            question.get_by_role("button", name=re.compile(rf"^{word} ")).click()
            page.keyboard.press("Enter")
    # H5P.MultiChoice without a right option and H5P.DragQuestion without a drop
    # target are answered correctly by leaving them as they are.
    question.get_by_role("button", name=CHECK_BUTTON).click()
    expect(question.get_by_text(re.compile(r"You got (\d+) out of \1 points"))).to_be_visible()


def answer_questionset(page, frame):
    """Answer all nine questions of the set right, then press Finish; return how many."""
    questions = content_json("questionset-1.17.h5p")["questions"]
    for number, params in enumerate(questions, start=1):
        frame.get_by_role("link", name=re.compile(rf"^Question {number} of ")).click()
        answer_set_question(page, frame.locator(".question-container:visible"), params)
    frame.get_by_role("button", name="Finish").click()
    return len(questions)


def answer_singlechoiceset(page, frame):
    """Choose the right answer (the first one listed) of every question."""
    choices = content_json("singlechoiceset-1.11.h5p")["choices"]
    for choice in choices:
        frame.get_by_role("button", name=choice["answers"][0], exact=True).click()
    return len(choices)


def parent_of(row):
    return row.statement.get("context", {}).get("contextActivities", {}).get("parent")


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("questionset-1.17.h5p", answer_questionset),
        ("singlechoiceset-1.11.h5p", answer_singlechoiceset),
    ],
)
def test_a_question_set_counts_once_however_many_questions_it_asks(
    site, page, learner, refusals, name, answer
):
    lesson = lesson_playing(name)
    frame = open_lesson(page, site, lesson)

    answered = answer(page, frame)

    result = wait_for(
        page,
        lambda: (r := result_for(learner, lesson)) and r.completed and r,
        "the set's result",
    )
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    rows = list(stored_for(learner, lesson))
    children = [row for row in rows if not row.is_root]
    roots_scored = [row for row in rows if row.is_root and row.score_scaled is not None]

    # Every question's answer is kept, as a child of the set...
    assert len([row for row in children if row.verb_id == ANSWERED]) == answered
    assert all(row.score_scaled == 1.0 for row in children if row.verb_id == ANSWERED)
    assert all(
        parent_of(row) == [{"id": activity_id_of(lesson), "objectType": "Activity"}]
        for row in children
    )
    assert all(
        row.object_id.startswith(activity_id_of(lesson) + "?subContentId=") for row in children
    )
    # ...but only the set's own `completed` is a scored attempt.
    assert [row.verb_id for row in roots_scored] == [COMPLETED]
    result.refresh_from_db()
    assert result.attempts == len(roots_scored) == 1
    assert result.best_scaled_score == roots_scored[0].score_scaled == 1.0
    assert refusals() == []


# 3. Content without a score counts once seen -------------------------------------


def test_an_accordion_counts_as_seen_without_a_score(site, page, learner, refusals):
    lesson = lesson_playing("accordion-1.0.h5p")
    frame = open_lesson(page, site, lesson)

    first_panel = content_json("accordion-1.0.h5p")["panels"][0]["title"]
    frame.get_by_role("button", name=first_panel).click()
    expect(frame.get_by_role("button", name=first_panel)).to_have_attribute("aria-expanded", "true")

    result = wait_for(
        page,
        lambda: (r := result_for(learner, lesson)) and r.viewed and r,
        "the accordion to count as viewed",
    )
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    result.refresh_from_db()
    assert result.best_scaled_score is None
    assert result.attempts == 0
    assert result.completed and result.success  # nothing to pass: seeing it is enough
    assert not stored_for(learner, lesson).exclude(score_scaled=None).exists()

    reach_the_end(page)
    wait_for(page, lambda: lesson_done(learner, lesson), "the lesson to complete")
    assert refusals() == []


# 4. A course completes once every lesson has ------------------------------------

READING = "<p>木場潟は小松市の南にある潟で、ヨシ原に多くの鳥が集まります。</p>" * 12


def test_finishing_every_lesson_completes_the_course_exactly_once(
    site, page, learner, refusals, screenshots_dir
):
    course, (quiz, reading) = course_with(
        ("木場潟クイズ", [h5p_block("truefalse-1.6.h5p")]),
        ("木場潟を歩く", [("text", READING)]),
    )

    frame = open_lesson(page, site, quiz)
    answer_truefalse(frame)
    reach_the_end(page)
    wait_for(page, lambda: lesson_done(learner, quiz), "the quiz lesson to complete")
    assert not CourseCompletion.objects.filter(user=learner).exists()

    page.goto(site.url + course.url)
    expect(page.locator(".lesson-list__item--completed")).to_have_count(1)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    page.screenshot(path=str(screenshots_dir / "course-progress-half.png"), full_page=True)

    page.locator(".course-start a.button--primary").click()  # "Continue: 木場潟を歩く"
    expect(page.get_by_role("heading", level=1)).to_have_text("木場潟を歩く")
    reach_the_end(page)
    wait_for(page, lambda: CourseCompletion.objects.filter(user=learner).exists(), "completion")
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    completed_at = CourseCompletion.objects.get(user=learner).completed_at

    # Back to the quiz: answered again (right once more) and read to the end.
    frame = open_lesson(page, site, quiz)
    answer_truefalse(frame)
    reach_the_end(page)
    wait_for(page, lambda: result_for(learner, quiz).attempts == 2, "the second answer")
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    open_lesson(page, site, reading)
    reach_the_end(page)
    wait_for(page, lambda: all_sent(page), "the queue to empty")

    assert CourseCompletion.objects.filter(user=learner).count() == 1
    assert CourseCompletion.objects.get(user=learner).completed_at == completed_at
    page.goto(site.url + course.url)
    expect(page.locator(".progress--completed")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator(".lesson-list__item--completed")).to_have_count(2)
    page.screenshot(path=str(screenshots_dir / "course-progress-completed.png"), full_page=True)
    assert refusals() == []


# 5. Offline: nothing lost, nothing counted twice ---------------------------------


def queued_for(page, lesson):
    activity_id = activity_id_of(lesson)
    return [s for s in queued(page) if s["object"]["id"].split("?")[0] == activity_id]


def queued_answer(page, lesson):
    return [s for s in queued_for(page, lesson) if s["verb"]["id"] == ANSWERED]


def open_lesson_and_settle(page, site, user, lesson):
    """Open the lesson and wait until the player's `experienced` has been stored."""
    frame = open_lesson(page, site, lesson)
    wait_for(page, lambda: stored_for(user, lesson).exists(), "the player to count as seen")
    wait_for(page, lambda: all_sent(page), "the queue to empty")
    return frame


def test_an_answer_given_offline_is_sent_once_the_network_is_back(
    site, page, context, learner, refusals
):
    lesson = lesson_playing("truefalse-1.6.h5p")
    frame = open_lesson_and_settle(page, site, learner, lesson)
    stored_before = stored_for(learner, lesson).count()

    context.set_offline(True)
    answer_truefalse(frame)
    wait_for(page, lambda: queued_answer(page, lesson), "the answer to be queued")
    wait_for(page, lambda: records(page)["failures"] >= 2, "a retry while offline")

    waiting = queued_for(page, lesson)
    assert queue_keys(page) == [f"{QUEUE_PREFIX}{learner.pk}"]
    assert records(page)["pending"] >= len(waiting) > 0
    assert stored_for(learner, lesson).count() == stored_before
    assert result_for(learner, lesson).best_scaled_score is None

    context.set_offline(False)
    wait_for(page, lambda: all_sent(page), "the queue to empty once online")
    page.wait_for_timeout(2_000)  # a late retry would show up now

    rows = stored_for(learner, lesson)
    assert rows.count() == stored_before + len(waiting)
    assert {str(row.id) for row in rows.filter(id__in=[s["id"] for s in waiting])} == {
        s["id"] for s in waiting
    }
    assert rows.filter(verb_id=ANSWERED).count() == 1
    assert result_for(learner, lesson).best_scaled_score == 1.0
    assert result_for(learner, lesson).attempts == 1
    assert refusals() == []


def test_answers_queued_while_the_server_is_unreachable_survive_a_reload(
    site, page, learner, refusals
):
    course, (lesson,) = course_with(("木場潟クイズ", [h5p_block("truefalse-1.6.h5p")]))
    frame = open_lesson_and_settle(page, site, learner, lesson)
    stored_before = stored_for(learner, lesson).count()

    page.route("**/xapi/statements", lambda route: route.abort("internetdisconnected"))
    answer_truefalse(frame)
    answer = wait_for(page, lambda: queued_answer(page, lesson), "the answer to be queued")

    page.reload()
    page.wait_for_selector(".h5p-player--ready", state="attached", timeout=30_000)
    assert queued_answer(page, lesson) == answer, "the queued answer should survive a reload"
    assert records(page)["pending"] > 0
    assert not stored_for(learner, lesson).filter(verb_id=ANSWERED).exists()

    # The learner leaves for the course page (no records script there) and comes back
    # once the server can be reached again: the lesson page sends what was queued.
    page.goto(site.url + course.url)
    waiting = queued_for(page, lesson)
    page.unroute("**/xapi/statements")
    page.get_by_role("link", name="木場潟クイズ").first.click()
    page.wait_for_selector(".h5p-player--ready", state="attached", timeout=30_000)
    wait_for(page, lambda: all_sent(page), "the queue to empty on the next page load")
    wait_for(
        page,
        lambda: stored_for(learner, lesson).filter(verb_id=ANSWERED).exists(),
        "the answer to be stored",
    )

    rows = stored_for(learner, lesson)
    assert rows.filter(id__in=[s["id"] for s in waiting]).count() == len(waiting)
    assert rows.filter(verb_id=ANSWERED).count() == 1
    assert rows.count() >= stored_before + len(waiting)
    assert result_for(learner, lesson).best_scaled_score == 1.0
    assert refusals() == []


def test_an_answer_whose_reply_was_lost_on_the_way_back_counts_once(site, page, learner, refusals):
    lesson = lesson_playing("truefalse-1.6.h5p")
    frame = open_lesson_and_settle(page, site, learner, lesson)
    stored_before = stored_for(learner, lesson).count()
    posted = []
    page.on(
        "request",
        lambda request: (
            posted.extend(json.loads(request.post_data))
            if request.method == "POST" and request.url.endswith("/xapi/statements")
            else None
        ),
    )

    def store_but_lose_the_reply(route):
        route.fetch()  # the server stores the statements...
        route.abort("connectionreset")  # ...and the browser never hears so: it sends again

    page.route("**/xapi/statements", store_but_lose_the_reply, times=1)
    answer_truefalse(frame)
    wait_for(
        page,
        lambda: stored_for(learner, lesson).filter(verb_id=ANSWERED).exists(),
        "the answer to be stored",
    )
    wait_for(page, lambda: all_sent(page), "the retry to be accepted")

    sent = [s["id"] for s in posted if s["object"]["id"].split("?")[0] == activity_id_of(lesson)]
    assert records(page)["failures"] >= 1
    assert len(sent) > len(set(sent)), "a statement should have been sent again"
    rows = stored_for(learner, lesson)
    assert rows.count() == stored_before + len(set(sent))
    assert rows.filter(id__in=sent).count() == len(set(sent))
    assert rows.filter(verb_id=ANSWERED).count() == 1
    assert result_for(learner, lesson).attempts == 1
    assert refusals() == []


def test_a_statement_the_server_refuses_does_not_hold_back_the_others(
    site, page, learner, refusals
):
    lesson = lesson_playing("truefalse-1.6.h5p")
    open_lesson_and_settle(page, site, learner, lesson)
    good = {
        "actor": {"objectType": "Agent", "account": {"homePage": site.url, "name": "x"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": activity_id_of(lesson)},
    }
    queue = [
        {**good, "id": str(uuid.uuid4())},
        {**good, "id": str(uuid.uuid4()), "verb": {"id": "not an IRI"}},
        {**good, "id": str(uuid.uuid4())},
    ]
    page.evaluate(
        "([key, queue]) => localStorage.setItem(key, JSON.stringify(queue))",
        [f"{QUEUE_PREFIX}{learner.pk}", queue],
    )
    page.reload()  # the next page load sends the queue
    wait_for(page, lambda: all_sent(page), "the queue to empty", seconds=8)
    stored = set(stored_for(learner, lesson).values_list("id", flat=True))
    assert {uuid.UUID(queue[0]["id"]), uuid.UUID(queue[2]["id"])} <= stored
    assert uuid.UUID(queue[1]["id"]) not in stored
    assert [status for status, _sent, _reply in refusals()] == [400, 400]  # batch, then alone


def test_an_answer_the_server_refuses_is_dropped_and_the_learner_is_told(
    site, page, learner, refusals
):
    lesson = lesson_playing("truefalse-1.6.h5p")
    frame = open_lesson_and_settle(page, site, learner, lesson)
    status = page.get_by_role("status").filter(has=page.locator("[data-records-message]"))
    expect(status.locator("[data-records-message]")).to_have_text("")

    def refuse(route):
        route.fulfill(
            status=400,
            content_type="application/json",
            headers={"X-Experience-API-Version": "1.0.3"},
            body=json.dumps({"error": "result: refused for this test"}),
        )

    page.route("**/xapi/statements", refuse)
    answer_truefalse(frame)
    expect(status).to_contain_text(
        re.compile("could not be saved|保存できませんでした"), timeout=15_000
    )
    expect(status.get_by_role("link")).to_be_hidden()  # not a sign-in problem
    wait_for(page, lambda: all_sent(page), "the refused answer to leave the queue")
    assert records(page)["dropped"] >= 1
    assert records(page)["failures"] == 0, "a refused statement is not retried"
    assert not stored_for(learner, lesson).filter(verb_id=ANSWERED).exists()
