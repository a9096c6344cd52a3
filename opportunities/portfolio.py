"""The graduate's volunteer service on their portfolio and transcript.

``volunteer_service_section`` is the provider opportunities registers with
``learners.portfolio_sections``: the approved hours of confirmed places (the only hours
that count, as in ``services.hours.approved_hours``), in total, per organisation and per
SDG, and one timeline entry per shift served. Two queries however many places.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from learners.portfolio_sections import HoursRow, PortfolioSection, TimelineEntry
from opportunities.models import Opportunity, Placement


def _counted_placements(user):
    return list(
        Placement.objects.filter(
            learner=user,
            status=Placement.Status.CONFIRMED,
            hours_approved__isnull=False,
        )
        .select_related("shift__opportunity__organisation")
        .order_by("shift__starts_at", "pk")
    )


def _hours_per_sdg(placements):
    """[HoursRow] per SDG, in SDG order: each placement counts for every SDG of its
    activity."""
    hours_of = {}
    for placement in placements:
        hours_of[placement.shift.opportunity_id] = (
            hours_of.get(placement.shift.opportunity_id, Decimal(0)) + placement.hours_approved
        )
    per_sdg = {}
    for tag in Opportunity.sdgs.through.objects.filter(opportunity_id__in=hours_of).select_related(
        "sustainabledevelopmentgoal"
    ):
        sdg = tag.sustainabledevelopmentgoal
        goal, hours = per_sdg.get(sdg.pk, (sdg, Decimal(0)))
        per_sdg[sdg.pk] = (goal, hours + hours_of[tag.opportunity_id])
    return tuple(
        HoursRow(label=str(goal), hours=hours)
        for goal, hours in sorted(per_sdg.values(), key=lambda item: item[0].number)
    )


def _hours_per_organisation(placements):
    """[HoursRow] per organisation, most hours first."""
    per_organisation = {}
    for placement in placements:
        organisation = placement.shift.opportunity.organisation
        name, hours = per_organisation.get(organisation.pk, (organisation.name, Decimal(0)))
        per_organisation[organisation.pk] = (name, hours + placement.hours_approved)
    return tuple(
        HoursRow(label=name, hours=hours)
        for name, hours in sorted(per_organisation.values(), key=lambda item: (-item[1], item[0]))
    )


def volunteer_service_section(user):
    """The section "Volunteer service", or None when the user has no approved hours."""
    placements = _counted_placements(user)
    if not placements:
        return None
    return PortfolioSection(
        title=_("Volunteer service"),
        total_hours=sum((placement.hours_approved for placement in placements), Decimal(0)),
        by_organisation=_hours_per_organisation(placements),
        by_sdg=_hours_per_sdg(placements),
        timeline=tuple(
            TimelineEntry(
                at=placement.shift.starts_at,
                title=placement.shift.opportunity.title,
                organisation=placement.shift.opportunity.organisation.name,
                hours=placement.hours_approved,
            )
            for placement in placements
        ),
    )
