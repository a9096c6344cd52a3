from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    """Definitions the university controls.

    curriculum owns what Kanazawa University decides and every learner shares:
    the seven life stages, the 17 SDGs, the city's themes and engines, the
    competency framework, the stage programme pages, the 大学監修 supervision
    workflow and its record, badge definitions (achievements) and the issuer
    profile. It knows nothing about any particular learner.
    """

    name = "curriculum"
    verbose_name = _("Curriculum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from curriculum.services import ensure_curriculum_reference_data

        post_migrate.connect(
            lambda **_kwargs: ensure_curriculum_reference_data(),
            sender=self,
            weak=False,
            dispatch_uid="curriculum.ensure_reference_data",
        )

        from wagtail.signals import workflow_approved

        from curriculum.supervision import record_supervision_approval

        workflow_approved.connect(
            lambda instance, user, **_kwargs: record_supervision_approval(instance, user),
            weak=False,
            dispatch_uid="curriculum.record_supervision_approval",
        )
