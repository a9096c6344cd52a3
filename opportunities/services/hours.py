"""After a shift: who came, and the hours that count.

The coordinator records attendance and hours, or approves (or corrects) the hours a
graduate submitted. Approved hours are the only ones that count; never more than the
shift's length without a reason, never negative. A no-show is recorded for the
coordinators and never shown publicly.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.permissions import has_permission
from opportunities.models import Placement, Shift
from opportunities.permissions import opportunity_policy
from opportunities.services.hours_badges import award_hours_badges

RECORD_HOURS = "opportunities.change_opportunity"
# Hours are kept to the quarter of an hour a coordinator writes down.
HOURS_STEP = Decimal("0.25")


class HoursRefused(Exception):
    """The attendance or hours cannot be recorded; the message says why. Nothing changed."""


def _as_hours(value):
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise HoursRefused(_("Give the hours as a number, such as 2.5.")) from None
    if not hours.is_finite():
        raise HoursRefused(_("Give the hours as a number, such as 2.5."))
    if hours < 0:
        raise HoursRefused(_("Hours cannot be negative."))
    if hours % HOURS_STEP:
        raise HoursRefused(_("Give the hours in quarters of an hour, such as 2.25 or 2.5."))
    return hours


def shift_length_hours(shift):
    return Decimal((shift.ends_at - shift.starts_at).total_seconds()) / Decimal(3600)


def _check_length(shift, hours, reason):
    if hours > shift_length_hours(shift) and not reason.strip():
        raise HoursRefused(
            _(
                "%(hours)s hours is longer than the shift (%(length)s hours): say why in the "
                "reason, or correct the hours."
            )
            % {"hours": hours, "length": shift_length_hours(shift).normalize()}
        )


def _locked_placement(placement):
    Shift.objects.select_for_update().get(pk=placement.shift_id)
    return (
        Placement.objects.select_for_update()
        .select_related("shift__opportunity")
        .get(pk=placement.pk)
    )


def _check_runs_shift(placement, acting_user):
    opportunity = placement.shift.opportunity
    if not has_permission(acting_user, RECORD_HOURS) or not (
        opportunity_policy.user_has_permission_for_instance(acting_user, "change", opportunity)
    ):
        raise HoursRefused(_("You may record hours only for your own organisations' shifts."))


def _check_ended(placement, now):
    if placement.shift.ends_at > now:
        raise HoursRefused(_("Hours are recorded after the shift has ended."))
    if placement.status != Placement.Status.CONFIRMED:
        raise HoursRefused(_("Only a confirmed place has hours."))


@transaction.atomic
def record_attendance(placement, *, attended, hours=None, reason="", acting_user):
    """The coordinator's record of one graduate after the shift: came (with the hours
    approved: the shift's length when not given) or did not come."""
    placement = _locked_placement(placement)
    _check_runs_shift(placement, acting_user)
    _check_ended(placement, timezone.now())
    placement.attended = bool(attended)
    if attended:
        approved = (
            _as_hours(hours)
            if hours not in (None, "")
            else shift_length_hours(placement.shift).quantize(HOURS_STEP)
        )
        _check_length(placement.shift, approved, reason)
        placement.hours_approved = approved
    else:
        placement.hours_approved = None
    placement.hours_reason = reason.strip()[:300]
    placement.hours_approved_by = acting_user
    placement.hours_approved_at = timezone.now()
    placement.save(
        update_fields=[
            "attended",
            "hours_approved",
            "hours_reason",
            "hours_approved_by",
            "hours_approved_at",
        ]
    )
    if placement.hours_approved:
        # After the commit, so the badge reads every committed hour (a concurrent record
        # of another shift included) and a failing award never undoes the attendance.
        learner = placement.learner
        transaction.on_commit(lambda: award_hours_badges(learner), robust=True)
    return placement


@transaction.atomic
def submit_hours(placement, hours, *, reason="", acting_user):
    """The graduate says how long they served; a coordinator approves it."""
    placement = _locked_placement(placement)
    if placement.learner_id != getattr(acting_user, "pk", None):
        raise HoursRefused(_("This place belongs to someone else."))
    _check_ended(placement, timezone.now())
    if placement.hours_approved is not None:
        raise HoursRefused(_("Your hours for this shift are already approved."))
    submitted = _as_hours(hours)
    _check_length(placement.shift, submitted, reason)
    placement.hours_submitted = submitted
    placement.hours_reason = reason.strip()[:300]
    placement.save(update_fields=["hours_submitted", "hours_reason"])
    return placement


def approve_submitted_hours(placement, *, acting_user, hours=None, reason=""):
    """Approve what the graduate submitted, or correct it (``hours``)."""
    if hours in (None, "") and placement.hours_submitted is None:
        raise HoursRefused(_("No hours were submitted for this place."))
    given = placement.hours_submitted if hours in (None, "") else hours
    return record_attendance(
        placement,
        attended=True,
        hours=given,
        reason=reason or placement.hours_reason,
        acting_user=acting_user,
    )


def approved_hours(user):
    """The hours that count: approved, for confirmed places."""
    total = Placement.objects.filter(
        learner=user, status=Placement.Status.CONFIRMED, hours_approved__isnull=False
    ).aggregate(total=Sum("hours_approved"))["total"]
    return total or Decimal(0)
