"""The curriculum index and one programme page per life stage."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.blocks import CharBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from curriculum.models.faculty import FacultyMember
from curriculum.models.reference import LifeStage


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
