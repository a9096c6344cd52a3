from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Site-wide search over the pages a visitor may see, in their language.

    search owns the index of live pages (``SearchDocument`` and its character
    bigrams, ``SearchTerm``), the text normalisation behind it (Aozora ruby,
    NFKC, case), the services that keep it current on publish and unpublish and
    answer queries, the ``rebuild_search_index`` command and the ``/search/``
    page. Pages take part by having a ``search_text()`` method; search imports
    no page models.
    """

    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search.signal_handlers import connect_signal_handlers

        connect_signal_handlers()
