from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Site-wide search over the pages a visitor may see, in their language.

    search owns the index of live pages (``SearchDocument`` and its character
    bigrams, ``SearchTerm``), the text normalisation behind it (readings
    dropped by ``curriculum.ruby``, NFKC, case), the services that keep it
    current on publish and unpublish and answer queries, and the ``/search/``
    page. Pages take part by having a ``search_text()`` method; search imports
    no page models. Apps may import search (it sits between ``curriculum`` and
    ``courses``: see the package docstring); the shell's
    ``rebuild_search_index`` re-indexes every page.
    """

    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search.signal_handlers import connect_signal_handlers

        connect_signal_handlers()
