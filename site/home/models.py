from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from curriculum.models import LifeStage, SustainableDevelopmentGoal


class HomePage(Page):
    """The front door: what Manabi is, and the life stages and SDGs as ways in."""

    hero_title = models.CharField(_("headline"), max_length=120)
    hero_lead = models.TextField(_("lead"), max_length=400)
    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_lead"),
        FieldPanel("introduction"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["life_stages"] = LifeStage.objects.all()
        context["sustainable_development_goals"] = SustainableDevelopmentGoal.objects.all()
        return context
