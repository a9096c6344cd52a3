"""Reads for the course pages: the catalogue and its filters."""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Locale

from curriculum.models import CityTheme, LifeStage, SustainableDevelopmentGoal
from search.services import search_pages

COURSES_PER_PAGE = 12
COVER_RENDITION = "fill-480x270"
DURATIONS = {
    "short": (None, 30),
    "medium": (31, 60),
    "long": (61, None),
}


class CatalogueFilterForm(forms.Form):
    query = forms.CharField(label=_("Keyword"), required=False, max_length=200)
    stage = forms.ModelChoiceField(
        label=_("Life stage"),
        queryset=LifeStage.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All stages"),
    )
    sdg = forms.ModelChoiceField(
        label=_("SDG"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=_("All goals"),
    )
    theme = forms.ModelChoiceField(
        label=_("City theme"),
        queryset=CityTheme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All themes"),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    duration = forms.ChoiceField(
        label=_("Length"),
        required=False,
        choices=[
            ("", _("Any length")),
            ("short", _("Up to 30 minutes")),
            ("medium", _("31 to 60 minutes")),
            ("long", _("More than an hour")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]


def _localised_courses(active_locale):
    """Live public courses in the visitor's language, plus those not yet translated
    into it in the default language, so that nobody sees an empty catalogue."""
    from courses.models import CoursePage

    live = CoursePage.objects.live().public()
    translated_keys = live.filter(locale=active_locale).values("translation_key")
    default_locale = Locale.get_default()
    return live.filter(
        Q(locale=active_locale)
        | (Q(locale=default_locale) & ~Q(translation_key__in=translated_keys))
    )


def filter_courses(courses, filters, *, active_locale):
    """Apply the catalogue's filters (cleaned data of CatalogueFilterForm)."""
    from courses.models import CoursePage

    if filters.get("stage"):
        courses = courses.filter(life_stages=filters["stage"])
    if filters.get("sdg"):
        courses = courses.filter(sdgs=filters["sdg"])
    if filters.get("theme"):
        courses = courses.filter(themes=filters["theme"])
    if filters.get("language"):
        in_language = CoursePage.objects.live().filter(locale__language_code=filters["language"])
        courses = courses.filter(translation_key__in=in_language.values("translation_key"))
    if filters.get("duration") in DURATIONS:
        shortest, longest = DURATIONS[filters["duration"]]
        if shortest is not None:
            courses = courses.filter(estimated_minutes__gte=shortest)
        if longest is not None:
            courses = courses.filter(estimated_minutes__lte=longest)
    if filters.get("query"):
        courses = courses.filter(_matches_keyword(filters["query"], active_locale))
    return courses


def _matches_keyword(query, active_locale):
    """Courses whose own text, or one of whose lessons' text, holds the keyword.

    One search query whatever the number of hits: a lesson's course is found
    through the page tree path (a lesson's path is its course's plus one step).
    """
    from courses.models import CoursePage

    locales = {active_locale.pk, Locale.get_default().pk}
    hits = list(search_pages(query, locale=active_locale).values_list("pk", "path"))
    if active_locale.pk != Locale.get_default().pk:
        hits += list(search_pages(query, locale=Locale.get_default()).values_list("pk", "path"))
    step = CoursePage.steplen
    return Q(pk__in=[pk for pk, _path in hits]) | Q(
        path__in=[path[:-step] for _pk, path in hits if len(path) > step],
        locale_id__in=locales,
    )


def course_catalogue(request):
    """The catalogue page's context: the filter form and one page of courses.

    The number of queries does not grow with the number of courses.
    """
    active_locale = Locale.get_active()
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = filter_courses(
        _localised_courses(active_locale), filters, active_locale=active_locale
    )
    courses = (
        courses.distinct()
        .order_by("-first_published_at", "pk")
        .select_related("locale")
        .prefetch_related(
            "life_stages",
            "sdgs",
            Prefetch(
                "cover_image",
                queryset=get_image_model().objects.prefetch_renditions(COVER_RENDITION),
            ),
        )
    )
    page_of_courses = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return {
        "filter_form": form,
        "courses": page_of_courses,
        "filters_applied": bool(filters and any(filters.values())),
        "query_without_page": query_without_page.urlencode(),
        "cover_rendition": COVER_RENDITION,
    }


def courses_in_active_language(course_keys):
    """{translation key: live public CoursePage} in the visitor's language where it is
    translated, else in the default language; one query however many keys."""
    course_keys = list(course_keys)
    if not course_keys:
        return {}
    active_locale = Locale.get_active()
    courses = {}
    for course in _localised_courses(active_locale).filter(translation_key__in=course_keys):
        courses[course.translation_key] = course
    return courses


def course_in_active_language(course_key):
    return courses_in_active_language([course_key]).get(course_key)


def lessons_in_active_language(lesson_keys):
    """{translation key: live LessonPage} in the visitor's language where translated,
    else in the default language; one query."""
    from courses.models import LessonPage

    lesson_keys = list(lesson_keys)
    if not lesson_keys:
        return {}
    active_locale = Locale.get_active()
    lessons = {}
    for lesson in (
        LessonPage.objects.live()
        .public()
        .filter(translation_key__in=lesson_keys)
        .filter(Q(locale=active_locale) | Q(locale=Locale.get_default()))
        .select_related("locale")
    ):
        current = lessons.get(lesson.translation_key)
        if current is None or lesson.locale_id == active_locale.pk:
            lessons[lesson.translation_key] = lesson
    return lessons
