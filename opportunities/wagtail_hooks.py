"""Admin hooks of opportunities/: they only register what ``opportunities.viewsets``
defines."""

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from opportunities import permissions, viewsets
from opportunities.models import MatchingRun, Opportunity, Organisation, Proposal

register_permission_policy(Organisation, permissions.organisation_policy)
register_permission_policy(Opportunity, permissions.opportunity_policy)
register_permission_policy(MatchingRun, permissions.matching_run_policy)
register_permission_policy(Proposal, permissions.proposal_policy)


@hooks.register("register_admin_viewset")
def register_local_activities():
    return viewsets.LocalActivitiesGroup()


@hooks.register("register_permissions")
def coordination_permissions():
    """So that the group editor can grant them (roles get them from ``ensure_roles``)."""
    return Permission.objects.filter(
        content_type__app_label="opportunities",
        content_type__model__in=["organisation", "opportunity", "matchingrun", "proposal"],
    )
