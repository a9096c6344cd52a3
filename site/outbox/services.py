"""Queueing and delivering email: the only code that writes OutboxMessage rows."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)
Status = OutboxMessage.Status
ERROR_LENGTH = 2_000


class NotResendable(Exception):
    """Only failed mail (or mail stuck without a delivery task) can be sent again."""


def queue_email(message):
    """Store a django.core.mail.EmailMessage and queue its delivery; return the row.

    The row and its delivery task are written in the caller's transaction, so mail about
    something that is rolled back is never sent. A task queue that refuses the task does
    not fail the caller: the row stays queued, with the error, for ``requeue_outbox``.
    """
    with transaction.atomic():
        row = OutboxMessage.objects.create(**OutboxMessage.fields_from_email(message))
        _enqueue_delivery(row)
    return row


def deliver_message(message_id):
    """One delivery attempt through MANABI_DELIVERY_EMAIL_BACKEND; return the new status.

    Claims the message first (a conditional update, safe between workers on every
    database), so a message is never handed to the mail server twice at once. A failure
    is recorded and retried after the next pause of MANABI_OUTBOX_RETRY_DELAYS; once they
    are used up the message is marked failed with the error. Never raises for a failed
    delivery: the outbox row is the record of it.
    """
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status__in=[Status.QUEUED, Status.RETRYING]
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now())
    row = OutboxMessage.objects.filter(pk=message_id).first()
    if not claimed:  # already sent, failed for good, being sent, or gone
        return row.status if row is not None else None
    try:
        connection = get_connection(settings.MANABI_DELIVERY_EMAIL_BACKEND, fail_silently=False)
        delivered = connection.send_messages([row.to_email(connection)])
        if not delivered:
            raise RuntimeError(_("The email backend accepted no recipient."))
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is recorded
        return _record_failure(row, error)
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        updated_at=timezone.now(),
    )
    return Status.SENT


def send_message_again(row):
    """Queue a failed (or stalled) message again with a fresh set of retries."""
    if not row.can_be_sent_again:
        raise NotResendable(_("Only mail that was not sent can be sent again."))
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=row.pk).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=None, updated_at=timezone.now()
        )
        row.refresh_from_db()
        _enqueue_delivery(row)
    return row


def requeue_stalled_messages(*, older_than=timedelta(minutes=15)):
    """Queue delivery again for messages no task will deliver; return how many.

    That is mail queued while the task queue refused work, retries due long ago (a
    backend without delayed tasks, or a lost task), and mail left "sending" by a worker
    that died mid-delivery (which may reach the recipient twice: better than never).
    """
    cutoff = timezone.now() - older_than
    stalled = OutboxMessage.objects.filter(
        Q(status=Status.QUEUED, updated_at__lt=cutoff)
        | Q(status=Status.RETRYING, next_attempt_at__lt=cutoff)
        | Q(status=Status.SENDING, updated_at__lt=cutoff)
    )
    count = 0
    for row in stalled.iterator():
        with transaction.atomic():
            if row.status == Status.SENDING:
                OutboxMessage.objects.filter(pk=row.pk, status=Status.SENDING).update(
                    status=Status.RETRYING, updated_at=timezone.now()
                )
            _enqueue_delivery(row)
        count += 1
    return count


def _record_failure(row, error):
    row.refresh_from_db()
    message = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    delays = settings.MANABI_OUTBOX_RETRY_DELAYS
    if row.attempts > len(delays):
        OutboxMessage.objects.filter(pk=row.pk).update(
            status=Status.FAILED,
            last_error=message,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
        logger.error("Email %s failed after %d attempts: %s", row.pk, row.attempts, message)
        return Status.FAILED
    next_attempt_at = timezone.now() + timedelta(seconds=delays[row.attempts - 1])
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=row.pk).update(
            status=Status.RETRYING,
            last_error=message,
            next_attempt_at=next_attempt_at,
            updated_at=timezone.now(),
        )
        _enqueue_delivery(row, run_after=next_attempt_at)
    logger.warning("Email %s not delivered (attempt %d): %s", row.pk, row.attempts, message)
    return Status.RETRYING


def _enqueue_delivery(row, *, run_after=None):
    """Queue the delivery task; a queue that refuses it is logged, never raised."""
    from outbox.tasks import deliver_outbox_message

    task = deliver_outbox_message
    try:
        if run_after is not None:
            if not task.get_backend().supports_defer:
                # An immediate backend (tests, or a mis-set TASKS) cannot wait: the retry
                # is left to requeue_outbox instead of hammering the mail server now.
                return
            task = task.using(run_after=run_after)
        with transaction.atomic():
            task.enqueue(row.pk)
    except Exception as error:  # noqa: BLE001 - the caller's request must go on
        logger.exception("Email %s could not be queued for delivery", row.pk)
        OutboxMessage.objects.filter(pk=row.pk).update(
            last_error=_("Not queued for delivery: %(error)s")
            % {"error": f"{type(error).__name__}: {error}"[:ERROR_LENGTH]}
        )
