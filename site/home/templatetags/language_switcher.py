"""The language switcher: the same page in each of the site's languages."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


def _translation_urls(page, request):
    """{language code: URL} for the page's published translations."""
    urls = {}
    for translation in page.get_translations(inclusive=True).live().select_related("locale"):
        url = translation.get_url(request)
        if url:
            urls[translation.locale.language_code] = url
    return urls


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    request = context["request"]
    page = context.get("page")
    page_urls = _translation_urls(page, request) if getattr(page, "locale_id", None) else {}
    query_string = request.META.get("QUERY_STRING", "")
    current = get_language()
    languages = []
    for code, _name in settings.LANGUAGES:
        url = page_urls.get(code) or translate_url(request.path, code)
        if query_string:
            url = f"{url}?{query_string}"
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "url": url,
                "is_current": code == current,
            }
        )
    return {"languages": languages, "current": get_language_info(current)}
