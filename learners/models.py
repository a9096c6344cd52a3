"""A person's record: profile, consents, guardians, learning records, badge awards, and the
reference data they point at (one module: these models are read together everywhere)."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from curriculum.models import LifeStage, SustainableDevelopmentGoal, in_active_language
from learners.managers import LearningStatementManager

EARLIEST_BIRTH_YEAR = 1900


class District(models.Model):
    """A district (地区) of Komatsu City, the unit learners and opportunities share."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=40)
    name_kana = models.CharField(_("reading (kana)"), max_length=60)
    name_en = models.CharField(_("name (romanised)"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

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
        indexes = [models.Index(fields=["course_key"])]

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
        indexes = [models.Index(fields=["user", "course_key"])]

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
    issued_on = models.DateTimeField(_("issued on"), default=timezone.now)
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


# Defined beside the audit helpers; imported here so that Django finds the model.
from learners.audit import AuditLogEntry  # noqa: E402, F401
