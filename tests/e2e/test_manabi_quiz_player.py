"""H5P.ManabiQuiz played by h5p-standalone in Chromium, answered with the keyboard only.

No Django: a built package is unzipped into a temporary folder next to h5p-standalone's dist
files and served by Python's http.server on 127.0.0.1. The browser context only lets requests
to that server through, so the quiz is shown to work offline with nothing but H5P core.
"""

import functools
import http.server
import io
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.h5p_quiz_builder import build_manabi_quiz_package

REPO_DIR = Path(__file__).resolve().parents[2]
H5P_STANDALONE_DIST = REPO_DIR / "node_modules" / "h5p-standalone" / "dist"
ACTIVITY_PATH = "/xapi/activities/test-block"

QUIZ_QUESTIONS = [
    {
        "type": "single",
        "text": "｜木場潟《きばがた》は、小松市《こまつし》のどのあたりにある｜湖《みずうみ》？",
        "answers": [
            {"text": "｜北《きた》", "correct": False},
            {"text": "｜南《みなみ》", "correct": True},
            {"text": "｜西《にし》", "correct": False},
        ],
        "feedback": "｜木場潟《きばがた》は｜南《みなみ》にあります。",
    },
    {
        "type": "multiple",
        "text": "家庭でできる「3キリ」にあたるものをすべて選びましょう。",
        "answers": [
            {"text": "食材を使いきる", "correct": True},
            {"text": "料理を食べきる", "correct": True},
            # Markup in the parameters must show as text, never become elements.
            {"text": "<b>まとめて買いきる</b>", "correct": False},
        ],
    },
    {
        "type": "truefalse",
        "text": "フレイルは、早めに対策をすれば元の元気な状態に戻ることができる。",
        "correct": True,
    },
]

INDEX_HTML = """<!doctype html>
<html lang="ja">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Manabi Quiz player test</title>
  <style>body { margin: 0; padding: 8px; } #h5p-container { max-width: 960px; margin: 0 auto; }</style>
</head>
<body>
  <main><div id="h5p-container"></div></main>
  <script src="/h5p-standalone/main.bundle.js" charset="UTF-8"></script>
  <script src="/player.js" charset="UTF-8"></script>
</body>
</html>
"""

PLAYER_JS = """window.__statements = [];
window.__playerReady = false;
new H5PStandalone.H5P(document.getElementById('h5p-container'), {
  h5pJsonPath: '/quiz',
  contentJsonPath: '/quiz/content',
  librariesPath: '/quiz',
  frameJs: '/h5p-standalone/frame.bundle.js',
  frameCss: '/h5p-standalone/styles/h5p.css',
  xAPIObjectIRI: '%(activity_iri)s'
}).then(function () {
  H5P.externalDispatcher.on('xAPI', function (event) {
    window.__statements.push(event.data.statement);
  });
  window.__playerReady = true;
});
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass


@pytest.fixture
def quiz_server(tmp_path):
    """Base URL of a local http.server holding the player, a page and one unzipped quiz."""
    site_dir = tmp_path / "site"
    shutil.copytree(H5P_STANDALONE_DIST, site_dir / "h5p-standalone")
    package = build_manabi_quiz_package(
        title="木場潟と暮らしのクイズ", language="ja", questions=QUIZ_QUESTIONS
    )
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        archive.extractall(site_dir / "quiz")

    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    (site_dir / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (site_dir / "player.js").write_text(
        PLAYER_JS % {"activity_iri": base_url + ACTIVITY_PATH}, encoding="utf-8"
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def quiz_page(browser, quiz_server):
    """A page in a context that only reaches the quiz server, recording every error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    context.set_default_timeout(15_000)
    blocked_requests = []

    def only_the_quiz_server(route):
        url = route.request.url
        if url.startswith(quiz_server + "/") or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort()

    context.route("**/*", only_the_quiz_server)
    page = context.new_page()
    problems = {"page errors": [], "console errors": [], "failed responses": []}
    page.on("pageerror", lambda error: problems["page errors"].append(str(error)))
    page.on(
        "console",
        lambda message: message.type == "error" and problems["console errors"].append(message.text),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems["failed responses"].append(response.url)
        ),
    )
    page.goto(quiz_server + "/index.html")
    page.wait_for_function("window.__playerReady === true")
    yield page
    context.close()
    assert blocked_requests == [], f"requests left the quiz server: {blocked_requests}"
    assert problems == {"page errors": [], "console errors": [], "failed responses": []}


