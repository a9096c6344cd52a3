"""The real task worker (django-tasks-db's ``db_worker``) run inside a test."""

import io
import signal

from django.core.management import call_command

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


def run_worker(max_tasks=200):
    """Run ``manage.py db_worker`` here until no task is ready, or ``max_tasks`` ran.

    Tasks whose run_after lies ahead are not ready, so a retry scheduled in a minute is
    left for later. The worker installs its own signal handlers; pytest's come back after.
    """
    saved = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    output = io.StringIO()
    try:
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            interval=0,
            max_tasks=max_tasks,
            stdout=output,
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
    return output.getvalue()
