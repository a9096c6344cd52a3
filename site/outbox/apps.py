from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every email the platform sends, recorded and delivered by the task worker.

    outbox owns ``OutboxMessage`` (one row per message: recipients, content, delivery
    status, attempts and the last error), the email backend that stores messages
    instead of sending them (``outbox.backends.OutboxEmailBackend``), the delivery task
    with its bounded retries, and the read-only outbox in the Wagtail admin. It is
    infrastructure: it imports no domain app, and anything sent through Django's mail
    API (allauth, Wagtail's workflow, badge mails) passes through it.
    """

    name = "outbox"
    verbose_name = _("Outbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from outbox import checks  # noqa: F401 - registers the system checks
