"""Badge awards: Open Badges 2.0 assertions, once per learner and badge."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def to_the_second(moment):
    """``moment`` without its fraction of a second.

    Awards are dated to the second, a precision every database, serialiser and backup
    keeps: Django's own JSON serialiser (what dumpdata wrote before home.serialization)
    keeps only milliseconds, and a finer issuedOn baked into a PNG would no longer match
    once such a backup is restored.
    """
    return moment.replace(microsecond=0)


def now_to_the_second():
    """Now, to the whole second: when a new award is issued."""
    return to_the_second(timezone.now())


class BadgeAward(models.Model):
    """An Open Badges 2.0 assertion: a badge awarded to a learner (once per badge)."""

    uuid = models.UUIDField(_("UUID"), unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="badge_awards",
        verbose_name=_("learner"),
    )
    badge = models.ForeignKey(
        "curriculum.BadgeDefinition",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("badge"),
    )
    issued_on = models.DateTimeField(_("issued on"), default=now_to_the_second)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("awarded by"),
        help_text=_("Empty when the platform awarded it automatically."),
    )
    narrative = models.TextField(_("narrative"), blank=True)
    evidence_url = models.URLField(_("evidence"), blank=True)
    recipient_email = models.EmailField(_("recipient email (hashed in the assertion)"), blank=True)
    recipient_salt = models.CharField(_("salt"), max_length=64)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.CharField(_("revocation reason"), max_length=255, blank=True)
    public = models.BooleanField(
        _("shown publicly"), default=False, help_text=_("The learner shares this badge.")
    )
    guardian_shared = models.BooleanField(
        _("shared by a guardian"),
        default=False,
        help_text=_("A child's badges are published only once a guardian shares them."),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared by"),
    )
    notified_at = models.DateTimeField(_("learner told"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen by the learner"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        constraints = [models.UniqueConstraint(fields=["user", "badge"], name="badge_award_once")]
        indexes = [models.Index(fields=["user", "-issued_on"])]

    def __str__(self):
        return f"{self.badge} – {self.user}"

    @property
    def revoked(self):
        return self.revoked_at is not None
