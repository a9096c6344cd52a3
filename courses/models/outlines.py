"""Lesson outlines: what each published lesson asks of a learner (its H5P and field
activities, pass marks), keyed by translation key so progress follows a learner across
languages. Written on publish; read by learners for progress."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LessonOutline(models.Model):
    """What a published lesson asks of a learner, kept in step with the lesson on publish.

    Keyed by translation key, so a lesson and its translations share one outline and a
    learner who switches language keeps their progress. ``learners`` reads it to turn
    xAPI statements into lesson and course progress without opening page revisions.
    """

    lesson_key = models.UUIDField(_("lesson translation key"), unique=True)
    course_key = models.UUIDField(_("course translation key"), db_index=True)
    position = models.PositiveIntegerField(_("position in the course"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lesson outline")
        verbose_name_plural = _("lesson outlines")
        ordering = ["course_key", "position"]

    def __str__(self):
        return str(self.lesson_key)


class LessonActivity(models.Model):
    """One activity a learner must finish to complete a lesson: an H5P block or a field visit."""

    class Kind(models.TextChoices):
        H5P = "h5p", _("H5P activity")
        FIELD = "field", _("Field activity")

    outline = models.ForeignKey(
        LessonOutline, on_delete=models.CASCADE, related_name="activities", verbose_name=_("lesson")
    )
    block_id = models.UUIDField(_("block id"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    scored = models.BooleanField(
        _("scored"), default=True, help_text=_("Unscored content counts once it has been viewed.")
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    position = models.PositiveIntegerField(_("position in the lesson"), default=0)

    class Meta:
        verbose_name = _("lesson activity")
        verbose_name_plural = _("lesson activities")
        ordering = ["outline", "position"]
        constraints = [
            models.UniqueConstraint(fields=["outline", "block_id"], name="lesson_activity_once")
        ]

    def __str__(self):
        return self.title or str(self.block_id)
