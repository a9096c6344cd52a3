"""Learners' placements as iCalendar (RFC 5545): the private feed that calendar apps
subscribe to (/calendar/<token>.ics) and the one-event file of a single placement.

Only confirmed placements become events: a waitlisted place is not yet a place, and a
cancelled one is gone (a subscribed calendar drops an event that leaves the feed).
Times are written in Asia/Tokyo local time with its VTIMEZONE, so an activity at 9:00 in
Komatsu shows at 9:00 whatever the server's or the reader's zone. The texts are the
Japanese ones (calendar apps read the feed without a language), with the English title
added to the description when there is one.
"""

from datetime import UTC, date, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opportunities.models import Placement

TOKYO = ZoneInfo("Asia/Tokyo")
PRODID = "-//Komatsu City and Kanazawa University//Manabi//JA"
# The feed shows what is coming and what happened in these last days.
FEED_PAST_DAYS = 90
# Japan has kept one offset since 1951: the VTIMEZONE covers every date a shift can have.
_TIMEZONE_RANGE = (date(1970, 1, 1), date(2100, 1, 1))


def calendar_placements(user, *, now=None):
    """The user's confirmed placements for their feed: upcoming ones and those that
    ended in the last ``FEED_PAST_DAYS`` days, with what the events show (one query)."""
    now = now or timezone.now()
    return (
        Placement.objects.filter(
            learner=user,
            status=Placement.Status.CONFIRMED,
            shift__ends_at__gte=now - timedelta(days=FEED_PAST_DAYS),
        )
        .select_related(
            "shift__opportunity__organisation",
            "shift__opportunity__district",
        )
        .order_by("shift__starts_at", "id")
    )


def upcoming_confirmed_count(user, *, now=None):
    """How many confirmed placements of the user have not ended yet."""
    return Placement.objects.filter(
        learner=user,
        status=Placement.Status.CONFIRMED,
        shift__ends_at__gt=now or timezone.now(),
    ).count()


def _host():
    return urlsplit(settings.MANABI_BASE_URL).hostname or "manabi.invalid"


def placement_uid(placement):
    """The event's UID: the same placement is the same event in every fetch."""
    return f"placement-{placement.pk}@{_host()}"


def _location(shift):
    district = shift.opportunity.district
    return f"{shift.place}, 石川県小松市 {district.name_ja}地区"


def _description(opportunity, url):
    lines = []
    if opportunity.title_en and opportunity.title_en != opportunity.title_ja:
        lines.append(opportunity.title_en)
    organisation = opportunity.organisation
    organisation_name = organisation.name_ja
    if organisation.name_en and organisation.name_en != organisation.name_ja:
        organisation_name = f"{organisation.name_ja} ({organisation.name_en})"
    lines.append(_("Organised by: %(organisation)s") % {"organisation": organisation_name})
    lines.append(_("Details: %(url)s") % {"url": url})
    return "\n".join(lines)


def _event(placement, *, stamp):
    shift = placement.shift
    opportunity = shift.opportunity
    url = settings.MANABI_BASE_URL + opportunity.get_absolute_url()
    event = icalendar.Event()
    event.add("uid", placement_uid(placement))
    event.add("dtstamp", stamp)
    event.add("dtstart", shift.starts_at.astimezone(TOKYO))
    event.add("dtend", shift.ends_at.astimezone(TOKYO))
    event.add("summary", opportunity.title_ja)
    event.add("location", _location(shift))
    if opportunity.latitude is not None and opportunity.longitude is not None:
        event.add("geo", (float(opportunity.latitude), float(opportunity.longitude)))
    event.add("description", _description(opportunity, url))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    # No revision counter is kept: clients that subscribe re-read the whole feed.
    event.add("sequence", 0)
    event.add("last-modified", max(placement.status_changed_at, opportunity.updated_at))
    event.add("transp", "OPAQUE")
    reminder = icalendar.Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("trigger", timedelta(days=-1))
    reminder.add("description", _("Tomorrow: %(title)s") % {"title": opportunity.title_ja})
    event.add_component(reminder)
    return event


def placements_calendar(placements, *, name):
    """An iCalendar file (bytes) with one VEVENT for each confirmed placement given.

    ``placements`` should come with their shift, opportunity, organisation and district
    (as ``calendar_placements`` selects them); waitlisted and cancelled ones are skipped.
    ``name`` is the calendar's name in calendar apps (X-WR-CALNAME).
    """
    with translation.override(settings.LANGUAGE_CODE):
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", str(name))
        calendar.add("x-wr-timezone", "Asia/Tokyo")
        first, last = _TIMEZONE_RANGE
        calendar.add_component(
            icalendar.Timezone.from_tzinfo(
                TOKYO, tzid="Asia/Tokyo", first_date=first, last_date=last
            )
        )
        stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
        for placement in placements:
            if placement.status == Placement.Status.CONFIRMED:
                calendar.add_component(_event(placement, stamp=stamp))
        return calendar.to_ical()
