"""Pages under /me/: the learner's own space."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.field_activities import CheckInRefused, verify_check_in
from courses.selectors import course_in_active_language
from curriculum.ruby import strip_ruby
from learners import dashboard_links, portfolio_sections
from learners.forms import CompleteLearnerProfileForm, LearnerProfileForm
from learners.models import BadgeAward
from learners.open_badges import assertion_json, badge_png, bake_png, issuer_json
from learners.selectors import learner_dashboard, learner_portfolio, learner_profile_for
from learners.services.badges import BadgeNotAwardable, is_child, set_badge_public
from learners.services.progress import enrol_learner, record_field_visit
from learners.transcript import render_transcript

CHECK_IN_REFUSAL_STATUS = {"forged": 400, "expired": 410, "gone": 410}


@login_required
def dashboard(request):
    profile = learner_profile_for(request.user)
    if profile is None:
        return redirect("learners:profile")
    # The page header and the cards read request.user.learner_profile: this one, not another query.
    request.user.learner_profile = profile
    return TemplateResponse(
        request,
        "learners/dashboard.html",
        {
            "profile": profile,
            "dashboard": learner_dashboard(request.user),
            "more_links": dashboard_links.links_for(request.user),
        },
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


def _own_award(request, uuid):
    return get_object_or_404(
        BadgeAward.objects.select_related("badge", "badge__image", "badge__life_stage"),
        uuid=uuid,
        user=request.user,
    )


@login_required
@require_POST
def badges_seen(request):
    """The learner saw the new-badge notice on /me/ (dismissed it or went to the portfolio).

    Only the awards the notice listed are marked, so a badge that arrived meanwhile is
    still announced. A POST, because opening a page must never change the record.
    """
    try:
        shown = {uuid.UUID(value) for value in request.POST.getlist("award")}
    except ValueError:
        return HttpResponseBadRequest(
            _("This request is not understood: reload the page and try again.")
        )
    # One row kind, the learner's own: no service step to share with anything else.
    BadgeAward.objects.filter(user=request.user, uuid__in=shown, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
    if request.POST.get("then") == "portfolio":
        return redirect("learners:portfolio")
    return redirect("learners:dashboard")


@login_required
def portfolio(request):
    sections = portfolio_sections.sections_for(request.user)
    return TemplateResponse(
        request,
        "learners/portfolio.html",
        {
            "stages": learner_portfolio(request.user, sections),
            "portfolio_sections": sections,
            "is_child": is_child(request.user),
            "profile": learner_profile_for(request.user),
        },
    )


@login_required
def baked_badge(request, uuid):
    """The badge picture with its assertion baked in, to keep or upload elsewhere."""
    award = _own_award(request, uuid)
    if award.revoked:
        raise Http404
    png = bake_png(badge_png(award.badge), assertion_json(award))
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="manabi-badge-{award.uuid}.png"'
    return response


@login_required
@require_POST
def badge_visibility(request, uuid):
    award = _own_award(request, uuid)
    try:
        set_badge_public(award, request.POST.get("public") == "1", acting_user=request.user)
    except BadgeNotAwardable as refusal:
        messages.error(request, str(refusal))
    else:
        if award.public:
            messages.success(
                request, _("The badge is public now: anyone with its link can see it.")
            )
        else:
            messages.success(request, _("The badge is private now."))
    return redirect("learners:portfolio")


@login_required
def portfolio_transcript(request):
    profile = learner_profile_for(request.user)
    sections = portfolio_sections.sections_for(request.user)
    pdf = render_transcript(
        display_name=profile.display_name if profile else request.user.get_username(),
        stages=learner_portfolio(request.user, sections),
        issuer_name=issuer_json()["name"],
        sections=sections,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="manabi-transcript.pdf"'
    return response


@login_required
def portfolio_assertions(request):
    """A JSON bundle of the learner's Open Badges assertions (revoked ones marked)."""
    awards = BadgeAward.objects.filter(user=request.user).select_related("badge")
    bundle = {
        "issuer": issuer_json(),
        "assertions": [assertion_json(award) for award in awards.order_by("issued_on")],
    }
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="manabi-badges.json"'
    return response
