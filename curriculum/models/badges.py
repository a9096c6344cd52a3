"""Badge definitions (Open Badges achievements) and the issuer profile."""

import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from curriculum.badge_rules import (
    COMPLETE_COURSE,
    MANUAL_ONLY,
    RULE_KINDS,
    VOLUNTEER_HOURS,
    rule_choices,
)
from curriculum.models.reference import (
    BilingualNameMixin,
    Competency,
    LifeStage,
    SustainableDevelopmentGoal,
)


@register_setting(icon="tag")
class BadgeIssuer(BaseGenericSetting):
    """Who issues Manabi's Open Badges: one profile for the whole platform.

    Empty fields fall back to ``settings.MANABI_BADGE_ISSUER``.
    """

    name = models.CharField(_("name"), max_length=200, blank=True)
    url = models.URLField(_("web site"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    description = models.TextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("email"),
        FieldPanel("description"),
        FieldPanel("image"),
    ]

    class Meta:
        verbose_name = _("badge issuer")

    def profile(self):
        """The issuer's name, url, email and description, with the settings' defaults."""
        defaults = settings.MANABI_BADGE_ISSUER
        return {
            key: getattr(self, key) or defaults.get(key, "")
            for key in ("name", "url", "email", "description")
        }


class BadgeDefinition(BilingualNameMixin):
    """An achievement learners earn: what it means, how it is earned, what it aligns to."""

    uuid = models.UUIDField(_("UUID"), unique=True, default=uuid.uuid4, editable=False)
    description = models.TextField(_("description"))
    criteria_narrative = models.TextField(
        _("criteria"), help_text=_("What a learner did to earn it, in plain words.")
    )
    rule_type = models.CharField(
        _("how it is earned"),
        max_length=40,
        default=MANUAL_ONLY,
        help_text=_("Awarded automatically as soon as the rule is met, or by staff only."),
    )
    course = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("course"),
    )
    programme = models.ForeignKey(
        "curriculum.ProgrammePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stage programme"),
    )
    competency = models.ForeignKey(
        Competency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("competency"),
    )
    competency_level = models.PositiveSmallIntegerField(
        _("competency level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    hours_threshold = models.DecimalField(
        _("volunteer hours threshold"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "For the volunteer-hours rule: the approved hours a graduate needs. When the badge "
            "has SDGs, only hours on activities tagged with one of those SDGs count."
        ),
    )
    life_stage = models.ForeignKey(
        LifeStage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("life stage"),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
        help_text=_("Leave empty to use a picture drawn from the SDG colours and life stage."),
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="+", verbose_name=_("SDGs")
    )
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="+", verbose_name=_("aligned competencies")
    )
    tags = models.CharField(
        _("tags"), max_length=255, blank=True, help_text=_("Comma-separated keywords.")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive badges are no longer awarded.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [
        FieldPanel("name_ja"),
        FieldPanel("name_en"),
        FieldPanel("description"),
        FieldPanel("criteria_narrative"),
        FieldPanel("rule_type", widget=forms.Select(choices=rule_choices)),
        PageChooserPanel("course", "courses.CoursePage"),
        PageChooserPanel("programme", "curriculum.ProgrammePage"),
        FieldPanel("competency"),
        FieldPanel("competency_level"),
        FieldPanel("hours_threshold"),
        FieldPanel("life_stage"),
        FieldPanel("image"),
        FieldPanel("sdgs", widget=forms.CheckboxSelectMultiple),
        FieldPanel("competencies", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["name_ja"]

    def clean(self):
        super().clean()
        self._clean_hours_threshold()
        if self.rule_type == MANUAL_ONLY:
            return
        kind = RULE_KINDS.get(self.rule_type)
        if kind is None:
            raise ValidationError({"rule_type": _("Choose how the badge is earned.")})
        missing = {
            field: _("This rule needs this field.")
            for field in kind.required
            if getattr(self, f"{field}_id", getattr(self, field, None)) in (None, "")
        }
        if missing:
            raise ValidationError(missing)
        if self.rule_type == COMPLETE_COURSE and self.course_id:
            if self.course.specific_class.__name__ != "CoursePage":
                raise ValidationError({"course": _("Choose a course page.")})

    def _clean_hours_threshold(self):
        """A threshold above zero for the volunteer-hours rule, and for no other rule."""
        if self.hours_threshold is None:
            return  # required for volunteer hours: the rule's required fields say so
        if self.rule_type != VOLUNTEER_HOURS:
            raise ValidationError(
                {"hours_threshold": _("Only the volunteer-hours rule uses a threshold.")}
            )
        if self.hours_threshold <= Decimal(0):
            raise ValidationError({"hours_threshold": _("The threshold must be above zero.")})

    @property
    def tag_list(self):
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]
