"""Emails to learners, written in their language (the one active when sent).

Sent through Django's mail API, whose backend is the outbox: the message is stored and
queued in the caller's transaction and delivered, with retries, by the task worker.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def send_badge_email(award):
    context = {
        "award": award,
        "badge": award.badge,
        "portfolio_url": f"{settings.MANABI_BASE_URL}/me/portfolio/",
    }
    send_mail(
        subject=_("You earned the badge “%(badge)s”") % {"badge": award.badge},
        message=render_to_string("learners/email/badge_awarded.txt", context),
        from_email=None,
        recipient_list=[award.user.email],
    )
