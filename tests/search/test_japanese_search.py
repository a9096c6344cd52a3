"""Site search in Japanese: the bigram index, search_pages and the /search/ page.

Test pages are HomePages added beside the site's home pages (HomePage may only
sit under the tree root), published through Wagtail so that the publishing
signals index them as in real use.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, PageViewRestriction

from home.models import HomePage
from search.models import SearchDocument, SearchTerm
from search.services import index_page, search_pages

pytestmark = pytest.mark.django_db

TEST_SLUG_PREFIX = "search-test-"


def make_page(slug, *, title, body, language_code="ja", publish=True, parent=None):
    """A HomePage with ``body`` as its lead, published unless told otherwise."""
    parent = parent or Page.get_first_root_node()
    page = parent.add_child(
        instance=HomePage(
            title=title,
            slug=f"{TEST_SLUG_PREFIX}{slug}",
            locale=Locale.objects.get(language_code=language_code),
            hero_title=title,
            hero_lead=body,
            live=False,
        )
    )
    revision = page.save_revision()
    if publish:
        revision.publish()
    return HomePage.objects.get(pk=page.pk)


def found(query, language_code="ja"):
    """Slugs (without the prefix) of the test pages the query finds, in order."""
    results = search_pages(query, locale=Locale.objects.get(language_code=language_code))
    return [
        page.slug.removeprefix(TEST_SLUG_PREFIX)
        for page in results
        if page.slug.startswith(TEST_SLUG_PREFIX)
    ]


@pytest.fixture
def komatsu_pages(reference_data):
    return {
        page.slug.removeprefix(TEST_SLUG_PREFIX): page
        for page in [
            make_page(
                "gomi",
                title="ごみの分け方",
                body="ごみを減らし、資源を分別しよう。缶・びん・紙",
            ),
            make_page(
                "bousai",
                title="地域の防災訓練",
                body="防災マップを作り、避難所を確かめます。",
            ),
            make_page(
                "kibagata",
                title="水辺の生きもの",
                body="｜木場潟《きばがた》の水と生きものを調べます。",
            ),
            make_page(
                "frail",
                title="体操で元気に",
                body="シニアのためのフレイル予防。",
            ),
            # Every bigram of 木場潟 and フレイル, but never the words themselves.
            make_page(
                "decoy",
                title="まちの行事",
                body="木場町のお祭り、会場潟側の駐車場。フレンチ、レイアウト、イルカ。",
            ),
        ]
    }


def test_two_character_words_find_their_pages(komatsu_pages):
    assert found("ごみ") == ["gomi"]
    assert found("防災") == ["bousai"]


def test_longer_words_find_their_pages(komatsu_pages):
    assert found("フレイル") == ["frail"]
    assert found("避難所") == ["bousai"]


def test_one_character_words_match_inside_runs_and_alone(komatsu_pages):
    assert found("水") == ["kibagata"]  # inside 水と
    assert found("紙") == ["gomi"]  # a run of its own between ・ and the end


def test_a_word_written_with_ruby_is_found_by_its_base(komatsu_pages):
    assert found("木場潟") == ["kibagata"]
    assert "｜木場潟《きばがた》" in komatsu_pages["kibagata"].hero_lead
    assert "木場潟の水" in SearchDocument.objects.get(page=komatsu_pages["kibagata"]).body


def test_bigrams_that_occur_apart_are_not_a_hit(komatsu_pages):
    decoy_terms = set(
        SearchTerm.objects.filter(document__page=komatsu_pages["decoy"]).values_list(
            "term", flat=True
        )
    )
    assert {"木場", "場潟", "フレ", "レイ", "イル"} <= decoy_terms
    assert "decoy" not in found("木場潟")
    assert "decoy" not in found("フレイル")


def test_every_word_of_the_query_must_be_on_the_page(komatsu_pages):
    assert found("ごみ　紙") == ["gomi"]
    assert found("ごみ 防災") == []
    assert found("「防災」") == ["bousai"]


def test_full_width_and_case_do_not_matter(reference_data):
    make_page("sdgs", title="ＳＤＧｓを学ぶ", body="Sustainable Development Goals")
    assert found("sdgs") == ["sdgs"]
    assert found("ＳＤＧＳ") == ["sdgs"]
    assert found("development goals") == ["sdgs"]


def test_pages_with_the_words_in_the_title_come_first(komatsu_pages):
    make_page("bousai-news", title="お知らせ", body="防災の日に、炊き出しの練習をします。")
    # The newer page is published last but only mentions 防災 in its text.
    assert found("防災") == ["bousai", "bousai-news"]
    make_page("bousai-day", title="防災の日", body="家族で話し合いましょう。")
    assert found("防災") == ["bousai-day", "bousai", "bousai-news"]


def test_unpublished_pages_are_never_found(komatsu_pages):
    make_page("draft", title="ごみの下書き", body="ごみの出し方（下書き）", publish=False)
    assert found("下書き") == []
    assert not SearchDocument.objects.filter(page__slug=f"{TEST_SLUG_PREFIX}draft").exists()

    # Even an entry left in the index is not served once the page is not live.
    Page.objects.filter(pk=komatsu_pages["gomi"].pk).update(live=False)
    assert found("ごみ") == []


def test_pages_behind_a_view_restriction_are_never_found(komatsu_pages):
    private = make_page("private", title="職員用ごみ当番", body="ごみ当番の名簿")
    child = make_page("private-child", title="ごみ当番の連絡", body="連絡網", parent=private)
    assert set(found("ごみ当番")) == {"private", "private-child"}

    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="kibagata"
    )
    assert found("ごみ当番") == []
    assert found("ごみ") == ["gomi"]
    assert child.pk not in {page.pk for page in Page.objects.live().public()}


def test_pages_in_another_locale_are_not_found(komatsu_pages):
    make_page("gomi-en", title="Sorting waste", body="ごみ means waste.", language_code="en")
    assert found("ごみ") == ["gomi"]
    assert found("ごみ", language_code="en") == ["gomi-en"]
    assert found("waste") == []


def test_unpublished_pages_leave_the_index(komatsu_pages):
    komatsu_pages["gomi"].unpublish()
    assert found("ごみ") == []
    assert not SearchDocument.objects.filter(page=komatsu_pages["gomi"]).exists()


def test_republishing_replaces_the_terms(komatsu_pages):
    page = komatsu_pages["gomi"]
    page.title = page.hero_title = "資源の分け方"
    page.hero_lead = "缶とびんを分けます。"
    page.save_revision().publish()
    assert found("ごみ") == []
    assert found("資源") == ["gomi"]
    document = SearchDocument.objects.get(page=page)
    assert document.title == "資源の分け方"
    assert not document.terms.filter(term="ごみ").exists()


def test_deleted_pages_leave_the_index(komatsu_pages):
    page_pk = komatsu_pages["frail"].pk
    komatsu_pages["frail"].delete()
    assert not SearchDocument.objects.filter(page_id=page_pk).exists()
    assert not SearchTerm.objects.filter(document__page_id=page_pk).exists()


def test_the_home_page_is_indexed_through_its_search_text(reference_data):
    japanese = Locale.objects.get(language_code="ja")
    home = HomePage.objects.get(locale=japanese)
    assert home.pk in {page.pk for page in search_pages("金沢大学", locale=japanese)}


def test_an_empty_query_finds_nothing(komatsu_pages):
    japanese = Locale.objects.get(language_code="ja")
    assert not search_pages("", locale=japanese).exists()
    assert not search_pages("　、。", locale=japanese).exists()


def count_queries_of_search(query, locale):
    with CaptureQueriesContext(connection) as queries:
        results = list(search_pages(query, locale=locale))
    return len(queries), len(results)


def test_search_queries_do_not_grow_with_pages_or_terms(reference_data):
    japanese = Locale.objects.get(language_code="ja")
    for number in range(3):
        make_page(f"many-{number}", title=f"ごみ講座{number}", body="ごみを減らす木場潟の工夫。")
    few = count_queries_of_search("ごみ 木場潟 減", japanese)
    for number in range(3, 20):
        make_page(
            f"many-{number}",
            title=f"ごみ講座{number}",
            body="ごみを減らす木場潟の工夫。水をきれいにし、森を育て、資源を分ける。" * 3,
        )
    many = count_queries_of_search("ごみ 木場潟 減", japanese)
    assert few[1] == 3 and many[1] == 20
    assert many[0] == few[0]
    assert few[0] <= 2  # view restrictions, then the pages


def test_indexing_a_page_takes_no_query_per_term(reference_data):
    short = make_page("short", title="ごみ", body="ごみを減らす。")
    long = make_page("long", title="ごみ", body="".join(chr(0x4E00 + n) for n in range(400)))
    with CaptureQueriesContext(connection) as short_queries:
        index_page(short)
    with CaptureQueriesContext(connection) as long_queries:
        index_page(long)
    assert SearchTerm.objects.filter(document__page=long).count() > 400
    # One bulk insert, which Django splits into batches on SQLite (at most 999
    # parameters a statement): 400 terms may take two.
    term_inserts = [
        query
        for query in long_queries
        if query["sql"].startswith('INSERT INTO "search_searchterm"')
    ]
    assert 1 <= len(term_inserts) <= 2
    assert len(long_queries) - len(short_queries) <= 1


def test_rebuild_search_index_restores_every_live_page(komatsu_pages):
    SearchDocument.objects.all().delete()
    draft = make_page("draft", title="ごみの下書き", body="下書き", publish=False)
    SearchDocument.objects.create(page=draft, language_code="ja", title="stale", body="")
    output = StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert found("ごみ") == ["gomi"]
    assert found("木場潟") == ["kibagata"]
    assert not SearchDocument.objects.filter(page=draft).exists()
    live_pages_with_search_text = HomePage.objects.live().count()
    assert SearchDocument.objects.count() == live_pages_with_search_text
    assert f"{live_pages_with_search_text} pages indexed, 1 stale entries removed" in (
        output.getvalue()
    )


def test_search_page_shows_hits_with_title_and_excerpt(client, komatsu_pages):
    response = client.get("/search/", {"query": "ごみ"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ごみの分け方" in html
    assert "ごみを減らし、資源を分別しよう。" in html
    assert "地域の防災訓練" not in html
    assert [page.pk for page in response.context["search_results"]].count(
        komatsu_pages["gomi"].pk
    ) == 1


def test_search_page_without_query_shows_no_results(client, komatsu_pages):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["search_results"].paginator.count == 0
    assert 'class="search-results"' not in response.content.decode()


def test_search_page_caps_the_query_length(client, komatsu_pages):
    response = client.get("/search/", {"query": "ごみ" * 300})
    assert response.status_code == 200
    assert len(response.context["search_query"]) == 200


def test_english_search_page_searches_english_pages(client, komatsu_pages):
    make_page("gomi-en", title="Sorting waste", body="Waste and recycling.", language_code="en")
    html = client.get("/en/search/", {"query": "waste"}).content.decode()
    assert "Sorting waste" in html
    assert "ごみの分け方" not in client.get("/en/search/", {"query": "ごみ"}).content.decode()
