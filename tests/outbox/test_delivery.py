"""The outbox: every email is stored once and queued in the sender's transaction, the
real worker delivers it, retries a failing mail server with pauses and finally marks the
message failed with the error; a task queue that refuses work never fails the sender."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox.models import OutboxMessage
from outbox.services import deliver_message, requeue_stalled_messages, send_message_again
from tests.outbox.doubles import FlakySMTPBackend
from tests.outbox.worker import DATABASE_TASKS, run_worker

Status = OutboxMessage.Status
DELIVERY_TASK = "outbox.tasks.deliver_outbox_message"


def deliveries():
    return DBTaskResult.objects.filter(task_path=DELIVERY_TASK)


def send_one(subject="木場潟の清掃のお知らせ"):
    return send_mail(subject, "本文です。", None, ["hanako@example.jp"])


# Queueing ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_is_stored_and_queued_exactly_once_per_send(database_tasks):
    assert send_one() == 1
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.to) == (
        Status.QUEUED,
        0,
        ["hanako@example.jp"],
    )
    (task,) = deliveries()
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert mail.outbox == []  # nothing left the building during the "request"

    assert send_one("二通目") == 1
    assert OutboxMessage.objects.count() == 2 and deliveries().count() == 2


@pytest.mark.django_db
def test_mail_of_a_rolled_back_transaction_is_never_queued(database_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_one()
        raise RuntimeError("the award failed")
    assert not OutboxMessage.objects.exists()
    assert not deliveries().exists()


@pytest.mark.django_db
def test_a_message_without_recipients_is_not_stored():
    assert send_mail("誰にも", "本文", None, []) == 0
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_everything_of_a_message_reaches_the_mail_server_unchanged():
    message = EmailMultiAlternatives(
        subject="ご案内 / Notice",
        body="テキスト版",
        from_email="Manabi <no-reply@manabi.example.jp>",
        to=["Hanako <hanako@example.jp>"],
        cc=["cc@example.jp"],
        bcc=["bcc@example.jp"],
        reply_to=["office@example.jp"],
        headers={"X-Manabi-Kind": "notice"},
    )
    message.attach_alternative("<p>HTML版</p>", "text/html")
    message.attach("memo.txt", "メモ", "text/plain")
    message.attach("badge.png", b"\x89PNG\r\n\x1a\n\x00", "image/png")
    message.send()

    row = OutboxMessage.objects.get()
    assert row.status == Status.SENT and row.attempts == 1 and row.sent_at is not None
    assert row.html_alternative == "<p>HTML版</p>"
    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "ご案内 / Notice",
        "テキスト版",
        "Manabi <no-reply@manabi.example.jp>",
    )
    assert (sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        ["Hanako <hanako@example.jp>"],
        ["cc@example.jp"],
        ["bcc@example.jp"],
        ["office@example.jp"],
    )
    assert sent.extra_headers == {"X-Manabi-Kind": "notice"}
    assert [tuple(alternative) for alternative in sent.alternatives] == [
        ("<p>HTML版</p>", "text/html")
    ]
    assert [tuple(attachment) for attachment in sent.attachments] == [
        ("memo.txt", "メモ", "text/plain"),
        ("badge.png", b"\x89PNG\r\n\x1a\n\x00", "image/png"),
    ]
    assert "X-Manabi-Kind: notice" in sent.message().as_string()


# The worker -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_queued_mail_and_marks_it_sent(database_tasks):
    send_one()
    run_worker()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 1, "")
    assert message.sent_at is not None and message.next_attempt_at is None
    assert [sent.subject for sent in mail.outbox] == ["木場潟の清掃のお知らせ"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_is_retried_then_the_message_is_marked_failed(
    database_tasks, failing_smtp
):
    send_one()
    run_worker(max_tasks=1)
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (Status.RETRYING, 1)
    assert message.last_error.startswith("SMTPServerDisconnected: Connection unexpectedly")
    assert message.next_attempt_at is not None

    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert "SMTPServerDisconnected" in message.last_error
    assert message.next_attempt_at is None and message.sent_at is None
    assert deliveries().count() == 3  # the first attempt and two retries
    assert mail.outbox == []

    run_worker()  # failed for good: nothing more is tried
    message.refresh_from_db()
    assert message.attempts == 3 and deliveries().count() == 3


@pytest.mark.django_db(transaction=True)
def test_retries_wait_for_their_pause(database_tasks, failing_smtp, settings):
    settings.MANABI_OUTBOX_RETRY_DELAYS = [60, 300]
    send_one()
    before = timezone.now()
    run_worker()  # runs the first attempt; the retry is not due for a minute
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (Status.RETRYING, 1)
    assert before + timedelta(seconds=59) < message.next_attempt_at
    assert message.next_attempt_at < timezone.now() + timedelta(seconds=61)
    retry = deliveries().get(status="READY")
    assert retry.run_after == message.next_attempt_at


@pytest.mark.django_db(transaction=True)
def test_a_server_that_recovers_gets_the_message_on_a_retry(database_tasks, settings):
    settings.MANABI_DELIVERY_EMAIL_BACKEND = "tests.outbox.doubles.FlakySMTPBackend"
    FlakySMTPBackend.calls = 0
    send_one()
    run_worker()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_message_is_handed_to_the_mail_server_once(database_tasks):
    send_one()
    message = OutboxMessage.objects.get()
    assert deliver_message(message.pk) == Status.SENT
    assert deliver_message(message.pk) == Status.SENT  # a duplicate task does nothing
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


# A task queue that refuses work ---------------------------------------------------------


@pytest.mark.django_db
def test_sending_never_fails_when_the_task_queue_refuses_work(settings, caplog):
    settings.TASKS = {"default": {"BACKEND": "tests.outbox.doubles.BrokenTaskBackend"}}
    assert send_one() == 1  # no exception reaches the sender
    message = OutboxMessage.objects.get()
    assert message.status == Status.QUEUED
    assert "ConnectionError: task broker unreachable" in message.last_error
    assert "could not be queued for delivery" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_requeue_outbox_sends_what_no_task_would(database_tasks, settings):
    settings.TASKS = {"default": {"BACKEND": "tests.outbox.doubles.BrokenTaskBackend"}}
    send_one()
    settings.TASKS = DATABASE_TASKS  # the queue is back
    assert requeue_stalled_messages() == 0  # too recent to be called stuck
    call_command("requeue_outbox", older_than=0)
    run_worker()
    assert OutboxMessage.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_failed_mail_can_be_sent_again_with_fresh_retries(database_tasks, settings):
    settings.MANABI_DELIVERY_EMAIL_BACKEND = "tests.outbox.doubles.FailingSMTPBackend"
    send_one()
    run_worker()
    message = OutboxMessage.objects.get()
    assert message.status == Status.FAILED

    settings.MANABI_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_message_again(message)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 1, "")
    assert len(mail.outbox) == 1


# Configuration ----------------------------------------------------------------------------


def test_the_outbox_cannot_be_its_own_delivery_backend(settings):
    settings.MANABI_DELIVERY_EMAIL_BACKEND = "outbox.backends.OutboxEmailBackend"
    assert "outbox.E002" in [message.id for message in run_checks()]
    settings.MANABI_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "outbox.E002" not in [message.id for message in run_checks()]
