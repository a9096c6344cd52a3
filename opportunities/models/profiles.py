"""A graduate's matching profile: when they are free, how far they go, what they care
about and which languages they speak. Whether they are open to offers at all is their
consent (``learners.ConsentPurpose.OPPORTUNITY_MATCHING``), kept with their other consents;
without it nobody is shown to any coordinator, whatever this profile says."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from opportunities.matching import PARTS_OF_DAY
from opportunities.models.roles import LanguageLevel

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# "sat-morning": the slots a profile stores, in the engine's (weekday, part) order.
SLOT_CODES = tuple(f"{day}-{part}" for day in WEEKDAY_CODES for part in PARTS_OF_DAY)


def slot_to_pair(code):
    day, part = code.split("-", 1)
    return WEEKDAY_CODES.index(day), part


def validate_slots(value):
    if not isinstance(value, list) or any(code not in SLOT_CODES for code in value):
        raise ValidationError(
            _("Availability is a list of day and part-of-day codes such as %(example)s."),
            params={"example": "sat-morning"},
        )


class MatchingProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="matching_profile",
        verbose_name=_("account"),
    )
    availability = models.JSONField(
        _("weekly availability"), default=list, blank=True, validators=[validate_slots]
    )
    districts = models.ManyToManyField(
        "learners.District",
        blank=True,
        related_name="+",
        verbose_name=_("districts I can go to"),
    )
    travel_limit_km = models.PositiveSmallIntegerField(
        _("how far I can travel (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    interests = models.ManyToManyField(
        "curriculum.SustainableDevelopmentGoal",
        blank=True,
        related_name="+",
        verbose_name=_("SDGs I care about"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("matching profile")
        verbose_name_plural = _("matching profiles")

    def __str__(self):
        return str(self.user_id)

    @property
    def availability_pairs(self):
        return frozenset(slot_to_pair(code) for code in self.availability)


class ProfileLanguage(models.Model):
    profile = models.ForeignKey(MatchingProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(
        "learners.SpokenLanguage",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("language"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="profile_language_once")
        ]

    def __str__(self):
        return f"{self.language_id} {self.level}"
