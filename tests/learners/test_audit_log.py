"""The audit log: every write records who did it (awards, revocations, shares, role changes,
guardians, consents, profiles, course report exports), and city staff read it in the
admin's Site history, which nobody else without the permission sees."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from learners import audit, roles
from learners.audit import AuditLogEntry
from learners.models import BadgeAward, ConsentPurpose
from learners.services.accounts import (
    add_to_role,
    link_guardian,
    record_guardian_consent,
    update_learner_profile,
)
from learners.services.badges import award_badge, set_badge_public, share_child_badge
from learners.services.progress import complete_course
from tests.factories import UserFactory, make_course, make_course_badge, make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(reference_data):
    return make_course(lessons=[("一", [("text", "<p>読む</p>")])])


@pytest.fixture
def badge(course):
    return make_course_badge(course)


def in_english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def entries(action, instance):
    found = AuditLogEntry.objects.for_instance(instance).filter(action=action)
    return list(found.order_by("timestamp", "id"))


def only_entry(action, instance):
    (entry,) = entries(action, instance)
    return entry


@pytest.fixture
def city_staff(reference_data):
    return in_english(make_learner("megumi", role=roles.CITY_STAFF))


@pytest.fixture
def supervisor(reference_data):
    return in_english(make_learner("yukiko", role=roles.CURRICULUM_SUPERVISOR))


# Each write records its actor ------------------------------------------------------------


def test_an_award_and_a_revocation_in_the_admin_record_who_made_them(badge, supervisor):
    person = make_learner("sakura")
    client = logged_in(supervisor)
    response = client.post(
        reverse("badge_awards:add"),
        {"user": person.pk, "badge": badge.pk, "narrative": "観察記録", "evidence_url": ""},
    )
    assert response.status_code == 302
    award = BadgeAward.objects.get()
    assert award.awarded_by == supervisor
    awarded = only_entry(audit.AWARD_BADGE, award)
    assert awarded.user == supervisor

    response = client.post(
        reverse("badge_awards:edit", args=[award.pk]), {"revocation_reason": "誤って授与しました"}
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.revoked, award.revoked_by) == (True, supervisor)
    revoked = only_entry(audit.REVOKE_BADGE, award)
    assert revoked.user == supervisor
    assert revoked.data == {"reason": "誤って授与しました"}
    assert revoked.comment == "誤って授与しました"
    # Only the service's entries: the admin's generic create/edit entries would repeat them.
    assert AuditLogEntry.objects.for_instance(award).count() == 2


def test_an_award_by_a_rule_is_recorded_as_the_platforms(badge, course):
    person = make_learner("sakura")
    complete_course(person, course.translation_key)
    entry = only_entry(audit.AWARD_BADGE, BadgeAward.objects.get(user=person))
    assert entry.user is None
    with translation.override("en"):
        assert str(entry.user_display_name) == "system"


def test_a_guardians_share_and_consent_and_a_learners_choices_record_who_made_them(badge):
    child = make_learner("kota", birth_year=2018)
    guardian = make_learner("kenichi")
    staff = make_learner("megumi", role=roles.CITY_STAFF)
    guardianship, _created = link_guardian(child, guardian, acting_user=staff)
    assert only_entry(audit.LINK_GUARDIAN, guardianship).user == staff

    award, _created = award_badge(child, badge)
    share_child_badge(award, identity_email="parent@example.jp", acting_user=guardian)
    assert only_entry(audit.SHARE_CHILD_BADGE, award).user == guardian

    record_guardian_consent(child, granted=True, acting_user=guardian)
    consent = only_entry(audit.GUARDIAN_CONSENT, guardianship)
    assert (consent.user, consent.data) == (guardian, {"granted": True})
    with translation.override("en"):
        assert "agreed" in str(consent.message)

    adult = make_learner("sakura")
    adult_award, _created = award_badge(adult, badge)
    set_badge_public(adult_award, True, acting_user=adult)
    set_badge_public(adult_award, True, acting_user=adult)  # no change, no second entry
    assert only_entry(audit.SHOW_BADGE, adult_award).user == adult

    profile = adult.learner_profile
    update_learner_profile(
        profile,
        display_name="小松 さくら",
        birth_year=1990,
        district=None,
        languages=[],
        interests=[],
        consents={ConsentPurpose.NEWS_EMAIL: True},
        acting_user=adult,
    )
    edited = only_entry(audit.UPDATE_PROFILE, profile)
    assert (edited.user, edited.data) == (adult, {"consents_changed": ["news_email"]})
    assert adult.consent_records.get(purpose=ConsentPurpose.NEWS_EMAIL).given_by == adult


def test_connecting_and_disconnecting_an_xapi_app_records_who_did_it(reference_data):
    from learners.services.credentials import create_xapi_credential, revoke_xapi_credential

    person = make_learner("sakura")
    credential, _secret = create_xapi_credential(person, label="Quiz app", acting_user=person)
    assert only_entry(audit.CREATE_XAPI_CREDENTIAL, credential).user == person
    revoke_xapi_credential(credential, acting_user=person)
    revoke_xapi_credential(credential, acting_user=person)  # already revoked: no new entry
    assert only_entry(audit.REVOKE_XAPI_CREDENTIAL, credential).user == person


def test_role_changes_record_who_made_them_through_the_service_and_the_user_editor(
    reference_data,
):
    person = make_learner("sakura")
    registered = entries(audit.ADD_TO_ROLE, person)
    assert [(entry.user, entry.data) for entry in registered] == [(person, {"role": "Learner"})]

    staff = make_learner("megumi", role=roles.CITY_STAFF)
    add_to_role(person, roles.COORDINATOR, acting_user=staff)
    latest = entries(audit.ADD_TO_ROLE, person)[-1]
    assert (latest.user, latest.data) == (staff, {"role": "Coordinator"})
    with translation.override("en"):
        assert str(latest.message) == "Added to the role “Coordinator”"
    # The role's own translated label, not the group's stored (English) name.
    with translation.override("ja"):
        message = str(entries(audit.ADD_TO_ROLE, person)[-1].message)  # not the cached one
        assert message == f"役割「{translation.gettext('Coordinator')}」に追加しました"
        assert "Coordinator" not in message

    admin = UserFactory(username="boss", is_superuser=True)
    coordinator = Group.objects.get(name=roles.COORDINATOR)
    teacher = Group.objects.get(name=roles.TEACHER)
    learner_group = Group.objects.get(name=roles.LEARNER)
    response = logged_in(admin).post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        {
            "username": person.username,
            "email": person.email,
            "first_name": "Sakura",
            "last_name": "Komatsu",
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": [learner_group.pk, teacher.pk],  # Coordinator off, Teacher on
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert set(person.groups.all()) == {learner_group, teacher}
    removed = only_entry(audit.REMOVE_FROM_ROLE, person)
    assert (removed.user, removed.data) == (admin, {"role": coordinator.name})
    added = entries(audit.ADD_TO_ROLE, person)[-1]
    assert (added.user, added.data) == (admin, {"role": "Teacher"})

    Group.objects.get(name=roles.TEACHER).user_set.clear()  # from the shell: the platform
    cleared = entries(audit.REMOVE_FROM_ROLE, person)[-1]
    assert (cleared.user, cleared.data) == (None, {"role": "Teacher"})


def test_a_course_report_export_records_who_made_it(course, city_staff):
    make_learner("sakura")
    response = logged_in(city_staff).get(reverse("learners_course_report_csv", args=[course.pk]))
    assert response.status_code == 200
    entry = only_entry(audit.EXPORT_COURSE_REPORT, course)
    assert entry.user == city_staff
    assert entry.data["learners"] == 0
    assert entry.label == course.title


# City staff read it; others do not --------------------------------------------------------


def site_history(client):
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    return response.content.decode()


def test_city_staff_read_the_audit_log_in_the_site_history(badge, course, city_staff, supervisor):
    person = make_learner("sakura")
    award, _created = award_badge(person, badge, acting_user=supervisor)
    logged_in(supervisor).get(reverse("learners_course_report_csv", args=[course.pk]))

    client = logged_in(city_staff)
    dashboard = client.get("/cms/").content.decode()
    assert reverse("wagtailadmin_reports:site_history") in dashboard  # in the Reports menu
    page = site_history(client)
    assert "Badge awarded" in page
    assert "Course report exported as CSV (0 learners)" in page
    assert "yukiko" in page or "兼六" in page  # the actor, by name
    assert "Added to the role" in page

    filtered = client.get(
        reverse("wagtailadmin_reports:site_history"), {"action": audit.AWARD_BADGE}
    ).content.decode()
    assert "Badge awarded" in filtered and "Course report exported" not in filtered


def test_people_without_the_permission_do_not_see_the_audit_log(badge, supervisor):
    coordinator = in_english(make_learner("naoki", role=roles.COORDINATOR))
    award_badge(make_learner("sakura"), badge, acting_user=supervisor)
    client = logged_in(coordinator)
    assert reverse("wagtailadmin_reports:site_history") not in client.get("/cms/").content.decode()
    page = site_history(client)
    assert "Badge awarded" not in page and "Added to the role" not in page
    assert not AuditLogEntry.objects.viewable_by_user(coordinator).exists()
    assert AuditLogEntry.objects.viewable_by_user(supervisor).count() == 0
