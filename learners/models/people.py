"""People and what they agreed to: districts, spoken languages, learner profiles, consents
and guardianships."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from curriculum.models import LifeStage, SustainableDevelopmentGoal, in_active_language

EARLIEST_BIRTH_YEAR = 1900


class District(models.Model):
    """A district (地区) of Komatsu City, the unit learners and opportunities share."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=40)
    name_kana = models.CharField(_("reading (kana)"), max_length=60)
    name_en = models.CharField(_("name (romanised)"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The district's approximate centre: matching measures how far apart districts are.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return in_active_language(self.name_ja, self.name_en)


class SpokenLanguage(models.Model):
    """A language a resident speaks (wider than the interface languages)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_native = models.CharField(_("name in the language itself"), max_length=60)
    name_ja = models.CharField(_("name (Japanese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")

    def __str__(self):
        local = in_active_language(self.name_ja, self.name_en)
        return local if local == self.name_native else f"{local} ({self.name_native})"


class LearnerProfile(models.Model):
    """What a learner tells us about themselves; created with the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learner_profile",
        verbose_name=_("account"),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("The name shown on the site and on your certificates."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        validators=[MinValueValidator(EARLIEST_BIRTH_YEAR)],
        help_text=_("Used to suggest courses for your life stage."),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learner_profiles",
        verbose_name=_("district"),
    )
    languages = models.ManyToManyField(
        SpokenLanguage,
        blank=True,
        related_name="learner_profiles",
        verbose_name=_("languages you speak"),
    )
    interests = models.ManyToManyField(
        SustainableDevelopmentGoal,
        blank=True,
        related_name="interested_learners",
        verbose_name=_("SDGs you are interested in"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")

    def __str__(self):
        return self.display_name

    @property
    def age_this_year(self):
        return timezone.localdate().year - self.birth_year

    @cached_property
    def life_stage(self):
        return LifeStage.for_age(self.age_this_year)


class ConsentPurpose(models.TextChoices):
    TERMS_AND_PRIVACY = "terms_and_privacy", _("Terms of use and privacy policy")
    OPPORTUNITY_MATCHING = "opportunity_matching", _("Offers of local activities")
    NEWS_EMAIL = "news_email", _("News by email")
    # Given by a guardian, on the child's record (``accounts.record_guardian_consent``).
    CHILD_RECORDS_SHARED = (
        "child_records_shared",
        _("Staff may read the child's learning records"),
    )


class ConsentRecord(models.Model):
    """One decision a person made about one purpose, kept for good.

    Consents are never edited: each change is a new row, so the platform can
    show what a person had agreed to at any moment. The current state of a
    purpose is its latest row.
    """

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up form")
        PROFILE = "profile", _("Profile page")
        GUARDIAN = "guardian", _("Guardian")
        DEMO = "demo", _("Demo data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("account"),
    )
    purpose = models.CharField(_("purpose"), max_length=40, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    policy_version = models.CharField(_("policy version"), max_length=20)
    source = models.CharField(_("recorded through"), max_length=20, choices=Source.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("given by"),
        help_text=_("The person themself, or their guardian; empty for the platform."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-recorded_at"])]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self):
        state = _("granted") if self.granted else _("withdrawn")
        return f"{self.user_id} {self.purpose} {state} {self.recorded_at:%Y-%m-%d %H:%M}"


class Guardianship(models.Model):
    """A guardian (a parent or carer) of a child learner, recorded by ``link_guardian``.

    A guardian shares a child's badges and decides whether staff may read the child's
    learning records; a child may have several guardians.
    """

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardianships_as_guardian",
        verbose_name=_("guardian"),
    )
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardianships_as_child",
        verbose_name=_("child"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "child"], name="guardianship_once"),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("child")), name="guardianship_not_self"
            ),
        ]

    def __str__(self):
        return _("%(guardian)s, guardian of %(child)s") % {
            "guardian": self.guardian,
            "child": self.child,
        }
