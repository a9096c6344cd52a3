"""Stand-ins for a mail server and a task queue that fail, for tests/outbox."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django_tasks.backends.base import BaseTaskBackend


class FailingSMTPBackend(BaseEmailBackend):
    """A mail server that is down: every delivery raises, as smtplib does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test server)")


class FlakySMTPBackend(LocmemBackend):
    """Fails the first ``failures`` deliveries, then delivers to django.core.mail.outbox."""

    failures = 1
    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise smtplib.SMTPResponseException(451, b"4.3.0 Try again later (test server)")
        return super().send_messages(email_messages)


class BrokenTaskBackend(BaseTaskBackend):
    """A task queue (broker) that is unreachable: enqueueing raises."""

    supports_defer = True

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("task broker unreachable (test)")
