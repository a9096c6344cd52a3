"""Reads of a person's record that need care (joins, counts)."""

from dataclasses import dataclass

from django.db.models import Count

from courses.models import LessonOutline
from learners.models import CourseCompletion, Enrolment, LearnerProfile, LessonProgress


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
