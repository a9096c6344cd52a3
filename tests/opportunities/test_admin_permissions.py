"""In the admin, a coordinator sees and changes only their own organisations' records:
listings leave the others out and direct URLs answer 403; City staff see everything;
bad input in the opportunity form is refused with nothing saved."""

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from learners import roles
from opportunities.models import Opportunity, Proposal, Shift
from opportunities.services import run_matching
from tests.factories import TEST_PASSWORD, make_learner
from tests.opportunities.builders import (
    make_badge,
    make_coordinator,
    make_graduate,
    make_opportunity,
    make_organisation,
    next_saturday_morning,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisations(reference_data):
    kibagata = make_organisation("木場潟を守る会")
    ataka = make_organisation("安宅 白砂青松の会", district="ataka")
    coordinator = make_coordinator(organisations=[kibagata])
    other_coordinator = make_coordinator(organisations=[ataka])
    badge = make_badge()
    own = make_opportunity(kibagata, title_ja="木場潟の水質調査", required_badges=[badge])
    theirs = make_opportunity(ataka, title_ja="安宅の松林の手入れ")
    return {
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "kibagata": kibagata,
        "ataka": ataka,
        "own": own,
        "theirs": theirs,
        "badge": badge,
    }


def signed_in(client, user):
    """Signed in, with the admin in English (the messages asserted are Django's own)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.login(username=user.username, password=TEST_PASSWORD)
    return client


def assert_refused(response):
    """Wagtail answers a PermissionDenied in its admin by sending the user back to the
    dashboard with 'Sorry, you do not have permission to access this area.'"""
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_listings_show_only_the_coordinators_own_records(client, two_organisations):
    data = two_organisations
    signed_in(client, data["coordinator"])

    opportunities = client.get(reverse("opportunities_admin:index")).content.decode()
    assert "木場潟の水質調査" in opportunities
    assert "安宅の松林の手入れ" not in opportunities
    organisations = client.get(reverse("organisations:index")).content.decode()
    assert "木場潟を守る会" in organisations
    assert "安宅 白砂青松の会" not in organisations


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history", "usage"])
def test_direct_urls_of_another_organisations_opportunity_are_refused(
    client, two_organisations, view
):
    data = two_organisations
    signed_in(client, data["coordinator"])
    theirs = reverse(f"opportunities_admin:{view}", args=[data["theirs"].pk])
    own = reverse(f"opportunities_admin:{view}", args=[data["own"].pk])

    assert_refused(client.get(theirs))
    assert client.get(own).status_code == 200


def test_posting_to_another_organisations_records_changes_nothing(client, two_organisations):
    data = two_organisations
    signed_in(client, data["coordinator"])

    edit = client.post(
        reverse("opportunities_admin:edit", args=[data["theirs"].pk]), {"title_ja": "乗っ取り"}
    )
    delete = client.post(reverse("opportunities_admin:delete", args=[data["theirs"].pk]))
    organisation = client.post(
        reverse("organisations:edit", args=[data["ataka"].pk]), {"name_ja": "乗っ取り"}
    )

    for response in (edit, delete, organisation):
        assert_refused(response)
    data["theirs"].refresh_from_db()
    data["ataka"].refresh_from_db()
    assert data["theirs"].title_ja == "安宅の松林の手入れ"
    assert data["ataka"].name_ja == "安宅 白砂青松の会"


def test_city_staff_see_every_organisation(client, two_organisations):
    staff = make_learner("citystaff", role=roles.CITY_STAFF)
    signed_in(client, staff)
    listing = client.get(reverse("opportunities_admin:index")).content.decode()
    assert "木場潟の水質調査" in listing and "安宅の松林の手入れ" in listing
    assert client.get(reverse("organisations:add")).status_code == 200


def test_coordinators_cannot_add_organisations_or_choose_coordinators(client, two_organisations):
    data = two_organisations
    signed_in(client, data["coordinator"])
    assert_refused(client.get(reverse("organisations:add")))
    kibagata = data["kibagata"]

    response = client.post(
        reverse("organisations:edit", args=[kibagata.pk]),
        {
            "name_ja": "木場潟を守る会",
            "name_en": "Friends of Lake Kibagata",
            "kind": kibagata.kind,
            "district": kibagata.district.pk,
            "coordinators": [data["other_coordinator"].pk],
        },
    )

    assert response.status_code == 302
    kibagata.refresh_from_db()
    assert kibagata.name_en == "Friends of Lake Kibagata"
    assert list(kibagata.coordinators.all()) == [data["coordinator"]]


def test_learners_never_reach_the_coordination_admin(client, two_organisations):
    signed_in(client, make_learner())
    response = client.get(reverse("opportunities_admin:index"))
    assert response.status_code == 302 and "/cms/login/" in response.url


def opportunity_form(organisation, *, starts_at, ends_at, capacity=5, competency=None, level=1):
    data = {
        "organisation": organisation.pk,
        "title_ja": "木場潟のごみ拾い",
        "title_en": "Kibagata clean-up",
        "description_ja": "湖岸のごみを拾います。",
        "description_en": "",
        "status": "open",
        "district": organisation.district.pk,
        "latitude": "",
        "longitude": "",
        "physical_intensity": "moderate",
        "accessibility_notes": "",
        "min_age": "",
        "minors_need_guardian_consent": "on",
        "shifts-TOTAL_FORMS": "1",
        "shifts-INITIAL_FORMS": "0",
        "shifts-MIN_NUM_FORMS": "1",
        "shifts-MAX_NUM_FORMS": "1000",
        "shifts-0-starts_at": starts_at.strftime("%Y-%m-%d %H:%M"),
        "shifts-0-ends_at": ends_at.strftime("%Y-%m-%d %H:%M"),
        "shifts-0-place": "木場潟公園 中央園地",
        "shifts-0-capacity": str(capacity),
        "shifts-0-id": "",
        "shifts-0-DELETE": "",
        "competency_requirements-TOTAL_FORMS": "0",
        "competency_requirements-INITIAL_FORMS": "0",
        "competency_requirements-MIN_NUM_FORMS": "0",
        "competency_requirements-MAX_NUM_FORMS": "1000",
        "language_requirements-TOTAL_FORMS": "0",
        "language_requirements-INITIAL_FORMS": "0",
        "language_requirements-MIN_NUM_FORMS": "0",
        "language_requirements-MAX_NUM_FORMS": "1000",
    }
    if competency is not None:
        data.update(
            {
                "competency_requirements-TOTAL_FORMS": "1",
                "competency_requirements-0-competency": str(competency),
                "competency_requirements-0-level": str(level),
                "competency_requirements-0-required": "on",
                "competency_requirements-0-id": "",
                "competency_requirements-0-DELETE": "",
            }
        )
    return data


def test_a_coordinator_adds_an_opportunity_with_a_shift(client, two_organisations):
    data = two_organisations
    signed_in(client, data["coordinator"])
    start, end = next_saturday_morning(2)
    response = client.post(
        reverse("opportunities_admin:add"),
        opportunity_form(data["kibagata"], starts_at=start, ends_at=end),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Opportunity.objects.get(title_ja="木場潟のごみ拾い")
    assert created.shifts.get().capacity == 5


@pytest.mark.parametrize(
    "problem, expected",
    [
        ("ends_before_start", "must end after it starts"),
        ("capacity_zero", "greater than or equal to 1"),
        ("unknown_competency", "Select a valid choice"),
        ("other_organisation", "Select a valid choice"),
    ],
)
def test_bad_opportunity_input_is_refused_with_a_clear_message_and_nothing_saved(
    client, two_organisations, problem, expected
):
    data = two_organisations
    signed_in(client, data["coordinator"])
    start, end = next_saturday_morning(2)
    organisation = data["kibagata"]
    fields = {}
    if problem == "ends_before_start":
        start, end = end, start
    elif problem == "capacity_zero":
        fields["capacity"] = 0
    elif problem == "unknown_competency":
        fields["competency"] = 999999
    elif problem == "other_organisation":
        organisation = data["ataka"]
    before = (Opportunity.objects.count(), Shift.objects.count())

    response = client.post(
        reverse("opportunities_admin:add"),
        opportunity_form(organisation, starts_at=start, ends_at=end, **fields),
    )

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert (Opportunity.objects.count(), Shift.objects.count()) == before


def test_runs_and_proposals_of_another_organisation_are_refused(client, two_organisations):
    data = two_organisations
    graduate = make_graduate(badges=[data["badge"]])
    run = run_matching(data["coordinator"], [data["own"]])
    proposal = run.proposals.get(learner=graduate, status=Proposal.Status.PROPOSED)

    signed_in(client, data["other_coordinator"])
    index = client.get(reverse("matching_runs:index")).content.decode()
    assert reverse("matching_runs:detail", args=[run.pk]) not in index
    assert_refused(client.get(reverse("matching_runs:detail", args=[run.pk])))
    removal = client.post(reverse("matching_runs:remove", args=[run.pk, proposal.pk]))
    addition = client.post(
        reverse("matching_runs:add", args=[run.pk]),
        {"shift": data["own"].shifts.get().pk, "learner": graduate.pk},
    )
    start = client.post(reverse("matching_runs:start"), {"opportunity": [data["own"].pk]})
    assert_refused(removal)
    assert_refused(addition)
    assert start.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED
    assert run.__class__.objects.count() == 1


def test_the_review_page_costs_the_same_queries_for_more_proposals(client, two_organisations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = two_organisations
    signed_in(client, data["coordinator"])

    def queries_for_review(graduates):
        opportunity = make_opportunity(data["kibagata"], required_badges=[data["badge"]], shifts=2)
        for number in range(graduates):
            make_graduate(f"卒業生 {graduates}-{number}", badges=[data["badge"]])
        run = run_matching(data["coordinator"], [opportunity])
        url = reverse("matching_runs:detail", args=[run.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    assert queries_for_review(2) == queries_for_review(12)
