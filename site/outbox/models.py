import base64
from email.mime.base import MIMEBase

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One email as the platform asked for it, and what became of its delivery.

    Written by ``outbox.backends.OutboxEmailBackend`` in the transaction of whatever sent
    it; delivered later by the task worker (``outbox.tasks.deliver_outbox_message``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    from_email = models.CharField(_("from"), max_length=998)
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    bcc = models.JSONField(_("bcc"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("body"), blank=True)
    # "plain", or "html" when the body itself is HTML (EmailMessage.content_subtype).
    content_subtype = models.CharField(max_length=30, default="plain")
    # [{"content": ..., "mimetype": "text/html"}]: the HTML version of a mail, usually.
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    # [{"filename": ..., "mimetype": ..., "content_base64": ...}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        permissions = [("resend_outboxmessage", _("Can send failed email again"))]

    def __str__(self):
        return self.subject or _("(no subject)")

    @property
    def can_be_sent_again(self):
        """Not delivered yet and not being delivered: failed, or waiting (perhaps stuck)."""
        return self.status in (self.Status.FAILED, self.Status.QUEUED, self.Status.RETRYING)

    @property
    def recipients_display(self):
        return ", ".join([*self.to, *self.cc, *self.bcc])

    recipients_display.fget.short_description = _("recipients")

    @property
    def html_alternative(self):
        for alternative in self.alternatives:
            if alternative.get("mimetype") == "text/html":
                return alternative.get("content", "")
        return ""

    html_alternative.fget.short_description = _("HTML version")

    @classmethod
    def fields_from_email(cls, message):
        """The columns that store a django.core.mail.EmailMessage."""
        return {
            "from_email": message.from_email or "",
            "to": [str(address) for address in message.to],
            "cc": [str(address) for address in message.cc],
            "bcc": [str(address) for address in message.bcc],
            "reply_to": [str(address) for address in message.reply_to],
            "subject": str(message.subject or ""),
            "body": str(message.body or ""),
            "content_subtype": message.content_subtype,
            "alternatives": [
                {"content": str(content), "mimetype": mimetype}
                for content, mimetype in getattr(message, "alternatives", ())
            ],
            "attachments": [_stored_attachment(item) for item in message.attachments],
            "headers": {str(key): str(value) for key, value in message.extra_headers.items()},
        }

    def to_email(self, connection=None):
        """The message rebuilt for a real email backend."""
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email or None,
            to=self.to,
            cc=self.cc,
            bcc=self.bcc,
            reply_to=self.reply_to,
            headers=self.headers,
            connection=connection,
        )
        message.content_subtype = self.content_subtype
        for alternative in self.alternatives:
            message.attach_alternative(alternative["content"], alternative["mimetype"])
        for attachment in self.attachments:
            message.attach(
                attachment["filename"] or None,
                base64.b64decode(attachment["content_base64"]),
                attachment["mimetype"],
            )
        return message


def _stored_attachment(item):
    """(filename, content, mimetype) or a MIME part, as JSON with the bytes in base64."""
    if isinstance(item, MIMEBase):
        filename, mimetype = item.get_filename(), item.get_content_type()
        content = item.get_payload(decode=True) or b""
    else:
        filename, content, mimetype = item
    if isinstance(content, str):
        content = content.encode()
    return {
        "filename": filename or "",
        "mimetype": mimetype or "application/octet-stream",
        "content_base64": base64.b64encode(content).decode("ascii"),
    }
