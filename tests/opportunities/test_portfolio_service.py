"""Volunteer service on the graduate's portfolio and transcript: approved hours of confirmed
places, in total, per organisation and per SDG, and each shift on the life-stage timeline;
never hours not approved, never another graduate's; the same queries however many places.

Texts are asserted on the English pages (/en/...)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from curriculum.models import SustainableDevelopmentGoal
from learners import transcript
from opportunities.models import Opportunity, Placement, Shift
from opportunities.services.hours import record_attendance, submit_hours
from tests.opportunities.builders import (
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
)

pytestmark = pytest.mark.django_db
PORTFOLIO = "/en/me/portfolio/"
TRANSCRIPT = "/en/me/portfolio/transcript.pdf"


class Record:
    """Organisations with their coordinators, and a graduate to serve their shifts."""

    def __init__(self):
        self.graduate = make_graduate()
        self._coordinators = {}
        self._days = 0

    def organisation(self, name_ja, district="kiba"):
        organisation = make_organisation(name_ja, district=district)
        self._coordinators[organisation.pk] = make_coordinator(organisations=[organisation])
        return organisation

    def placement(
        self, organisation, title_en, *, sdgs=(6,), graduate=None, status=None, days_ago=None
    ):
        opportunity = make_opportunity(organisation, title_ja=title_en, shifts=0, sdgs=sdgs)
        Opportunity.objects.filter(pk=opportunity.pk).update(title_en=title_en)
        self._days += 1
        ended = timezone.now() - timedelta(days=days_ago or self._days)
        shift = Shift.objects.create(
            opportunity=opportunity,
            starts_at=ended - timedelta(hours=3),
            ends_at=ended,
            place="公民館",
            capacity=5,
        )
        return Placement.objects.create(
            shift=shift,
            learner=graduate or self.graduate,
            status=status or Placement.Status.CONFIRMED,
        )

    def serve(self, organisation, title_en, hours="3", **placement):
        placement = self.placement(organisation, title_en, **placement)
        return record_attendance(
            placement,
            attended=True,
            hours=hours,
            acting_user=self._coordinators[organisation.pk],
        )


@pytest.fixture
def record(reference_data):
    return Record()


def sdg_label(number):
    with translation.override("en"):
        return str(SustainableDevelopmentGoal.objects.get(number=number))


def row(label, hours):
    return f'<tr><th scope="row">{label}</th><td>{hours}</td></tr>'


def test_the_portfolio_shows_total_hours_per_organisation_and_per_sdg(client, record):
    kiba = record.organisation("木場潟を守る会")
    ataka = record.organisation("安宅の町内会", district="ataka")
    record.serve(kiba, "Water survey", "3", sdgs=(6, 14))
    record.serve(kiba, "Shore clean-up", "1.5", sdgs=(14,))
    record.serve(ataka, "Disaster drill", "2.25", sdgs=(11,))

    client.force_login(record.graduate)
    html = client.get(PORTFOLIO).content.decode()

    assert '<h2 id="portfolio-section-1">Volunteer service</h2>' in html
    assert "Total approved hours: <strong>6.75</strong>" in html
    # Most hours first.
    assert html.index(row("木場潟を守る会", "4.5")) < html.index(row("安宅の町内会", "2.25"))
    # Per SDG, an activity counting for each of its goals.
    assert row(sdg_label(6), "3") in html
    assert row(sdg_label(14), "4.5") in html
    assert row(sdg_label(11), "2.25") in html
    assert sdg_label(15) not in html
    # Each shift on the timeline, with its organisation and hours.
    assert "<h3>Water survey</h3>" in html
    assert "<h3>Disaster drill</h3>" in html
    assert "Approved hours: 2.25" in html


def test_service_takes_its_place_on_the_life_stage_timeline(client, record):
    kiba = record.organisation("木場潟を守る会")
    record.serve(kiba, "Water survey", "3")
    client.force_login(record.graduate)
    html = client.get(PORTFOLIO).content.decode()
    stage = html.index('<h2 id="stage-1">')  # the graduate (born 1990) is an adult now
    item = html.index("<h3>Water survey</h3>")
    assert stage < item
    assert "木場潟を守る会 · <time" in html[item:]


def test_hours_not_approved_never_show(client, record):
    kiba = record.organisation("木場潟を守る会")
    record.serve(kiba, "Water survey", "2")
    submitted = record.placement(kiba, "Submitted only")
    submit_hours(submitted, "3", acting_user=record.graduate)
    no_show = record.placement(kiba, "Did not come")
    record_attendance(no_show, attended=False, acting_user=record._coordinators[kiba.pk])
    cancelled = record.placement(kiba, "Cancelled place", status=Placement.Status.CANCELLED)
    Placement.objects.filter(pk=cancelled.pk).update(hours_approved=3)
    waiting = record.placement(kiba, "Waiting place", status=Placement.Status.WAITLISTED)
    Placement.objects.filter(pk=waiting.pk).update(hours_approved=3)

    client.force_login(record.graduate)
    html = client.get(PORTFOLIO).content.decode()
    assert "Total approved hours: <strong>2</strong>" in html
    assert row("木場潟を守る会", "2") in html
    for title in ("Submitted only", "Did not come", "Cancelled place", "Waiting place"):
        assert title not in html


def test_no_section_without_approved_hours(client, record):
    kiba = record.organisation("木場潟を守る会")
    submit_hours(record.placement(kiba, "Submitted only"), "3", acting_user=record.graduate)
    client.force_login(record.graduate)
    html = client.get(PORTFOLIO).content.decode()
    assert "Volunteer service" not in html and "Submitted only" not in html


def test_another_graduates_hours_never_appear(client, record):
    kiba = record.organisation("木場潟を守る会")
    ataka = record.organisation("安宅の町内会", district="ataka")
    record.serve(kiba, "Water survey", "3")
    other = make_graduate("他人 さん")
    record.serve(ataka, "Someone else's drill", "2", graduate=other, sdgs=(11,))

    client.force_login(record.graduate)
    html = client.get(PORTFOLIO).content.decode()
    assert "Total approved hours: <strong>3</strong>" in html
    assert "安宅の町内会" not in html and "Someone else's drill" not in html
    assert sdg_label(11) not in html

    written = transcript_texts(client)
    assert "安宅の町内会" not in " ".join(written)


def transcript_texts(client):
    """Every paragraph the transcript PDF was written with."""
    written = []
    real_paragraph = transcript.Paragraph

    def recording_paragraph(text, *args, **kwargs):
        written.append(text)
        return real_paragraph(text, *args, **kwargs)

    transcript.Paragraph = recording_paragraph
    try:
        response = client.get(TRANSCRIPT)
    finally:
        transcript.Paragraph = real_paragraph
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return written


def test_the_transcript_has_a_volunteer_service_section(client, record):
    kiba = record.organisation("木場潟を守る会")
    ataka = record.organisation("安宅の町内会", district="ataka")
    record.serve(kiba, "Water survey", "3", sdgs=(6,))
    record.serve(ataka, "Disaster drill", "2.5", sdgs=(11,))
    unapproved = record.placement(kiba, "Submitted only")
    submit_hours(unapproved, "3", acting_user=record.graduate)

    client.force_login(record.graduate)
    written = transcript_texts(client)

    # The section comes after the timeline, where "Volunteer service" names each shift's kind.
    section = len(written) - 1 - written[::-1].index("Volunteer service")
    assert written[section + 1] == "Total approved hours: 5.5"
    after = written[section:]
    assert after[after.index("木場潟を守る会") + 1] == "3"
    assert after[after.index("安宅の町内会") + 1] == "2.5"
    assert sdg_label(11) in after
    # Each shift also on the timeline of its life stage.
    assert "Water survey (木場潟を守る会), approved hours: 3" in written
    assert not any("Submitted only" in text for text in written)


def test_the_portfolio_takes_the_same_queries_for_1_or_10_places(client, record):
    organisations = [record.organisation(f"団体{number}") for number in range(10)]
    record.serve(organisations[0], "Activity 0", "1", sdgs=(6,))
    client.force_login(record.graduate)
    client.get(PORTFOLIO)  # warm the session and the caches

    with CaptureQueriesContext(connection) as one_place:
        assert client.get(PORTFOLIO).status_code == 200
    for number in range(1, 10):
        record.serve(organisations[number], f"Activity {number}", "1", sdgs=(number + 1,))
    with CaptureQueriesContext(connection) as ten_places:
        html = client.get(PORTFOLIO).content.decode()
    assert "Total approved hours: <strong>10</strong>" in html
    assert len(ten_places) == len(one_place)

    client.get(TRANSCRIPT)  # warm the issuer's settings
    with CaptureQueriesContext(connection) as transcript_queries:
        client.get(TRANSCRIPT)
    record.serve(organisations[0], "Activity 10", "1", sdgs=(17,))
    with CaptureQueriesContext(connection) as more_transcript_queries:
        client.get(TRANSCRIPT)
    assert len(more_transcript_queries) == len(transcript_queries)
