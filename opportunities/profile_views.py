"""The learner's matching profile at /me/matching-profile/ (in the /me/ space that
learners owns; the URL is the shell's, so learners needs no import of opportunities)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from learners.dashboard_links import DashboardLink
from learners.selectors import learner_profile_for
from learners.services.badges import is_child
from opportunities.forms import MatchingProfileForm
from opportunities.models import MatchingProfile
from opportunities.services.profiles import is_open_to_offers, matching_profile_initial

TEMPLATE = "opportunities/profile/edit.html"


@login_required
def edit_matching_profile(request):
    learner = learner_profile_for(request.user)
    if learner is None:
        return redirect("learners:profile")
    if is_child(request.user):
        # Nothing to fill in: children are not proposed to coordinators in this release.
        return TemplateResponse(
            request,
            TEMPLATE,
            {"child": True},
            status=403 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        form = MatchingProfileForm(request.POST, user=request.user, home_district=learner.district)
        if form.is_valid() and form.save():
            if form.cleaned_data["open_to_offers"]:
                messages.success(
                    request,
                    _(
                        "Your matching profile has been saved. Coordinators may propose "
                        "local activities to you."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Your matching profile has been saved. Coordinators will not propose "
                        "activities to you."
                    ),
                )
            return redirect("learners:dashboard")
    else:
        form = MatchingProfileForm(
            user=request.user,
            home_district=learner.district,
            initial=matching_profile_initial(request.user),
        )
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            "form": form,
            "child": False,
            "prefilled": not MatchingProfile.objects.filter(user=request.user).exists(),
        },
    )


def matching_profile_dashboard_link(user):
    """The card on /me/ (registered in OpportunitiesConfig.ready): the page and whether
    the learner is open to offers."""
    if is_child(user):
        description = _("Offers of local activities are not open to children yet.")
    elif is_open_to_offers(user):
        description = _("You are open to offers: coordinators may propose local activities to you.")
    else:
        description = _(
            "You are not open to offers: coordinators do not see you. Tell us when you are "
            "free and what you care about, and agree to be proposed activities."
        )
    return DashboardLink(
        title=_("Local activities"),
        description=description,
        url=reverse("matching_profile"),
        action=_("My matching profile"),
    )