def quiz_frame(page):
    frame = page.wait_for_selector("iframe.h5p-iframe").content_frame()
    frame.wait_for_selector(".h5p-manabi-quiz fieldset")
    return frame


def focused_description(frame):
    return frame.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element || element === document.body) return null;
            const label = element.id ? document.querySelector(`label[for="${element.id}"]`) : null;
            return {
                tag: element.tagName.toLowerCase(),
                type: element.type || null,
                text: (label ? label.textContent : element.textContent).trim(),
                className: element.className,
                checked: !!element.checked,
            };
        }"""
    )


def press_tab_until(page, frame, wanted, most_presses=4):
    """Press Tab until the focused element in the quiz matches; fail if it takes too long."""
    for _ in range(most_presses):
        page.keyboard.press("Tab")
        focused = focused_description(frame)
        if focused and wanted(focused):
            return focused
    pytest.fail(f"Tab did not reach the wanted element; focus is on {focused_description(frame)}")


def is_check_button(focused):
    return focused["tag"] == "button" and "h5p-manabi-quiz__check" in focused["className"]


def statements_with_verb(page, verb):
    return [
        statement
        for statement in page.evaluate("window.__statements")
        if statement["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{verb}"
    ]


def test_quiz_answered_with_the_keyboard_reports_scores_over_xapi(
    quiz_page, quiz_server, screenshots_dir
):
    page = quiz_page
    frame = quiz_frame(page)
    activity_iri = quiz_server + ACTIVITY_PATH
    questions = frame.locator("fieldset")
    expect(questions).to_have_count(3)

    # Furigana: both the ｜-form and the short form become <ruby> with the reading in <rt>.
    first_legend = questions.nth(0).locator("legend")
    expect(first_legend.locator("ruby")).to_have_count(3)
    expect(first_legend.locator("ruby rt").first).to_have_text("きばがた")
    expect(first_legend.locator("ruby").nth(1)).to_contain_text("小松市")
    assert "《" not in first_legend.inner_text() and "｜" not in first_legend.inner_text()
    expect(first_legend).to_contain_text("第1問（全3問）")
    expect(questions.nth(1).locator("label b")).to_have_count(0)
    expect(questions.nth(1).locator("label").nth(2)).to_have_text("<b>まとめて買いきる</b>")
    page.screenshot(path=screenshots_dir / "manabi-quiz-desktop-start.png", full_page=True)

    # Question 1 (single): checking with nothing chosen only reminds, then ArrowDown picks 南.
    focused = press_tab_until(page, frame, lambda f: f["type"] == "radio")
    assert focused["text"] == "北（きた）"
    press_tab_until(page, frame, is_check_button)
    page.keyboard.press("Enter")
    expect(questions.nth(0).locator("[role=status]")).to_have_text("答えを選んでください。")
    assert statements_with_verb(page, "answered") == []
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowDown")
    focused = focused_description(frame)
    assert (focused["text"], focused["checked"]) == ("南（みなみ）", True)
    press_tab_until(page, frame, is_check_button)
    page.keyboard.press("Enter")
    expect(questions.nth(0).locator("[role=status]")).to_contain_text("正解！")
    expect(questions.nth(0).locator("input")).to_have_count(3)
    for index in range(3):
        expect(questions.nth(0).locator("input").nth(index)).to_be_disabled()

    # Question 2 (multiple): Space ticks one right and one wrong box, so no point.
    focused = press_tab_until(page, frame, lambda f: f["type"] == "checkbox")
    assert focused["text"] == "食材を使いきる"
    page.keyboard.press("Space")
    press_tab_until(page, frame, lambda f: f["text"] == "<b>まとめて買いきる</b>")
    page.keyboard.press("Space")
    press_tab_until(page, frame, is_check_button)
    page.keyboard.press("Space")
    expect(questions.nth(1).locator("[role=status]")).to_contain_text("不正解")

    # Question 3 (true/false): Space picks 正しい, Enter checks.
    focused = press_tab_until(page, frame, lambda f: f["type"] == "radio")
    assert focused["text"] == "正しい"
    page.keyboard.press("Space")
    press_tab_until(page, frame, is_check_button)
    page.keyboard.press("Enter")
    expect(questions.nth(2).locator("[role=status]")).to_contain_text("正解！")

    expect(frame.locator(".h5p-manabi-quiz__total")).to_have_text("得点：2 / 3")
    expect(frame.get_by_role("button", name="もう一度")).to_be_visible()

    page.wait_for_function(
        "window.__statements.some(s => s.verb.id === 'http://adlnet.gov/expapi/verbs/completed')"
    )
    answered = statements_with_verb(page, "answered")
    assert [(s["result"]["score"]["raw"], s["result"]["score"]["max"]) for s in answered] == [
        (1, 1),
        (0, 1),
        (1, 1),
    ]
    assert [s["result"]["success"] for s in answered] == [True, False, True]
    assert [s["result"]["response"] for s in answered] == ["1", "0[,]2", "true"]
    assert [s["object"]["definition"]["interactionType"] for s in answered] == [
        "choice",
        "choice",
        "true-false",
    ]
    assert [s["object"]["definition"]["correctResponsesPattern"] for s in answered] == [
        ["1"],
        ["0[,]1"],
        ["true"],
    ]
    assert answered[0]["object"]["definition"]["description"] == {
        "ja": "木場潟は、小松市のどのあたりにある湖？"
    }
    assert [choice["id"] for choice in answered[1]["object"]["definition"]["choices"]] == [
        "0",
        "1",
        "2",
    ]
    question_ids = {s["object"]["id"] for s in answered}
    assert len(question_ids) == 3
    for statement in answered:
        assert statement["object"]["id"].startswith(activity_iri + "?subContentId=")
        assert statement["context"]["contextActivities"]["parent"] == [
            {"id": activity_iri, "objectType": "Activity"}
        ]

    completed = statements_with_verb(page, "completed")
    assert len(completed) == 1
    assert completed[0]["object"]["id"] == activity_iri
    assert completed[0]["result"]["score"] == {"min": 0, "max": 3, "raw": 2, "scaled": 0.6667}
    assert completed[0]["result"]["success"] is True
    assert "parent" not in completed[0].get("context", {}).get("contextActivities", {})
    for statement in page.evaluate("window.__statements"):
        assert statement["object"]["id"].startswith(activity_iri)

    page.screenshot(path=screenshots_dir / "manabi-quiz-desktop-finished.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.wait_for_timeout(500)  # the H5P resizer adjusts the iframe height on window resize
    assert frame.evaluate("document.documentElement.scrollWidth") <= frame.evaluate(
        "window.innerWidth"
    )
    page.screenshot(path=screenshots_dir / "manabi-quiz-phone-finished.png", full_page=True)

    # Retry is keyboard operable too and clears the quiz for another attempt.
    focused = press_tab_until(
        page, frame, lambda f: f["tag"] == "button" and f["text"] == "もう一度"
    )
    page.keyboard.press("Enter")
    expect(frame.locator(".h5p-manabi-quiz__total")).to_have_text("")
    expect(frame.locator("input:checked")).to_have_count(0)
    expect(frame.locator("input:disabled")).to_have_count(0)


def test_quiz_at_phone_width_fits_without_horizontal_scrolling(quiz_page, screenshots_dir):
    page = quiz_page
    page.set_viewport_size({"width": 360, "height": 780})
    frame = quiz_frame(page)
    page.wait_for_timeout(500)

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert frame.evaluate("document.documentElement.scrollWidth") <= frame.evaluate(
        "window.innerWidth"
    )
    focused = press_tab_until(page, frame, lambda f: f["type"] == "radio")
    # A visible focus indicator: the focused option row draws a ring.
    ring = frame.evaluate(
        "getComputedStyle(document.activeElement.closest('.h5p-manabi-quiz__option')).boxShadow"
    )
    assert ring not in ("", "none"), focused
    page.screenshot(path=screenshots_dir / "manabi-quiz-phone-start.png", full_page=True)
