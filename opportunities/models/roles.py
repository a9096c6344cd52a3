"""Opportunities (roles to fill) with what they require and when they happen, and the
placements that take their places."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from curriculum.models import in_active_language
from search.tokens import normalize_text

SEARCHED_FIELDS = {"title_ja", "title_en", "description_ja", "description_en"}


class LanguageLevel(models.IntegerChoices):
    """How well a person speaks a language; a role may require a minimum (the engine's
    BASIC, CONVERSATIONAL, FLUENT)."""

    BASIC = 1, _("Basic")
    CONVERSATIONAL = 2, _("Conversational")
    FLUENT = 3, _("Fluent")


class PhysicalIntensity(models.TextChoices):
    LIGHT = "light", _("Light (sitting or standing, little walking)")
    MODERATE = "moderate", _("Moderate (walking, light carrying)")
    DEMANDING = "demanding", _("Demanding (outdoor work, lifting, long hours on foot)")


class OpportunityQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: open roles."""
        return self.filter(status=Opportunity.Status.OPEN)


class Opportunity(ClusterableModel):
    """A role an organisation wants filled: a Kibagata water survey, a disaster drill..."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        "opportunities.Organisation",
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("organisation"),
    )
    title_ja = models.CharField(
        pgettext_lazy("of an opportunity", "title (Japanese)"), max_length=160
    )
    title_en = models.CharField(
        pgettext_lazy("of an opportunity", "title (English)"), max_length=160, blank=True
    )
    description_ja = models.TextField(_("description (Japanese)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    sdgs = ParentalManyToManyField(
        "curriculum.SustainableDevelopmentGoal",
        blank=True,
        related_name="+",
        verbose_name=_("SDGs"),
    )
    required_badges = ParentalManyToManyField(
        "curriculum.BadgeDefinition",
        blank=True,
        related_name="+",
        verbose_name=_("required badges"),
        help_text=_("Only graduates holding every one of these are proposed."),
    )
    preferred_badges = ParentalManyToManyField(
        "curriculum.BadgeDefinition",
        blank=True,
        related_name="+",
        verbose_name=_("preferred badges"),
        help_text=_("Graduates holding these are ranked higher."),
    )
    district = models.ForeignKey(
        "learners.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    life_stages = ParentalManyToManyField(
        "curriculum.LifeStage",
        blank=True,
        related_name="+",
        verbose_name=_("life stages"),
        help_text=_("Leave empty for every life stage."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
    )
    minors_need_guardian_consent = models.BooleanField(
        _("minors need a guardian's consent"), default=True
    )
    physical_intensity = models.CharField(
        _("physical intensity"),
        max_length=12,
        choices=PhysicalIntensity.choices,
        default=PhysicalIntensity.LIGHT,
    )
    accessibility_notes = models.TextField(
        _("accessibility notes"),
        blank=True,
        help_text=_("Steps, toilets, seating, transport: what a participant should know."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The titles and descriptions (both languages) in search.tokens' normalised form,
    # for the keyword filter of the public list; save() keeps it current.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(latitude__isnull=False, longitude__isnull=False)
                ),
                name="opportunity_map_point_whole",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return in_active_language(self.title_ja, self.title_en or self.title_ja)

    @property
    def description(self):
        return in_active_language(self.description_ja, self.description_en or self.description_ja)

    def get_absolute_url(self):
        return reverse("opportunities:detail", args=[self.pk])

    def normalised_search_text(self):
        parts = (self.title_ja, self.title_en, self.description_ja, self.description_en)
        return normalize_text(" ".join(part for part in parts if part))

    def save(self, *args, **kwargs):
        self.search_text = self.normalised_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                _("Give both the latitude and the longitude of the map point, or neither.")
            )


class OpportunityCompetency(models.Model):
    """A competency level the role needs (required) or that helps (preferred)."""

    opportunity = ParentalKey(
        Opportunity, on_delete=models.CASCADE, related_name="competency_requirements"
    )
    competency = models.ForeignKey(
        "curriculum.Competency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Required: only graduates at this level or above. Otherwise preferred."),
    )

    class Meta:
        verbose_name = _("competency requirement")
        verbose_name_plural = _("competency requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "competency"], name="opportunity_competency_once"
            )
        ]

    def __str__(self):
        return f"{self.competency_id} ≥ {self.level}"

    def clean(self):
        super().clean()
        if self.competency_id is None or self.level is None:
            return
        levels = set(self.competency.levels.values_list("level", flat=True))
        if levels and self.level not in levels:
            raise ValidationError(
                {
                    "level": _("%(competency)s has no level %(level)s (it has %(levels)s).")
                    % {
                        "competency": self.competency,
                        "level": self.level,
                        "levels": ", ".join(str(level) for level in sorted(levels)),
                    }
                }
            )


class OpportunityLanguage(models.Model):
    """A language the role needs (required, at a minimum level) or that helps."""

    opportunity = ParentalKey(
        Opportunity, on_delete=models.CASCADE, related_name="language_requirements"
    )
    language = models.ForeignKey(
        "learners.SpokenLanguage",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("language"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=LanguageLevel.choices, default=LanguageLevel.CONVERSATIONAL
    )
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_("Required: only graduates who speak it at this level. Otherwise it helps."),
    )

    class Meta:
        verbose_name = _("language requirement")
        verbose_name_plural = _("language requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "language"], name="opportunity_language_once"
            )
        ]

    def __str__(self):
        return f"{self.language_id} ≥ {self.level}"


class Shift(models.Model):
    """One time the role happens: when, where, and how many people it needs."""

    opportunity = ParentalKey(Opportunity, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="shift_capacity_one"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        return f"{self.opportunity_id} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A shift must end after it starts.")})


class Placement(models.Model):
    """A graduate holding one place on a shift. Offers and acceptance (the next step of
    the path into action) create them; matching reads them for places left and for who is
    already busy at a time."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        # Said yes after the shift filled up: first in line when a place comes free.
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="placements", verbose_name=_("shift")
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=_("graduate"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    offer = models.ForeignKey(
        "opportunities.Offer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placements",
        verbose_name=_("offer"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the status last changed: the waitlist is served in this order.
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # After the shift: whether they came (None: not recorded yet; False: a no-show, seen by
    # coordinators only), the hours they said they served and the hours approved. Only
    # approved hours count.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    hours_submitted = models.DecimalField(
        _("hours submitted"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    hours_approved = models.DecimalField(
        _("hours approved"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    hours_reason = models.CharField(
        _("reason for hours beyond the shift"), max_length=300, blank=True
    )
    hours_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hours approved by"),
    )
    hours_approved_at = models.DateTimeField(_("hours approved at"), null=True, blank=True)

    class Meta:
        ordering = ["shift__starts_at", "id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["shift", "learner"], name="placement_once_per_shift"),
            models.CheckConstraint(
                condition=models.Q(hours_approved__isnull=True) | models.Q(hours_approved__gte=0),
                name="placement_hours_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.learner_id} @ {self.shift_id}"
