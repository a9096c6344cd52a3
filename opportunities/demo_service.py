"""Demo: the path from a proposal into action, on top of the demo opportunities.

After a matching run by the demo coordinator, graduates have answered offers (accepted
places, one shift full with a waitlist), the demo learner has an open offer waiting for
an answer and a past clean-up with three approved hours. Idempotent: a second run changes
nothing (the demo run is made once, marked by the offers it left).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from curriculum.badge_rules import VOLUNTEER_HOURS
from curriculum.models import BadgeDefinition
from opportunities.matching_input import read_candidates
from opportunities.models import Offer, Opportunity, Placement, Proposal, Shift
from opportunities.services import run_matching
from opportunities.services.hours import record_attendance
from opportunities.services.offers import accept_offer, send_offers_for_run

DEMO_LEARNER = "learner"
DEMO_COORDINATOR = "coordinator"
PAST_SHIFT_PLACE = "木場潟公園 中央園地 管理棟前"
PAST_SHIFT_HOURS = 3


def _kibagata_opportunities(coordinator):
    return list(
        Opportunity.objects.filter(
            organisation__coordinators=coordinator, status=Opportunity.Status.OPEN
        ).order_by("pk")
    )


def _past_clean_up(coordinator, today):
    """A clean-up three weeks ago, three hours long, on the coordinator's first opportunity
    (a shift the demo adds so that there is service to show)."""
    opportunity = (
        Opportunity.objects.filter(
            organisation__coordinators=coordinator, title_ja__contains="クリーンアップ"
        ).first()
        or _kibagata_opportunities(coordinator)[0]
    )
    day = today - timedelta(days=21 + (today.weekday() - 5) % 7)  # a Saturday
    starts_at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9, 0))
    shift, _created = Shift.objects.get_or_create(
        opportunity=opportunity,
        starts_at=starts_at,
        defaults={
            "ends_at": starts_at + timedelta(hours=PAST_SHIFT_HOURS),
            "place": PAST_SHIFT_PLACE,
            "capacity": 15,
        },
    )
    return shift


HOURS_BADGE = {
    "name_ja": "地域で活動 はじめの3時間",
    "name_en": "Community service: the first 3 hours",
    "description": "学んだことを生かして、地域の活動に3時間参加しました。",
    "criteria_narrative": "地域の団体の活動で、承認された活動時間が3時間に達しました。",
}


def ensure_demo_hours_badge():
    """The demo's volunteer-hours badge (three approved hours): the demo learner earns it
    from the past clean-up."""
    badge, _created = BadgeDefinition.objects.get_or_create(
        name_ja=HOURS_BADGE["name_ja"],
        defaults={**HOURS_BADGE, "rule_type": VOLUNTEER_HOURS, "hours_threshold": 3},
    )
    return badge


@transaction.atomic
def create_demo_service(today=None):
    """Returns a summary: offers sent, places taken, people waitlisted, hours approved."""
    today = today or timezone.localdate()
    users = get_user_model().objects.in_bulk(
        [DEMO_LEARNER, DEMO_COORDINATOR], field_name="username"
    )
    learner, coordinator = users.get(DEMO_LEARNER), users.get(DEMO_COORDINATOR)
    summary = {"offers": 0, "accepted": 0, "waitlisted": 0, "hours": 0}
    if learner is None or coordinator is None or not _kibagata_opportunities(coordinator):
        return summary
    if Offer.objects.filter(sent_by=coordinator).exists():
        return summary  # made before

    # Service done: a past clean-up with three approved hours for the demo learner, who
    # earns the hours badge with them (awarded once the attendance is committed).
    ensure_demo_hours_badge()
    past = _past_clean_up(coordinator, today)
    placement, _created = Placement.objects.get_or_create(shift=past, learner=learner)
    if placement.hours_approved is None:
        record_attendance(
            placement, attended=True, hours=str(PAST_SHIFT_HOURS), acting_user=coordinator
        )
        summary["hours"] += PAST_SHIFT_HOURS

    # A run over the coordinator's opportunities, sent as offers.
    run = run_matching(coordinator, _kibagata_opportunities(coordinator))
    offers = send_offers_for_run(run, acting_user=coordinator)
    summary["offers"] = len(offers)

    # The demo learner is asked too, for the first open shift they are not placed on, so
    # that /me/ has an offer waiting (the engine's reasons, as for anyone proposed).
    if not any(offer.learner_id == learner.pk for offer in offers):
        proposal = (
            Proposal.objects.filter(run=run, learner=learner).order_by("status", "rank").first()
        )
        shift = proposal.shift if proposal else None
        if shift is None:
            shift = (
                Shift.objects.filter(
                    opportunity__in=_kibagata_opportunities(coordinator),
                    starts_at__gt=timezone.now(),
                )
                .order_by("starts_at")
                .first()
            )
        if shift is not None:
            Offer.objects.create(
                shift=shift,
                learner=learner,
                proposal=proposal,
                reasons=proposal.reasons if proposal else [],
                sent_by=coordinator,
                reply_by=min(timezone.now() + timedelta(days=3), shift.starts_at),
            )
            summary["offers"] += 1

    # Most of the others said yes; on the fullest shift the last ones are waitlisted.
    for number, offer in enumerate(o for o in offers if o.learner_id != learner.pk):
        if number % 4 == 3:
            continue  # still thinking about it
        placement = accept_offer(offer, acting_user=offer.learner)
        key = "accepted" if placement.status == Placement.Status.CONFIRMED else "waitlisted"
        summary[key] += 1
    if not summary["waitlisted"]:
        summary["waitlisted"] = _fill_one_shift(run, coordinator)
    return summary


def _fill_one_shift(run, coordinator):
    """Make the smallest shift that has acceptances full, then one more graduate open to
    offers says yes and waits in line: the demo's waitlist. Returns how many wait."""
    from django.db.models import Count, Q

    offered = Offer.objects.filter(proposal__run=run).values("shift_id")
    shift = (
        Shift.objects.filter(pk__in=offered)
        .annotate(taken=Count("placements", filter=Q(placements__status="confirmed")))
        .filter(taken__gte=1)
        .order_by("capacity", "starts_at")
        .first()
    )
    if shift is None:
        return 0
    shift.capacity = shift.taken
    shift.save(update_fields=["capacity"])
    busy = Placement.objects.filter(
        shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at
    ).values("learner_id")
    graduates = [
        candidate for candidate in read_candidates() if candidate.consent and not candidate.is_child
    ]
    waiting_user = (
        get_user_model()
        .objects.filter(pk__in=[candidate.id for candidate in graduates])
        .exclude(pk__in=busy)
        .exclude(opportunity_offers__shift=shift)
        .exclude(username=DEMO_LEARNER)
        .order_by("username")
        .first()
    )
    if waiting_user is None:
        return 0
    offer = Offer.objects.create(
        shift=shift,
        learner=waiting_user,
        sent_by=coordinator,
        reply_by=min(timezone.now() + timedelta(days=3), shift.starts_at),
    )
    placement = accept_offer(offer, acting_user=waiting_user)
    return int(placement.status == Placement.Status.WAITLISTED)
