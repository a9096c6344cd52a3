"""The kinds of machine rule a badge definition can have.

A badge definition stores its rule as a kind (``rule_type``, plain text, no database
choices) and the parameters that kind uses. Adding a kind that uses the existing
parameters means adding an entry here and an evaluator where the data lives
(``learners.badge_rules`` for courses, ``opportunities.services.hours_badges`` for
volunteer hours): existing rules and the table stay as they are, so no migration is
needed. A kind with a parameter of its own (as volunteer hours has its threshold) adds
that field to ``BadgeDefinition``, with its migration.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RuleKind:
    code: str
    label: str
    required: tuple  # model fields the rule needs


COMPLETE_COURSE = "complete_course"
COMPLETE_PROGRAMME = "complete_programme"
REACH_COMPETENCY_LEVEL = "reach_competency_level"
VOLUNTEER_HOURS = "volunteer_hours"

RULE_KINDS = {
    kind.code: kind
    for kind in (
        RuleKind(COMPLETE_COURSE, _("Complete a course"), ("course",)),
        RuleKind(
            COMPLETE_PROGRAMME,
            _("Complete every course of a stage programme"),
            ("programme",),
        ),
        RuleKind(
            REACH_COMPETENCY_LEVEL,
            _("Reach a competency level (by completing courses that teach it)"),
            ("competency", "competency_level"),
        ),
        RuleKind(VOLUNTEER_HOURS, _("Volunteer hours reach a threshold"), ("hours_threshold",)),
    )
}
MANUAL_ONLY = "manual"


def rule_choices():
    return [
        (MANUAL_ONLY, _("Awarded by staff only")),
        *[(k.code, k.label) for k in RULE_KINDS.values()],
    ]
