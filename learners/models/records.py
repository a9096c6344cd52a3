"""Learning records: enrolments, xAPI statements, activity results, field visits, lesson and
course progress, and the credentials external xAPI tools use."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learners.managers import ActivityResultManager, LearningStatementManager


class Enrolment(models.Model):
    """A learner taking a course, keyed by the course's translation key (any language)."""

    class Source(models.TextChoices):
        EXPLICIT = "explicit", _("Enrolled on the course page")
        LESSON_VISIT = "lesson_visit", _("Opened a lesson")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    course_key = models.UUIDField(_("course translation key"))
    source = models.CharField(_("how"), max_length=20, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        # The course report reads enrolments and what the enrolled learners did.
        permissions = [
            ("view_course_report", "Can see course reports"),
            ("export_course_report", "Can export course reports as CSV"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="enrolment_once")
        ]
        # The course report and its export read a course's enrolments by enrolment date,
        # in keyset-paginated chunks.
        indexes = [
            models.Index(
                fields=["course_key", "enrolled_at", "id"], name="enrolment_by_course_date"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.course_key}"


class LearningStatement(models.Model):
    """An xAPI statement as received (with our actor and ``stored``), plus the columns
    progress needs. Kept whole, so that it can be returned and re-read later."""

    id = models.UUIDField(_("statement id"), primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learning_statements",
        verbose_name=_("learner"),
    )
    verb_id = models.CharField(_("verb"), max_length=255)
    object_id = models.CharField(_("activity"), max_length=500)
    block_id = models.UUIDField(_("block id"), null=True, blank=True)
    lesson_key = models.UUIDField(_("lesson translation key"), null=True, blank=True)
    is_root = models.BooleanField(
        _("root statement"),
        default=True,
        help_text=_("False for a sub-question of composite content (it has a parent)."),
    )
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    success = models.BooleanField(_("success"), null=True, blank=True)
    completion = models.BooleanField(_("completion"), null=True, blank=True)
    timestamp = models.DateTimeField(_("timestamp"))
    stored = models.DateTimeField(_("stored"), db_index=True)
    statement = models.JSONField(_("statement"))

    objects = LearningStatementManager()

    class Meta:
        verbose_name = _("learning statement")
        verbose_name_plural = _("learning statements")
        indexes = [
            models.Index(fields=["user", "block_id"]),
            models.Index(fields=["user", "-stored"]),
        ]

    def __str__(self):
        return f"{self.verb_id} {self.object_id}"


class ActivityResult(models.Model):
    """A learner's best result on one activity (an H5P block) of a lesson."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_results",
        verbose_name=_("learner"),
    )
    block_id = models.UUIDField(_("block id"))
    lesson_key = models.UUIDField(_("lesson translation key"))
    best_scaled_score = models.FloatField(_("best scaled score"), null=True, blank=True)
    success = models.BooleanField(_("passed"), default=False)
    completed = models.BooleanField(_("completed"), default=False)
    viewed = models.BooleanField(_("viewed"), default=False)
    attempts = models.PositiveIntegerField(_("scored attempts"), default=0)
    first_at = models.DateTimeField(_("first statement"))
    last_at = models.DateTimeField(_("last statement"))

    objects = ActivityResultManager()

    class Meta:
        verbose_name = _("activity result")
        verbose_name_plural = _("activity results")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson_key", "block_id"], name="activity_result_once"
            )
        ]
        indexes = [models.Index(fields=["block_id"])]

    def __str__(self):
        return f"{self.user} – {self.block_id}"


class FieldVisit(models.Model):
    """A learner checked in at a field activity's place with the poster's code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="field_visits",
        verbose_name=_("learner"),
    )
    block_id = models.UUIDField(_("field activity"))
    lesson_key = models.UUIDField(_("lesson translation key"))
    place_name = models.CharField(_("place"), max_length=255, blank=True)
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now)

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        constraints = [
            models.UniqueConstraint(fields=["user", "block_id"], name="field_visit_once")
        ]

    def __str__(self):
        return f"{self.user} – {self.place_name}"


class LessonProgress(models.Model):
    """How far a learner is through one lesson (in any of its languages)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("learner"),
    )
    lesson_key = models.UUIDField(_("lesson translation key"))
    course_key = models.UUIDField(_("course translation key"))
    reached_end_at = models.DateTimeField(_("reached the end"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson_key"], name="lesson_progress_once")
        ]
        indexes = [
            models.Index(fields=["user", "course_key"]),
            # The course report counts completions per lesson of a course.
            models.Index(fields=["lesson_key", "completed_at"], name="lesson_progress_by_lesson"),
        ]

    def __str__(self):
        return f"{self.user} – {self.lesson_key}"


class CourseCompletion(models.Model):
    """A learner completed a course: recorded once, by ``complete_course``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_completions",
        verbose_name=_("learner"),
    )
    course_key = models.UUIDField(_("course translation key"))
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="course_completion_once")
        ]
        indexes = [models.Index(fields=["course_key"])]

    def __str__(self):
        return f"{self.user} – {self.course_key}"


class XAPICredential(models.Model):
    """A key and secret with which an external xAPI tool sends a learner's statements
    (HTTP Basic). Only a hash of the secret is kept; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="xapi_credentials",
        verbose_name=_("learner"),
    )
    label = models.CharField(_("label"), max_length=100)
    key = models.CharField(_("key"), max_length=40, unique=True)
    secret_hash = models.CharField(_("secret (hashed)"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("xAPI credential")
        verbose_name_plural = _("xAPI credentials")

    def __str__(self):
        return f"{self.label} ({self.key})"
