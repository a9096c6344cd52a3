from django.conf import settings
from django.core import checks

OUTBOX_BACKEND = "outbox.backends.OutboxEmailBackend"


@checks.register(checks.Tags.compatibility)
def check_delivery_backend(app_configs=None, **kwargs):
    """The worker hands mail to MANABI_DELIVERY_EMAIL_BACKEND: the outbox itself there
    would queue every message again, for ever."""
    backend = getattr(settings, "MANABI_DELIVERY_EMAIL_BACKEND", "")
    if not backend:
        return [
            checks.Error(
                "MANABI_DELIVERY_EMAIL_BACKEND is not set.",
                hint="Name the backend the worker delivers with, e.g. "
                "django.core.mail.backends.smtp.EmailBackend.",
                id="outbox.E001",
            )
        ]
    if backend == OUTBOX_BACKEND:
        return [
            checks.Error(
                "MANABI_DELIVERY_EMAIL_BACKEND must be a real email backend, not the outbox.",
                hint="EMAIL_BACKEND is the outbox; the delivery backend sends (SMTP, console).",
                id="outbox.E002",
            )
        ]
    return []
