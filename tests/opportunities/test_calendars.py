"""Learners' placements in their calendar apps: the private feed, one placement's file,
the page that shows and resets the feed address, and the card on /me/.

Texts of the pages are asserted on the English pages (/en/...).
"""

import datetime
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from learners.permissions import NotPermitted
from opportunities.models import CalendarFeed, Placement, Shift
from opportunities.services.calendars import feed_for, reset_feed
from tests.factories import make_learner
from tests.opportunities.builders import (
    make_opportunity,
    make_organisation,
    next_saturday_morning,
)

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
BASE_URL = "https://manabi.example.jp"  # MANABI_BASE_URL of the test settings


def feed_path(user):
    return f"/calendar/{feed_for(user).token}.ics"


def events_of(response):
    assert response.status_code == 200
    return Calendar.from_ical(response.content).walk("VEVENT")


def make_shift(opportunity, starts_at, *, hours=3, place="木場潟公園"):
    return Shift.objects.create(
        opportunity=opportunity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        place=place,
        capacity=5,
    )


def saturday_midnight_utc(weeks=1):
    """Next Saturday (or the one ``weeks`` later) at 00:00 UTC: 9:00 in Komatsu."""
    saturday = next_saturday_morning(weeks)[0].date()
    return datetime.datetime.combine(saturday, datetime.time(0), tzinfo=UTC)


@pytest.fixture
def survey(reference_data):
    return make_opportunity(make_organisation(), shifts=0)


@pytest.fixture
def learner(reference_data):
    return make_learner("calendar-owner", display_name="木場 花子")


def test_the_feed_has_one_event_for_each_confirmed_placement_of_its_learner(
    client, survey, learner
):
    confirmed = Placement.objects.create(
        shift=make_shift(survey, saturday_midnight_utc(1)), learner=learner
    )
    recent = Placement.objects.create(
        shift=make_shift(survey, timezone.now() - timedelta(days=10)), learner=learner
    )
    Placement.objects.create(
        shift=make_shift(survey, timezone.now() - timedelta(days=120)), learner=learner
    )
    for weeks, status in ((2, Placement.Status.WAITLISTED), (3, Placement.Status.CANCELLED)):
        Placement.objects.create(
            shift=make_shift(survey, saturday_midnight_utc(weeks)), learner=learner, status=status
        )
    someone_else = make_learner("someone-else")
    Placement.objects.create(shift=confirmed.shift, learner=someone_else)
    Placement.objects.create(
        shift=make_shift(survey, saturday_midnight_utc(4)), learner=someone_else
    )

    events = events_of(client.get(feed_path(learner)))

    assert sorted(str(event["UID"]) for event in events) == sorted(
        f"placement-{placement.pk}@manabi.example.jp" for placement in (confirmed, recent)
    )


def test_events_are_in_komatsu_local_time_with_what_a_participant_needs(client, survey, learner):
    placement = Placement.objects.create(
        shift=make_shift(survey, saturday_midnight_utc()), learner=learner
    )

    response = client.get(feed_path(learner))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Tokyo"
    assert str(calendar["X-WR-CALNAME"])
    assert str(calendar["PRODID"])
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    [event] = calendar.walk("VEVENT")
    start = event["DTSTART"]
    assert start.params["TZID"] == "Asia/Tokyo"
    assert start.dt.tzinfo is not None
    assert (start.dt.hour, start.dt.minute) == (9, 0)
    assert start.dt == saturday_midnight_utc()
    saturday = saturday_midnight_utc().astimezone(TOKYO)
    assert f"DTSTART;TZID=Asia/Tokyo:{saturday:%Y%m%d}T090000" in response.content.decode()
    assert event["DTEND"].dt.astimezone(TOKYO).hour == 12
    assert str(event["SUMMARY"]) == "木場潟の水質調査"
    location = str(event["LOCATION"])
    assert "木場潟公園" in location and "小松市" in location and "木場" in location
    detail_url = f"{BASE_URL}/opportunities/{survey.pk}/"
    assert str(event["URL"]) == detail_url
    description = str(event["DESCRIPTION"])
    assert detail_url in description
    assert "Kibagata water survey" in description
    assert "木場潟を守る会" in description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTAMP"].dt.tzinfo is not None
    [reminder] = event.walk("VALARM")
    assert str(reminder["ACTION"]) == "DISPLAY"
    assert reminder["TRIGGER"].dt == -timedelta(days=1)
    assert str(event["UID"]) == f"placement-{placement.pk}@manabi.example.jp"


def test_an_event_keeps_its_uid_from_one_fetch_to_the_next(client, survey, learner):
    Placement.objects.create(shift=make_shift(survey, saturday_midnight_utc()), learner=learner)
    path = feed_path(learner)

    first = [str(event["UID"]) for event in events_of(client.get(path))]
    Placement.objects.create(shift=make_shift(survey, saturday_midnight_utc(2)), learner=learner)
    second = [str(event["UID"]) for event in events_of(client.get(path))]

    assert len(first) == 1 and len(second) == 2
    assert first[0] in second


