"""Offers: a coordinator asks a graduate to take a place on a shift; the graduate says yes
or no by a date. And each learner's private calendar feed of their placements."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Offer(models.Model):
    """A place on a shift offered to one graduate, usually from a run's proposal.

    Accepting takes the place, or a place on the waitlist when the shift filled up first
    (``opportunities.services.offers.accept_offer``, under a row lock on the shift).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Accepted, on the waitlist")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    shift = models.ForeignKey(
        "opportunities.Shift",
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("shift"),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="opportunity_offers",
        verbose_name=_("graduate"),
    )
    proposal = models.ForeignKey(
        "opportunities.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        verbose_name=_("proposal"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    # The engine's reasons, as codes: the graduate reads why they were asked.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    reply_by = models.DateTimeField(_("reply by"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    answer_note = models.TextField(_("note with the answer"), blank=True, max_length=1000)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["reply_by", "id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "learner"],
                condition=models.Q(status="open"),
                name="offer_one_open_per_shift",
            )
        ]
        indexes = [
            models.Index(fields=["learner", "status"]),
            models.Index(fields=["status", "reply_by"]),
        ]

    def __str__(self):
        return f"{self.learner_id} ← {self.shift_id} ({self.status})"


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A learner's private iCalendar address: whoever has the token reads their
    placements, so it is unguessable, and resetting it makes the old address 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("account"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user_id)
