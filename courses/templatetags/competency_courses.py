"""Courses that teach a competency, for the competency pages of ``curriculum``.

``curriculum`` never imports ``courses``; its templates load this library instead:

    {% load competency_courses %}
    {% courses_teaching competency as teaching %}
    {% for course, level in teaching.courses %} … {% endfor %}
    {% for stage in teaching.life_stages %} … {% endfor %}
"""

from dataclasses import dataclass

from django import template
from django.db.models import prefetch_related_objects

from courses.models import CourseCompetency
from courses.selectors import courses_in_active_language

register = template.Library()


@dataclass(frozen=True)
class CoursesTeaching:
    courses: list  # [(live public CoursePage in the active language, level it teaches to)]
    life_stages: list  # the LifeStages those courses are for, in stage order


@register.simple_tag
def courses_teaching(competency):
    """Live public courses that teach ``competency``: three queries, however many."""
    rows = list(
        CourseCompetency.objects.filter(competency=competency, course__live=True).values_list(
            "course_id", "course__translation_key", "level"
        )
    )
    by_page = {course_id: level for course_id, _key, level in rows}
    by_key = {}
    for _course_id, key, level in rows:
        by_key[key] = max(level, by_key.get(key, 0))
    pages = list(courses_in_active_language(by_key).values())
    prefetch_related_objects(pages, "life_stages")
    pages.sort(key=lambda page: (page.title, page.pk))
    stages = {stage.pk: stage for page in pages for stage in page.life_stages.all()}
    return CoursesTeaching(
        # A translation may teach to another level than the original: say what the
        # page the reader opens says.
        courses=[(page, by_page.get(page.pk, by_key[page.translation_key])) for page in pages],
        life_stages=sorted(stages.values(), key=lambda stage: stage.sort_order),
    )
