"""Reference data the university controls: life stages and the 17 SDGs.

Both are kept as rows (created by ``ensure_*`` services, editable by staff)
rather than hard-coded choices, so that curricula, profiles and badges can point
at them and staff can correct a name without a deployment.
"""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.blocks import CharBlock
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from curriculum.badge_rules import (
    COMPLETE_COURSE,
    MANUAL_ONLY,
    RULE_KINDS,
    rule_choices,
)

hex_colour_validator = RegexValidator(
    r"^#[0-9A-F]{6}$", _("Enter a colour as # followed by six upper-case hex digits.")
)


def in_active_language(japanese, english):
    """The Japanese text for Japanese readers, the English one for everyone else.

    Readers of the other interface languages usually read English more easily
    than Japanese; per-language texts arrive with the translation work.
    """
    return japanese if (get_language() or "ja").split("-")[0] == "ja" else english


class BilingualNameMixin(models.Model):
    """A Japanese name and an English one; other languages fall back to English.

    Interface languages other than Japanese are read by residents who often
    read English more easily than Japanese; per-language names arrive with the
    translation work.
    """

    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_active_language(self.name_ja, self.name_en)


class TileColourMixin(models.Model):
    """A tile colour and the text colour that reads on it at WCAG AA."""

    colour = models.CharField(_("colour"), max_length=7, validators=[hex_colour_validator])

    class Meta:
        abstract = True

    @property
    def text_colour(self):
        return text_colour_on(self.colour)


