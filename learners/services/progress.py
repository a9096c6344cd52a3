"""Enrolments, activity results, lesson and course progress, field visits."""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from courses.models import LessonActivity, LessonOutline
from learners.managers import SCORE_TOLERANCE
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


@dataclass
class ActivityOutcome:
    """What one request did on one activity of a lesson (``ActivityResult.objects``
    folds it into the stored result)."""

    lesson_key: uuid.UUID
    block_id: uuid.UUID
    pass_mark: int
    first_at: object
    last_at: object
    best: float | None = None
    attempts: int = 0
    completed: bool = False
    passed: bool = False  # as a new result; a stored one derives it from its best


@dataclass(frozen=True)
class ProgressActivity:
    """What progress needs to know of one H5P activity a statement reports on."""

    block_id: uuid.UUID
    lesson_key: uuid.UUID
    course_key: uuid.UUID
    scored: bool
    pass_mark: int


@dataclass
class ProgressLookup:
    """What statements will change, read before they are stored (``look_up_progress``).

    ``activities`` ({block id: [ProgressActivity]}) are the H5P activities the root
    statements report on; ``completed`` the lessons (of those activities, and of the
    lessons whose end a statement reports) the learner has completed. A completed lesson is
    final, so what is read here stays true while the statements are stored.
    """

    activities: dict
    completed: set
    lesson_ends: set  # lessons whose end a root statement reports

    @property
    def changes_nothing(self):
        """True when storing the statements moves no result and no lesson: nothing to do
        but the insert (which then needs no transaction around it)."""
        return not self.activities and self.lesson_ends <= self.completed


def _quoted(model, *fields):
    quote = connection.ops.quote_name
    return [quote(model._meta.db_table)] + [
        quote(model._meta.get_field(name).column) for name in fields
    ]


def _uuid(value):
    # PostgreSQL gives UUIDs back; SQLite the 32 hex digits Django stores there.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _h5p_activities(user, block_ids):
    """{block id: [ProgressActivity]} of the published H5P activities with these block ids,
    and the lessons among theirs the learner completed: one query, in SQL written here
    (what the ORM takes to compile it costs more than the database takes to answer)."""
    activity, a_outline, a_block, a_kind, a_scored, a_mark = _quoted(
        LessonActivity, "outline", "block_id", "kind", "scored", "pass_mark"
    )
    outline, o_id, o_lesson, o_course = _quoted(LessonOutline, "id", "lesson_key", "course_key")
    progress, p_user, p_lesson, p_completed = _quoted(
        LessonProgress, "user", "lesson_key", "completed_at"
    )
    block_field = LessonActivity._meta.get_field("block_id")
    placeholders = ", ".join(["%s"] * len(block_ids))
    sql = (  # names from the models' meta, quoted; every value is a parameter
        f"SELECT a.{a_block}, o.{o_lesson}, o.{o_course}, a.{a_scored}, a.{a_mark}, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {progress} p WHERE p.{p_user} = %s "
        f"AND p.{p_lesson} = o.{o_lesson} AND p.{p_completed} IS NOT NULL) "
        f"FROM {activity} a JOIN {outline} o ON o.{o_id} = a.{a_outline} "
        f"WHERE a.{a_kind} = %s AND a.{a_block} IN ({placeholders})"
    )
    params = [user.pk, LessonActivity.Kind.H5P]
    params += [block_field.get_db_prep_value(block_id, connection) for block_id in block_ids]
    activities, completed = {}, set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for block_id, lesson_key, course_key, scored, pass_mark, done in cursor.fetchall():
            found = ProgressActivity(
                block_id=_uuid(block_id),
                lesson_key=_uuid(lesson_key),
                course_key=_uuid(course_key),
                scored=bool(scored),
                pass_mark=pass_mark,
            )
            activities.setdefault(found.block_id, []).append(found)
            if done:
                completed.add(found.lesson_key)
    return activities, completed


