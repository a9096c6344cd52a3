"""Wagtail's publishing signals keep the search index current.

Publishing (by an editor, a workflow approval or a scheduled publish) indexes
the page as published; unpublishing removes it. Deleted pages leave the index
by the database's cascade.
"""

from wagtail.signals import page_published, page_unpublished

from search.services import index_page, remove_page_from_index


def index_published_page(instance, **_kwargs):
    index_page(instance)


def remove_unpublished_page(instance, **_kwargs):
    remove_page_from_index(instance)


def connect_signal_handlers():
    page_published.connect(index_published_page, dispatch_uid="search.index_published_page")
    page_unpublished.connect(remove_unpublished_page, dispatch_uid="search.remove_unpublished_page")
