"""The admin's matching runs: start one, watch it progress, review its proposals.

Coordinators see the runs over their own organisations' opportunities (City staff see
all: ``opportunities.permissions``); another organisation's run answers 403 on every URL.
A run is queued for the task worker, so starting one over the whole city never holds the
request; its page refreshes itself until the run is done.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from learners.models import ConsentPurpose, ConsentRecord
from learners.permissions import has_permission
from learners.services.badges import child_accounts
from opportunities.matching import Violation, render_reasons, render_violations
from opportunities.matching_input import read_labels
from opportunities.models import MatchingRun, Opportunity, Proposal, Shift
from opportunities.permissions import (
    CHANGE_PROPOSAL,
    START_RUN,
    matching_run_policy,
    opportunities_managed_by,
    runs_visible_to,
)
from opportunities.services import (
    MatchingRefused,
    add_graduate_to_run,
    remove_proposal,
    start_matching_run,
)
from opportunities.services.matching_runs import explain_run, stored_reasons
from opportunities.services.offers import OfferRefused, send_offers_for_run

VIEW_RUNS = "opportunities.view_matchingrun"
REASON_LANGUAGES = (("ja", "日本語"), ("en", "English"))
# Graduates listed when a coordinator searches to add one by hand.
SEARCH_RESULTS = 20


def _require(user, permission):
    if not has_permission(user, permission):
        raise PermissionDenied


def _visible_run(request, run_id):
    run = get_object_or_404(MatchingRun, pk=run_id)
    if not matching_run_policy.user_has_permission_for_instance(request.user, "view", run):
        raise PermissionDenied
    return run


def run_index(request):
    _require(request.user, VIEW_RUNS)
    runs = (
        runs_visible_to(request.user)
        .select_related("started_by")
        .annotate(
            proposal_count=Count(
                "proposals",
                filter=Q(proposals__status__in=[Proposal.Status.PROPOSED, Proposal.Status.ADDED]),
            ),
            opportunity_count=Count("opportunities", distinct=True),
        )
        .order_by("-created_at", "-id")[:50]
    )
    matchable = (
        opportunities_managed_by(request.user, "view")
        .filter(status=Opportunity.Status.OPEN)
        .select_related("organisation")
        .order_by("organisation__name_ja", "title_ja")
    )
    return TemplateResponse(
        request,
        "opportunities/admin/run_index.html",
        {
            "runs": runs,
            "matchable": matchable,
            "may_start": has_permission(request.user, START_RUN),
        },
    )


@require_POST
def start_run(request):
    _require(request.user, START_RUN)
    managed = opportunities_managed_by(request.user, "view").filter(status=Opportunity.Status.OPEN)
    if request.POST.get("scope") == "all":
        opportunities = list(managed)
    else:
        chosen = [value for value in request.POST.getlist("opportunity") if value.isdigit()]
        opportunities = list(Opportunity.objects.filter(pk__in=chosen))
    try:
        run = start_matching_run(request.user, opportunities)
    except MatchingRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("matching_runs:index")
    messages.success(request, _("The run has started: its proposals appear here when it ends."))
    return redirect("matching_runs:detail", run.pk)


def _reason_language(request):
    wanted = request.GET.get("reasons")
    codes = [code for code, _name in REASON_LANGUAGES]
    if wanted in codes:
        return wanted
    active = (translation.get_language() or "ja").split("-")[0]
    return active if active in codes else "en"


def _graduate_name(user):
    profile = getattr(user, "learner_profile", None)
    return profile.display_name if profile is not None else user.get_username()


def _rows_by_shift(proposals, labels, language):
    """{shift id: [(proposal, name, reasons text, broken constraints)]}."""
    found = {}
    for proposal in proposals:
        violations = [Violation(*item) for item in proposal.violations]
        found.setdefault(proposal.shift_id, []).append(
            {
                "proposal": proposal,
                "name": _graduate_name(proposal.learner),
                "reasons": render_reasons(stored_reasons(proposal), labels, language),
                "violations": render_violations(violations, labels, language),
            }
        )
    return found


def _matchable_graduates(query):
    """Graduates a coordinator may add by hand: open to offers (their latest decision),
    not children, matching ``query`` by name; never anyone who has not consented."""
    latest_consent = Subquery(
        ConsentRecord.objects.filter(
            user=OuterRef("pk"), purpose=ConsentPurpose.OPPORTUNITY_MATCHING
        )
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    graduates = (
        get_user_model()
        .objects.filter(matching_profile__isnull=False, is_active=True)
        .annotate(open_to_offers=latest_consent)
        .filter(open_to_offers=True)
        .exclude(pk__in=child_accounts())
        .select_related("learner_profile")
        .filter(Q(learner_profile__display_name__icontains=query) | Q(username__icontains=query))
    )
    return graduates.order_by("learner_profile__display_name", "pk")[:SEARCH_RESULTS]


def run_detail(request, run_id):
    run = _visible_run(request, run_id)
    language = _reason_language(request)
    context = {
        "run": run,
        "reason_language": language,
        "reason_languages": REASON_LANGUAGES,
        "in_progress": run.status in (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING),
        "may_change": has_permission(request.user, CHANGE_PROPOSAL),
    }
    if run.status == MatchingRun.Status.DONE:
        proposals = list(
            run.proposals.select_related("learner__learner_profile").order_by(
                "shift_id", "rank", "id"
            )
        )
        badge_ids = set()
        competency_ids = set()
        for proposal in proposals:
            for code, subject, *_rest in proposal.reasons + proposal.violations:
                if code in ("badge", "badges"):
                    badge_ids.add(subject)
                elif code in ("competency", "competencies"):
                    competency_ids.add(subject)
        labels = read_labels(badge_ids, competency_ids)
        active = [
            p for p in proposals if p.status in (Proposal.Status.PROPOSED, Proposal.Status.ADDED)
        ]
        alternatives = [p for p in proposals if p.status == Proposal.Status.ALTERNATIVE]
        removed = [p for p in proposals if p.status == Proposal.Status.REMOVED]
        chosen = _rows_by_shift(active, labels, language)
        spare = _rows_by_shift(alternatives, labels, language)
        dropped = _rows_by_shift(removed, labels, language)
        shifts = (
            Shift.objects.filter(opportunity__in=run.opportunities.all())
            .select_related("opportunity__organisation")
            .order_by("opportunity_id", "starts_at", "id")
        )
        query = request.GET.get("q", "").strip()[:100]
        context.update(
            {
                "shifts": [
                    {
                        "shift": shift,
                        "proposals": chosen.get(shift.pk, []),
                        "alternatives": spare.get(shift.pk, []),
                        "removed": dropped.get(shift.pk, []),
                    }
                    for shift in shifts
                ],
                "shift_choices": shifts,
                "proposal_count": len(active),
                "nobody_eligible": explain_run(run, language),
                "query": query,
                "found": _matchable_graduates(query) if query else None,
            }
        )
    return TemplateResponse(request, "opportunities/admin/run_detail.html", context)


@require_POST
def remove(request, run_id, proposal_id):
    run = _visible_run(request, run_id)
    proposal = get_object_or_404(Proposal, pk=proposal_id, run=run)
    try:
        remove_proposal(proposal, acting_user=request.user)
    except MatchingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(name)s was removed from the proposals.")
            % {"name": _graduate_name(proposal.learner)},
        )
    return redirect(_back_to(run, request))


@require_POST
def add(request, run_id):
    run = _visible_run(request, run_id)
    shift = Shift.objects.filter(pk=_number(request.POST.get("shift"))).first()
    learner = get_user_model().objects.filter(pk=_number(request.POST.get("learner"))).first()
    if shift is None or learner is None:
        messages.error(request, _("Choose a graduate and a shift."))
        return redirect(_back_to(run, request))
    try:
        proposal = add_graduate_to_run(run, shift, learner, acting_user=request.user)
    except MatchingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if proposal.violations:
            messages.warning(
                request,
                _("%(name)s was added, though the pair breaks some requirements (shown below).")
                % {"name": _graduate_name(learner)},
            )
        else:
            messages.success(
                request,
                _("%(name)s was added to the proposals.") % {"name": _graduate_name(learner)},
            )
    return redirect(_back_to(run, request))


@require_POST
def send_offers(request, run_id):
    run = _visible_run(request, run_id)
    try:
        offers = send_offers_for_run(run, acting_user=request.user)
    except OfferRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s offer sent: the graduate is told in the app and by email.",
                "%(count)s offers sent: each graduate is told in the app and by email.",
                len(offers),
            )
            % {"count": len(offers)}
            if offers
            else _("Everyone proposed has an offer or a place already."),
        )
    return redirect(_back_to(run, request))


def _number(value):
    return int(value) if value and value.isdigit() else None


def _back_to(run, request):
    url = reverse("matching_runs:detail", args=[run.pk])
    language = request.POST.get("reasons")
    if language in dict(REASON_LANGUAGES):
        url += f"?reasons={language}"
    return url


class RunsMenuItem(MenuItem):
    def is_shown(self, request):
        return has_permission(request.user, VIEW_RUNS)


class MatchingRunViewSet(ViewSet):
    """Matching runs in the admin, under the "Local activities" menu."""

    icon = "resubmit"
    menu_label = gettext_lazy("Matching runs")
    menu_order = 300

    def get_urlpatterns(self):
        return [
            path("", run_index, name="index"),
            path("start/", start_run, name="start"),
            path("<int:run_id>/", run_detail, name="detail"),
            path("<int:run_id>/add/", add, name="add"),
            path("<int:run_id>/offers/", send_offers, name="send_offers"),
            path("<int:run_id>/proposals/<int:proposal_id>/remove/", remove, name="remove"),
        ]

    @property
    def url_namespace(self):
        return "matching_runs"

    def get_menu_item(self, order=None):
        return RunsMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name="matching-runs",
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )
