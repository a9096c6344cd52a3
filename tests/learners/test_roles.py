"""Roles: the seven groups, their permissions, and who reaches the CMS."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission
from wagtail.permission_policies.pages import PagePermissionPolicy

from home.models import HomePage
from learners import roles
from learners.services.reference_data import ensure_roles
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

ROLE_NAMES = [
    "Learner",
    "Guardian",
    "Teacher",
    "Faculty author",
    "Curriculum supervisor",
    "Coordinator",
    "City staff",
]


def test_migrate_creates_the_seven_roles_with_their_permissions():
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLE_NAMES)}
    assert sorted(groups) == sorted(ROLE_NAMES)
    staff_roles = ["Faculty author", "Curriculum supervisor", "Coordinator", "City staff"]
    for name in staff_roles:
        assert groups[name].permissions.filter(codename="access_admin").exists(), name
    for name in ["Learner", "Guardian", "Teacher"]:
        assert not groups[name].permissions.filter(codename="access_admin").exists(), name

    page_permissions = {
        name: set(
            GroupPagePermission.objects.filter(group__name=name).values_list(
                "permission__codename", flat=True
            )
        )
        for name in ["Faculty author", "Curriculum supervisor"]
    }
    assert page_permissions["Faculty author"] == {"add_page", "change_page"}
    assert "publish_page" in page_permissions["Curriculum supervisor"]


def test_ensure_roles_is_idempotent_and_keeps_manual_additions():
    from django.contrib.auth.models import Permission

    coordinator = Group.objects.get(name="Coordinator")
    extra = Permission.objects.get(codename="view_learnerprofile")
    coordinator.permissions.add(extra)
    counts_before = {group.name: group.permissions.count() for group in Group.objects.all()}
    page_permissions_before = GroupPagePermission.objects.count()

    ensure_roles()
    ensure_roles()

    assert {group.name: group.permissions.count() for group in Group.objects.all()} == (
        counts_before
    )
    assert GroupPagePermission.objects.count() == page_permissions_before
    assert coordinator.permissions.filter(pk=extra.pk).exists()


def test_wagtail_starter_groups_that_could_publish_are_gone_unless_used(reference_data):
    from tests.factories import UserFactory

    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    editors = Group.objects.create(name="Editors")
    editors.user_set.add(UserFactory())
    Group.objects.create(name="Moderators")
    ensure_roles()
    assert list(
        Group.objects.filter(name__in=["Editors", "Moderators"]).values_list("name", flat=True)
    ) == ["Editors"]


def test_ensure_roles_rebuilds_after_a_flush(reference_data):
    Group.objects.all().delete()
    ensure_roles()
    assert Group.objects.filter(name__in=ROLE_NAMES).count() == 7


def test_learner_cannot_reach_the_cms(client, reference_data):
    client.force_login(make_learner("plain"))
    response = client.get("/cms/")
    assert response.status_code in (302, 403)
    assert "wagtail-dashboard" not in response.content.decode()


def test_faculty_author_reaches_the_cms_but_cannot_publish(client, reference_data):
    faculty = make_learner("author", role=roles.FACULTY_AUTHOR)
    client.force_login(faculty)
    assert client.get("/cms/").status_code == 200

    home = HomePage.objects.get(locale__language_code="ja")
    permissions = home.permissions_for_user(faculty)
    assert PagePermissionPolicy().user_has_permission(faculty, "add")
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_supervisor_can_publish(reference_data):
    supervisor = make_learner("checker", role=roles.CURRICULUM_SUPERVISOR)
    home = HomePage.objects.get(locale__language_code="ja")
    assert home.permissions_for_user(supervisor).can_publish()


def test_roles_table_names_only_existing_permissions():
    """ensure_roles raises RoleSetupError on an unknown permission; it ran at migrate."""
    from learners.services.reference_data import RoleSetupError, _permissions_by_name

    with pytest.raises(RoleSetupError, match="curriculum.fly_to_the_moon"):
        _permissions_by_name(["curriculum.fly_to_the_moon"])
