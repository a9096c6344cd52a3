from datetime import timedelta

from django.core.management.base import BaseCommand

from outbox.services import requeue_stalled_messages


class Command(BaseCommand):
    help = (
        "Queue delivery again for mail that no task will deliver: queued while the task "
        "queue was down, retries long overdue, or left 'sending' by a worker that died."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=15,
            metavar="MINUTES",
            help="Only mail stuck for at least this long (default: 15 minutes).",
        )

    def handle(self, *args, older_than, **options):
        count = requeue_stalled_messages(older_than=timedelta(minutes=older_than))
        self.stdout.write(f"{count} message(s) queued for delivery again.")
