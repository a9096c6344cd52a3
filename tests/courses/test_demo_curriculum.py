"""The demo curriculum loader, on a two-course sample (never the whole demo), and the demo
content and quizzes it reads."""

import io
import json
import zipfile

import pytest

from courses import demo
from courses.demo.content import load_courses, load_programmes
from courses.demo.quizzes import build_demo_quiz_packages, load_quizzes
from courses.models import CoursePage, LessonPage
from curriculum.models import ProgrammePage, SupervisionApproval
from learners import roles
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

SAMPLE_COURSES = [
    {
        "slug": "kibagata-sample",
        "title": "木場潟の生きものと水",
        "life_stages": ["elementary"],
        "sdgs": [6, 14],
        "themes": ["renaissance"],
        "competencies": [("ENV-WATER", 1)],
        "estimated_minutes": 40,
        "summary": "木場潟の水と生きものを調べます。",
        "description": "<p>木場潟は小松市の大切な水辺です。</p>",
        "image": {"motif": "lake", "alt": "青い湖と岸辺の草を描いた絵"},
        "lessons": [
            {
                "title": "｜木場潟《きばがた》ってどんなところ？",
                "summary": "木場潟の場所と生きもの。",
                "body": [
                    {"type": "heading", "value": {"text": "水辺の生きもの"}},
                    {"type": "text", "value": "<p>木場潟にはたくさんの生きものがいます。</p>"},
                    {
                        "type": "field_activity",
                        "value": {
                            "place_name": "木場潟公園 中央園地",
                            "latitude": 36.3797,
                            "longitude": 136.4435,
                            "instructions": "<ol><li>水の色を見る</li><li>ごみを拾う</li></ol>",
                            "safety_note": "水辺では大人と一緒に。",
                        },
                    },
                    {"type": "reflection", "value": {"prompt": "水をきれいにするには？"}},
                ],
            },
            {
                "title": "水をしらべよう",
                "summary": "",
                "body": [{"type": "text", "value": "<p>透明度をはかります。</p>"}],
            },
        ],
    },
    {
        "slug": "frail-sample",
        "title": "健康長寿とフレイル予防",
        "life_stages": ["senior"],
        "sdgs": [3],
        "themes": ["active"],
        "competencies": [("INC-CARE", 2)],
        "estimated_minutes": 60,
        "summary": "フレイルを防ぐ暮らし方。",
        "description": "<p>いきいきサロンで続ける健康づくり。</p>",
        "image": {"motif": "health", "alt": "手をつないで体操する人たちの絵"},
        "lessons": [
            {
                "title": "フレイルとは",
                "summary": "",
                "body": [{"type": "text", "value": "<p>フレイルは虚弱のことです。</p>"}],
            },
            {
                "title": "サロンに行こう",
                "summary": "",
                "body": [{"type": "reflection", "value": {"prompt": "近くのサロンはどこ？"}}],
            },
        ],
    },
]
SAMPLE_PROGRAMMES = {
    "elementary": {
        "title": "小学生のSDGsプログラム",
        "introduction": "身近な水と緑から学びます。",
        "learning_goals": ["木場潟の生きものを知る"],
        "courses": ["kibagata-sample"],
    },
    "senior": {
        "title": "シニアのSDGsプログラム",
        "introduction": "健康と地域のつながり。",
        "learning_goals": ["フレイル予防を実践する"],
        "courses": ["frail-sample"],
    },
}


@pytest.fixture
def staff(reference_data):
    author = make_learner("demo-author", role=roles.FACULTY_AUTHOR)
    supervisor = make_learner("demo-supervisor", role=roles.CURRICULUM_SUPERVISOR)
    return author, supervisor


