"""Check-in links for field activities, printed as QR codes on posters at the place.

A link carries the lesson and the field-activity block id, signed with the
site's secret and stamped with the time the poster was printed. It is refused
when forged or tampered with, when older than the poster validity, or when the
activity is no longer in the published lesson.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

CHECK_IN_SALT = "manabi.courses.field-activity-check-in"


class CheckInRefused(Exception):
    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class VerifiedCheckIn:
    lesson: object
    block_id: str
    activity: object


def poster_validity():
    return timedelta(days=settings.MANABI_CHECK_IN_POSTER_VALID_DAYS)


def check_in_token(lesson, block_id):
    """A signed token for one field activity of one lesson, stamped with now."""
    return signing.dumps({"lesson": lesson.pk, "block": str(block_id)}, salt=CHECK_IN_SALT)


def check_in_url(lesson, block_id):
    """The absolute address a poster's QR code points at (MANABI_BASE_URL origin).

    It has no language prefix, so it opens in Japanese; the page offers the others.
    """
    path = reverse("check_in", kwargs={"token": check_in_token(lesson, block_id)})
    return f"{settings.MANABI_BASE_URL}{path}"


def verify_check_in(token):
    """The lesson and field activity a token names, or CheckInRefused saying why."""
    from courses.models import LessonPage

    try:
        payload = signing.loads(token, salt=CHECK_IN_SALT, max_age=poster_validity())
    except signing.SignatureExpired as error:
        raise CheckInRefused(
            "expired",
            _("This poster has expired. Please tell the staff so they can put up a new one."),
        ) from error
    except signing.BadSignature as error:
        raise CheckInRefused(
            "forged", _("This check-in code is not valid. Scan the code on the poster again.")
        ) from error
    lesson = LessonPage.objects.live().public().filter(pk=payload.get("lesson")).first()
    activity = None
    if lesson is not None:
        activity = next(
            (
                block.value
                for block in lesson.body
                if block.block_type == "field_activity" and block.id == payload.get("block")
            ),
            None,
        )
    if activity is None:
        raise CheckInRefused(
            "gone", _("This field activity is no longer part of a published lesson.")
        )
    return VerifiedCheckIn(lesson=lesson, block_id=payload["block"], activity=activity)
