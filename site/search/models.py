from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """The searchable text of one live page, normalised (search.tokens).

    Kept current by search.services.index_page when a page is published, and
    removed when it is unpublished or deleted.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="search_document",
        verbose_name=_("page"),
    )
    language_code = models.CharField(_("language code"), max_length=100)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return self.title


class SearchTerm(models.Model):
    """One character bigram (or lone character) of a document's title or body."""

    document = models.ForeignKey(
        SearchDocument,
        on_delete=models.CASCADE,
        related_name="terms",
        verbose_name=_("search document"),
    )
    term = models.CharField(_("term"), max_length=2, db_index=True)
    in_title = models.BooleanField(_("in title"), default=False)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "term", "in_title"], name="search_term_once_per_document"
            )
        ]

    def __str__(self):
        return self.term
