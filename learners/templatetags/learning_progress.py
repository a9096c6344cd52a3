"""Progress marks and the learning-record script, for pages of ``courses``.

``courses`` never imports ``learners``; its templates load this library instead:

    {% load learning_progress %}
    {% course_progress_marks courses as progress %}      {# one batch of queries #}
    {% progress_bar progress|progress_of:course %}
    {% lesson_progress_marks lessons as lesson_marks %}
    {% learning_record_script page %}                      {# on lesson pages #}
"""

from django import template
from django.conf import settings
from django.urls import reverse

from courses.activity_ids import lesson_activity_iri
from learners.models import LessonProgress
from learners.selectors import course_progress_for

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def course_progress_marks(context, courses):
    """{course translation key: CourseProgress} for the signed-in learner (empty if none)."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {}
    return course_progress_for(user, [course.translation_key for course in courses])


@register.simple_tag(takes_context=True)
def course_progress(context, course):
    """The signed-in learner's CourseProgress in this course, or None."""
    return course_progress_marks(context, [course]).get(course.translation_key)


@register.inclusion_tag("learners/includes/course_start_button.html", takes_context=True)
def course_start_button(context, course, lessons, lesson_marks, progress):
    """Start (enrol), continue with the first unfinished lesson, or review a finished course."""
    next_lesson = next(
        (lesson for lesson in lessons if lesson_marks.get(lesson.translation_key) != "completed"),
        lessons[0],
    )
    user = _user(context)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "signed_in": bool(user and user.is_authenticated),
        "course": course,
        "first_lesson": lessons[0],
        "next_lesson": next_lesson,
        "progress": progress,
    }


@register.simple_tag(takes_context=True)
def lesson_progress_marks(context, lessons):
    """{lesson translation key: "completed" or "started"} for the signed-in learner."""
    user = _user(context)
    if user is None or not user.is_authenticated or not lessons:
        return {}
    rows = LessonProgress.objects.filter(
        user=user, lesson_key__in=[lesson.translation_key for lesson in lessons]
    ).values_list("lesson_key", "completed_at")
    return {key: "completed" if completed else "started" for key, completed in rows}


@register.simple_tag(takes_context=True)
def lesson_status(context, lesson):
    """ "completed", "started" or None for the signed-in learner and this lesson."""
    return lesson_progress_marks(context, [lesson]).get(lesson.translation_key)


@register.filter
def progress_of(marks, page):
    """The mark for a page (course or lesson) from a dict made by the tags above."""
    if not marks:
        return None
    return marks.get(page.translation_key)


@register.inclusion_tag("learners/includes/progress_bar.html")
def progress_bar(progress, compact=False):
    return {"progress": progress, "compact": compact}


@register.inclusion_tag("learners/includes/learning_record_script.html", takes_context=True)
def learning_record_script(context, lesson):
    """The script that sends a signed-in learner's statements (and the lesson's end)."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"enabled": False}
    return {
        "enabled": True,
        "endpoint": reverse("xapi_statements"),
        "lesson_activity_id": lesson_activity_iri(lesson.translation_key),
        "queue_key": f"manabi.xapi.queue.{user.pk}",
        "base_url": settings.MANABI_BASE_URL,
        "csrf_token": context.get("csrf_token"),
    }
