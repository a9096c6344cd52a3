"""The public pages of the competency framework, which Open Badges alignments point at."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseCompetency
from curriculum.alignments import FRAMEWORK_NAME
from curriculum.badge_rules import REACH_COMPETENCY_LEVEL
from curriculum.models import BadgeDefinition, Competency
from tests.factories import make_catalogue, make_course

pytestmark = pytest.mark.django_db
BASE = "https://manabi.example.jp"
JSON_LD = {"HTTP_ACCEPT": "application/ld+json"}


@pytest.fixture
def water(reference_data):
    return Competency.objects.get(code="ENV-WATER")


def aligned_badge(competency, name="木場潟の水しらべ"):
    badge = BadgeDefinition.objects.create(
        name_ja=name, name_en="Kibagata water survey", description="…", criteria_narrative="…"
    )
    badge.competencies.add(competency)
    return badge


def json_ld(page):
    (script,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.DOTALL
    )
    return json.loads(script)


def test_the_competency_page_carries_the_alignment_target(client, water):
    response = client.get("/curriculum/competencies/ENV-WATER/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ja">' in page
    assert "水環境調査" in page  # the name in the active language
    assert "Water-environment survey" in page  # targetName
    assert "ENV-WATER" in page  # targetCode
    assert FRAMEWORK_NAME in page  # targetFramework
    assert water.description_en in page  # targetDescription
    assert "環境" in page  # the area
    assert "知る" in page and "教え・導ける" in page  # its levels
    term = json_ld(page)
    assert term["@context"] == "https://schema.org"
    assert term["@type"] == "DefinedTerm"
    assert term["termCode"] == "ENV-WATER"
    assert term["url"] == f"{BASE}/curriculum/competencies/ENV-WATER/"
    assert {"@value": "Water-environment survey", "@language": "en"} in term["name"]
    assert term["inDefinedTermSet"]["name"] == FRAMEWORK_NAME


@pytest.mark.usefixtures("reference_data")
def test_the_page_is_in_the_visitors_language(client):
    page = client.get("/en/curriculum/competencies/ENV-WATER/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Water-environment survey" in page
    # The permanent address stays the unprefixed one, whoever reads it.
    assert json_ld(page)["url"] == f"{BASE}/curriculum/competencies/ENV-WATER/"


@pytest.mark.usefixtures("reference_data")
def test_an_unknown_competency_is_not_found(client):
    assert client.get("/curriculum/competencies/NO-SUCH/").status_code == 404


def test_the_badge_class_alignment_resolves_to_the_competency_page(client, water):
    badge = aligned_badge(water)
    badge_class = client.get(f"/badges/classes/{badge.uuid}", **JSON_LD).json()
    (alignment,) = badge_class["alignment"]
    assert alignment == {
        "targetName": "Water-environment survey",
        "targetUrl": f"{BASE}/curriculum/competencies/ENV-WATER/",
        "targetFramework": FRAMEWORK_NAME,
        "targetCode": "ENV-WATER",
        "targetDescription": water.description_en,
    }
    page = client.get(alignment["targetUrl"].removeprefix(BASE))
    assert page.status_code == 200
    text = page.content.decode()
    assert alignment["targetName"] in text and alignment["targetCode"] in text
    assert "木場潟の水しらべ" in text  # the badge is listed on the page it points to
    # Even for a reader of another language, the address is the permanent one.
    english = client.get(f"/badges/classes/{badge.uuid}", HTTP_ACCEPT_LANGUAGE="en", **JSON_LD)
    assert english.json()["alignment"][0]["targetUrl"] == alignment["targetUrl"]


def test_the_page_lists_aligned_badges_and_courses_and_their_life_stages(client, water):
    aligned_badge(water)
    BadgeDefinition.objects.create(
        name_ja="水しらべレベル2",
        description="…",
        criteria_narrative="…",
        rule_type=REACH_COMPETENCY_LEVEL,
        competency=water,
        competency_level=2,
    )
    inactive = aligned_badge(water, name="もう授与しないバッジ")
    inactive.active = False
    inactive.save()
    course = make_course(title="木場潟の水しらべ講座", stages=("junior-high",))
    CourseCompetency.objects.create(course=course, competency=water, level=2)
    draft = make_course(title="準備中の講座", publish=False)
    CourseCompetency.objects.create(course=draft, competency=water, level=1)

    page = client.get("/curriculum/competencies/ENV-WATER/").content.decode()
    assert "木場潟の水しらべ" in page and "水しらべレベル2" in page
    assert "もう授与しないバッジ" not in page
    assert "木場潟の水しらべ講座" in page and course.url in page
    assert "準備中の講座" not in page
    assert "中学生" in page  # the life stage of the course that teaches it


def test_the_competency_page_costs_the_same_however_many_badges_and_courses(client, water):
    catalogue = make_catalogue()

    def add(count):
        for _number in range(count):
            aligned_badge(water, name=f"バッジ{BadgeDefinition.objects.count()}")
            course = make_course(catalogue, title=f"講座{CourseCompetency.objects.count()}")
            CourseCompetency.objects.create(course=course, competency=water, level=1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/curriculum/competencies/ENV-WATER/").status_code == 200
        return len(captured)

    add(1)
    client.get("/curriculum/competencies/ENV-WATER/")  # warm the site and locale caches
    few = queries()
    add(5)
    assert queries() == few
    assert few <= 12


@pytest.mark.usefixtures("reference_data")
def test_the_framework_index_lists_every_area_and_competency(client):
    response = client.get("/curriculum/competencies/")
    assert response.status_code == 200
    page = response.content.decode()
    for competency in Competency.objects.select_related("area"):
        assert f'href="/curriculum/competencies/{competency.code}/"' in page
        assert competency.name_ja in page and competency.area.name_ja in page
    term_set = json_ld(page)
    assert term_set["@type"] == "DefinedTermSet"
    assert {term["termCode"] for term in term_set["hasDefinedTerm"]} == set(
        Competency.objects.values_list("code", flat=True)
    )


@pytest.mark.usefixtures("reference_data")
def test_the_framework_index_costs_the_same_however_big_the_framework(client):
    from curriculum.models import CompetencyArea, CompetencyLevel

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/curriculum/competencies/").status_code == 200
        return len(captured)

    client.get("/curriculum/competencies/")
    few = queries()
    area = CompetencyArea.objects.create(code="new", name_ja="新しい分野", name_en="New area")
    for number in range(4):
        competency = Competency.objects.create(
            area=area, code=f"NEW-{number}", name_ja=f"新{number}", name_en=f"New {number}"
        )
        CompetencyLevel.objects.create(
            competency=competency,
            level=1,
            name_ja="知る",
            name_en="Aware",
            description_ja="…",
            description_en="…",
        )
    assert queries() == few


def test_the_curriculum_page_links_to_the_framework(client, reference_data):
    from curriculum.models import CurriculumIndexPage

    curriculum = reference_data.add_child(
        instance=CurriculumIndexPage(title="カリキュラム", slug="curriculum")
    )
    curriculum.save_revision().publish()
    page = client.get("/curriculum/")
    assert page.status_code == 200  # still the page of the tree, not a URL of ours
    assert 'href="/curriculum/competencies/"' in page.content.decode()
