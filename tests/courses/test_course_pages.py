"""Course and lesson pages as learners see them, and the catalogue's filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from courses.models import LessonPage
from tests.factories import make_catalogue, make_course

pytestmark = pytest.mark.django_db

LESSON_BODY = [
    ("heading", {"text": "｜木場潟《きばがた》を知ろう"}),
    (
        "text",
        "<p>｜木場潟《きばがた》は、小松市にある｜潟湖《せきこ》です。ごみを拾いましょう。</p>",
    ),
    ("reflection", {"prompt": "水をきれいにするために、何ができますか。", "guidance": ""}),
]


def lessons(count):
    return [(f"レッスン{number}", LESSON_BODY) for number in range(1, count + 1)]


def test_course_page_lists_lessons_in_order(client, reference_data):
    course = make_course(lessons=lessons(3))
    html = client.get(course.url).content.decode()
    assert html.index("レッスン1") < html.index("レッスン2") < html.index("レッスン3")
    assert "小学生" in html and "6. 安全な水とトイレを世界中に" not in html
    assert "安全な水とトイレを世界中に" in html


def test_lesson_renders_furigana_and_previous_next(client, reference_data):
    course = make_course(lessons=lessons(3))
    first, second, third = LessonPage.objects.child_of(course).order_by("path")
    html = client.get(second.url).content.decode()
    assert "<ruby>木場潟<rp>（</rp><rt>きばがた</rt><rp>）</rp></ruby>" in html
    assert f'href="{first.url}" rel="prev"' in html
    assert f'href="{third.url}" rel="next"' in html
    assert "2 / 3" in html or "レッスン 2 / 3" in html or "Lesson 2 of 3" in html or "3中2" in html
    last = client.get(third.url).content.decode()
    assert 'rel="next"' not in last


def test_interactive_blocks_keep_their_ids_across_revisions_and_translations(reference_data):
    course = make_course(lessons=lessons(1))
    lesson = LessonPage.objects.child_of(course).get()
    reflection_id = next(block.id for block in lesson.body if block.block_type == "reflection")

    lesson.title = "レッスン1（改訂）"
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert [block.id for block in lesson.body if block.block_type == "reflection"] == [
        reflection_id
    ]

    english_course = course.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english_lesson = lesson.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=False
    )
    assert english_course.translation_key == course.translation_key
    assert [b.id for b in english_lesson.body if b.block_type == "reflection"] == [reflection_id]


def test_catalogue_filters_by_stage_sdg_theme_duration_and_keyword(client, reference_data):
    catalogue = make_catalogue()
    make_course(
        catalogue,
        title="木場潟の生きものと水",
        stages=("elementary",),
        sdgs=(6, 14),
        lessons=lessons(1),
    )
    make_course(
        catalogue,
        title="健康長寿とフレイル予防",
        stages=("senior",),
        sdgs=(3,),
        themes=("active",),
        minutes=90,
        summary="フレイルを防ぐ運動と食事、いきいきサロンの活動を学びます。",
    )

    def titles(**params):
        html = client.get(catalogue.url, params).content.decode()
        return [
            title for title in ("木場潟の生きものと水", "健康長寿とフレイル予防") if title in html
        ]

    assert titles() == ["木場潟の生きものと水", "健康長寿とフレイル予防"]
    assert titles(stage="senior") == ["健康長寿とフレイル予防"]
    assert titles(sdg="14") == ["木場潟の生きものと水"]
    assert titles(theme="active") == ["健康長寿とフレイル予防"]
    assert titles(duration="long") == ["健康長寿とフレイル予防"]
    assert titles(duration="short") == []
    assert titles(query="フレイル") == ["健康長寿とフレイル予防"]
    assert titles(query="ごみ") == ["木場潟の生きものと水"]  # only in a lesson's text
    assert titles(query="防災") == []
    assert titles(language="ja") == ["木場潟の生きものと水", "健康長寿とフレイル予防"]
    assert titles(language="vi") == []


def test_catalogue_and_course_queries_do_not_grow(client, reference_data):
    catalogue = make_catalogue()
    make_course(catalogue, title="講座A", lessons=lessons(2))
    client.get(catalogue.url)
    with CaptureQueriesContext(connection) as few:
        client.get(catalogue.url)
    course = make_course(catalogue, title="講座B", lessons=lessons(2))
    with CaptureQueriesContext(connection) as course_few:
        client.get(course.url)

    for number in range(8):
        make_course(catalogue, title=f"講座{number}", sdgs=(1, 2, 3, 4), lessons=lessons(1))
    big = make_course(catalogue, title="講座Z", lessons=lessons(6))
    with CaptureQueriesContext(connection) as many:
        client.get(catalogue.url)
    with CaptureQueriesContext(connection) as course_many:
        client.get(big.url)
    assert len(many) == len(few)
    assert len(course_many) == len(course_few)


def test_english_catalogue_shows_untranslated_courses(client, reference_data):
    catalogue = make_catalogue()
    english_catalogue = catalogue.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english_catalogue.save_revision().publish()
    make_course(catalogue, title="ごみダイエット")
    html = client.get("/en/courses/").content.decode()
    assert "ごみダイエット" in html
    assert "In Japanese" in html


def test_untranslated_course_is_served_under_every_language_prefix(client, reference_data):
    course = make_course(title="ごみダイエット", lessons=lessons(1))
    response = client.get(f"/en{course.url}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html and "ごみダイエット" in html
    assert client.get("/en/courses/no-such-course/").status_code == 404


def test_home_tiles_lead_to_the_filtered_catalogue(client, reference_data):
    make_catalogue()
    html = client.get("/").content.decode()
    assert 'href="/courses/?stage=senior"' in html
    assert 'href="/courses/?sdg=14"' in html
