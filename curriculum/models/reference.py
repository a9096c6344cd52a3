"""Reference data the university controls: life stages, the 17 SDGs, city themes and the
competency framework.

All are kept as rows (created by ``ensure_*`` services, editable by staff) rather than
hard-coded choices, so that curricula, profiles and badges can point at them and staff
can correct a name without a deployment.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

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
        # A row made without its English name (the demo's course badges) reads in Japanese
        # rather than as a blank.
        return in_active_language(self.name_ja, self.name_en or self.name_ja)


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
