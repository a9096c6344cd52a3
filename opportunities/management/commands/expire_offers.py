"""End the offers whose reply-by date has passed (run it every few minutes from cron or
the platform's scheduler; until then such an offer can no longer be accepted anyway)."""

from django.core.management.base import BaseCommand

from opportunities.services.offers import expire_offers


class Command(BaseCommand):
    help = "Mark every open offer past its reply-by date as expired."

    def handle(self, *_args, **_options):
        count = expire_offers()
        self.stdout.write(f"{count} offers expired.")
