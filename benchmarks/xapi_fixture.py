"""The learners, course and statements the xAPI ingest benchmark sends: a published
course whose lesson holds a Manabi quiz, learners with xAPI credentials, and a maker of
statements like those the H5P player sends. Django must be set up before it is used.
"""

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
H5P_LOCAL_CONTENT_ID = "http://h5p.org/x-api/h5p-local-content-id"
QUIZ = {
    "title": "木場潟クイズ",
    "language": "ja",
    "questions": [
        {
            "type": "single",
            "text": "木場潟は、小松市のどのあたりにある湖？",
            "answers": [
                {"text": "東のほう", "correct": False},
                {"text": "南のほう", "correct": True},
                {"text": "北のほう", "correct": False},
            ],
        },
        {
            "type": "multiple",
            "text": "食べものをむだにしないためにできることは？",
            "answers": [
                {"text": "食材を使いきる", "correct": True},
                {"text": "まとめて買いきる", "correct": True},
                {"text": "たくさん残す", "correct": False},
            ],
        },
        {"type": "truefalse", "text": "木場潟は小松市にある。", "correct": True},
    ],
}


# Fixtures -----------------------------------------------------------------------------


@dataclass
class Fixture:
    block_iri: str
    question_iris: list
    lesson_iri: str
    authorizations: list  # one "Basic …" header per client worker (one learner each)


def create_fixture(learner_count):
    """Learners with xAPI credentials, and a published course whose lesson holds a quiz."""
    from django.core.files.base import ContentFile

    from courses.activity_ids import block_activity_iri, lesson_activity_iri
    from courses.h5p.services import import_h5p_package
    from courses.h5p_quiz_builder import build_manabi_quiz_content, build_manabi_quiz_package
    from courses.models import CourseIndexPage, CoursePage, LessonOutline, LessonPage
    from curriculum.models import CityTheme, LifeStage, SustainableDevelopmentGoal
    from home.models import HomePage
    from learners.models import ConsentPurpose, District
    from learners.services import accounts, credentials

    package = import_h5p_package(ContentFile(build_manabi_quiz_package(**QUIZ), name="quiz.h5p"))
    question_ids = [
        question["subContentId"] for question in build_manabi_quiz_content(**QUIZ)["questions"]
    ]

    home = HomePage.objects.get(locale__language_code="ja")
    catalogue = CourseIndexPage.objects.child_of(home).first()
    if catalogue is None:
        catalogue = home.add_child(instance=CourseIndexPage(title="講座をさがす", slug="courses"))
        catalogue.save_revision().publish()
    course = CoursePage(
        title="木場潟の生きものと水",
        slug="benchmark-course",
        summary="木場潟の水と生きものを調べて、きれいな水を守る方法を考えます。",
        description="<p>木場潟は小松市の大切な水辺です。</p>",
        estimated_minutes=40,
        live=False,
    )
    catalogue.add_child(instance=course)
    course.life_stages.set(LifeStage.objects.filter(slug="elementary"))
    course.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=(6, 14)))
    course.themes.set(CityTheme.objects.filter(code="renaissance"))
    course.save_revision().publish()
    lesson = course.add_child(
        instance=LessonPage(
            title="木場潟クイズ",
            slug="lesson-1",
            body=[
                ("text", "<p>木場潟について読みましょう。</p>"),
                ("h5p", {"package": package, "pass_mark": 60, "fallback_text": ""}),
            ],
            live=False,
        )
    )
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    block = next(block for block in lesson.body if block.block_type == "h5p")
    outline = LessonOutline.objects.get(lesson_key=lesson.translation_key)
    if not outline.activities.filter(block_id=block.id, scored=True).exists():
        raise RuntimeError("the lesson outline has no scored H5P activity")
    block_iri = block_activity_iri(block.id)

    authorizations = []
    district = District.objects.filter(code="kiba").first()
    for number in range(1, learner_count + 1):
        user = accounts.create_account_with_verified_email(
            username=f"benchmark{number}", email=f"benchmark{number}@example.jp"
        )
        accounts.register_learner(
            user,
            display_name=f"ベンチマーク {number}",
            birth_year=1990,
            district=district,
            consents={ConsentPurpose.TERMS_AND_PRIVACY: True},
            acting_user=None,  # the benchmark's fixture
        )
        credential, secret = credentials.create_xapi_credential(
            user, label="benchmark", acting_user=None
        )
        token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
        authorizations.append(f"Basic {token}")
    return Fixture(
        block_iri=block_iri,
        question_iris=[f"{block_iri}?subContentId={sub_id}" for sub_id in question_ids],
        lesson_iri=lesson_activity_iri(lesson.translation_key),
        authorizations=authorizations,
    )


