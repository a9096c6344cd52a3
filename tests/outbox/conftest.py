import pytest

from tests.outbox.worker import DATABASE_TASKS


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database, as in production, until a worker runs them."""
    settings.TASKS = DATABASE_TASKS
    settings.MANABI_OUTBOX_RETRY_DELAYS = [0, 0]  # three attempts, each due at once


@pytest.fixture
def failing_smtp(settings):
    settings.MANABI_DELIVERY_EMAIL_BACKEND = "tests.outbox.doubles.FailingSMTPBackend"
