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


def test_home_page_queries_do_not_grow_with_visitors(client, reference_data, django_db_blocker):
    from django.db import connection

    client.get("/")  # warm caches (site root paths)
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    from tests.factories import make_learner

    for number in range(5):
        make_learner(f"visitor{number}")
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    assert len(second) == len(first)
    assert len(first) <= 12


def test_untranslated_strings_fall_back_to_english_not_japanese(client, reference_data):
    html = client.get("/vi/accounts/signup/").content.decode()
    assert '<html lang="vi">' in html
    assert "Display name" in html and "表示名" not in html
    assert "Tìm kiếm" in html  # what Vietnamese catalogues do translate stays Vietnamese
    japanese_html = client.get("/accounts/signup/").content.decode()
    assert "表示名" in japanese_html
