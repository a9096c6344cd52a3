"""Offers and places: a coordinator asks, the graduate answers, and a shift never takes
more people than it has places.

Every step that changes who holds a place locks the shift's row first
(``select_for_update``), so that two graduates accepting the last place at the same moment
are served one after the other: the first takes it, the second joins the waitlist and is
told so. A place that comes free (a decline after acceptance, a cancellation) goes to the
first on the waitlist in the same transaction.
"""

import logging
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learners.permissions import has_permission
from opportunities.models import Offer, Opportunity, Placement, Proposal, Shift
from opportunities.permissions import opportunity_policy

logger = logging.getLogger(__name__)

SEND_OFFER = "opportunities.change_proposal"
# The reply-by date a coordinator is offered first: three days, and never after the day
# before the shift.
DEFAULT_REPLY_DAYS = 3


class OfferRefused(Exception):
    """The offer, answer or change cannot be made; the message says why, in the user's
    language. Nothing was changed."""


def default_reply_by(shift, now=None):
    now = now or timezone.now()
    return min(now + timedelta(days=DEFAULT_REPLY_DAYS), shift.starts_at - timedelta(days=1))


def _check_may_offer(shift, acting_user, reply_by, now):
    opportunity = shift.opportunity
    if not has_permission(acting_user, SEND_OFFER) or not (
        opportunity_policy.user_has_permission_for_instance(acting_user, "change", opportunity)
    ):
        raise OfferRefused(_("You may not send offers for this opportunity."))
    if opportunity.status != Opportunity.Status.OPEN:
        raise OfferRefused(
            _("“%(title)s” is not open: offers are sent only for open opportunities.")
            % {"title": opportunity.title}
        )
    if shift.starts_at <= now:
        raise OfferRefused(_("That shift has already started: it takes no more offers."))
    if reply_by <= now or reply_by > shift.starts_at:
        raise OfferRefused(_("The reply-by date must be after now and before the shift starts."))


def _offer_rows(pairs, acting_user):
    """New Offers for (shift, learner, proposal, reasons, reply_by) tuples, leaving out the
    graduates with an open offer or a place on that shift already (two queries)."""
    shift_ids = {shift.pk for shift, *_rest in pairs}
    already = set(
        Offer.objects.filter(shift_id__in=shift_ids, status=Offer.Status.OPEN).values_list(
            "shift_id", "learner_id"
        )
    ) | set(
        Placement.objects.filter(shift_id__in=shift_ids)
        .exclude(status=Placement.Status.CANCELLED)
        .values_list("shift_id", "learner_id")
    )
    return [
        Offer(
            shift=shift,
            learner=learner,
            proposal=proposal,
            reasons=reasons,
            sent_by=acting_user,
            reply_by=reply_by,
        )
        for shift, learner, proposal, reasons, reply_by in pairs
        if (shift.pk, learner.pk) not in already
    ]


def _tell_about_offers(offers):
    """An email per offer, in the graduate's language, after the offers are stored; a mail
    that cannot be queued never takes the offer with it (the offer stands in /me/)."""
    from opportunities.matching_input import read_labels

    labels = read_labels() if any(offer.reasons for offer in offers) else None
    for offer in offers:
        try:
            send_offer_email(offer, labels=labels)
        except Exception:
            logger.exception("Could not send the email of offer %s", offer.pk)


def send_offer_email(offer, *, labels=None):
    from django.conf import settings

    language = _language_of(offer.learner)
    with translation.override(language):
        context = {
            "offer": offer,
            "opportunity": offer.shift.opportunity,
            "shift": offer.shift,
            "reasons": _reasons_text(offer, language, labels),
            "offers_url": f"{settings.MANABI_BASE_URL}/me/offers/",
        }
        send_mail(
            subject=_("An offer from %(organisation)s: %(title)s")
            % {
                "organisation": offer.shift.opportunity.organisation.name,
                "title": offer.shift.opportunity.title,
            },
            message=render_to_string("opportunities/email/offer.txt", context),
            from_email=None,
            recipient_list=[offer.learner.email],
        )