class LifeStage(BilingualNameMixin, TileColourMixin):
    """One of the seven stages of the city's lifelong SDGs education."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), unique=True)
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(
        _("to age"), null=True, blank=True, help_text=_("Empty for no upper limit.")
    )

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("life stage")
        verbose_name_plural = _("life stages")

    def __str__(self):
        return self.name

    @property
    def age_range_label(self):
        if self.max_age is None:
            return _("%(min)s+") % {"min": self.min_age}
        return _("%(min)s–%(max)s") % {"min": self.min_age, "max": self.max_age}

    @classmethod
    def for_age(cls, age, stages=None):
        """The stage a person of ``age`` (in whole years) belongs to, or None.

        The published age ranges overlap at their edges (小学生 6–12,
        中学生 12–15): the later stage wins, since a 12-year-old in April is
        already in junior high.
        """
        if age is None:
            return None
        stages = list(stages if stages is not None else cls.objects.all())
        candidates = [stage for stage in stages if stage.min_age <= age]
        return max(candidates, key=lambda stage: stage.min_age) if candidates else None


class SustainableDevelopmentGoal(BilingualNameMixin, TileColourMixin):
    """One of the 17 SDGs, shown on our own tiles (number, colour, short name).

    The UN's icons are never used: their licence does not cover this site.
    """

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG")
        verbose_name_plural = _("SDGs")

    def __str__(self):
        return f"{self.number}. {self.name}"


def relative_luminance(hex_colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background):
    """Black or white, whichever has the higher WCAG contrast on ``background``."""
    white, black = "#FFFFFF", "#000000"
    if contrast_ratio(background, white) >= contrast_ratio(background, black):
        return white
    return black


class CityTheme(BilingualNameMixin):
    """One of Komatsu's four city-making themes or its two engines (the seed)."""

    class Kind(models.TextChoices):
        THEME = "theme", _("City theme")
        ENGINE = "engine", _("Engine")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(
        _("label"), max_length=40, help_text=_("The short English label the city uses.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("city theme")
        verbose_name_plural = _("city themes")

    def __str__(self):
        return f"{self.label}: {self.name}"


class CompetencyArea(BilingualNameMixin):
    """The top of the competency framework (環境, 安全・安心, 共生 ...)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")

    def __str__(self):
        return self.name


class Competency(ClusterableModel, BilingualNameMixin):
    """What a course teaches and an opportunity needs; badges certify it."""

    area = models.ForeignKey(
        CompetencyArea,
        on_delete=models.PROTECT,
        related_name="competencies",
        verbose_name=_("area"),
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]+(-[A-Z0-9]+)*$", _("Use capitals, digits and hyphens."))
        ],
    )
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("area"),
        FieldPanel("code"),
        FieldPanel("name_ja"),
        FieldPanel("name_en"),
        FieldPanel("description_ja"),
        FieldPanel("description_en"),
        FieldPanel("sort_order"),
        InlinePanel("levels", label=_("Levels"), min_num=1),
    ]

    class Meta:
        ordering = ["area__sort_order", "sort_order", "code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def description(self):
        return in_active_language(self.description_ja, self.description_en)


class CompetencyLevel(Orderable):
    """One step of a competency: 1 知る, 2 実践できる, 3 教え・導ける ..."""

    competency = ParentalKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    name_ja = models.CharField(_("name (Japanese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=40)
    description_ja = models.TextField(_("what a person at this level can do (Japanese)"))
    description_en = models.TextField(_("what a person at this level can do (English)"))

    panels = [
        FieldPanel("level"),
        FieldPanel("name_ja"),
        FieldPanel("name_en"),
        FieldPanel("description_ja"),
        FieldPanel("description_en"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="unique_competency_level")
        ]
        verbose_name = _("competency level")
        verbose_name_plural = _("competency levels")

    def __str__(self):
        return f"{self.competency.code} L{self.level}"

    @property
    def name(self):
        return in_active_language(self.name_ja, self.name_en)


class FacultyMember(models.Model):
    """A Kanazawa University author or supervisor, as shown publicly on courses."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    title_ja = models.CharField(_("title (Japanese)"), max_length=60, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=80, blank=True)
    department = models.CharField(_("department"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faculty_member",
        verbose_name=_("account"),
        help_text=_("The member's account on this site, if they have one."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("faculty member")
        verbose_name_plural = _("faculty members")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_active_language(self.name_ja, self.name_en)

    @property
    def title(self):
        return in_active_language(self.title_ja, self.title_en)


class SupervisionApproval(models.Model):
    """A university supervisor's approval of one revision of a page (大学監修).

    Written only from the workflow's own record (the approved task state), when
    Wagtail reports a workflow approval: never typed by anyone.
    """

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="supervision_approvals",
        verbose_name=_("page"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    task_state = models.OneToOneField(
        "wagtailcore.TaskState",
        on_delete=models.SET_NULL,
        null=True,
        related_name="supervision_approval",
        verbose_name=_("workflow task"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approver_name = models.CharField(_("approver's name"), max_length=120)
    approved_at = models.DateTimeField(_("approved at"), db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-approved_at"]
        get_latest_by = "approved_at"
        verbose_name = _("supervision approval")
        verbose_name_plural = _("supervision approvals")

    def __str__(self):
        return f"{self.page_id} {self.approver_name} {self.approved_at:%Y-%m-%d}"


class CurriculumIndexPage(Page):
    """The curriculum: one programme per life stage, from early childhood to seniors."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "link", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["curriculum.ProgrammePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("curriculum index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = (
            ProgrammePage.objects.child_of(self)
            .live()
            .public()
            .select_related("life_stage")
            .order_by("life_stage__sort_order")
        )
        return context

    def search_text(self):
        return strip_tags(self.introduction)


class ProgrammeCourse(Orderable):
    """One step of a programme's recommended path of courses."""

    programme = ParentalKey(
        "curriculum.ProgrammePage", on_delete=models.CASCADE, related_name="recommended_courses"
    )
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )

    panels = [PageChooserPanel("course", "courses.CoursePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("recommended course")
        verbose_name_plural = _("recommended courses")


class ProgrammePage(Page):
    """The SDGs programme of one life stage: goals, a path of courses, what comes next."""

    life_stage = models.ForeignKey(
        LifeStage, on_delete=models.PROTECT, related_name="+", verbose_name=_("life stage")
    )
    introduction = models.TextField(_("introduction"), max_length=600)
    learning_goals = StreamField(
        [("goal", CharBlock(label=_("Learning goal"), max_length=200))],
        verbose_name=_("learning goals"),
        min_num=1,
    )
    supervisor = models.ForeignKey(
        FacultyMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervising faculty member"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("life_stage"),
        FieldPanel("introduction"),
        FieldPanel("learning_goals"),
        InlinePanel("recommended_courses", label=_("Recommended path of courses")),
        FieldPanel("supervisor"),
    ]
    parent_page_types = ["curriculum.CurriculumIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("stage programme")
        verbose_name_plural = _("stage programmes")

    def clean(self):
        super().clean()
        if self.life_stage_id:
            others = ProgrammePage.objects.filter(
                life_stage_id=self.life_stage_id, locale_id=self.locale_id
            ).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {"life_stage": _("This life stage already has a programme in this language.")}
                )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course_ids = list(
            self.recommended_courses.order_by("sort_order").values_list("course_id", flat=True)
        )
        courses = {
            course.pk: course
            for course in Page.objects.live().public().filter(pk__in=course_ids).specific()
        }
        context["recommended_courses"] = [courses[pk] for pk in course_ids if pk in courses]
        context["next_programme"] = (
            ProgrammePage.objects.live()
            .public()
            .filter(locale_id=self.locale_id, life_stage__sort_order__gt=self.life_stage.sort_order)
            .select_related("life_stage")
            .order_by("life_stage__sort_order")
            .first()
        )
        return context

    def search_text(self):
        goals = self.learning_goals.stream_block.get_searchable_content(self.learning_goals)
        return " ".join([self.introduction, *goals])


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

    @property
    def tag_list(self):
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]
