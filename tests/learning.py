"""Shared steps for tests of learning records: a quiz in a lesson, statements, answers."""

from django.core.files.base import ContentFile

from courses.activity_ids import block_activity_iri, lesson_activity_iri
from courses.h5p.services import import_h5p_package
from courses.h5p_quiz_builder import build_manabi_quiz_package
from courses.models import LessonPage
from learners.services.statements import record_statements

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"


def make_quiz_package(title="木場潟クイズ"):
    """A one-question ManabiQuiz, imported like an upload."""
    package = build_manabi_quiz_package(
        title=title,
        language="ja",
        questions=[{"type": "truefalse", "text": "木場潟は小松市にある。", "correct": True}],
    )
    return import_h5p_package(ContentFile(package, name="quiz.h5p"))


def h5p(package, pass_mark=60, fallback_text=""):
    return ("h5p", {"package": package, "pass_mark": pass_mark, "fallback_text": fallback_text})


def lessons_of(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


def statement(verb, object_id, scaled=None):
    data = {
        "actor": {"mbox": "mailto:someone@example.jp"},
        "verb": {"id": verb},
        "object": {"id": object_id},
    }
    if scaled is not None:
        data["result"] = {"score": {"scaled": scaled, "raw": scaled * 10, "min": 0, "max": 10}}
    return data


def answer(user, lesson, scaled):
    """The learner's answer to the lesson's first H5P activity, with this scaled score."""
    block = next(block for block in lesson.body if block.block_type == "h5p")
    record_statements(user, [statement(ANSWERED, block_activity_iri(block.id), scaled)])


def reach_end(user, lesson):
    record_statements(user, [statement(EXPERIENCED, lesson_activity_iri(lesson.translation_key))])
