"""Hours after a shift: only approved hours count, never more than the shift without a
reason, never negative, and only the shift's own coordinators record them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opportunities.models import Placement, Shift
from opportunities.services.hours import (
    HoursRefused,
    approve_submitted_hours,
    approved_hours,
    record_attendance,
    submit_hours,
)
from tests.opportunities.builders import (
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def served(reference_data):
    """A graduate placed on a three-hour shift that ended yesterday."""
    organisation = make_organisation()
    coordinator = make_coordinator(organisations=[organisation])
    opportunity = make_opportunity(organisation)
    ended = timezone.now() - timedelta(days=1)
    shift = Shift.objects.create(
        opportunity=opportunity,
        starts_at=ended - timedelta(hours=3),
        ends_at=ended,
        place="木場潟公園",
        capacity=5,
    )
    graduate = make_graduate()
    placement = Placement.objects.create(shift=shift, learner=graduate)
    return coordinator, graduate, placement


def test_the_coordinator_records_three_hours_and_only_approved_hours_count(served):
    coordinator, graduate, placement = served
    assert approved_hours(graduate) == 0
    submit_hours(placement, "3", acting_user=graduate)
    assert approved_hours(graduate) == 0  # submitted is not approved

    record_attendance(placement, attended=True, hours="3", acting_user=coordinator)

    assert approved_hours(graduate) == Decimal("3")
    placement.refresh_from_db()
    assert placement.attended is True and placement.hours_approved_by == coordinator


def test_submitted_hours_are_approved_or_corrected(served):
    coordinator, graduate, placement = served
    submit_hours(placement, "2.5", acting_user=graduate)
    approve_submitted_hours(placement, acting_user=coordinator, hours="2")
    assert approved_hours(graduate) == Decimal("2")


def test_a_no_show_is_recorded_without_hours(served):
    coordinator, graduate, placement = served
    record_attendance(placement, attended=False, acting_user=coordinator)
    placement.refresh_from_db()
    assert placement.attended is False and placement.hours_approved is None
    assert approved_hours(graduate) == 0


@pytest.mark.parametrize(
    "hours, reason, message",
    [
        ("4", "", "longer than the shift"),
        ("-1", "", "cannot be negative"),
        ("abc", "", "as a number"),
        ("2.1", "", "quarters of an hour"),
        ("NaN", "", "as a number"),
    ],
)
def test_bad_hours_are_refused_and_nothing_changes(served, hours, reason, message):
    coordinator, graduate, placement = served
    with pytest.raises(HoursRefused, match=message):
        record_attendance(
            placement, attended=True, hours=hours, reason=reason, acting_user=coordinator
        )
    placement.refresh_from_db()
    assert placement.hours_approved is None and placement.attended is None


def test_hours_beyond_the_shift_need_a_reason(served):
    coordinator, graduate, placement = served
    record_attendance(
        placement,
        attended=True,
        hours="4",
        reason="片付けが1時間延びました",
        acting_user=coordinator,
    )
    assert approved_hours(graduate) == Decimal("4")


def test_only_the_shifts_coordinators_record_hours_and_only_after_it(served):
    _coordinator, graduate, placement = served
    outsider = make_coordinator(organisations=[make_organisation("別の会", district="ataka")])
    with pytest.raises(HoursRefused, match="your own organisations"):
        record_attendance(placement, attended=True, hours="3", acting_user=outsider)
    with pytest.raises(HoursRefused, match="your own organisations"):
        record_attendance(placement, attended=True, hours="3", acting_user=graduate)
    other = make_graduate("他人 さん")
    with pytest.raises(HoursRefused, match="someone else"):
        submit_hours(placement, "3", acting_user=other)

    coordinator = _coordinator
    upcoming = Placement.objects.create(
        shift=placement.shift.opportunity.shifts.filter(starts_at__gt=timezone.now()).first(),
        learner=graduate,
    )
    with pytest.raises(HoursRefused, match="after the shift has ended"):
        record_attendance(upcoming, attended=True, hours="1", acting_user=coordinator)
    assert approved_hours(graduate) == 0
