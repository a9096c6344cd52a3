"""Pages under /me/: the learner's own space."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.field_activities import CheckInRefused, verify_check_in
from courses.selectors import course_in_active_language
from curriculum.ruby import strip_ruby
from learners.forms import CompleteLearnerProfileForm, LearnerProfileForm
from learners.selectors import learner_dashboard, learner_profile_for
from learners.services import enrol_learner, record_field_visit

CHECK_IN_REFUSAL_STATUS = {"forged": 400, "expired": 410, "gone": 410}


@login_required
def dashboard(request):
    profile = learner_profile_for(request.user)
    if profile is None:
        return redirect("learners:profile")
    return TemplateResponse(
        request,
        "learners/dashboard.html",
        {"profile": profile, "dashboard": learner_dashboard(request.user)},
    )


@login_required
@require_POST
def enrol(request, course_key):
    """Start a course: enrol, then open its first lesson."""
    course = course_in_active_language(course_key)
    if course is None:
        raise Http404
    enrol_learner(request.user, course.translation_key)
    first_lesson = course.get_children().live().public().first()
    return redirect(first_lesson.url if first_lesson else course.url)


def check_in(request, token):
    """Where a field activity poster's QR code leads: records the signed-in learner's visit."""
    try:
        verified = verify_check_in(token)
    except CheckInRefused as refusal:
        return TemplateResponse(
            request,
            "learners/check_in_refused.html",
            {"message": refusal.message, "reason": refusal.reason},
            status=CHECK_IN_REFUSAL_STATUS[refusal.reason],
        )
    visit, newly_recorded = None, False
    if request.user.is_authenticated:
        visit, newly_recorded = record_field_visit(
            request.user,
            lesson=verified.lesson,
            block_id=verified.block_id,
            place_name=strip_ruby(verified.activity.get("place_name") or ""),
        )
    return TemplateResponse(
        request,
        "learners/check_in.html",
        {
            "check_in": verified,
            "lesson": verified.lesson,
            "activity": verified.activity,
            "visit": visit,
            "newly_recorded": newly_recorded,
        },
    )


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
