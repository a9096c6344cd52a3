import pytest
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, Site

from home.models import HomePage
from home.services import ensure_site_structure

pytestmark = pytest.mark.django_db


def test_japanese_home_page_is_served_at_the_root(client, reference_data):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "学びの力で、こまつの未来をつくる" in html
    assert "メインコンテンツへ移動" in html  # the skip link, in Japanese
    assert html.count('class="tile tile--sdg"') == 17
    assert html.count('class="tile tile--stage"') == 7
    assert "貧困をなくそう" in html and "シニア" in html
    assert 'id="main"' in html and "<header" in html and "<footer" in html and "<nav" in html


def test_english_home_page_has_english_content_and_interface(client, reference_data):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "The power of learning shapes Komatsu" in html
    assert "Skip to main content" in html
    assert "No Poverty" in html and "Early childhood" in html
    assert "貧困をなくそう" not in html


@pytest.mark.parametrize("prefix", ["pt-br", "vi", "zh-hans", "fil"])
def test_every_language_has_a_home(client, reference_data, prefix):
    response = client.get(f"/{prefix}/")
    assert response.status_code == 200
    assert f'<html lang="{prefix}">' in response.content.decode()


def test_language_switcher_keeps_the_current_page(client, reference_data):
    html = client.get("/en/accounts/login/").content.decode()
    assert 'href="/accounts/login/" lang="ja"' in html
    assert 'href="/vi/accounts/login/" lang="vi"' in html
    assert 'href="/en/accounts/login/" lang="en" hreflang="en" aria-current="true"' in html

    home_html = client.get("/").content.decode()
    assert 'href="/en/" lang="en"' in home_html
    assert 'href="/fil/" lang="fil"' in home_html


def test_switcher_keeps_the_query_string(client, reference_data):
    html = client.get("/search/", {"query": "ごみ"}).content.decode()
    assert 'href="/en/search/?query=%E3%81%94%E3%81%BF"' in html


def test_machine_endpoints_have_no_language_prefix(client, reference_data):
    assert client.get("/cms/").status_code == 302
    assert client.get("/en/cms/").status_code == 404
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_site_structure_is_idempotent(reference_data):
    ensure_site_structure()
    ensure_site_structure()
    assert HomePage.objects.count() == 2  # Japanese and its English translation
    assert Locale.objects.count() == 6
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific.locale.language_code == "ja"
    assert not Page.objects.filter(depth=2).exclude(content_type__model="homepage").exists(), (
        "Wagtail's placeholder page should be gone"
    )


def test_staff_edits_to_the_home_page_survive_set_up(reference_data):
    home = HomePage.objects.get(locale__language_code="ja")
    home.hero_title = "小松の学び"
    home.save_revision().publish()
    ensure_site_structure()
    assert HomePage.objects.get(pk=home.pk).hero_title == "小松の学び"


def home_queries(client):
    """The queries of one home page view, and its HTML."""
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    return len(queries), html


def test_home_page_queries_do_not_grow_with_stages_courses_or_learners(
    client, reference_data, django_assert_num_queries
):
    """The page draws a tile per life stage and per goal, and the header names the
    visitor: none of it may cost a query per tile, per course or per learner."""
    from curriculum.models import LifeStage
    from learners.services.progress import enrol_learner
    from tests.factories import make_catalogue, make_course, make_learner

    catalogue = make_catalogue()
    first_course = make_course(catalogue, title="講座1")
    visitor = make_learner("visitor", display_name="木場 太郎")
    enrol_learner(visitor, first_course.translation_key)
    client.get("/")  # warm the caches (site root paths, content types)
    anonymous_count, html = home_queries(client)
    client.force_login(visitor)
    client.get("/")
    signed_in_count, html = home_queries(client)
    assert html.count('class="tile tile--stage"') == 7
    assert "木場 太郎" in html

    for number in range(2, 31):
        course = make_course(catalogue, title=f"講座{number}", slug=f"course-{number}")
        enrol_learner(visitor, course.translation_key)
        make_learner(f"learner{number}")
    for number in (1, 2):
        LifeStage.objects.create(
            slug=f"new-stage-{number}",
            sort_order=100 + number,
            min_age=90 + number,
            name_ja=f"新しい段階{number}",
            name_en=f"New stage {number}",
            colour="#336699",
        )

    with django_assert_num_queries(signed_in_count):
        html = client.get("/").content.decode()
    assert html.count('class="tile tile--stage"') == 9  # the new stages are drawn
    assert "新しい段階2" in html and "木場 太郎" in html
    client.logout()
    with django_assert_num_queries(anonymous_count):
        html = client.get("/").content.decode()
    assert html.count('class="tile tile--stage"') == 9
    assert "木場 太郎" not in html
    assert anonymous_count <= 12


def test_untranslated_strings_fall_back_to_english_not_japanese(client, reference_data):
    html = client.get("/vi/accounts/signup/").content.decode()
    assert '<html lang="vi">' in html
    assert "Display name" in html and "表示名" not in html
    assert "Tìm kiếm" in html  # what Vietnamese catalogues do translate stays Vietnamese
    japanese_html = client.get("/accounts/signup/").content.decode()
    assert "表示名" in japanese_html