def _completed_lessons(user, lesson_keys):
    """The lessons among ``lesson_keys`` the learner completed (one query)."""
    progress, p_user, p_lesson, p_completed = _quoted(
        LessonProgress, "user", "lesson_key", "completed_at"
    )
    lesson_field = LessonProgress._meta.get_field("lesson_key")
    placeholders = ", ".join(["%s"] * len(lesson_keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {p_lesson} FROM {progress} WHERE {p_user} = %s "  # noqa: S608
            f"AND {p_completed} IS NOT NULL AND {p_lesson} IN ({placeholders})",
            [user.pk, *(lesson_field.get_db_prep_value(key, connection) for key in lesson_keys)],
        )
        return {_uuid(row[0]) for row in cursor.fetchall()}


def look_up_progress(user, rows):
    """Read what storing these statement rows will change: a ``ProgressLookup``.

    Only root statements count: a sub-question of composite content (it has a
    ``context.contextActivities.parent``) is stored but never scores on its own. At most
    two queries, none for sub-questions alone; nothing is locked or written.
    """
    block_ids = {row.block_id for row in rows if row.is_root and row.block_id}
    lesson_ends = {
        row.lesson_key
        for row in rows
        if row.is_root and not row.block_id and row.lesson_key and row.verb_id in LESSON_END_VERBS
    }
    activities, completed = _h5p_activities(user, block_ids) if block_ids else ({}, set())
    known = {found.lesson_key for found_list in activities.values() for found in found_list}
    if lesson_ends - known:
        completed |= _completed_lessons(user, lesson_ends - known)
    return ProgressLookup(activities=activities, completed=completed, lesson_ends=lesson_ends)


def update_progress_from_statements(user, rows, lookup=None):
    """Turn newly stored statements into activity results and lesson progress.

    ``lookup`` is what ``look_up_progress`` read for these rows (or more); read here when
    not given. Runs in the caller's transaction; concurrent requests for the same learner
    neither fail nor lose an update (see ``ActivityResultManager.record_outcomes`` and the
    row locks of ``refresh_lesson_progress``).
    """
    if lookup is None:
        lookup = look_up_progress(user, rows)
    if lookup.changes_nothing:
        return
    reached_end = {}
    latest = None
    outcomes = {}
    for row in rows:
        if not row.is_root:
            continue
        latest = row.timestamp if latest is None else max(latest, row.timestamp)
        if row.block_id:
            for activity in lookup.activities.get(row.block_id, ()):
                key = (activity.lesson_key, activity.block_id)
                outcome = outcomes.get(key)
                if outcome is None:
                    outcome = outcomes[key] = ActivityOutcome(
                        lesson_key=key[0],
                        block_id=key[1],
                        pass_mark=activity.pass_mark,
                        first_at=row.timestamp,
                        last_at=row.timestamp,
                    )
                _apply_statement(outcome, activity, row)
        elif row.lesson_key and row.verb_id in LESSON_END_VERBS:
            # The request's latest end counts (when the lesson has none yet).
            if row.lesson_key not in reached_end or row.timestamp > reached_end[row.lesson_key]:
                reached_end[row.lesson_key] = row.timestamp
    if outcomes:
        ActivityResult.objects.record_outcomes(user, outcomes.values())
    lesson_keys = {key[0] for key in outcomes} | set(reached_end)
    course_keys = {
        activity.lesson_key: activity.course_key
        for activities in lookup.activities.values()
        for activity in activities
    }
    refresh_lesson_progress(
        user,
        lesson_keys,
        reached_end=reached_end,
        at=latest,
        course_keys=course_keys if set(course_keys) >= lesson_keys else None,
        completed=lookup.completed,
    )


def _apply_statement(outcome, activity, row):
    outcome.first_at = min(outcome.first_at, row.timestamp)
    outcome.last_at = max(outcome.last_at, row.timestamp)
    if not activity.scored:
        outcome.completed = outcome.passed = True
        return
    if row.score_scaled is not None:
        outcome.attempts += 1
        if outcome.best is None or row.score_scaled > outcome.best:
            outcome.best = row.score_scaled
        outcome.completed = True
        outcome.passed = outcome.best * 100 + SCORE_TOLERANCE >= activity.pass_mark
    elif row.completion:
        outcome.completed = True


def refresh_lesson_progress(
    user, lesson_keys, *, reached_end=None, at=None, course_keys=None, completed=None
):
    """Recompute the learner's progress in these lessons and complete what is now done.

    A lesson completes when the learner reached its end, passed every scored activity,
    viewed every unscored one and visited every field activity; a course completes (through
    ``complete_course``) when every lesson of it has. ``at`` is when the learner did what
    completes them (a statement's timestamp; queued statements may arrive later).
    ``course_keys`` ({lesson key: course key}) may be passed when the caller has them, and
    ``completed`` (the lessons among them the learner completed) when it read that already.

    The learner's progress rows are locked (in key order) before anything is decided from
    them, so that a concurrent request for the same lessons waits and then sees what this
    one did: reaching the end in one request and passing in another completes the lesson.

    Few queries: which of these lessons the learner completed (then nothing more for them);
    the other progress rows, locked; outlines only for lessons without a row yet; what a
    lesson asks for only while it is reached but not completed.
    """
    reached_end = reached_end or {}
    at = min(at or timezone.now(), timezone.now())
    lesson_keys = set(lesson_keys)
    # A completed lesson is final (it had reached its end): nothing below changes it, so
    # the common case, statements in lessons already done, takes no row lock.
    if completed is None:
        completed = LessonProgress.objects.filter(
            user=user, lesson_key__in=lesson_keys, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    open_lessons = lesson_keys - set(completed)
    if not open_lessons:
        return
    lesson_keys = open_lessons
    with transaction.atomic(savepoint=False):
        progress = _lock_progress(user, lesson_keys)
        without_row = lesson_keys - set(progress)
        if without_row:
            progress |= _create_progress(user, without_row, course_keys)
        changed, open_keys = [], []
        for key in lesson_keys:
            row = progress.get(key)
            if row is None:
                continue  # not (or no longer) a published lesson
            if key in reached_end and row.reached_end_at is None:
                row.reached_end_at = reached_end[key]
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
                    if row not in changed:
                        changed.append(row)
        if changed:
            LessonProgress.objects.bulk_update(
                changed, ["reached_end_at", "completed_at", "updated_at"]
            )
        if newly_completed_courses:
            _complete_finished_courses(user, newly_completed_courses, at)


def _lock_progress(user, lesson_keys):
    """{lesson key: LessonProgress} of the learner's rows for these lessons, locked in key
    order until the transaction ends (PostgreSQL; SQLite has one writer at a time)."""
    return {
        row.lesson_key: row
        for row in LessonProgress.objects.filter(user=user, lesson_key__in=lesson_keys)
        .select_for_update()
        .order_by("lesson_key")
    }


def _create_progress(user, lesson_keys, course_keys):
    """Create the learner's missing progress rows (and enrolments) for these published
    lessons, or take the ones a concurrent request just created; return them locked.
    ``course_keys`` ({lesson key: course key}) is read when not given."""
    if course_keys is None:
        course_keys = dict(
            LessonOutline.objects.filter(lesson_key__in=lesson_keys).values_list(
                "lesson_key", "course_key"
            )
        )
    new = [
        LessonProgress(user=user, lesson_key=key, course_key=course_keys[key])
        for key in sorted(lesson_keys, key=str)
        if key in course_keys
    ]
    if not new:
        return {}
    LessonProgress.objects.bulk_create(new, ignore_conflicts=True)
    Enrolment.objects.bulk_create(
        [
            Enrolment(user=user, course_key=key, source=Enrolment.Source.LESSON_VISIT)
            for key in sorted({row.course_key for row in new}, key=str)
        ],
        ignore_conflicts=True,
    )
    return _lock_progress(user, {row.lesson_key for row in new})


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
    """Complete the courses among ``course_keys`` whose every lesson the learner completed.

    The learner's enrolments in them are locked first (in key order), so that two requests
    completing the last two lessons of a course at once do not both miss the other's: the
    second waits and then sees the first's lesson completed.
    """
    _lock_enrolments(user, course_keys)
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


def _lock_enrolments(user, course_keys):
    def locked():
        return set(
            Enrolment.objects.filter(user=user, course_key__in=course_keys)
            .select_for_update()
            .order_by("course_key")
            .values_list("course_key", flat=True)
        )

    missing = set(course_keys) - locked()
    if missing:  # progress from before enrolments were made with it
        Enrolment.objects.bulk_create(
            [
                Enrolment(user=user, course_key=key, source=Enrolment.Source.LESSON_VISIT)
                for key in sorted(missing, key=str)
            ],
            ignore_conflicts=True,
        )
        locked()


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
