from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def ensure_site_structure_after_migrate(**_kwargs):
    from django.contrib.contenttypes.models import ContentType

    from home.services import ensure_site_structure

    # home is the first app, so this runs before contenttypes refreshes its
    # cache; after a flush (transactional tests) the cache names deleted rows.
    ContentType.objects.clear_cache()
    ensure_site_structure()


class HomeConfig(AppConfig):
    """The project shell's pages: the home page, the health check and demo data.

    home owns ``HomePage`` (the root of the Japanese page tree and its
    translations), the page-tree and locale set-up, the health check, the
    ``load_demo_data`` command that builds the Komatsu demo through every app's
    services, and ``rebuild_search_index``. It holds no domain models.
    """

    name = "home"
    verbose_name = _("Home")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from config.languages import fall_back_to_english

        fall_back_to_english()
        post_migrate.connect(
            ensure_site_structure_after_migrate,
            sender=self,
            dispatch_uid="home.ensure_site_structure",
        )
