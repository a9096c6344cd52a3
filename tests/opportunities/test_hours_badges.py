"""Volunteer-hours badges: earned once a graduate's approved hours reach the badge's
threshold (counting only the badge's SDGs when it has some), awarded once, never when
inactive, never again once revoked."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from curriculum.badge_rules import MANUAL_ONLY, VOLUNTEER_HOURS
from curriculum.models import BadgeDefinition, SustainableDevelopmentGoal
from learners.models import BadgeAward
from learners.services.badges import revoke_badge
from opportunities.models import Placement, Shift
from opportunities.services.hours import approve_submitted_hours, record_attendance, submit_hours
from opportunities.services.hours_badges import award_hours_badges
from tests.opportunities.builders import (
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def hours_badge(threshold="5", *, sdgs=(), active=True, name_ja="ボランティア5時間"):
    badge = BadgeDefinition.objects.create(
        name_ja=name_ja,
        name_en="Five hours of service",
        description="地域の活動に5時間参加しました。",
        criteria_narrative="承認された活動時間が5時間になりました。",
        rule_type=VOLUNTEER_HOURS,
        hours_threshold=Decimal(threshold),
        active=active,
    )
    badge.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
    return badge


class Service:
    """A coordinator, a graduate, and ended shifts of three hours to place them on."""

    def __init__(self):
        self.organisation = make_organisation()
        self.coordinator = make_coordinator(organisations=[self.organisation])
        self.graduate = make_graduate()
        self._days = 0

    def placement(self, *, sdgs=(6, 14, 15), graduate=None, status=Placement.Status.CONFIRMED):
        opportunity = make_opportunity(self.organisation, shifts=0, sdgs=sdgs)
        self._days += 1
        ended = timezone.now() - timedelta(days=self._days)
        shift = Shift.objects.create(
            opportunity=opportunity,
            starts_at=ended - timedelta(hours=3),
            ends_at=ended,
            place="木場潟公園",
            capacity=5,
        )
        return Placement.objects.create(
            shift=shift, learner=graduate or self.graduate, status=status
        )

    def serve(self, hours="3", **placement):
        """A shift served and its hours recorded, committed (on_commit callbacks run)."""
        placement = self.placement(**placement)
        record_attendance(placement, attended=True, hours=hours, acting_user=self.coordinator)
        return placement


@pytest.fixture
def service(reference_data, django_capture_on_commit_callbacks):
    service = Service()
    original_serve = service.serve

    def serve_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original_serve(*args, **kwargs)

    service.serve = serve_and_commit
    return service


def awards_of(user):
    return list(BadgeAward.objects.filter(user=user).select_related("badge"))


def test_crossing_the_threshold_awards_the_badge_once(service, mailoutbox):
    badge = hours_badge("5")
    service.serve("3")
    assert awards_of(service.graduate) == []  # 3 of 5 hours

    service.serve("3")  # 6 hours: across
    (award,) = awards_of(service.graduate)
    assert (award.badge, award.awarded_by, award.revoked) == (badge, None, False)
    assert len(mailoutbox) == 1

    service.serve("3")  # 9 hours: no second award, no second email
    assert awards_of(service.graduate) == [award]
    assert BadgeAward.objects.get().issued_on == award.issued_on
    assert len(mailoutbox) == 1


def test_reaching_the_threshold_exactly_is_enough(service):
    badge = hours_badge("6")
    service.serve("3")
    service.serve("3")
    assert [award.badge for award in awards_of(service.graduate)] == [badge]


def test_below_the_threshold_nothing_is_awarded(service):
    hours_badge("10")
    for _ in range(3):
        service.serve("3")
    assert awards_of(service.graduate) == []
    assert award_hours_badges(service.graduate) == []


def test_only_approved_hours_of_confirmed_places_count(service, django_capture_on_commit_callbacks):
    hours_badge("3")
    submitted = service.placement()
    submitted = submit_hours(submitted, "3", acting_user=service.graduate)  # not approved
    cancelled = service.placement(status=Placement.Status.CANCELLED)
    Placement.objects.filter(pk=cancelled.pk).update(hours_approved=Decimal("3"))
    no_show = service.placement()
    with django_capture_on_commit_callbacks(execute=True):
        record_attendance(no_show, attended=False, acting_user=service.coordinator)
    assert award_hours_badges(service.graduate) == []

    with django_capture_on_commit_callbacks(execute=True):
        approve_submitted_hours(submitted, acting_user=service.coordinator)
    assert len(awards_of(service.graduate)) == 1


def test_the_badge_is_awarded_after_the_attendance_commits(
    service, django_capture_on_commit_callbacks
):
    hours_badge("3")
    placement = service.placement()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record_attendance(placement, attended=True, hours="3", acting_user=service.coordinator)
        assert awards_of(service.graduate) == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(awards_of(service.graduate)) == 1


def test_a_badge_with_sdgs_counts_only_hours_on_activities_tagged_with_them(service):
    climate = hours_badge("4", sdgs=(13,), name_ja="気候の活動4時間")
    water = hours_badge("6", sdgs=(6, 14), name_ja="水の活動6時間")
    any_service = hours_badge("9", name_ja="ボランティア9時間")

    service.serve("3", sdgs=(6, 14, 15))  # water, counted once though tagged 6 and 14
    service.serve("3", sdgs=(11,))  # neither
    assert awards_of(service.graduate) == []  # water 3 of 6, climate 0 of 4, any 6 of 9

    service.serve("3", sdgs=(13, 14))  # climate 3, water 6, any 9
    assert {award.badge for award in awards_of(service.graduate)} == {water, any_service}

    service.serve("1", sdgs=(13,))  # climate 4
    assert {award.badge for award in awards_of(service.graduate)} == {
        water,
        any_service,
        climate,
    }


def test_an_inactive_badge_is_never_awarded(service):
    hours_badge("3", active=False)
    service.serve("3")
    service.serve("3")
    assert awards_of(service.graduate) == []


def test_a_revoked_hours_badge_stays_revoked(service):
    hours_badge("3")
    service.serve("3")
    (award,) = awards_of(service.graduate)
    revoke_badge(award, reason="記録の誤り", acting_user=service.coordinator)

    service.serve("3")
    (still,) = awards_of(service.graduate)
    assert still.pk == award.pk and still.revoked


def test_another_graduates_hours_never_count(service):
    hours_badge("3")
    other = make_graduate("他人 さん")
    service.serve("3", graduate=other)
    assert awards_of(service.graduate) == []
    assert len(awards_of(other)) == 1


def test_evaluating_takes_the_same_queries_however_many_badges_and_places(
    service, django_assert_num_queries
):
    hours_badge("1000", sdgs=(6,))
    service.serve("3")
    with django_assert_num_queries(4):  # badges, their SDGs, placements, their SDGs
        assert award_hours_badges(service.graduate) == []
    for number in range(5):
        hours_badge("1000", sdgs=(number + 1,), name_ja=f"ボランティア{number}")
        service.serve("3")
    with django_assert_num_queries(4):
        assert award_hours_badges(service.graduate) == []


# The model's validation -----------------------------------------------------------


def badge_with(rule_type, threshold):
    return BadgeDefinition(
        name_ja="ボランティア",
        name_en="Service",
        description="…",
        criteria_narrative="…",
        rule_type=rule_type,
        hours_threshold=None if threshold is None else Decimal(threshold),
    )


def test_a_volunteer_hours_badge_needs_a_threshold_above_zero(reference_data):
    with pytest.raises(ValidationError) as missing:
        badge_with(VOLUNTEER_HOURS, None).full_clean()
    assert "hours_threshold" in missing.value.message_dict
    for threshold in ("0", "-2"):
        with pytest.raises(ValidationError, match="above zero"):
            badge_with(VOLUNTEER_HOURS, threshold).full_clean()
    badge_with(VOLUNTEER_HOURS, "10").full_clean()  # accepted


def test_other_rules_refuse_a_threshold(reference_data):
    with pytest.raises(ValidationError, match="Only the volunteer-hours rule"):
        badge_with(MANUAL_ONLY, "5").full_clean()
    badge_with(MANUAL_ONLY, None).full_clean()
