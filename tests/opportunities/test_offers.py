"""Offers: a coordinator sends them, the graduate answers in one step, a shift never takes
more people than its places, the waitlist is served in order, and every refusal changes
nothing."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from learners.models import SpokenLanguage
from opportunities.models import Offer, Opportunity, Placement, Shift
from opportunities.services import run_matching
from opportunities.services.offers import (
    OfferRefused,
    accept_offer,
    cancel_placement,
    decline_offer,
    expire_offers,
    send_offer,
    send_offers_for_run,
)
from outbox.models import OutboxMessage
from tests.factories import TEST_PASSWORD
from tests.opportunities.builders import (
    make_badge,
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def survey(reference_data):
    organisation = make_organisation()
    coordinator = make_coordinator(organisations=[organisation])
    opportunity = make_opportunity(organisation, capacity=1)
    return coordinator, opportunity, opportunity.shifts.get()


def test_a_run_is_sent_as_offers_and_each_graduate_is_told_in_their_language(
    survey, django_capture_on_commit_callbacks
):
    coordinator, opportunity, shift = survey
    shift.capacity = 2
    shift.save()
    ana = make_graduate("ペレイラ アナ", languages=[("pt", 3)])
    ana.learner_profile.languages.set(SpokenLanguage.objects.filter(code="pt"))
    hanako = make_graduate("山田 花子")
    run = run_matching(coordinator, [opportunity])

    with django_capture_on_commit_callbacks(execute=True):
        offers = send_offers_for_run(run, acting_user=coordinator)

    assert {offer.learner for offer in offers} == {ana, hanako}
    assert all(offer.reply_by < shift.starts_at for offer in offers)
    assert all(offer.reasons for offer in offers)
    by_address = {
        to[0]: subject for to, subject in OutboxMessage.objects.values_list("to", "subject")
    }
    assert "An offer from" in by_address[ana.email]  # Portuguese speaker: English for now
    assert "からの依頼" in by_address[hanako.email]  # Japanese speaker: Japanese
    # Sending again offers nobody twice.
    assert send_offers_for_run(run, acting_user=coordinator) == []


def test_an_email_that_fails_never_loses_the_offer(survey, django_capture_on_commit_callbacks):
    coordinator, _opportunity, shift = survey
    graduate = make_graduate()
    with mock.patch(
        "opportunities.services.offers.send_offer_email", side_effect=OSError("mail down")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            offer = send_offer(shift, graduate, acting_user=coordinator)
    assert Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).exists()


def test_accepting_takes_the_place_and_the_next_acceptance_joins_the_waitlist(survey):
    coordinator, _opportunity, shift = survey
    first, second = make_graduate("一番 さん"), make_graduate("二番 さん")
    offer_one = send_offer(shift, first, acting_user=coordinator)
    offer_two = send_offer(shift, second, acting_user=coordinator)

    placed = accept_offer(offer_one, acting_user=first, note="よろしくお願いします")
    waiting = accept_offer(offer_two, acting_user=second)

    assert placed.status == Placement.Status.CONFIRMED
    assert waiting.status == Placement.Status.WAITLISTED
    offer_two.refresh_from_db()
    assert offer_two.status == Offer.Status.WAITLISTED
    assert shift.placements.filter(status=Placement.Status.CONFIRMED).count() == 1


def test_giving_back_a_place_promotes_the_first_on_the_waitlist(survey):
    coordinator, _opportunity, shift = survey
    holder, early, late = (make_graduate(name) for name in ("保有 さん", "早い さん", "遅い さん"))
    for graduate in (holder, early, late):
        accept_offer(send_offer(shift, graduate, acting_user=coordinator), acting_user=graduate)

    promoted = cancel_placement(shift.placements.get(learner=holder), acting_user=holder)

    assert [placement.learner for placement in promoted] == [early]
    statuses = dict(shift.placements.values_list("learner__username", "status"))
    assert statuses == {
        holder.username: Placement.Status.CANCELLED,
        early.username: Placement.Status.CONFIRMED,
        late.username: Placement.Status.WAITLISTED,
    }


def test_a_graduate_cannot_hold_two_places_at_overlapping_times(survey):
    coordinator, opportunity, shift = survey
    other = Shift.objects.create(
        opportunity=opportunity,
        starts_at=shift.starts_at + timedelta(hours=1),
        ends_at=shift.ends_at + timedelta(hours=1),
        place="木場潟公園 北園地",
        capacity=5,
    )
    graduate = make_graduate()
    accept_offer(send_offer(shift, graduate, acting_user=coordinator), acting_user=graduate)
    clashing = send_offer(other, graduate, acting_user=coordinator)

    with pytest.raises(OfferRefused, match="already have a place at that time"):
        accept_offer(clashing, acting_user=graduate)
    clashing.refresh_from_db()
    assert clashing.status == Offer.Status.OPEN
    assert not other.placements.exists()


def test_refusals_change_nothing(survey):
    coordinator, opportunity, shift = survey
    graduate, someone_else = make_graduate(), make_graduate("他人 さん")
    offer = send_offer(shift, graduate, acting_user=coordinator)

    with pytest.raises(OfferRefused, match="someone else"):
        accept_offer(offer, acting_user=someone_else)
    with pytest.raises(OfferRefused, match="someone else"):
        decline_offer(offer, acting_user=someone_else)

    Offer.objects.filter(pk=offer.pk).update(reply_by=timezone.now() - timedelta(minutes=1))
    offer.refresh_from_db()
    with pytest.raises(OfferRefused, match="expired"):
        accept_offer(offer, acting_user=graduate)
    assert expire_offers() == 1
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    with pytest.raises(OfferRefused, match="already been answered or has ended"):
        accept_offer(offer, acting_user=graduate)
    assert not Placement.objects.exists()

    opportunity.status = Opportunity.Status.CLOSED
    opportunity.save()
    with pytest.raises(OfferRefused, match="not open"):
        send_offer(shift, someone_else, acting_user=coordinator)
    opportunity.status = Opportunity.Status.OPEN
    opportunity.save()
    past = Shift.objects.create(
        opportunity=opportunity,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2),
        place="木場潟公園",
        capacity=3,
    )
    with pytest.raises(OfferRefused, match="already started"):
        send_offer(past, someone_else, acting_user=coordinator)
    outsider = make_coordinator(organisations=[make_organisation("別の会", district="ataka")])
    with pytest.raises(OfferRefused, match="may not send offers"):
        send_offer(shift, someone_else, acting_user=outsider)
    assert Offer.objects.count() == 1


def test_the_learner_answers_from_me_and_sees_offers_first(client, survey):
    coordinator, _opportunity, shift = survey
    graduate = make_graduate()
    offer = send_offer(shift, graduate, acting_user=coordinator, reasons=[["not_asked_recently"]])
    client.login(username=graduate.username, password=TEST_PASSWORD)

    dashboard = client.get("/en/me/").content.decode()
    assert "Offers waiting for your answer" in dashboard
    assert dashboard.index("Offers waiting for your answer") < dashboard.index("My portfolio")
    page = client.get("/en/me/offers/").content.decode()
    assert "木場潟の水質調査" in page or "Kibagata water survey" in page
    assert "not asked recently" in page

    response = client.post(
        reverse("answer_offer", args=[offer.pk]), {"answer": "accept", "note": "楽しみです"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.answer_note == "楽しみです"
    assert "Offers waiting for your answer" not in client.get("/en/me/").content.decode()


def test_nobody_answers_or_gives_back_anothers_offer_or_place(client, survey):
    coordinator, _opportunity, shift = survey
    graduate, intruder = make_graduate(), make_graduate("侵入 さん")
    offer = send_offer(shift, graduate, acting_user=coordinator)
    placement = accept_offer(offer, acting_user=graduate)
    client.login(username=intruder.username, password=TEST_PASSWORD)

    assert (
        client.post(reverse("answer_offer", args=[offer.pk]), {"answer": "decline"}).status_code
        == 404
    )
    assert client.post(reverse("give_back_place", args=[placement.pk])).status_code == 404
    placement.refresh_from_db()
    assert placement.status == Placement.Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_sixteen_graduates_accepting_the_last_place_at_once_never_overbook(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite locks the file")
    organisation = make_organisation()
    coordinator = make_coordinator(organisations=[organisation])
    opportunity = make_opportunity(organisation, capacity=1, required_badges=[make_badge()])
    shift = opportunity.shifts.get()
    graduates = [make_graduate(f"同時 {number}") for number in range(16)]
    offers = [send_offer(shift, graduate, acting_user=coordinator) for graduate in graduates]
    start = threading.Barrier(len(offers))
    outcomes, errors = [], []

    def accept(offer, graduate):
        try:
            start.wait()
            outcomes.append(accept_offer(offer, acting_user=graduate).status)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=accept, args=(offer, graduate))
        for offer, graduate in zip(offers, graduates, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count(Placement.Status.CONFIRMED) == 1
    assert outcomes.count(Placement.Status.WAITLISTED) == 15
    assert shift.placements.filter(status=Placement.Status.CONFIRMED).count() == 1


def test_the_coordinator_sends_a_runs_offers_from_the_review_page(
    client, survey, django_capture_on_commit_callbacks
):
    from wagtail.users.models import UserProfile

    coordinator, opportunity, _shift = survey
    graduate = make_graduate()
    run = run_matching(coordinator, [opportunity])
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "en"
    profile.save()
    client.login(username=coordinator.username, password=TEST_PASSWORD)

    page = client.get(reverse("matching_runs:detail", args=[run.pk])).content.decode()
    assert "Send the offer to the 1 graduate proposed" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching_runs:send_offers", args=[run.pk]), follow=True)

    assert "1 offer sent" in response.content.decode()
    assert Offer.objects.get().learner == graduate
    assert OutboxMessage.objects.filter(to=[graduate.email]).exists()


def test_the_expire_offers_command_ends_offers_past_their_date(survey):
    from io import StringIO

    from django.core.management import call_command

    coordinator, _opportunity, shift = survey
    offer = send_offer(shift, make_graduate(), acting_user=coordinator)
    Offer.objects.filter(pk=offer.pk).update(reply_by=timezone.now() - timedelta(seconds=1))
    output = StringIO()
    call_command("expire_offers", stdout=output)
    assert "1 offers expired" in output.getvalue()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