def _language_of(user):
    """Japanese for those who speak it or say nothing of their languages, English for the
    others (until profiles keep an interface language of their own)."""
    profile = getattr(user, "learner_profile", None)
    spoken = set(profile.languages.values_list("code", flat=True)) if profile else set()
    return "ja" if not spoken or "ja" in spoken else "en"


def _reasons_text(offer, language, labels=None):
    """The engine's reasons in ``language``; ``labels`` are read once per batch of offers."""
    from opportunities.matching import Reason, render_reasons
    from opportunities.matching_input import read_labels

    if not offer.reasons:
        return ""
    reasons = tuple(Reason(*item) for item in offer.reasons)
    return render_reasons(reasons, labels or read_labels(), language)


def send_offers_for_run(run, *, acting_user, reply_by=None):
    """Offer each proposed graduate of ``run`` their shift. Returns the new offers (those
    already offered or placed on that shift are left as they are)."""
    now = timezone.now()
    proposals = list(
        run.proposals.filter(status__in=[Proposal.Status.PROPOSED, Proposal.Status.ADDED])
        .select_related("shift__opportunity__organisation", "learner")
        .order_by("shift_id", "rank")
    )
    if not proposals:
        raise OfferRefused(_("This run has no proposals to send."))
    pairs = []
    for proposal in proposals:
        shift = proposal.shift
        deadline = reply_by or default_reply_by(shift, now)
        _check_may_offer(shift, acting_user, deadline, now)
        pairs.append((shift, proposal.learner, proposal, proposal.reasons, deadline))
    with transaction.atomic():
        offers = Offer.objects.bulk_create(_offer_rows(pairs, acting_user))
        transaction.on_commit(lambda: _tell_about_offers(offers))
    return offers


def send_offer(shift, learner, *, acting_user, reply_by=None, reasons=()):
    """Offer one hand-picked graduate a place on ``shift``."""
    now = timezone.now()
    reply_by = reply_by or default_reply_by(shift, now)
    _check_may_offer(shift, acting_user, reply_by, now)
    with transaction.atomic():
        rows = _offer_rows([(shift, learner, None, list(reasons), reply_by)], acting_user)
        if not rows:
            raise OfferRefused(_("This graduate already has an offer or a place on that shift."))
        offer = Offer.objects.create(
            shift=shift,
            learner=learner,
            reasons=list(reasons),
            sent_by=acting_user,
            reply_by=reply_by,
        )
        transaction.on_commit(lambda: _tell_about_offers([offer]))
    return offer


def _locked_offer(offer, acting_user):
    locked = Offer.objects.select_for_update().select_related("shift").get(pk=offer.pk)
    if locked.learner_id != getattr(acting_user, "pk", None):
        raise OfferRefused(_("This offer was made to someone else."))
    return locked


def _overlapping_placement(learner, shift):
    return (
        Placement.objects.filter(learner=learner, status=Placement.Status.CONFIRMED)
        .exclude(shift=shift)
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .select_related("shift__opportunity")
        .first()
    )


