"""Pages under /me/: the learner's own space."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from learners.forms import CompleteLearnerProfileForm, LearnerProfileForm
from learners.selectors import learner_profile_for


@login_required
def dashboard(request):
    profile = learner_profile_for(request.user)
    if profile is None:
        return redirect("learners:profile")
    return TemplateResponse(request, "learners/dashboard.html", {"profile": profile})


@login_required
def edit_profile(request):
    profile = learner_profile_for(request.user)
    if profile is None:
        form = CompleteLearnerProfileForm(request.POST or None, user=request.user)
    else:
        form = LearnerProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("learners:profile")
    return TemplateResponse(
        request,
        "learners/profile_form.html",
        {"form": form, "profile": profile, "creating": profile is None},
    )
