"""Keeping the search index current, and searching it.

The index (search.models) holds, per live page, its normalised title and body
and their character bigrams. It works the same on SQLite and PostgreSQL: no
full-text engine, no tokeniser, no trigram extension.
"""

import operator
from functools import reduce

from django.db import transaction
from django.db.models import BooleanField, Case, Count, Q, Value, When
from wagtail.models import Page

from search.models import SearchDocument, SearchTerm
from search.tokens import normalize_text, query_terms, search_terms

MAX_QUERY_LENGTH = 200


def _plain_text_of(page):
    """The page's body text, or None when its type does not take part in search."""
    search_text = getattr(page, "search_text", None)
    if not callable(search_text):
        return None
    return search_text() or ""


def index_page(page):
    """Bring the page's entry in the index up to date with the page as it is now.

    A live page whose specific class has ``search_text()`` is indexed: its
    title (``page.title``) and that text are stored normalised, and its terms
    are replaced in one transaction by one bulk insert (never a query per term;
    Django batches it only at the database's parameter limit), so a search
    never sees half of them. Any other page (not live, or of a type without
    ``search_text()``) is removed from the index. Returns the SearchDocument, or
    None when the page is not in the index.
    """
    page = page.specific
    body_text = _plain_text_of(page) if page.live else None
    if body_text is None:
        remove_page_from_index(page)
        return None

    title = normalize_text(page.title)
    body = normalize_text(body_text)
    with transaction.atomic():
        document, _created = SearchDocument.objects.update_or_create(
            page=page,
            defaults={"language_code": page.locale.language_code, "title": title, "body": body},
        )
        document.terms.all().delete()
        SearchTerm.objects.bulk_create(
            [
                SearchTerm(document=document, term=term, in_title=in_title)
                for in_title, text in ((True, title), (False, body))
                for term in sorted(search_terms(text))
            ]
        )
    return document


def remove_page_from_index(page):
    """Take the page (its document and terms) out of the index; safe to repeat."""
    SearchDocument.objects.filter(page_id=page.pk).delete()


def _documents_holding_every_term(words):
    """Ids of documents that hold every term of every query word, as a subquery.

    One grouped query: each bigram counts once however often it occurs; a lone
    character is held when some term starts or ends with it (a one-character
    run is stored as itself, which also starts with it).
    """
    bigrams = {term for terms in words.values() for term in terms if len(term) == 2}
    characters = {term for terms in words.values() for term in terms if len(term) == 1}
    holds_character = [
        Q(term__startswith=character) | Q(term__endswith=character)
        for character in sorted(characters)
    ]

    conditions = []
    annotations = {}
    required = {}
    if bigrams:
        conditions.append(Q(term__in=bigrams))
        annotations["bigrams_held"] = Count("term", distinct=True, filter=Q(term__in=bigrams))
        required["bigrams_held"] = len(bigrams)
    for number, condition in enumerate(holds_character):
        conditions.append(condition)
        annotations[f"character_{number}_held"] = Count("pk", filter=condition)
        required[f"character_{number}_held__gt"] = 0

    return (
        SearchTerm.objects.filter(reduce(operator.or_, conditions))
        .values("document_id")
        .annotate(**annotations)
        .filter(**required)
        .values("document_id")
    )


def search_pages(query, *, locale):
    """Live, public pages in ``locale`` whose title or body holds every word of
    ``query`` (words split at whitespace, see search.tokens.query_terms).

    Guarantees:
    - every word appears unbroken in the page's normalised title or body, so
      bigrams that only occur apart never make a hit;
    - pages that are not live, or lie in a section with any view restriction,
      are never returned, whoever asks;
    - the query is cut to MAX_QUERY_LENGTH characters; a query without words
      gives no pages;
    - pages whose title holds every word come first, then the most recently
      published;
    - the result is a lazy Page queryset (not specific) whose evaluation takes
      the same number of database queries however many pages and terms the
      index holds.
    """
    words = query_terms((query or "")[:MAX_QUERY_LENGTH])
    if not words:
        return Page.objects.none()

    every_word_in_title = Q()
    every_word_in_page = Q()
    for word in words:
        every_word_in_title &= Q(search_document__title__contains=word)
        every_word_in_page &= Q(search_document__title__contains=word) | Q(
            search_document__body__contains=word
        )

    return (
        Page.objects.live()
        .public()
        .filter(locale=locale)
        .filter(search_document__in=_documents_holding_every_term(words))
        .filter(every_word_in_page)
        .annotate(
            title_holds_every_word=Case(
                When(every_word_in_title, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-title_holds_every_word", "-last_published_at", "-pk")
    )
