"""Enrolments, activity results, lesson and course progress, field visits."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import LessonActivity, LessonOutline
from learners.models import (
    ActivityResult,
    CourseCompletion,
    Enrolment,
    FieldVisit,
    LessonProgress,
)
from learners.services.badges import award_badges_for_completion

# Verbs with which our page script reports a lesson read to its end.
LESSON_END_VERBS = {
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/completed",
}
SCORE_TOLERANCE = 1e-9


def enrol_learner(user, course_key, *, source=Enrolment.Source.EXPLICIT):
    """Enrol the learner in the course (any translation of it); idempotent. Return the row."""
    enrolment = Enrolment.objects.filter(user=user, course_key=course_key).first()
    if enrolment is not None:
        return enrolment
    try:
        with transaction.atomic():
            return Enrolment.objects.create(user=user, course_key=course_key, source=source)
    except IntegrityError:  # enrolled by a concurrent request
        return Enrolment.objects.get(user=user, course_key=course_key)


def update_progress_from_statements(user, rows):
    """Turn newly stored statements into activity results and lesson progress.

    Only root statements count: a sub-question of composite content (it has a
    ``context.contextActivities.parent``) is stored but never scores on its own.
    """
    rows = sorted((row for row in rows if row.is_root), key=lambda row: row.timestamp)
    block_ids = {row.block_id for row in rows if row.block_id}
    reached_end = {
        row.lesson_key: row.timestamp
        for row in rows
        if row.lesson_key and row.verb_id in LESSON_END_VERBS
    }
    activities_by_block = {}
    if block_ids:
        for activity in LessonActivity.objects.filter(
            block_id__in=block_ids, kind=LessonActivity.Kind.H5P
        ).select_related("outline"):
            activities_by_block.setdefault(activity.block_id, []).append(activity)
    if not activities_by_block and not reached_end:
        return

    results = {
        (result.lesson_key, result.block_id): result
        for result in ActivityResult.objects.filter(user=user, block_id__in=activities_by_block)
    }
    created, changed = {}, {}
    for row in rows:
        for activity in activities_by_block.get(row.block_id, ()):
            key = (activity.outline.lesson_key, activity.block_id)
            result = results.get(key)
            if result is None:
                result = ActivityResult(
                    user=user,
                    block_id=activity.block_id,
                    lesson_key=activity.outline.lesson_key,
                    first_at=row.timestamp,
                    last_at=row.timestamp,
                )
                results[key] = created[key] = result
            elif key not in created:
                changed[key] = result
            _apply_statement(result, activity, row)
    if created:
        ActivityResult.objects.bulk_create(created.values())
    fields = ["best_scaled_score", "success", "completed", "viewed", "attempts", "last_at"]
    if len(changed) == 1:
        (result,) = changed.values()
        result.save(update_fields=fields)
    elif changed:
        ActivityResult.objects.bulk_update(changed.values(), fields)
    lesson_keys = {key[0] for key in results} | set(reached_end)
    known_outlines = {
        activity.outline.lesson_key: activity.outline
        for activities in activities_by_block.values()
        for activity in activities
    }
    refresh_lesson_progress(
        user,
        lesson_keys,
        reached_end=reached_end,
        at=max(row.timestamp for row in rows),
        outlines=known_outlines if set(known_outlines) >= lesson_keys else None,
    )


def _apply_statement(result, activity, row):
    result.viewed = True
    result.last_at = max(result.last_at, row.timestamp)
    if not activity.scored:
        result.completed = True
        result.success = True
        return
    if row.score_scaled is not None:
        result.attempts += 1
        if result.best_scaled_score is None or row.score_scaled > result.best_scaled_score:
            result.best_scaled_score = row.score_scaled
        result.completed = True
        result.success = result.best_scaled_score * 100 + SCORE_TOLERANCE >= activity.pass_mark
    elif row.completion:
        result.completed = True


def refresh_lesson_progress(user, lesson_keys, *, reached_end=None, at=None, outlines=None):
    """Recompute the learner's progress in these lessons and complete what is now done.

    A lesson completes when the learner reached its end, passed every scored activity,
    viewed every unscored one and visited every field activity; a course completes (through
    ``complete_course``) when every lesson of it has. ``at`` is when the learner did what
    completes them (a statement's timestamp; queued statements may arrive later).
    ``outlines`` ({lesson key: LessonOutline}) may be passed when the caller has them.

    Few queries: the learner's progress rows; outlines only for lessons without a row yet;
    what a lesson asks for only while it is reached but not completed.
    """
    reached_end = reached_end or {}
    at = min(at or timezone.now(), timezone.now())
    lesson_keys = set(lesson_keys)
    progress = {
        row.lesson_key: row
        for row in LessonProgress.objects.filter(user=user, lesson_key__in=lesson_keys)
    }
    without_row = lesson_keys - set(progress)
    if outlines is None and without_row:
        outlines = {
            outline.lesson_key: outline
            for outline in LessonOutline.objects.filter(lesson_key__in=without_row)
        }
    created, changed, open_keys = [], [], []
    for key in lesson_keys:
        row = progress.get(key)
        if row is None:
            outline = (outlines or {}).get(key)
            if outline is None:
                continue  # not (or no longer) a published lesson
            row = progress[key] = LessonProgress(
                user=user, lesson_key=key, course_key=outline.course_key
            )
            created.append(row)
        if key in reached_end and row.reached_end_at is None:
            row.reached_end_at = reached_end[key]
            if row.pk is not None:
                changed.append(row)
        if row.reached_end_at is not None and row.completed_at is None:
            open_keys.append(key)
    newly_completed_courses = set()
    if open_keys:
        for outline, finished in _finished_lessons(user, open_keys):
            if finished:
                row = progress[outline.lesson_key]
                row.completed_at = at
                newly_completed_courses.add(row.course_key)
                if row.pk is not None and row not in changed:
                    changed.append(row)
    if created:
        LessonProgress.objects.bulk_create(created)
        Enrolment.objects.bulk_create(
            [
                Enrolment(user=user, course_key=key, source=Enrolment.Source.LESSON_VISIT)
                for key in {row.course_key for row in created}
            ],
            ignore_conflicts=True,
        )
    if changed:
        LessonProgress.objects.bulk_update(
            changed, ["reached_end_at", "completed_at", "updated_at"]
        )
    if newly_completed_courses:
        _complete_finished_courses(user, newly_completed_courses, at)


def _finished_lessons(user, lesson_keys):
    """(outline, whether the learner did everything it asks) for these published lessons."""
    outlines = list(
        LessonOutline.objects.filter(lesson_key__in=lesson_keys).prefetch_related("activities")
    )
    required = [activity for outline in outlines for activity in outline.activities.all()]
    done = set()
    if any(activity.kind == LessonActivity.Kind.H5P for activity in required):
        done |= set(
            ActivityResult.objects.filter(
                user=user, lesson_key__in=lesson_keys, success=True
            ).values_list("lesson_key", "block_id")
        )
    if any(activity.kind == LessonActivity.Kind.FIELD for activity in required):
        done |= set(
            FieldVisit.objects.filter(user=user, lesson_key__in=lesson_keys).values_list(
                "lesson_key", "block_id"
            )
        )
    return [
        (
            outline,
            all(
                (outline.lesson_key, activity.block_id) in done
                for activity in outline.activities.all()
            ),
        )
        for outline in outlines
    ]


def _complete_finished_courses(user, course_keys, at):
    lessons = {}
    for lesson_key, course_key in LessonOutline.objects.filter(
        course_key__in=course_keys
    ).values_list("lesson_key", "course_key"):
        lessons.setdefault(course_key, set()).add(lesson_key)
    completed = set(
        LessonProgress.objects.filter(
            user=user, course_key__in=course_keys, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
    for course_key, lesson_keys in lessons.items():
        if lesson_keys <= completed:
            complete_course(user, course_key, completed_at=at)


def complete_course(user, course_key, *, completed_at=None):
    """Record that the learner completed the course, once; return (completion, created).

    The one place a course completion is written. Only the call that writes it awards the
    badges the completion earns (dated by it), in the same transaction: a completion is
    never stored without its badges, and a concurrent second completion awards nothing.
    """
    completion = CourseCompletion.objects.filter(user=user, course_key=course_key).first()
    if completion is not None:
        return completion, False
    with transaction.atomic():
        try:
            with transaction.atomic():
                completion = CourseCompletion.objects.create(
                    user=user, course_key=course_key, completed_at=completed_at or timezone.now()
                )
        except IntegrityError:  # completed by a concurrent request
            return CourseCompletion.objects.get(user=user, course_key=course_key), False
        award_badges_for_completion(user, course_key, completed_at=completion.completed_at)
    return completion, True


def record_field_visit(user, *, lesson, block_id, place_name=""):
    """Record the learner's visit to a field activity once; return (visit, created)."""
    block_id = uuid.UUID(str(block_id))
    with transaction.atomic():
        visit, created = FieldVisit.objects.get_or_create(
            user=user,
            block_id=block_id,
            defaults={"lesson_key": lesson.translation_key, "place_name": place_name[:255]},
        )
        if created:
            refresh_lesson_progress(user, [lesson.translation_key])
    return visit, created