# Statements ---------------------------------------------------------------------------


class StatementMaker:
    """Statements as our lesson page sends them for one pass through the quiz lesson.

    A cycle of five: three answered sub-questions (object ``…?subContentId=…`` with a
    ``parent`` context: stored, never scored on their own), the quiz's completed
    statement with its score (updates the activity result), and the lesson's
    experienced statement (the learner reached its end). Every statement gets a new id.
    """

    CYCLE = 5

    def __init__(self, fixture):
        self.fixture = fixture
        self.actor = {
            "objectType": "Agent",
            "account": {"homePage": "https://tool.example.jp", "name": "learner"},
        }
        self.category = [
            {"id": "http://h5p.org/libraries/H5P.ManabiQuiz-1.0", "objectType": "Activity"}
        ]

    def statement(self, number, timestamp):
        kind = number % self.CYCLE
        fixture = self.fixture
        if kind < 3:
            correct = (number // self.CYCLE + kind) % 3 != 0
            return {
                "id": str(uuid.uuid4()),
                "actor": self.actor,
                "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
                "object": {
                    "objectType": "Activity",
                    "id": fixture.question_iris[kind],
                    "definition": {
                        "name": {"ja": QUIZ["title"]},
                        "description": {"ja": QUIZ["questions"][kind]["text"]},
                        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                        "interactionType": "true-false" if kind == 2 else "choice",
                        "correctResponsesPattern": [["1"], ["0[,]1"], ["true"]][kind],
                    },
                },
                "result": {
                    "score": {"min": 0, "max": 1, "raw": int(correct), "scaled": int(correct)},
                    "success": correct,
                    "completion": True,
                    "response": [["1", "0"], ["0[,]1", "0[,]2"], ["true", "false"]][kind][
                        0 if correct else 1
                    ],
                    "duration": "PT4.25S",
                },
                "context": {
                    "contextActivities": {
                        "parent": [{"id": fixture.block_iri, "objectType": "Activity"}],
                        "category": self.category,
                    },
                    "extensions": {H5P_LOCAL_CONTENT_ID: 1},
                },
                "timestamp": timestamp,
            }
        if kind == 3:
            raw = 1 + number // self.CYCLE % 3
            return {
                "id": str(uuid.uuid4()),
                "actor": self.actor,
                "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
                "object": {
                    "objectType": "Activity",
                    "id": fixture.block_iri,
                    "definition": {"name": {"ja": QUIZ["title"]}},
                },
                "result": {
                    "score": {"min": 0, "max": 3, "raw": raw, "scaled": round(raw / 3, 4)},
                    "success": raw >= 2,
                    "completion": True,
                    "duration": "PT1M12S",
                },
                "context": {
                    "contextActivities": {"category": self.category},
                    "extensions": {H5P_LOCAL_CONTENT_ID: 1},
                },
                "timestamp": timestamp,
            }
        return {
            "id": str(uuid.uuid4()),
            "actor": self.actor,
            "verb": {"id": EXPERIENCED, "display": {"en-US": "experienced"}},
            "object": {"objectType": "Activity", "id": fixture.lesson_iri},
            "timestamp": timestamp,
        }

    def body(self, first_number, count):
        timestamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        statements = [self.statement(first_number + n, timestamp) for n in range(count)]
        return json.dumps(statements if count > 1 else statements[0]).encode()
