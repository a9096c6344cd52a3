"""The coordinator's shift view: who is coming with contact and languages, the waitlist,
and recording attendance and hours; only for their own organisations' shifts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from opportunities.models import Placement, Shift
from tests.factories import TEST_PASSWORD
from tests.opportunities.builders import (
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_shift(reference_data):
    organisation = make_organisation()
    coordinator = make_coordinator(organisations=[organisation])
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "en"
    profile.save()
    opportunity = make_opportunity(organisation)
    ended = timezone.now() - timedelta(hours=2)
    shift = Shift.objects.create(
        opportunity=opportunity,
        starts_at=ended - timedelta(hours=3),
        ends_at=ended,
        place="木場潟公園",
        capacity=20,
    )
    return coordinator, shift


def signed_in(client, user):
    client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_the_shift_view_lists_who_is_coming_with_contact_and_languages(client, ended_shift):
    coordinator, shift = ended_shift
    ana = make_graduate("ペレイラ アナ", languages=[("pt", 3), ("ja", 2)])
    waiting = make_graduate("待機 さん")
    Placement.objects.create(shift=shift, learner=ana)
    Placement.objects.create(shift=shift, learner=waiting, status=Placement.Status.WAITLISTED)

    page = signed_in(client, coordinator).get(reverse("shifts:detail", args=[shift.pk]))

    text = page.content.decode()
    assert "ペレイラ アナ" in text and ana.email in text
    assert "Portuguese (Português) (Fluent)" in text
    assert "Waitlist" in text and "待機 さん" in text
    index = client.get(reverse("shifts:index")).content.decode()
    assert reverse("shifts:detail", args=[shift.pk]) in index


def test_the_coordinator_records_three_hours(client, ended_shift):
    coordinator, shift = ended_shift
    graduate = make_graduate()
    placement = Placement.objects.create(shift=shift, learner=graduate)

    response = signed_in(client, coordinator).post(
        reverse("shifts:record", args=[shift.pk, placement.pk]),
        {"attended": "yes", "hours": "3"},
        follow=True,
    )

    assert "Recorded." in response.content.decode()
    placement.refresh_from_db()
    assert placement.hours_approved == Decimal("3") and placement.attended is True


def test_bad_hours_in_the_form_are_refused_with_the_reason(client, ended_shift):
    coordinator, shift = ended_shift
    placement = Placement.objects.create(shift=shift, learner=make_graduate())
    response = signed_in(client, coordinator).post(
        reverse("shifts:record", args=[shift.pk, placement.pk]),
        {"attended": "yes", "hours": "5"},
        follow=True,
    )
    assert "longer than the shift" in response.content.decode()
    placement.refresh_from_db()
    assert placement.hours_approved is None


def test_another_organisations_shift_is_refused(client, ended_shift):
    _coordinator, shift = ended_shift
    placement = Placement.objects.create(shift=shift, learner=make_graduate())
    outsider = make_coordinator(organisations=[make_organisation("別の会", district="ataka")])
    signed_in(client, outsider)

    assert client.get(reverse("shifts:detail", args=[shift.pk])).url == reverse("wagtailadmin_home")
    response = client.post(
        reverse("shifts:record", args=[shift.pk, placement.pk]), {"attended": "yes", "hours": "3"}
    )
    assert response.url == reverse("wagtailadmin_home")
    placement.refresh_from_db()
    assert placement.hours_approved is None
    assert (
        reverse("shifts:detail", args=[shift.pk])
        not in client.get(reverse("shifts:index")).content.decode()
    )


def test_the_shift_view_costs_the_same_queries_for_more_people(client, ended_shift):
    coordinator, shift = ended_shift
    signed_in(client, coordinator)
    url = reverse("shifts:detail", args=[shift.pk])

    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    Placement.objects.create(shift=shift, learner=make_graduate("一人目"))
    one = queries()
    for number in range(9):
        Placement.objects.create(
            shift=shift, learner=make_graduate(f"追加 {number}", languages=[("ja", 3), ("en", 2)])
        )
    assert queries() == one
