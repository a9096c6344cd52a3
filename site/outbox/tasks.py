"""Tasks run by the worker (``manage.py db_worker``)."""

from django_tasks import task

from outbox.services import deliver_message


@task()
def deliver_outbox_message(message_id):
    """Deliver one queued email; failures are recorded on the row and retried by it."""
    return deliver_message(message_id)
