from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnersConfig(AppConfig):
    """Everything about a person's record.

    learners owns the learner profile (display name, birth year, district,
    languages, interests), consents, roles and accounts set-up, guardians and
    classes, enrolments, xAPI statements and the ``/xapi/statements`` endpoint,
    lesson and course progress, badge awards (assertions, baking, credentials),
    the lifelong portfolio and the pages under ``/me/``. It holds no definitions
    of courses or badges: those belong to curriculum and courses.
    """

    name = "learners"
    verbose_name = _("Learners")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate
        from wagtail import hooks

        from learners.page_hooks import enrol_on_lesson_visit
        from learners.services.reference_data import ensure_learner_reference_data

        hooks.register("before_serve_page", enrol_on_lesson_visit)

        from learners.audit import connect_role_change_logging

        connect_role_change_logging()  # every change of someone's groups is audited

        # Roles need every app's permissions, so run once the whole migrate
        # is done: post_migrate is sent per app, the last one is enough, but
        # ensure_learner_reference_data is idempotent and cheap either way.
        post_migrate.connect(
            lambda **_kwargs: ensure_learner_reference_data(),
            sender=self,
            weak=False,
            dispatch_uid="learners.ensure_reference_data",
        )
