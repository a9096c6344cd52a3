"""Admin hooks of opportunities/: they only register what ``opportunities.viewsets``
defines."""

from django.contrib.auth.models import Permission
from wagtail import hooks

from opportunities import viewsets


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
