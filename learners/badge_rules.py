"""Which badge rules (``curriculum.badge_rules``) a learner's record makes true.

One evaluator per rule kind; a new kind (volunteer hours) adds one here.
"""

from courses.models import CourseCompetency, CoursePage
from curriculum.badge_rules import COMPLETE_COURSE, COMPLETE_PROGRAMME, REACH_COMPETENCY_LEVEL
from curriculum.models import BadgeDefinition, ProgrammeCourse
from learners.models import BadgeAward, CourseCompletion


def _completed_course_keys(user):
    return set(CourseCompletion.objects.filter(user=user).values_list("course_key", flat=True))


def badges_earned_after_completion(user, course_key):
    """Active badges not yet held whose rule is met now that ``course_key`` is completed."""
    completed = _completed_course_keys(user)
    held = set(BadgeAward.objects.filter(user=user).values_list("badge_id", flat=True))
    candidates = (
        BadgeDefinition.objects.filter(
            active=True,
            rule_type__in=[COMPLETE_COURSE, COMPLETE_PROGRAMME, REACH_COMPETENCY_LEVEL],
        )
        .exclude(pk__in=held)
        .select_related("course")
    )
    earned = []
    for badge in candidates:
        evaluate = EVALUATORS.get(badge.rule_type)
        if evaluate is not None and evaluate(badge, completed):
            earned.append(badge)
    return earned


def _course_completed(badge, completed):
    return badge.course is not None and badge.course.translation_key in completed


def _programme_completed(badge, completed):
    course_keys = set(
        ProgrammeCourse.objects.filter(programme_id=badge.programme_id).values_list(
            "course__translation_key", flat=True
        )
    )
    return bool(course_keys) and course_keys <= completed


def _competency_level_reached(badge, completed):
    return CourseCompetency.objects.filter(
        competency_id=badge.competency_id,
        level__gte=badge.competency_level or 1,
        course__in=CoursePage.objects.filter(translation_key__in=completed),
    ).exists()


EVALUATORS = {
    COMPLETE_COURSE: _course_completed,
    COMPLETE_PROGRAMME: _programme_completed,
    REACH_COMPETENCY_LEVEL: _competency_level_reached,
}
