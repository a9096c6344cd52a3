"""Wagtail page hooks of learners, registered in ``LearnersConfig.ready``."""

from courses.models import LessonOutline, LessonPage
from learners.models import Enrolment
from learners.services.progress import enrol_learner


def enrol_on_lesson_visit(page, request, _serve_args, _serve_kwargs):
    """Opening a lesson enrols a signed-in learner in its course (once).

    Returns nothing, so Wagtail goes on to serve the page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not issubclass(page.specific_class, LessonPage):
        return
    course_key = (
        LessonOutline.objects.filter(lesson_key=page.translation_key)
        .values_list("course_key", flat=True)
        .first()
    )
    if course_key is not None:
        enrol_learner(user, course_key, source=Enrolment.Source.LESSON_VISIT)
