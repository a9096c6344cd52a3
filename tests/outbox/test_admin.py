"""The outbox in the Wagtail admin: read-only, filtered by status, guarded by the
model's view permission, with "send again" for mail that was not delivered."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from outbox.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def staff(*permissions, **fields):
    """An admin user whose one group holds these permissions (app_label.codename)."""
    user = UserFactory(**fields)
    group = Group.objects.create(name=f"outbox test {user.username}")
    for name in ("wagtailadmin.access_admin", *permissions):
        app_label, codename = name.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user.groups.add(group)
    return user


def refused(response):
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard
    and a "Sorry, you do not have permission" message."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def failed():
    return OutboxMessage.objects.create(
        from_email="no-reply@manabi.example.jp",
        to=["hanako@example.jp"],
        subject="バッジ「木場潟の生きもの」を獲得しました",
        body="おめでとうございます。",
        status=Status.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


@pytest.fixture
def sent():
    return OutboxMessage.objects.create(
        to=["taro@example.jp"], subject="メールアドレスの確認", status=Status.SENT, attempts=1
    )


def test_a_holder_of_the_view_permission_sees_the_outbox_by_status(client, failed, sent):
    client.force_login(staff("outbox.view_outboxmessage"))
    response = client.get(reverse("outbox:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert failed.subject in html and sent.subject in html and "hanako@example.jp" in html

    only_failed = client.get(reverse("outbox:index"), {"status": Status.FAILED}).content.decode()
    assert failed.subject in only_failed and sent.subject not in only_failed

    inspect = client.get(reverse("outbox:inspect", args=[failed.pk]))
    assert inspect.status_code == 200
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in inspect.content.decode()


def test_searching_the_outbox_by_recipient(client, failed, sent):
    client.force_login(staff("outbox.view_outboxmessage"))
    html = client.get(reverse("outbox:index"), {"q": "hanako"}).content.decode()
    assert failed.subject in html and sent.subject not in html


def test_without_the_view_permission_the_outbox_is_refused(client, failed):
    client.force_login(staff())
    assert refused(client.get(reverse("outbox:index")))
    assert refused(client.get(reverse("outbox:inspect", args=[failed.pk])))
    assert "/cms/outbox/" not in client.get("/cms/").content.decode()  # no menu item


def test_nobody_adds_edits_or_deletes_mail_not_even_a_superuser(client, failed):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("outbox:index")).status_code == 200
    assert refused(client.get(reverse("outbox:add")))
    assert refused(client.get(reverse("outbox:edit", args=[failed.pk])))
    assert refused(client.post(reverse("outbox:delete", args=[failed.pk])))
    assert OutboxMessage.objects.filter(pk=failed.pk).exists()


def test_failed_mail_is_sent_again_by_a_holder_of_the_resend_permission(client, failed):
    client.force_login(staff("outbox.view_outboxmessage", "outbox.resend_outboxmessage"))
    inspect = client.get(reverse("outbox:inspect", args=[failed.pk])).content.decode()
    url = reverse("outbox:send_again", args=[failed.pk])
    assert url in inspect
    assert client.get(url).status_code == 200  # the confirmation

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("outbox:inspect", args=[failed.pk])
    failed.refresh_from_db()
    # Test settings run tasks at once: the worker's delivery has already happened.
    assert (failed.status, failed.attempts, failed.last_error) == (Status.SENT, 1, "")
    assert [message.to for message in mail.outbox] == [["hanako@example.jp"]]


def test_sending_again_needs_its_own_permission_and_undelivered_mail(client, failed, sent):
    client.force_login(staff("outbox.view_outboxmessage"))
    url = reverse("outbox:send_again", args=[failed.pk])
    assert url not in client.get(reverse("outbox:inspect", args=[failed.pk])).content.decode()
    assert refused(client.post(url))
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and mail.outbox == []

    client.force_login(staff("outbox.view_outboxmessage", "outbox.resend_outboxmessage"))
    client.post(reverse("outbox:send_again", args=[sent.pk]))
    sent.refresh_from_db()
    assert sent.status == Status.SENT and mail.outbox == []  # sent mail is not sent twice


def test_city_staff_may_see_and_resend_the_outbox_and_coordinators_may_not(
    client, reference_data, failed
):
    from learners import roles
    from learners.services.accounts import add_to_role

    city_staff = UserFactory()
    add_to_role(city_staff, roles.CITY_STAFF, acting_user=None)
    coordinator = UserFactory()
    add_to_role(coordinator, roles.COORDINATOR, acting_user=None)

    client.force_login(city_staff)
    assert client.get(reverse("outbox:index")).status_code == 200
    assert city_staff.has_perm("outbox.resend_outboxmessage")
    client.force_login(coordinator)
    assert refused(client.get(reverse("outbox:index")))
