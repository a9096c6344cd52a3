"""Demo learning records: demo learners work through the demo courses, through the same
services as real statements, so that dashboards and reports show real numbers."""

import random
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from learners.services import progress
from learners.services.statements import record_statements

# Documented in the README as demo-only. Never use these accounts outside a demo.

DEMO_STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://manabi.komatsu/demo/statements")
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
DEMO_HISTORY_DAYS = 90


def _demo_courses():
    """[(course, [(lesson, outline activities)])] of the live demo courses in Japanese."""
    from courses.models import CoursePage, LessonOutline, LessonPage

    outlines = {
        outline.lesson_key: list(outline.activities.all())
        for outline in LessonOutline.objects.prefetch_related("activities")
    }
    courses = []
    for course in CoursePage.objects.live().filter(locale__language_code="ja").order_by("path"):
        lessons = [
            (lesson, outlines.get(lesson.translation_key, []))
            for lesson in LessonPage.objects.child_of(course).live().order_by("path")
        ]
        if lessons:
            courses.append((course, lessons))
    return courses


def _statement(statement_id, verb, object_id, at, scaled=None):
    statement = {
        "id": str(statement_id),
        "actor": {"objectType": "Agent", "mbox": "mailto:demo@demo.manabi.example"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[1]}},
        "object": {"objectType": "Activity", "id": object_id},
        "timestamp": min(at, timezone.now()).isoformat(),
    }
    if scaled is not None:
        statement["result"] = {
            "score": {"scaled": scaled, "raw": round(scaled * 10), "min": 0, "max": 10},
            "completion": True,
        }
    return statement


def _take_course(rng, user, course, lessons, *, started_at, finish_ratio):
    """Record the statements (and field visits) of a learner working through a course."""
    from courses.activity_ids import block_activity_iri, lesson_activity_iri

    progress.enrol_learner(user, course.translation_key)
    lessons_to_do = max(1, round(len(lessons) * finish_ratio))
    at = started_at
    statements = []
    for lesson, activities in lessons[:lessons_to_do]:
        for activity in activities:
            at += timedelta(minutes=rng.randint(3, 25))
            if activity.kind == "field":
                if rng.random() < 0.7:
                    progress.record_field_visit(
                        user, lesson=lesson, block_id=activity.block_id, place_name=activity.title
                    )
                continue
            attempts = 1 if rng.random() < 0.6 else 2
            for attempt in range(attempts):
                scaled = round(rng.uniform(0.4 + 0.3 * attempt, 1.0), 2)
                verb = COMPLETED if activity.scored else EXPERIENCED
                statements.append(
                    _statement(
                        uuid.uuid5(
                            DEMO_STATEMENT_NAMESPACE, f"{user.pk}/{activity.block_id}/{attempt}"
                        ),
                        verb,
                        block_activity_iri(activity.block_id),
                        at,
                        scaled if activity.scored else None,
                    )
                )
        at += timedelta(minutes=rng.randint(5, 20))
        statements.append(
            _statement(
                uuid.uuid5(DEMO_STATEMENT_NAMESPACE, f"{user.pk}/{lesson.translation_key}/end"),
                EXPERIENCED,
                lesson_activity_iri(lesson.translation_key),
                at,
            )
        )
        at += timedelta(days=rng.randint(0, 3))
    if statements:
        record_statements(user, statements)


def _showcase_courses(courses):
    """For the ``learner`` demo account: a quiz course finished, another half done and a
    course with a field visit, so every part of the dashboard has something to show."""

    def having(kind):
        return [
            item
            for item in courses
            if any(activity.kind == kind for _lesson, acts in item[1] for activity in acts)
        ]

    quiz_courses, field_courses = having("h5p"), having("field")
    chosen = quiz_courses[:2] + [
        course for course in field_courses[:1] if course not in quiz_courses[:2]
    ]
    plans = [(1.0, 40), (0.5, 12), (1.0, 25)][: len(chosen)]
    return chosen, plans


def create_demo_learning_records(rng, *, on_progress=lambda: None):
    """Courses taken by the demo learners (and the ``learner`` demo account), through the
    same services as real statements, so that dashboards and reports have real numbers.
    Returns how many learners got records; those who already have some are left alone."""
    from learners.models import LearningStatement

    courses = _demo_courses()
    user_model = get_user_model()
    people = list(
        user_model.objects.filter(username__startswith="demo-learner-").order_by("username")
    )
    learner = user_model.objects.filter(username="learner").first()
    if learner is not None:
        people.insert(0, learner)
    already = set(
        LearningStatement.objects.filter(user__in=people).values_list("user_id", flat=True)
    )
    now = timezone.now()
    given = 0
    for person in people:
        # One generator per person, drawn in a fixed order: a re-run with the same seed
        # makes the same choices whether or not a person already has records.
        person_rng = random.Random(rng.getrandbits(64))  # noqa: S311 - demo data
        chosen = person_rng.sample(courses, min(len(courses), person_rng.randint(1, 4)))
        plans = [
            (
                person_rng.uniform(0.3, 1.0) if person_rng.random() < 0.5 else 1.0,
                person_rng.randint(5, DEMO_HISTORY_DAYS),
            )
            for _course in chosen
        ]
        if person.username == "learner":
            chosen, plans = _showcase_courses(courses)
        takes_courses = person.username == "learner" or person_rng.random() < 0.85
        if person.pk not in already and takes_courses:
            for (course, lessons), (finish_ratio, days_ago) in zip(chosen, plans, strict=True):
                _take_course(
                    person_rng,
                    person,
                    course,
                    lessons,
                    started_at=now - timedelta(days=days_ago),
                    finish_ratio=finish_ratio,
                )
            given += 1
        on_progress()
    return given
