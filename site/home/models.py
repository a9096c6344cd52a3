from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from courses.models import CourseIndexPage
from curriculum.models import LifeStage, SustainableDevelopmentGoal

LANGUAGE_CODE = settings.LANGUAGE_CODE


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
        catalogue = CourseIndexPage.objects.child_of(self).live().first()
        if catalogue is None and self.locale.language_code != LANGUAGE_CODE:
            default_home = self.get_default_locale_translation()
            if default_home is not None:
                catalogue = CourseIndexPage.objects.child_of(default_home).live().first()
        context["catalogue_url"] = catalogue.get_url(request) if catalogue else None
        return context

    def get_default_locale_translation(self):
        return (
            self.get_translations(inclusive=True)
            .filter(locale__language_code=LANGUAGE_CODE)
            .first()
        )

    def route(self, request, path_components):
        """Serve a page that is not translated yet from the Japanese tree.

        /en/courses/<slug>/ shows the Japanese course (with the English interface)
        until an English translation exists, so that the language switcher never
        leads to a dead end.
        """
        try:
            return super().route(request, path_components)
        except Http404:
            if not path_components or self.locale.language_code == LANGUAGE_CODE:
                raise
            default_home = self.get_default_locale_translation()
            if default_home is None:
                raise
            return default_home.specific.route(request, path_components)

    def search_text(self):
        """The words of the page for site search (the title is indexed apart)."""
        return " ".join([self.hero_title, self.hero_lead, strip_tags(self.introduction)])
