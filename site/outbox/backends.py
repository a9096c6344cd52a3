"""The email backend of every environment: mail is stored, then sent by the worker."""

import logging

from django.core.mail.backends.base import BaseEmailBackend

from outbox.services import queue_email

logger = logging.getLogger(__name__)


class OutboxEmailBackend(BaseEmailBackend):
    """Stores each message as an ``OutboxMessage`` and queues its delivery.

    Nothing here talks to a mail server, so a request that sends mail never waits for
    one or fails because of one. The real backend is MANABI_DELIVERY_EMAIL_BACKEND,
    used by the delivery task.
    """

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                queue_email(message)
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("An email could not be stored in the outbox")
                continue
            queued += 1
        return queued
