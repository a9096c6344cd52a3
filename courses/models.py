"""Delivery: the catalogue, courses and their lessons, H5P packages and the library store."""

import uuid

from csp.decorators import csp_update
from django.conf import settings
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
# django-csp's public per-view decorator: adds to the policy of the settings.
ALLOW_H5P_EVAL = csp_update({"script-src": ["'unsafe-eval'"]})


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

    def field_activities(self):
        """(block id, value) of every field activity in this lesson."""
        return [
            (block.id, block.value) for block in self.body if block.block_type == "field_activity"
        ]

    def serve(self, request, *args, **kwargs):
        serve = super().serve
        if self.has_h5p_activity:
            # Widely used H5P libraries (EmbeddedJS, which H5P.JoubelUI and
            # H5P.Question load) compile templates with `new Function`. Only pages
            # that play H5P allow it; every other page keeps the strict policy.
            serve = ALLOW_H5P_EVAL(serve)
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


class H5PLibrary(models.Model):
    """One H5P library in the shared store, kept once per machine name and major.minor.

    The player asks for ``<machineName>-<major>.<minor>/``; the patch version
    only says which files are stored now (a newer patch replaces them).
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    runnable = models.BooleanField(_("runnable"), default=False)
    storage_folder = models.CharField(_("storage folder"), max_length=500, unique=True)
    preloaded_js = models.JSONField(_("preloaded JavaScript files"), default=list, blank=True)
    preloaded_css = models.JSONField(_("preloaded CSS files"), default=list, blank=True)
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependants",
        verbose_name=_("dependencies"),
        help_text=_("Preloaded and dynamic dependencies (not editor-only ones)."),
    )
    library_json = models.JSONField(_("library.json"), default=dict)
    installed_at = models.DateTimeField(_("installed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="h5p_library_once_per_major_minor",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.full_version_name})"

    @property
    def folder_name(self):
        """The folder name h5p-standalone asks for: ``Machine.Name-1.16``."""
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"

    @property
    def full_version_name(self):
        return f"{self.machine_name} {self.major_version}.{self.minor_version}.{self.patch_version}"


class H5PPackage(models.Model):
    """An uploaded .h5p package: its content, stored per package, and the libraries it uses."""

    uuid = models.UUIDField(_("UUID"), unique=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=255)
    main_library = models.ForeignKey(
        H5PLibrary,
        on_delete=models.PROTECT,
        related_name="main_of_packages",
        verbose_name=_("main library"),
    )
    libraries = models.ManyToManyField(
        H5PLibrary,
        through="courses.H5PPackageLibrary",
        related_name="packages",
        verbose_name=_("libraries used"),
    )
    language = models.CharField(_("language"), max_length=32, blank=True)
    storage_folder = models.CharField(_("storage folder"), max_length=500, unique=True)
    h5p_json = models.JSONField(_("h5p.json"), default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-uploaded_at", "-pk"]
        # Library JavaScript runs in our origin: uploading is its own permission.
        permissions = [("upload_h5ppackage", "Can upload H5P packages")]

    def __str__(self):
        return self.title


class H5PPackageLibrary(models.Model):
    """A library a package uses (its preloaded dependencies and theirs, transitively)."""

    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="+")
    library = models.ForeignKey(H5PLibrary, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("library used by an H5P package")
        verbose_name_plural = _("libraries used by H5P packages")
        constraints = [
            models.UniqueConstraint(fields=["package", "library"], name="h5p_package_library_once")
        ]

    def __str__(self):
        return f"{self.package} – {self.library}"


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
