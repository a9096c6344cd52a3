"""The site's main sections, for the header: the catalogue and the curriculum."""

from django import template
from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Page

from courses.models import CourseIndexPage
from curriculum.models import CurriculumIndexPage

register = template.Library()
SECTIONS = {"courses": CourseIndexPage, "curriculum": CurriculumIndexPage}


def _section_urls(request):
    """{section: URL} in the visitor's language, else the default language. One query."""
    active, default = get_language(), settings.LANGUAGE_CODE
    candidates = (
        Page.objects.live()
        .public()
        .type(*SECTIONS.values())
        .filter(locale__language_code__in={active, default})
        .select_related("locale", "content_type")
    )
    found = {}
    for page in candidates:
        model = page.content_type.model_class()
        for name, section_model in SECTIONS.items():
            if issubclass(model, section_model):
                preferred = page.locale.language_code == active
                if name not in found or preferred:
                    found[name] = page
    return {name: page.get_url(request) for name, page in found.items()}


@register.simple_tag(takes_context=True)
def main_sections(context):
    request = context.get("request")
    if request is None:
        return {}
    if not hasattr(request, "_manabi_main_sections"):
        request._manabi_main_sections = _section_urls(request)
    return request._manabi_main_sections
