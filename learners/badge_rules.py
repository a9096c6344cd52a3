"""Which badge rules (``curriculum.badge_rules``) a learner's record makes true.

One evaluator per rule kind, each taking all the candidate badges of its kind at once, so a
completion costs a fixed number of queries however many badges exist. A new kind (volunteer
hours) adds one evaluator here.
"""

from django.db.models import Max, Q

from courses.models import CourseCompetency
from curriculum.badge_rules import COMPLETE_COURSE, COMPLETE_PROGRAMME, REACH_COMPETENCY_LEVEL
from curriculum.models import BadgeDefinition, ProgrammeCourse
from learners.models import CourseCompletion


def badges_earned_after_completion(user, course_key):
    """Active badges not yet held whose rule the learner's completed courses now meet.

    Rules are checked against every completed course, not only ``course_key``, so a badge
    defined after a learner finished its courses is awarded at their next completion.
    """
    completed = set(CourseCompletion.objects.filter(user=user).values_list("course_key", flat=True))
    completed.add(course_key)
    candidates = list(
        BadgeDefinition.objects.filter(active=True)
        .filter(
            Q(rule_type=COMPLETE_COURSE, course__translation_key__in=completed)
            | Q(rule_type__in=[COMPLETE_PROGRAMME, REACH_COMPETENCY_LEVEL])
        )
        .exclude(awards__user=user)
    )
    earned = []
    for rule_type, evaluate in EVALUATORS.items():
        badges = [badge for badge in candidates if badge.rule_type == rule_type]
        if badges:
            earned += evaluate(badges, completed)
    return earned


def _courses_completed(badges, _completed):
    return badges  # the query above kept only badges of completed courses


def _programmes_completed(badges, completed):
    courses_of = {}
    for programme_id, course_key in ProgrammeCourse.objects.filter(
        programme_id__in={badge.programme_id for badge in badges}
    ).values_list("programme_id", "course__translation_key"):
        courses_of.setdefault(programme_id, set()).add(course_key)
    return [
        badge
        for badge in badges
        if badge.programme_id in courses_of and courses_of[badge.programme_id] <= completed
    ]


def _competency_levels_reached(badges, completed):
    reached = dict(
        CourseCompetency.objects.filter(
            competency_id__in={badge.competency_id for badge in badges},
            course__translation_key__in=completed,
        )
        .values("competency_id")
        .annotate(level=Max("level"))
        .values_list("competency_id", "level")
    )
    return [
        badge
        for badge in badges
        if reached.get(badge.competency_id, 0) >= (badge.competency_level or 1)
    ]


EVALUATORS = {
    COMPLETE_COURSE: _courses_completed,
    COMPLETE_PROGRAMME: _programmes_completed,
    REACH_COMPETENCY_LEVEL: _competency_levels_reached,
}