def test_an_unknown_or_inactive_token_is_not_found(client, learner):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    path = feed_path(learner)
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    assert client.get(path).status_code == 404


def test_resetting_the_address_retires_the_old_one(client, survey, learner):
    Placement.objects.create(shift=make_shift(survey, saturday_midnight_utc()), learner=learner)
    old_path = feed_path(learner)
    client.force_login(learner)

    response = client.post("/en/me/calendar/", follow=True)

    assert response.redirect_chain[-1][0] == "/en/me/calendar/"
    assert "Your calendar has a new address" in response.content.decode()
    new_path = feed_path(learner)
    assert new_path != old_path
    assert new_path in response.content.decode()
    client.logout()
    assert client.get(old_path).status_code == 404
    assert len(events_of(client.get(new_path))) == 1


def test_only_the_learner_themself_may_reset_their_address(learner):
    token = feed_for(learner).token
    intruder = make_learner("intruder")

    with pytest.raises(NotPermitted):
        reset_feed(learner, acting_user=intruder)
    with pytest.raises(NotPermitted):
        reset_feed(learner, acting_user=None)

    assert CalendarFeed.objects.get(user=learner).token == token
    assert reset_feed(learner, acting_user=learner).token != token


def test_a_placement_downloads_as_one_event_for_its_own_learner_only(client, survey, learner):
    placement = Placement.objects.create(
        shift=make_shift(survey, saturday_midnight_utc()), learner=learner
    )
    waitlisted = Placement.objects.create(
        shift=make_shift(survey, saturday_midnight_utc(2)),
        learner=learner,
        status=Placement.Status.WAITLISTED,
    )
    path = f"/me/placements/{placement.pk}.ics"

    assert client.get(path).status_code == 302  # to the login page

    client.force_login(make_learner("not-the-owner"))
    assert client.get(path).status_code == 404

    client.force_login(learner)
    response = client.get(path)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    [event] = events_of(response)
    assert str(event["UID"]) == f"placement-{placement.pk}@manabi.example.jp"
    assert client.get(f"/me/placements/{waitlisted.pk}.ics").status_code == 404


def test_the_calendar_page_needs_login_and_shows_the_private_address(client, survey, learner):
    Placement.objects.create(shift=make_shift(survey, saturday_midnight_utc()), learner=learner)

    response = client.get("/en/me/calendar/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(learner)
    html = client.get("/en/me/calendar/").content.decode()
    token = CalendarFeed.objects.get(user=learner).token
    assert f'value="{BASE_URL}/calendar/{token}.ics"' in html
    assert f'href="webcal://manabi.example.jp/calendar/{token}.ics"' in html
    assert "How to subscribe" in html
    assert "Reset my calendar address" in html
    assert "Keep this address to yourself." in html
    placement = Placement.objects.get(learner=learner)
    assert f'href="/en/me/placements/{placement.pk}.ics"' in html
    # Showing the page again shows the same address: only resetting changes it.
    assert f"{token}.ics" in client.get("/en/me/calendar/").content.decode()


def test_the_dashboard_card_counts_upcoming_confirmed_activities(client, survey, learner):
    for weeks in (1, 2):
        Placement.objects.create(
            shift=make_shift(survey, saturday_midnight_utc(weeks)), learner=learner
        )
    Placement.objects.create(
        shift=make_shift(survey, saturday_midnight_utc(3)),
        learner=learner,
        status=Placement.Status.CANCELLED,
    )
    Placement.objects.create(
        shift=make_shift(survey, timezone.now() - timedelta(days=3)), learner=learner
    )
    client.force_login(learner)

    html = client.get("/en/me/").content.decode()

    assert "My calendar" in html
    assert "You have 2 upcoming confirmed activities." in html
    assert 'href="/en/me/calendar/"' in html


def test_the_feed_costs_the_same_queries_for_1_and_10_placements(client, reference_data):
    organisation = make_organisation()

    def learner_with(count):
        user = make_learner()
        for number in range(count):
            # Each on its own activity: nothing is fetched per event.
            opportunity = make_opportunity(organisation, title_ja=f"活動{number}", shifts=0)
            shift = make_shift(opportunity, saturday_midnight_utc(number + 1))
            Placement.objects.create(shift=shift, learner=user)
        return feed_path(user)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            events = events_of(client.get(path))
        return len(captured), len(events)

    one, ten = learner_with(1), learner_with(10)
    queries(one)  # warm per-process caches
    assert queries(one)[1] == 1
    assert queries(ten)[1] == 10
    assert queries(one)[0] == queries(ten)[0] <= 2
