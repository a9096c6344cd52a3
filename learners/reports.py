"""The course report: what the learners of one course have done, for the staff who teach it.

Everything is keyed by translation keys, so a course and its translations share one report.
Each function runs a fixed number of queries however many learners and results there are.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Q, Subquery, Value
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant

from courses.models import LessonActivity, LessonOutline, LessonPage
from curriculum.ruby import strip_ruby
from learners.models import ActivityResult, CourseCompletion, Enrolment, LessonProgress
from learners.services.progress import SCORE_TOLERANCE

# Who may see and export reports: learners.permissions (VIEW_COURSE_REPORT, EXPORT_…).
SCORE_BINS = 10


def score_bin(scaled):
    """The 10%-wide band (0-9) a scaled score falls in: [0, 10) … [90, 100]."""
    for band in range(SCORE_BINS - 1, 0, -1):
        if scaled >= band / SCORE_BINS - SCORE_TOLERANCE:
            return band
    return 0


def percent(part, whole):
    return None if not whole else 100 * part / whole


@dataclass(frozen=True)
class ReportLesson:
    lesson_key: object
    number: int  # 1-based, in course order
    title: str


@dataclass(frozen=True)
class ReportActivity:
    block_id: object
    lesson: ReportLesson
    title: str
    pass_mark: int


@dataclass(frozen=True)
class CourseStructure:
    """The published lessons of a course and their scored H5P activities, in order."""

    course_key: object
    lessons: list  # [ReportLesson]
    activities: list  # [ReportActivity]

    @property
    def lesson_keys(self):
        return [lesson.lesson_key for lesson in self.lessons]

    def results(self):
        """ActivityResult rows of this course's scored activities (unevaluated)."""
        return ActivityResult.objects.filter(
            lesson_key__in=self.lesson_keys,
            block_id__in={activity.block_id for activity in self.activities},
        )


def _lesson_titles(lesson_keys):
    """{lesson key: title} in the active (admin) language, else the default language,
    else the oldest translation; one query."""
    if not lesson_keys:
        return {}
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    try:
        active = get_supported_content_language_variant(translation.get_language() or default)
    except LookupError:
        active = default
    rows = LessonPage.objects.filter(translation_key__in=lesson_keys).values_list(
        "translation_key", "title", "locale__language_code", "pk"
    )
    best = {}
    for key, title, language, pk in rows:
        rank = (language != active, language != default, pk)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, title)
    return {key: strip_ruby(title) for key, (_rank, title) in best.items()}


def course_structure(course_key):
    """Lessons (LessonOutline order) and scored H5P activities of a course; three queries."""
    outlines = list(
        LessonOutline.objects.filter(course_key=course_key)
        .order_by("position", "pk")
        .values_list("pk", "lesson_key")
    )
    titles = _lesson_titles([key for _pk, key in outlines])
    lessons, lesson_by_outline = [], {}
    for number, (outline_pk, lesson_key) in enumerate(outlines, start=1):
        lesson = ReportLesson(lesson_key, number, titles.get(lesson_key, str(lesson_key)))
        lessons.append(lesson)
        lesson_by_outline[outline_pk] = lesson
    activities = []
    if outlines:
        for outline_pk, block_id, title, pass_mark in (
            LessonActivity.objects.filter(
                outline_id__in=lesson_by_outline, kind=LessonActivity.Kind.H5P, scored=True
            )
            .order_by("position", "pk")
            .values_list("outline_id", "block_id", "title", "pass_mark")
        ):
            activities.append(
                ReportActivity(
                    block_id=block_id,
                    lesson=lesson_by_outline[outline_pk],
                    title=strip_ruby(title) or str(block_id),
                    pass_mark=pass_mark,
                )
            )
        activities.sort(key=lambda activity: activity.lesson.number)  # stable: keeps position
    return CourseStructure(course_key=course_key, lessons=lessons, activities=activities)


@dataclass(frozen=True)
class LessonFigures:
    lesson: ReportLesson
    completed: int  # learners who completed it


@dataclass(frozen=True)
class ActivityFigures:
    activity: ReportActivity
    learners: int  # learners with a scored result
    passed: int
    average_scaled: float | None
    bins: tuple  # learners per 10% band of their best score, SCORE_BINS long

    @property
    def average_percent(self):
        return None if self.average_scaled is None else 100 * self.average_scaled

    @property
    def pass_rate(self):
        return percent(self.passed, self.learners)


@dataclass(frozen=True)
class CourseReport:
    structure: CourseStructure
    enrolled: int
    completed: int
    lessons: list  # [LessonFigures]
    activities: list  # [ActivityFigures]

    @property
    def completion_rate(self):
        return percent(self.completed, self.enrolled)


def _band_filter(band):
    """Q for best scores in band ``band``, with the same edges as ``score_bin``."""
    lower = Q(best_scaled_score__gte=band / SCORE_BINS - SCORE_TOLERANCE)
    upper = Q(best_scaled_score__lt=(band + 1) / SCORE_BINS - SCORE_TOLERANCE)
    if band == 0:
        return upper
    if band == SCORE_BINS - 1:
        return lower
    return lower & upper


