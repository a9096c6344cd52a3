"""Re-index every live page: python manage.py rebuild_search_index.

Publishing keeps the index current; run this once after deploying the index
for the first time, after changing how text is normalised, or after changing a
page type's ``search_text()``. Safe to run at any time and to re-run.

It lives in the shell, not in ``search``: it walks every app's pages and shares the
shell's progress output, and ``search`` imports nothing above it (see search/__init__.py).
"""

from django.core.management.base import BaseCommand
from wagtail.models import Page

from home.management.progress import ProgressBar
from search.models import SearchDocument
from search.services import index_page


class Command(BaseCommand):
    help = "Rebuild the site search index from every live page. Safe to re-run."

    def handle(self, *_args, **_options):
        _total, deleted = SearchDocument.objects.exclude(page__live=True).delete()
        removed = deleted.get(SearchDocument._meta.label, 0)
        pages = Page.objects.live().specific().order_by("path")
        progress = ProgressBar(self.stdout, "pages", pages.count())
        indexed = 0
        for page in pages.iterator(chunk_size=200):
            if index_page(page) is not None:
                indexed += 1
            progress.advance()
        progress.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {indexed} pages indexed, {removed} stale entries removed."
            )
        )