def test_demo_curriculum_is_approved_through_supervision_and_rerunnable(client, staff):
    sample = (SAMPLE_PROGRAMMES, SAMPLE_COURSES)
    author, supervisor = staff
    ticks = []
    counts = demo.build_demo_curriculum(
        author_user=author,
        supervisor_user=supervisor,
        on_progress=lambda: ticks.append(1),
        curriculum_data=sample,
    )
    assert counts == {"courses": 2, "programmes": 2, "badges": 4}  # one per course and programme
    assert len(ticks) == 2

    courses = CoursePage.objects.live()
    assert courses.count() == 2
    assert LessonPage.objects.live().count() == 4
    for course in courses:
        assert course.cover_image and course.cover_image_alt
        assert course.supervision.approved_by == supervisor
    # catalogue, curriculum, 2 courses, 4 lessons, 2 programmes
    assert SupervisionApproval.objects.count() == 10

    html = client.get("/courses/kibagata-sample/lesson-1/").content.decode()
    assert "<ruby>木場潟<rp>（</rp><rt>きばがた</rt>" in html
    assert "木場潟公園 中央園地" in html
    programme = ProgrammePage.objects.get(slug="elementary")
    programme_html = client.get(programme.url).content.decode()
    assert "木場潟の生きものと水" in programme_html
    assert "シニアのSDGsプログラム" in programme_html  # what comes next

    again = demo.build_demo_curriculum(
        author_user=author, supervisor_user=supervisor, curriculum_data=sample
    )
    assert again == {"courses": 0, "programmes": 0, "badges": 0}
    assert CoursePage.objects.count() == 2


def test_demo_content_is_complete_for_every_stage():
    from curriculum.ruby import has_unbalanced_ruby

    courses, programmes = load_courses(), load_programmes()

    stages = [
        "early-childhood",
        "elementary",
        "junior-high",
        "high-school",
        "young-adult",
        "adult",
        "senior",
    ]
    assert sorted(programmes) == sorted(stages)
    for stage in stages:
        in_stage = [course["slug"] for course in courses if stage in course["life_stages"]]
        assert len(in_stage) >= 2, stage
        assert sorted(programmes[stage]["courses"]) == sorted(in_stage)
    assert len({course["slug"] for course in courses}) == len(courses)
    text = str(courses)
    for word in ("ごみ", "防災", "木場潟", "フレイル"):
        assert word in text
    for course in courses:
        assert 2 <= len(course["lessons"]) <= 4
        for lesson in course["lessons"]:
            assert not has_unbalanced_ruby(lesson["title"])
            for block in lesson["body"]:
                if block["type"] == "text":
                    assert not has_unbalanced_ruby(block["value"]), block["value"]
    assert any(
        block["type"] == "field_activity" and "木場潟" in block["value"]["place_name"]
        for course in courses
        for lesson in course["lessons"]
        for block in lesson["body"]
    )


def test_demo_quizzes_cover_every_life_stage_with_mixed_question_types():
    course_slugs = {course["slug"] for course in load_courses()}
    assert len(load_quizzes()) >= 8
    assert set(load_quizzes()) <= course_slugs

    covered_stages = {
        stage
        for stage, programme in load_programmes().items()
        if set(programme["courses"]) & set(load_quizzes())
    }
    assert covered_stages == set(load_programmes())
    for slug, quiz in load_quizzes().items():
        assert 3 <= len(quiz["questions"]) <= 5, slug
        assert {question["type"] for question in quiz["questions"]} == {
            "single",
            "multiple",
            "truefalse",
        }, slug


def test_childrens_demo_quizzes_carry_furigana():
    children_courses = set(load_programmes()["elementary"]["courses"])
    for slug in children_courses & set(load_quizzes()):
        texts = [question["text"] for question in load_quizzes()[slug]["questions"]]
        assert any("《" in text for text in texts), slug


def test_every_demo_quiz_builds_into_a_valid_package():
    packages = build_demo_quiz_packages()

    assert [slug for slug, _ in packages] == list(load_quizzes())
    for slug, package_bytes in packages:
        with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
            h5p_json = json.loads(archive.read("h5p.json"))
        assert h5p_json["title"] == load_quizzes()[slug]["title"]
        assert h5p_json["language"] == "ja"


def test_young_childrens_demo_quizzes_speak_to_them_in_easy_words():
    packages = dict(build_demo_quiz_packages())
    easy = [slug for slug, quiz in load_quizzes().items() if quiz["easy_labels"]]
    assert "ohana-to-nakayoshi" in easy
    for slug in load_quizzes():
        with zipfile.ZipFile(io.BytesIO(packages[slug])) as archive:
            labels = json.loads(archive.read("content/content.json"))["l10n"]
        assert labels["check"] == ("こたえあわせ" if slug in easy else "答え合わせ"), slug
