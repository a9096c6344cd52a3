"""The catalogue, course pages and lesson pages."""

from csp.decorators import csp_update
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock
from courses.forms import CoursePageForm
from curriculum.models import (
    CityTheme,
    Competency,
    FacultyMember,
    LifeStage,
    SupervisionApproval,
    SustainableDevelopmentGoal,
)
from curriculum.ruby import strip_ruby

MINUTES_VALIDATORS = [MinValueValidator(1), MaxValueValidator(6000)]
# What a lesson page that plays H5P adds to the policy of the settings (with
# django-csp's per-view csp_update): widely used H5P libraries (EmbeddedJS, which
# H5P.JoubelUI and H5P.Question load) compile templates with `new Function`.
ALLOW_H5P_EVAL = {"script-src": ["'unsafe-eval'"]}


class CourseIndexPage(Page):
    """The course catalogue, filtered by life stage, SDG, theme, language,
    duration and keyword."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_catalogue

        context = super().get_context(request, *args, **kwargs)
        context.update(course_catalogue(request))
        return context

    def search_text(self):
        return strip_tags(self.introduction)


class CourseCompetency(Orderable):
    """A competency a course teaches, and to which level."""

    course = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="competencies"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )

    panels = [FieldPanel("competency"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        verbose_name = _("competency taught")
        verbose_name_plural = _("competencies taught")


class CoursePage(Page):
    """A course: what it teaches, for whom, by whom, and who supervised it."""

    summary = models.CharField(_("summary"), max_length=240)
    description = RichTextField(
        _("description"), features=["h3", "bold", "italic", "ol", "ul", "link"]
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    cover_image_alt = models.CharField(
        _("cover image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the picture for people who cannot see it."),
    )
    life_stages = ParentalManyToManyField(
        LifeStage, related_name="courses", verbose_name=_("life stages")
    )
    sdgs = ParentalManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="courses", verbose_name=_("SDGs")
    )
    themes = ParentalManyToManyField(
        CityTheme, blank=True, related_name="courses", verbose_name=_("city themes")
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), validators=MINUTES_VALIDATORS
    )
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisites"),
        help_text=_("Courses to finish before this one."),
    )
    faculty_authors = ParentalManyToManyField(
        FacultyMember, blank=True, related_name="authored_courses", verbose_name=_("authors")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading=_("Cover image")
        ),
        MultiFieldPanel(
            [
                FieldPanel("life_stages", widget=CoursePageForm.checkboxes()),
                FieldPanel("sdgs", widget=CoursePageForm.checkboxes()),
                FieldPanel("themes", widget=CoursePageForm.checkboxes()),
                FieldPanel("estimated_minutes"),
            ],
            heading=_("Who and what it is for"),
        ),
        InlinePanel("competencies", label=_("Competencies taught")),
        FieldPanel("prerequisites"),
        FieldPanel("faculty_authors", widget=CoursePageForm.checkboxes()),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    base_form_class = CoursePageForm
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def supervision(self):
        """The latest 大学監修 approval of this course, or None."""
        return SupervisionApproval.objects.filter(page=self).order_by("-approved_at").first()

    def lessons(self):
        return LessonPage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = list(self.lessons())
        context["supervision"] = self.supervision
        context["competencies_taught"] = self.competencies.select_related(
            "competency"
        ).prefetch_related("competency__levels")
        context["live_prerequisites"] = self.prerequisites.live().public()
        return context

    def search_text(self):
        return strip_ruby(f"{self.summary} {strip_tags(self.description)}")


class LessonPage(Page):
    """One lesson of a course. Lessons follow the order of the page tree."""

    summary = models.CharField(_("summary"), max_length=240, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), validators=MINUTES_VALIDATORS, default=15
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("lesson"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def course(self):
        return self.get_parent().specific

    @property
    def has_h5p_activity(self):
        return any(block.block_type == "h5p" for block in self.body)

    def h5p_media_origins(self):
        """The https origins the H5P packages of this lesson play media from, sorted."""
        origins = {
            origin
            for block in self.body
            if block.block_type == "h5p" and block.value["package"] is not None
            for origin in block.value["package"].media_origins
        }
        return sorted(origins)

    def field_activities(self):
        """(block id, value) of every field activity in this lesson."""
        return [
            (block.id, block.value) for block in self.body if block.block_type == "field_activity"
        ]

    def serve(self, request, *args, **kwargs):
        serve = super().serve
        if self.has_h5p_activity:
            # Only pages that play H5P let it evaluate code and fetch its media
            # from the sites its packages name; every other page keeps the
            # strict policy of the settings.
            policy = dict(ALLOW_H5P_EVAL)
            if media_origins := self.h5p_media_origins():
                policy["media-src"] = media_origins
            serve = csp_update(policy)(serve)
        return serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        siblings = list(
            LessonPage.objects.sibling_of(self)
            .live()
            .public()
            .order_by("path")
            .only("id", "title", "url_path", "path", "depth")
        )
        position = (
            next(i for i, lesson in enumerate(siblings) if lesson.pk == self.pk)
            if any(lesson.pk == self.pk for lesson in siblings)
            else None
        )
        context["course"] = self.course
        context["lesson_number"] = position + 1 if position is not None else None
        context["lesson_count"] = len(siblings)
        context["previous_lesson"] = siblings[position - 1] if position else None
        context["next_lesson"] = (
            siblings[position + 1]
            if position is not None and position + 1 < len(siblings)
            else None
        )
        return context

    def search_text(self):
        # Each block type says what text it holds (courses.blocks), so none is left out.
        parts = [self.summary, *self.body.stream_block.get_searchable_content(self.body)]
        return strip_ruby(" ".join(part for part in parts if part))