@transaction.atomic
def accept_offer(offer, *, acting_user, note=""):
    """Say yes. Returns the Placement: confirmed when a place was left, waitlisted when the
    shift filled up first (the offer then reads "Accepted, on the waitlist")."""
    now = timezone.now()
    # The shift's row first, then the offer's: every path that takes or frees a place locks
    # in this order, so concurrent acceptances wait for each other instead of deadlocking.
    shift = Shift.objects.select_for_update().get(pk=offer.shift_id)
    offer = _locked_offer(offer, acting_user)
    if offer.status != Offer.Status.OPEN:
        raise OfferRefused(_("This offer has already been answered or has ended."))
    if offer.reply_by <= now:
        raise OfferRefused(_("This offer expired on %(date)s.") % {"date": _local(offer.reply_by)})
    if shift.starts_at <= now:
        raise OfferRefused(_("That shift has already started."))
    clash = _overlapping_placement(offer.learner_id, shift)
    if clash is not None:
        raise OfferRefused(
            _("You already have a place at that time: %(title)s, %(date)s.")
            % {"title": clash.shift.opportunity.title, "date": _local(clash.shift.starts_at)}
        )
    taken = shift.placements.filter(status=Placement.Status.CONFIRMED).count()
    status = Placement.Status.CONFIRMED if taken < shift.capacity else Placement.Status.WAITLISTED
    placement, _created = Placement.objects.update_or_create(
        shift=shift,
        learner_id=offer.learner_id,
        defaults={"status": status, "offer": offer, "status_changed_at": now},
    )
    offer.status = (
        Offer.Status.ACCEPTED if status == Placement.Status.CONFIRMED else Offer.Status.WAITLISTED
    )
    offer.answer_note = note[:1000]
    offer.answered_at = now
    offer.save(update_fields=["status", "answer_note", "answered_at"])
    return placement


@transaction.atomic
def decline_offer(offer, *, acting_user, note=""):
    """Say no; the offer ends and nothing else changes."""
    Shift.objects.select_for_update().get(pk=offer.shift_id)
    offer = _locked_offer(offer, acting_user)
    if offer.status != Offer.Status.OPEN:
        raise OfferRefused(_("This offer has already been answered or has ended."))
    offer.status = Offer.Status.DECLINED
    offer.answer_note = note[:1000]
    offer.answered_at = timezone.now()
    offer.save(update_fields=["status", "answer_note", "answered_at"])
    return offer


def _promote_from_waitlist(shift, now):
    """Give the places free on ``shift`` (locked by the caller) to the first in line who
    have no other place at that time. Returns the promoted placements."""
    free = shift.capacity - shift.placements.filter(status=Placement.Status.CONFIRMED).count()
    promoted = []
    if free <= 0:
        return promoted
    waiting = shift.placements.filter(status=Placement.Status.WAITLISTED).order_by(
        "status_changed_at", "id"
    )
    for placement in waiting:
        if len(promoted) == free:
            break
        if _overlapping_placement(placement.learner_id, shift) is not None:
            continue
        placement.status = Placement.Status.CONFIRMED
        placement.status_changed_at = now
        placement.save(update_fields=["status", "status_changed_at"])
        if placement.offer_id:
            Offer.objects.filter(pk=placement.offer_id).update(status=Offer.Status.ACCEPTED)
        promoted.append(placement)
    return promoted


@transaction.atomic
def cancel_placement(placement, *, acting_user):
    """The graduate gives their place back (or leaves the waitlist); the first in line
    takes it. Returns the placements promoted."""
    now = timezone.now()
    shift = Shift.objects.select_for_update().get(pk=placement.shift_id)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.learner_id != getattr(acting_user, "pk", None):
        raise OfferRefused(_("This place belongs to someone else."))
    if placement.status == Placement.Status.CANCELLED:
        raise OfferRefused(_("This place was already given back."))
    if shift.starts_at <= now:
        raise OfferRefused(_("That shift has already started."))
    placement.status = Placement.Status.CANCELLED
    placement.status_changed_at = now
    placement.save(update_fields=["status", "status_changed_at"])
    return _promote_from_waitlist(shift, now)


def expire_offers(now=None):
    """End the open offers whose reply-by date has passed; returns how many."""
    now = now or timezone.now()
    return Offer.objects.filter(status=Offer.Status.OPEN, reply_by__lte=now).update(
        status=Offer.Status.EXPIRED
    )


def open_offers_of(user, now=None):
    """The offers ``user`` can still answer, soonest deadline first."""
    now = now or timezone.now()
    return (
        Offer.objects.filter(learner=user, status=Offer.Status.OPEN, reply_by__gt=now)
        .filter(Q(shift__starts_at__gt=now))
        .select_related("shift__opportunity__organisation", "shift__opportunity__district")
        .order_by("reply_by", "id")
    )


def _local(moment):
    from django.utils import formats

    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
