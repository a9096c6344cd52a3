from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Locale

from search.services import MAX_QUERY_LENGTH, search_pages
from search.tokens import query_terms

RESULTS_PER_PAGE = 10
EXCERPT_BEFORE = 30
EXCERPT_AFTER = 90


def excerpt_around_first_match(text, words):
    """A short piece of ``text`` (normalised) around the first of ``words`` it
    holds, or its beginning when it holds none; an ellipsis marks cut ends."""
    found = [position for position in (text.find(word) for word in words) if position >= 0]
    start = max(min(found, default=0) - EXCERPT_BEFORE, 0)
    end = start + EXCERPT_BEFORE + EXCERPT_AFTER
    excerpt = text[start:end].strip()
    if not excerpt:
        return ""
    return f"{'…' if start else ''}{excerpt}{'…' if end < len(text) else ''}"


def search(request):
    """Live, public pages in the visitor's language that hold every word of the query."""
    query = request.GET.get("query", "").strip()[:MAX_QUERY_LENGTH]
    results = search_pages(query, locale=Locale.get_active())
    # The document's text is fetched with each page, for the excerpts.
    page_of_results = Paginator(
        results.select_related("search_document"), RESULTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    words = list(query_terms(query))
    for result in page_of_results:
        result.search_excerpt = excerpt_around_first_match(result.search_document.body, words)
    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "search_results": page_of_results},
    )
