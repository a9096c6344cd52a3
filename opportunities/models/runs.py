"""Matching runs and the proposals they made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchingRun(models.Model):
    """One run of the engine over some opportunities, started by a coordinator.

    A run is queued, runs on the task worker (``opportunities.tasks``), and records how
    far it got, so that the admin can show its progress; what it found is its proposals.
    ``exclusions`` keeps, for a run with nobody eligible, how many graduates each hard
    constraint excluded, so the page can say why in the reader's language.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    opportunities = models.ManyToManyField(
        "opportunities.Opportunity", related_name="matching_runs", verbose_name=_("opportunities")
    )
    organisations = models.ManyToManyField(
        "opportunities.Organisation",
        related_name="matching_runs",
        verbose_name=_("organisations"),
        help_text=_("Whose opportunities the run covered: their coordinators may see it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    candidate_count = models.PositiveIntegerField(_("graduates considered"), default=0)
    shift_count = models.PositiveIntegerField(_("shifts"), default=0)
    eligible_pair_count = models.PositiveIntegerField(_("eligible pairs"), default=0)
    total_score = models.FloatField(_("total score"), default=0)
    exclusions = models.JSONField(_("graduates excluded, by constraint"), default=dict)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self):
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class Proposal(models.Model):
    """A graduate proposed for a shift by a run (or added to it by hand), with why."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ALTERNATIVE = "alternative", _("Alternative")
        ADDED = "added", _("Added by hand")
        REMOVED = "removed", _("Removed")

    run = models.ForeignKey(
        MatchingRun, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("run")
    )
    shift = models.ForeignKey(
        "opportunities.Shift",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("shift"),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="opportunity_proposals",
        verbose_name=_("graduate"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    score = models.FloatField(_("score"), default=0)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    # The engine's Reason and Violation tuples as lists: rendered in the reader's language.
    reasons = models.JSONField(_("reasons"), default=list)
    violations = models.JSONField(_("broken constraints"), default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["run", "shift", "rank", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "shift", "learner"], name="proposal_once_per_shift"
            )
        ]
        indexes = [models.Index(fields=["learner", "created_at"])]

    def __str__(self):
        return f"{self.learner_id} → {self.shift_id} ({self.status})"