def course_report(course_key):
    """The figures of the course report; seven queries whatever the number of learners."""
    structure = course_structure(course_key)
    enrolled = Enrolment.objects.filter(course_key=course_key).count()
    completed = CourseCompletion.objects.filter(course_key=course_key).count()

    lesson_counts = {}
    if structure.lessons:
        lesson_counts = dict(
            LessonProgress.objects.filter(
                lesson_key__in=structure.lesson_keys, completed_at__isnull=False
            )
            .values("lesson_key")
            .annotate(count=Count("pk"))
            .values_list("lesson_key", "count")
        )

    figures = {}
    if structure.activities:
        scored = Q(best_scaled_score__isnull=False)
        bands = {
            f"band_{band}": Count("pk", filter=scored & _band_filter(band))
            for band in range(SCORE_BINS)
        }
        for row in (
            structure.results()
            .values("lesson_key", "block_id")
            .annotate(
                learners=Count("pk", filter=scored),
                passed=Count("pk", filter=scored & Q(success=True)),
                average=Avg("best_scaled_score"),
                **bands,
            )
            .order_by()
        ):
            figures[(row["lesson_key"], row["block_id"])] = row

    activities = []
    for activity in structure.activities:
        row = figures.get((activity.lesson.lesson_key, activity.block_id), {})
        activities.append(
            ActivityFigures(
                activity=activity,
                learners=row.get("learners", 0),
                passed=row.get("passed", 0),
                average_scaled=row.get("average"),
                bins=tuple(row.get(f"band_{band}", 0) for band in range(SCORE_BINS)),
            )
        )
    return CourseReport(
        structure=structure,
        enrolled=enrolled,
        completed=completed,
        lessons=[
            LessonFigures(lesson, lesson_counts.get(lesson.lesson_key, 0))
            for lesson in structure.lessons
        ],
        activities=activities,
    )


@dataclass(frozen=True)
class LearnerRow:
    """One enrolled learner's line of the CSV export."""

    user_id: int
    username: str
    display_name: str
    enrolled_at: object
    lessons_completed: int
    completed_at: object  # None until the course is completed
    best_scores: tuple  # best scaled score (or None) per structure.activities


EXPORT_CHUNK_SIZE = 2000  # learners read per round of queries (settings.COURSE_REPORT_CHUNK_SIZE)


def _chunk_size(chunk_size):
    return chunk_size or getattr(settings, "COURSE_REPORT_CHUNK_SIZE", EXPORT_CHUNK_SIZE)


def enrolled_count(course_key):
    return Enrolment.objects.filter(course_key=course_key).count()


def learner_rows(structure, *, chunk_size=None):
    """One row per enrolled learner, by enrolment date, as an iterator.

    Enrolments are read in keyset-paginated chunks of ``chunk_size`` (on the
    ``enrolment_by_course_date`` index), one query per chunk however large it is: each
    learner's lessons completed, course completion and best scores are subqueries on
    their own indexes (no list of thousands of ids sent back to the database), so memory
    stays flat and the first rows are ready at once, whatever the course's size.
    """
    size = _chunk_size(chunk_size)
    scores = {
        f"best_{number}": Subquery(
            ActivityResult.objects.filter(
                user=OuterRef("user"),
                lesson_key=activity.lesson.lesson_key,
                block_id=activity.block_id,
            ).values("best_scaled_score")[:1]
        )
        for number, activity in enumerate(structure.activities)
    }
    lessons_completed = Value(0)
    if structure.lessons:
        lessons_completed = Subquery(
            LessonProgress.objects.filter(
                user=OuterRef("user"),
                lesson_key__in=structure.lesson_keys,
                completed_at__isnull=False,
            )
            .order_by()
            .values("user")
            .annotate(count=Count("pk"))
            .values("count")
        )
    # Plain values, not model instances: three objects a learner (enrolment, user,
    # profile) cost more than everything else a row needs.
    enrolments = (
        Enrolment.objects.filter(course_key=structure.course_key)
        .annotate(
            lessons_completed=lessons_completed,
            course_completed_at=Subquery(
                CourseCompletion.objects.filter(
                    user=OuterRef("user"), course_key=structure.course_key
                ).values("completed_at")[:1]
            ),
            **scores,
        )
        .order_by("enrolled_at", "pk")
        .values_list(
            "pk",
            "enrolled_at",
            "user_id",
            "user__username",
            "user__learner_profile__display_name",
            "lessons_completed",
            "course_completed_at",
            *scores,
        )
    )
    after = None
    while True:
        page = enrolments
        if after is not None:
            moment, pk = after
            page = page.filter(enrolled_at__gte=moment).filter(
                Q(enrolled_at__gt=moment) | Q(pk__gt=pk)
            )
        chunk = list(page[:size])
        if not chunk:
            return
        for _pk, enrolled_at, user_id, username, name, lessons, completed_at, *best in chunk:
            yield LearnerRow(
                user_id=user_id,
                username=username,
                display_name=name or "",
                enrolled_at=enrolled_at,
                lessons_completed=lessons or 0,
                completed_at=completed_at,
                best_scores=tuple(best),
            )
        if len(chunk) < size:
            return
        after = (chunk[-1][1], chunk[-1][0])
