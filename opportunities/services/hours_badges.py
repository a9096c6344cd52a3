"""Badges for volunteer hours (``curriculum.badge_rules.VOLUNTEER_HOURS``).

The rule is evaluated here, where the hours are: a badge of this kind is earned once the
graduate's approved hours (on confirmed places) reach its ``hours_threshold``. When the
badge has SDGs, only hours on activities tagged with at least one of them count, each
placement once however many of the badge's SDGs its activity has.
"""

from decimal import Decimal

from curriculum.badge_rules import VOLUNTEER_HOURS
from curriculum.models import BadgeDefinition
from learners.services.badges import BadgeNotAwardable, award_badge
from opportunities.models import Opportunity, Placement


def _counted_placements(user):
    """(opportunity id, approved hours) of every placement whose hours count."""
    return list(
        Placement.objects.filter(
            learner=user,
            status=Placement.Status.CONFIRMED,
            hours_approved__isnull=False,
        ).values_list("shift__opportunity_id", "hours_approved")
    )


def _sdgs_of(opportunity_ids):
    """{opportunity id: set of SDG ids} in one query."""
    tagged = {}
    for opportunity_id, sdg_id in Opportunity.sdgs.through.objects.filter(
        opportunity_id__in=opportunity_ids
    ).values_list("opportunity_id", "sustainabledevelopmentgoal_id"):
        tagged.setdefault(opportunity_id, set()).add(sdg_id)
    return tagged


def hours_badges_earned(user):
    """Active volunteer-hours badges the user does not hold yet (nor holds revoked) whose
    threshold their approved hours reach; a fixed number of queries however many badges
    and placements."""
    candidates = list(
        BadgeDefinition.objects.filter(
            active=True, rule_type=VOLUNTEER_HOURS, hours_threshold__isnull=False
        )
        .exclude(awards__user=user)
        .prefetch_related("sdgs")
    )
    if not candidates:
        return []
    placements = _counted_placements(user)
    if not placements:
        return []
    total = sum((hours for _opportunity, hours in placements), Decimal(0))
    tagged = (
        _sdgs_of({opportunity for opportunity, _hours in placements})
        if any(badge.sdgs.all() for badge in candidates)
        else {}
    )
    earned = []
    for badge in candidates:
        wanted = {sdg.pk for sdg in badge.sdgs.all()}
        if wanted:
            counted = sum(
                (
                    hours
                    for opportunity, hours in placements
                    if wanted & tagged.get(opportunity, set())
                ),
                Decimal(0),
            )
        else:
            counted = total
        if counted >= badge.hours_threshold:
            earned.append(badge)
    return earned


def award_hours_badges(user):
    """Award every volunteer-hours badge whose threshold the user's approved hours now
    reach; return the new awards. A badge is awarded once (``award_badge`` is idempotent)
    and a revoked award stays revoked."""
    awards = []
    for badge in hours_badges_earned(user):
        try:
            award, created = award_badge(user, badge)
        except BadgeNotAwardable:  # deactivated or revoked since it was read
            continue
        if created:
            awards.append(award)
    return awards
