"""The learner's offers and places (/me/offers/): answer an offer in one step, give a
place back; and the /me/ card that puts open offers first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from learners.dashboard_links import DashboardLink
from opportunities.matching import Reason, render_reasons
from opportunities.matching_input import read_labels
from opportunities.models import Offer, Placement
from opportunities.services.offers import (
    OfferRefused,
    accept_offer,
    cancel_placement,
    decline_offer,
    open_offers_of,
)

NOTE_LIMIT = 1000


def _language():
    from django.utils.translation import get_language

    return (get_language() or "ja").split("-")[0]


@login_required
def my_offers(request):
    now = timezone.now()
    offers = list(open_offers_of(request.user, now))
    labels = read_labels() if any(offer.reasons for offer in offers) else None
    language = _language()
    rows = [
        {
            "offer": offer,
            "reasons": render_reasons(tuple(Reason(*r) for r in offer.reasons), labels, language)
            if offer.reasons
            else "",
        }
        for offer in offers
    ]
    placements = (
        Placement.objects.filter(
            learner=request.user,
            status__in=[Placement.Status.CONFIRMED, Placement.Status.WAITLISTED],
            shift__ends_at__gt=now,
        )
        .select_related("shift__opportunity__organisation", "shift__opportunity__district")
        .order_by("shift__starts_at", "id")
    )
    return TemplateResponse(
        request,
        "opportunities/offers/my_offers.html",
        {"offers": rows, "placements": placements},
    )


def _own_offer(request, offer_id):
    offer = Offer.objects.filter(pk=offer_id, learner=request.user).first()
    if offer is None:
        raise Http404
    return offer


@login_required
@require_POST
def answer_offer(request, offer_id):
    offer = _own_offer(request, offer_id)
    note = request.POST.get("note", "")[:NOTE_LIMIT]
    title = offer.shift.opportunity.title
    try:
        if request.POST.get("answer") == "accept":
            placement = accept_offer(offer, acting_user=request.user, note=note)
            if placement.status == Placement.Status.CONFIRMED:
                messages.success(
                    request, _("You have a place: %(title)s. Thank you!") % {"title": title}
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The last place of %(title)s was taken just before you answered: "
                        "you are on the waitlist and get the place if one comes free."
                    )
                    % {"title": title},
                )
        elif request.POST.get("answer") == "decline":
            decline_offer(offer, acting_user=request.user, note=note)
            messages.success(request, _("You declined %(title)s.") % {"title": title})
        else:
            messages.error(request, _("Choose to accept or to decline."))
    except OfferRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("my_offers")


@login_required
@require_POST
def give_back_place(request, placement_id):
    placement = Placement.objects.filter(pk=placement_id, learner=request.user).first()
    if placement is None:
        raise Http404
    try:
        cancel_placement(placement, acting_user=request.user)
    except OfferRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("You gave back your place: %(title)s.")
            % {"title": placement.shift.opportunity.title},
        )
    return redirect("my_offers")


def offers_dashboard_link(user):
    """The /me/ card: open offers first, when there are any."""
    count = open_offers_of(user).count()
    if not count:
        return None
    return DashboardLink(
        title=_("Offers waiting for your answer"),
        description=ngettext(
            "%(count)s offer from a local organisation is waiting for your answer.",
            "%(count)s offers from local organisations are waiting for your answer.",
            count,
        )
        % {"count": count},
        url=reverse("my_offers"),
        action=_("See and answer"),
        urgent=True,
    )
