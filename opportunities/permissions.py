"""Who may see and change which organisation's records.

A coordinator acts for the organisations they coordinate (``Organisation.coordinators``)
and for nothing else: their opportunities, the runs over them and the proposals of those
runs. Holders of ``ACT_FOR_ALL`` (City staff, superusers) act for every organisation.
The model permissions (``learners.roles``: view, add, change ...) say *what* someone may
do; the policies here narrow that to *whose* records, for the admin's listings, its
direct URLs and the services alike.
"""

from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from learners.permissions import has_permission
from opportunities.models import MatchingRun, Opportunity, Organisation, Proposal

ACT_FOR_ALL = "opportunities.act_for_all_organisations"
START_RUN = "opportunities.add_matchingrun"
CHANGE_PROPOSAL = "opportunities.change_proposal"


def acts_for_all(user):
    return has_permission(user, ACT_FOR_ALL)


def organisations_of(user):
    """The organisations ``user`` acts for."""
    if acts_for_all(user):
        return Organisation.objects.all()
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(coordinators=user)


class OrganisationScopedPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the records of the user's own organisations.

    ``organisation_path`` is the lookup from the model to its Organisation ("" for the
    Organisation itself).
    """

    def __init__(self, model, organisation_path):
        super().__init__(model)
        self.organisation_path = organisation_path

    def _own(self, user):
        if acts_for_all(user):
            return Q()
        if user is None or not user.is_authenticated:
            return Q(pk__in=[])
        if not self.organisation_path:
            return Q(coordinators=user)
        return Q(**{f"{self.organisation_path}__coordinators": user})

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.model._default_manager.filter(self._own(user)).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if acts_for_all(user):
            return True
        return self.model._default_manager.filter(self._own(user), pk=instance.pk).exists()


class MatchingRunPolicy(OrganisationScopedPolicy):
    """A run belongs to every organisation whose opportunities it covered; a coordinator
    sees it only if they act for all of them (a city-wide run is City staff's)."""

    def _own(self, user):
        if acts_for_all(user):
            return Q()
        if user is None or not user.is_authenticated:
            return Q(pk__in=[])
        others = Organisation.objects.exclude(coordinators=user)
        return Q(organisations__coordinators=user) & ~Q(organisations__in=others)


organisation_policy = OrganisationScopedPolicy(Organisation, "")
opportunity_policy = OrganisationScopedPolicy(Opportunity, "organisation")
matching_run_policy = MatchingRunPolicy(MatchingRun, "organisations")
proposal_policy = OrganisationScopedPolicy(Proposal, "shift__opportunity__organisation")


def runs_visible_to(user):
    return matching_run_policy.instances_user_has_any_permission_for(user, ["view"])


def opportunities_managed_by(user, action="change"):
    return opportunity_policy.instances_user_has_any_permission_for(user, [action])
