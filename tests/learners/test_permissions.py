"""Permissions by capability: named permissions granted to roles and checked in one guard
(learners.permissions), never group names or is_staff; who may read statements; guardians
and their consent; badge actions only by the right person; the H5P chooser for authors.

(Just past 400 lines: each capability with its refusal, sharing one set of role fixtures.)
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from learners import roles
from learners.models import BadgeAward, ConsentPurpose, ConsentRecord, Guardianship
from learners.permissions import (
    EXPORT_COURSE_REPORT,
    VIEW_AUDIT_LOG,
    VIEW_COURSE_REPORT,
    VIEW_OTHERS_STATEMENTS,
    NotPermitted,
    has_permission,
)
from learners.services.accounts import (
    guardian_consent_given,
    link_guardian,
    record_guardian_consent,
    unlink_guardian,
)
from learners.services.badges import (
    BadgeNotAwardable,
    award_badge,
    child_accounts,
    is_child,
    revoke_badge,
    set_badge_public,
    share_child_badge,
)
from learners.services.statements import record_statements
from tests.factories import UserFactory, make_course, make_course_badge, make_learner

pytestmark = pytest.mark.django_db
XAPI = {"X-Experience-API-Version": "1.0.3", "Accept-Language": "en"}


@pytest.fixture
def course(reference_data):
    return make_course(lessons=[("一", [("text", "<p>読む</p>")])])


@pytest.fixture
def badge(course):
    return make_course_badge(course)


@pytest.fixture(autouse=True)
def english():
    """Refusals are asserted by their English wording (the catalogue's source text)."""
    with translation.override("en"):
        yield


def permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# Roles hold named permissions -----------------------------------------------------------


def test_ensure_roles_grants_the_named_permissions(reference_data):
    report_roles = [
        roles.FACULTY_AUTHOR,
        roles.CURRICULUM_SUPERVISOR,
        roles.COORDINATOR,
        roles.CITY_STAFF,
    ]
    for role in roles.ROLES:
        user = make_learner(f"r-{role.name}".replace(" ", "-"), role=role.name)
        reads_reports = role.name in report_roles
        assert has_permission(user, VIEW_COURSE_REPORT) is reads_reports, role.name
        assert has_permission(user, EXPORT_COURSE_REPORT) is reads_reports, role.name
        assert has_permission(user, VIEW_AUDIT_LOG) is (role.name == roles.CITY_STAFF)
        assert not has_permission(user, VIEW_OTHERS_STATEMENTS), role.name


def test_a_renamed_role_group_keeps_its_access(reference_data, course):
    coordinator = make_learner("naoki", role=roles.COORDINATOR)
    city = make_learner("megumi", role=roles.CITY_STAFF)
    Group.objects.filter(name=roles.COORDINATOR).update(name="コーディネーター")
    Group.objects.filter(name=roles.CITY_STAFF).update(name="小松市職員")

    client = logged_in(coordinator)
    assert client.get(reverse("learners_course_report_index")).status_code == 200
    assert client.get(reverse("learners_course_report", args=[course.pk])).status_code == 200
    assert client.get(reverse("learners_course_report_csv", args=[course.pk])).status_code == 200
    assert reverse("learners_course_report_index") in client.get("/cms/").content.decode()

    staff = logged_in(city)
    history = staff.get(reverse("wagtailadmin_reports:site_history"))
    assert history.status_code == 200
    assert "naoki" in history.content.decode()  # the coordinator's role change is logged


def test_the_wagtail_group_editor_offers_the_named_permissions(reference_data):
    admin = UserFactory(is_superuser=True)
    group = Group.objects.get(name=roles.COORDINATOR)
    page = logged_in(admin).get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    assert page.status_code == 200
    for name in (VIEW_COURSE_REPORT, EXPORT_COURSE_REPORT, VIEW_OTHERS_STATEMENTS, VIEW_AUDIT_LOG):
        assert f'value="{permission(name).pk}"' in page.content.decode(), name


def test_the_report_and_its_export_are_separate_permissions(reference_data, course):
    viewer = UserFactory()
    viewer.user_permissions.add(
        permission("wagtailadmin.access_admin"), permission(VIEW_COURSE_REPORT)
    )
    client = logged_in(viewer)
    assert client.get(reverse("learners_course_report", args=[course.pk])).status_code == 200
    assert client.get(reverse("learners_course_report_csv", args=[course.pk])).status_code == 403


# Reading statements ---------------------------------------------------------------------


def statement(number=1):
    return {
        "actor": {"objectType": "Agent", "mbox": "mailto:someone@example.jp"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": f"https://example.org/activities/quiz-{number}"},
        "result": {"score": {"scaled": 0.7}},
    }


def read(client, statement_id):
    return client.get("/xapi/statements", {"statementId": statement_id}, headers=XAPI)


def listed(client):
    response = client.get("/xapi/statements", headers=XAPI)
    assert response.status_code == 200
    return {item["id"] for item in response.json()["statements"]}


@pytest.fixture
def reader(reference_data):
    """Someone given the permission to read other learners' statements."""
    user = UserFactory(username="researcher")
    user.user_permissions.add(permission(VIEW_OTHERS_STATEMENTS))
    return user


def test_a_staff_account_without_the_permission_gets_404_for_another_learners_statement(
    reference_data,
):
    (statement_id,) = record_statements(make_learner("sakura"), [statement()])
    staff = UserFactory(is_staff=True)
    client = logged_in(staff)
    response = read(client, statement_id)
    assert response.status_code == 404
    assert statement_id not in response.content.decode()
    assert listed(client) == set()


def test_a_childs_statements_are_read_by_staff_only_with_a_guardians_consent(
    reference_data, reader
):
    child = make_learner("kota", birth_year=2018)
    adult = make_learner("sakura")
    (child_statement,) = record_statements(child, [statement(1)])
    (adult_statement,) = record_statements(adult, [statement(2)])
    guardian = make_learner("kenichi")
    link_guardian(child, guardian, acting_user=None)
    client = logged_in(reader)

    assert read(client, adult_statement).status_code == 200
    assert read(client, child_statement).status_code == 404
    assert listed(client) == {adult_statement}
    assert read(logged_in(child), child_statement).status_code == 200  # their own

    record_guardian_consent(child, granted=True, acting_user=guardian)
    assert read(client, child_statement).status_code == 200
    assert listed(client) == {adult_statement, child_statement}

    record_guardian_consent(child, granted=False, acting_user=guardian)
    assert read(client, child_statement).status_code == 404

    record_guardian_consent(child, granted=True, acting_user=guardian)
    unlink_guardian(child, guardian, acting_user=None)  # a former guardian's consent ends
    assert read(client, child_statement).status_code == 404
    assert listed(client) == {adult_statement}


def test_only_a_guardian_decides_on_sharing_a_childs_records(reference_data):
    child = make_learner("kota", birth_year=2018)
    stranger = make_learner("stranger")
    with pytest.raises(NotPermitted):
        record_guardian_consent(child, granted=True, acting_user=stranger)
    with pytest.raises(NotPermitted):
        record_guardian_consent(child, granted=True, acting_user=child)
    assert not ConsentRecord.objects.filter(user=child).exclude(
        purpose=ConsentPurpose.TERMS_AND_PRIVACY
    )
    assert not guardian_consent_given(child)

    guardian = make_learner("kenichi")
    link_guardian(child, guardian, acting_user=None)
    record = record_guardian_consent(child, granted=True, acting_user=guardian)
    assert (record.given_by, record.source) == (guardian, ConsentRecord.Source.GUARDIAN)
    assert record_guardian_consent(child, granted=True, acting_user=guardian) is None  # no-op


def test_child_accounts_follow_the_same_rule_as_is_child(reference_data):
    people = [
        make_learner("adult", birth_year=1990),
        make_learner("kid", birth_year=2018),
        make_learner("teen", birth_year=2000),
        UserFactory(username="noprofile"),
        UserFactory(username="noemail", email=""),
    ]
    in_sql = set(child_accounts().values_list("pk", flat=True))
    assert {person.pk for person in people if is_child(person)} == in_sql & {
        person.pk for person in people
    }
    assert [is_child(person) for person in people] == [False, True, False, False, True]


# Guardians ------------------------------------------------------------------------------


def test_link_guardian_is_idempotent_gives_the_guardian_role_and_refuses_nonsense(
    reference_data,
):
    child = make_learner("kota", birth_year=2018)
    guardian = make_learner("kenichi")
    staff = make_learner("megumi", role=roles.CITY_STAFF)
    guardianship, created = link_guardian(child, guardian, acting_user=staff)
    assert created and guardianship.recorded_by == staff
    assert link_guardian(child, guardian, acting_user=staff) == (guardianship, False)
    assert guardian.groups.filter(name=roles.GUARDIAN).exists()

    with pytest.raises(ValueError, match="own guardian"):
        link_guardian(guardian, guardian, acting_user=staff)
    with pytest.raises(ValueError, match="child cannot be a guardian"):
        link_guardian(make_learner("sibling", birth_year=2017), child, acting_user=staff)
    assert Guardianship.objects.count() == 1
    assert unlink_guardian(child, guardian, acting_user=staff) is True
    assert unlink_guardian(child, guardian, acting_user=staff) is False


# Badge actions by the right person -------------------------------------------------------


def test_only_a_guardian_shares_a_childs_badge(badge):
    child = make_learner("kota", birth_year=2018)
    award, _created = award_badge(child, badge)
    staff = make_learner("megumi", role=roles.CITY_STAFF)
    for someone in (None, staff, child):
        with pytest.raises(NotPermitted, match="guardian"):
            share_child_badge(award, identity_email="parent@example.jp", acting_user=someone)
    award.refresh_from_db()
    assert not award.guardian_shared and award.recipient_email == ""

    guardian = make_learner("kenichi")
    link_guardian(child, guardian, acting_user=staff)
    with pytest.raises(ValueError):
        share_child_badge(award, identity_email="not an address", acting_user=guardian)
    share_child_badge(award, identity_email="parent@example.jp", acting_user=guardian)
    award.refresh_from_db()
    assert (award.guardian_shared, award.shared_by) == (True, guardian)


def test_a_guardian_cannot_share_an_adults_badge(badge):
    adult = make_learner("sakura")
    award, _created = award_badge(adult, badge)
    parent = make_learner("parent")
    link_guardian(adult, parent, acting_user=None)
    with pytest.raises(NotPermitted):
        share_child_badge(award, identity_email="parent@example.jp", acting_user=parent)


def test_only_the_learner_makes_their_badge_public(badge):
    person = make_learner("sakura")
    award, _created = award_badge(person, badge)
    with pytest.raises(NotPermitted):
        set_badge_public(award, True, acting_user=make_learner("other"))
    set_badge_public(award, True, acting_user=person)
    award.refresh_from_db()
    assert award.public


# Awarding in the admin: refusals are form errors ----------------------------------------


@pytest.fixture
def supervisor(reference_data):
    from wagtail.users.models import UserProfile

    user = make_learner("yukiko", role=roles.CURRICULUM_SUPERVISOR)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the admin in English, for the assertions below
    profile.save()
    return user


def badge_field_errors(response):
    assert response.status_code == 200  # the form again, not a server error
    return " ".join(response.context["form"].errors["badge"])


def post_award(client, person, badge):
    return client.post(
        reverse("badge_awards:add"),
        {"user": person.pk, "badge": badge.pk, "narrative": "", "evidence_url": ""},
    )


def test_awarding_an_inactive_badge_in_the_admin_is_a_form_error(badge, supervisor):
    badge.active = False
    badge.save()
    person = make_learner("sakura")
    client = logged_in(supervisor)
    client.raise_request_exception = False
    response = post_award(client, person, badge)
    assert badge_field_errors(response) == "This badge is no longer awarded."
    assert "This badge is no longer awarded." in response.content.decode()
    assert not BadgeAward.objects.exists()


def test_awarding_a_badge_the_learner_holds_revoked_is_a_form_error(badge, supervisor):
    person = make_learner("sakura")
    award, _created = award_badge(person, badge, acting_user=supervisor)
    revoke_badge(award, reason="誤って授与しました", acting_user=supervisor)
    client = logged_in(supervisor)
    client.raise_request_exception = False
    response = post_award(client, person, badge)
    assert "was revoked" in badge_field_errors(response)
    award.refresh_from_db()
    assert award.revoked and BadgeAward.objects.count() == 1
    with pytest.raises(BadgeNotAwardable):
        award_badge(person, badge, acting_user=supervisor)


def test_a_badge_refused_after_the_form_was_checked_is_a_form_error_too(
    badge, supervisor, monkeypatch
):
    """The race: the badge is switched off between the form's check and the award."""
    monkeypatch.setattr("learners.viewsets.check_awardable", lambda *_args: None)
    badge.active = False
    badge.save()
    client = logged_in(supervisor)
    client.raise_request_exception = False
    response = post_award(client, make_learner("sakura"), badge)
    assert badge_field_errors(response) == "This badge is no longer awarded."
    assert not BadgeAward.objects.exists()


# The H5P package chooser ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.COORDINATOR, False),
        (roles.CITY_STAFF, False),
        (roles.FACULTY_AUTHOR, True),
        (roles.CURRICULUM_SUPERVISOR, True),
    ],
)
def test_only_package_authors_open_the_h5p_chooser(reference_data, role, allowed):
    client = logged_in(make_learner(f"c-{role}".replace(" ", "-"), role=role))
    client.raise_request_exception = False
    for url in (
        reverse("h5p_package_chooser:choose"),
        reverse("h5p_package_chooser:choose_results"),
    ):
        # The admin opens the chooser with a script (403 when refused); a plain visit is
        # sent back to the dashboard with Wagtail's "no permission" message.
        modal = client.get(url, headers={"X-Requested-With": "XMLHttpRequest"})
        assert modal.status_code == (200 if allowed else 403), url
        visit = client.get(url)
        assert (visit.status_code, visit.get("Location")) == (
            (200, None) if allowed else (302, reverse("wagtailadmin_home"))
        ), url


# CSRF: the xAPI answer is JSON, every other page keeps Django's ----------------------------


def test_a_csrf_refusal_elsewhere_is_still_djangos_page(reference_data):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_learner("sakura"))
    response = browser.post("/me/profile/", {})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "X-Experience-API-Version" not in response

    refused = browser.post(
        "/xapi/statements", statement(), content_type="application/json", headers=XAPI
    )
    assert refused.status_code == 403
    assert refused["X-Experience-API-Version"] == "1.0.3"
    assert "CSRF cookie not set" in refused.json()["error"]
