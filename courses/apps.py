from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Delivery of learning.

    courses owns what a learner opens: the course catalogue, ``CoursePage`` and
    ``LessonPage``, the lesson StreamField blocks, H5P packages with their one
    shared library store, and the H5P player. It never records results or
    progress (that is learners) and never imports learners: where a course page
    shows a learner's progress, learners provides the template tag.
    """

    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.signal_handlers import connect_signal_handlers

        connect_signal_handlers()
