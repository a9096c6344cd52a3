"""Reads of a person's record that need care (joins, counts)."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from courses.models import LessonActivity, LessonOutline
from courses.selectors import courses_in_active_language, lessons_in_active_language
from learners.models import (
    ActivityResult,
    BadgeAward,
    CourseCompletion,
    Enrolment,
    FieldVisit,
    LearnerProfile,
    LessonProgress,
)


def learner_profile_for(user):
    """The user's profile with what its pages show, or None if they have none yet."""
    return (
        LearnerProfile.objects.select_related("district", "user")
        .prefetch_related("languages", "interests")
        .filter(user=user)
        .first()
    )


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress in one course: the numbers every progress mark shows."""

    course_key: object
    lessons_total: int
    lessons_completed: int
    enrolled: bool
    completed_at: object = None

    @property
    def percent(self):
        if self.completed_at is not None:
            return 100
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_completed / self.lessons_total)

    @property
    def started(self):
        return self.enrolled or self.lessons_completed > 0

    @property
    def completed(self):
        return self.completed_at is not None


def course_progress_for(user, course_keys):
    """{course translation key: CourseProgress} for the learner, in four queries at most,
    however many courses, lessons and statements there are."""
    course_keys = set(course_keys)
    if not course_keys or not user.is_authenticated:
        return {}
    totals = dict(
        LessonOutline.objects.filter(course_key__in=course_keys)
        .values("course_key")
        .annotate(count=Count("pk"))
        .values_list("course_key", "count")
    )
    completed_lessons = dict(
        LessonProgress.objects.filter(
            user=user, course_key__in=course_keys, completed_at__isnull=False
        )
        .values("course_key")
        .annotate(count=Count("pk"))
        .values_list("course_key", "count")
    )
    enrolled = set(
        Enrolment.objects.filter(user=user, course_key__in=course_keys).values_list(
            "course_key", flat=True
        )
    )
    completions = dict(
        CourseCompletion.objects.filter(user=user, course_key__in=course_keys).values_list(
            "course_key", "completed_at"
        )
    )
    return {
        key: CourseProgress(
            course_key=key,
            lessons_total=totals.get(key, 0),
            lessons_completed=completed_lessons.get(key, 0),
            enrolled=key in enrolled,
            completed_at=completions.get(key),
        )
        for key in course_keys
    }


@dataclass(frozen=True)
class RecentResult:
    title: str
    lesson: object
    best_percent: int | None
    passed: bool
    at: object


@dataclass(frozen=True)
class LearnerDashboard:
    in_progress: list  # [(course page, CourseProgress)]
    completed: list  # [(course page, CourseProgress)], most recent first
    recent_results: list  # [RecentResult]
    field_visits: list  # [(FieldVisit, lesson page or None)]
    new_badges: list  # [BadgeAward] the learner has not seen yet


RECENT_ITEMS = 8


def learner_dashboard(user):
    """What /me/ shows; a fixed number of queries however much the learner has done."""
    course_keys = set(Enrolment.objects.filter(user=user).values_list("course_key", flat=True))
    course_keys |= set(
        CourseCompletion.objects.filter(user=user).values_list("course_key", flat=True)
    )
    progress = course_progress_for(user, course_keys)
    courses = courses_in_active_language(course_keys)
    in_progress, completed = [], []
    for key, course in sorted(courses.items(), key=lambda item: item[1].title):
        (completed if progress[key].completed else in_progress).append((course, progress[key]))
    completed.sort(key=lambda item: item[1].completed_at, reverse=True)

    results = list(
        ActivityResult.objects.filter(user=user, best_scaled_score__isnull=False).order_by(
            "-last_at"
        )[:RECENT_ITEMS]
    )
    visits = list(FieldVisit.objects.filter(user=user).order_by("-visited_at")[:RECENT_ITEMS])
    titles = {}
    if results:
        titles = dict(
            LessonActivity.objects.filter(
                block_id__in=[result.block_id for result in results]
            ).values_list("block_id", "title")
        )
    lessons = lessons_in_active_language(
        {result.lesson_key for result in results} | {visit.lesson_key for visit in visits}
    )
    recent = [
        RecentResult(
            title=titles.get(result.block_id, ""),
            lesson=lessons.get(result.lesson_key),
            best_percent=round(result.best_scaled_score * 100),
            passed=result.success,
            at=result.last_at,
        )
        for result in results
    ]
    return LearnerDashboard(
        in_progress=in_progress,
        completed=completed,
        recent_results=recent,
        field_visits=[(visit, lessons.get(visit.lesson_key)) for visit in visits],
        new_badges=list(
            BadgeAward.objects.filter(user=user, seen_at__isnull=True, revoked_at__isnull=True)
            .select_related("badge")
            .order_by("-issued_on")[:RECENT_ITEMS]
        ),
    )


@dataclass(frozen=True)
class PortfolioEntry:
    at: object
    kind: str  # "badge", "course" or "service" (a later app's timeline entry)
    award: object = None
    course: object = None
    service: object = None  # a learners.portfolio_sections.TimelineEntry

    @property
    def local_date(self):
        """The day in the site's time zone (Japan): residents count their years in it, so
        a badge earned at 00:30 on 1 January belongs to the new year, not UTC's old one."""
        return timezone.localdate(self.at)


@dataclass(frozen=True)
class PortfolioStage:
    stage: object  # a LifeStage, or None when the learner's age is unknown
    entries: list


def learner_portfolio(user, sections=()):
    """The learner's lifelong record on a timeline grouped by the life stage they were in,
    newest first; a fixed number of queries however many badges and courses.

    ``sections`` (``learners.portfolio_sections.sections_for(user)``) add their timeline
    entries, such as the activities a graduate served on, among the courses and badges.
    """
    from curriculum.models import LifeStage

    awards = list(
        BadgeAward.objects.filter(user=user)
        .select_related("badge", "badge__life_stage")
        .order_by("-issued_on")
    )
    completions = list(CourseCompletion.objects.filter(user=user).order_by("-completed_at"))
    courses = courses_in_active_language([completion.course_key for completion in completions])
    profile = LearnerProfile.objects.filter(user=user).only("birth_year").first()
    stages = list(LifeStage.objects.all())
    entries = [PortfolioEntry(at=award.issued_on, kind="badge", award=award) for award in awards]
    entries += [
        PortfolioEntry(
            at=completion.completed_at, kind="course", course=courses.get(completion.course_key)
        )
        for completion in completions
    ]
    entries += [
        PortfolioEntry(at=item.at, kind="service", service=item)
        for section in sections
        for item in section.timeline
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    grouped = {}
    for entry in entries:
        birth_year = profile.birth_year if profile else None
        age = entry.local_date.year - birth_year if birth_year else None
        stage = LifeStage.for_age(age, stages)
        grouped.setdefault(stage.pk if stage else None, (stage, []))[1].append(entry)
    return [PortfolioStage(stage=stage, entries=items) for stage, items in grouped.values()]
