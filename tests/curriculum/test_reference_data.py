import pytest

from curriculum.models import LifeStage, SustainableDevelopmentGoal, contrast_ratio
from curriculum.services import ensure_curriculum_reference_data

pytestmark = pytest.mark.django_db


def test_the_seventeen_goals_have_the_official_names_and_colours():
    goals = list(SustainableDevelopmentGoal.objects.order_by("number"))
    assert [goal.number for goal in goals] == list(range(1, 18))
    assert goals[0].name_ja == "貧困をなくそう"
    assert goals[5].name_en == "Clean Water and Sanitation"
    assert goals[6].colour == "#FCC30B"
    assert goals[16].name_ja == "パートナーシップで目標を達成しよう"


def test_every_tile_text_meets_wcag_aa_contrast():
    tiles = [*SustainableDevelopmentGoal.objects.all(), *LifeStage.objects.all()]
    assert len(tiles) == 24
    for tile in tiles:
        assert contrast_ratio(tile.colour, tile.text_colour) >= 4.5, tile


def test_reference_data_is_created_once_and_keeps_staff_edits():
    goal = SustainableDevelopmentGoal.objects.get(number=14)
    goal.name_en = "Life below water (edited)"
    goal.save()
    ensure_curriculum_reference_data()
    ensure_curriculum_reference_data()
    assert SustainableDevelopmentGoal.objects.count() == 17
    assert LifeStage.objects.count() == 7
    assert SustainableDevelopmentGoal.objects.get(number=14).name_en.endswith("(edited)")


@pytest.mark.parametrize(
    ("age", "stage"),
    [
        (2, None),
        (3, "early-childhood"),
        (5, "early-childhood"),
        (6, "elementary"),
        (12, "junior-high"),
        (15, "high-school"),
        (18, "young-adult"),
        (29, "young-adult"),
        (30, "adult"),
        (64, "adult"),
        (65, "senior"),
        (101, "senior"),
    ],
)
def test_life_stage_follows_from_age(age, stage):
    found = LifeStage.for_age(age)
    assert (found.slug if found else None) == stage


def test_names_follow_the_active_language():
    from django.utils import translation

    stage = LifeStage.objects.get(slug="senior")
    with translation.override("ja"):
        assert stage.name == "シニア"
    with translation.override("en"):
        assert stage.name == "Senior"
    with translation.override("vi"):
        assert stage.name == "Senior"


def test_a_name_without_english_reads_in_japanese_rather_than_blank():
    from django.utils import translation

    from curriculum.badge_rules import MANUAL_ONLY
    from curriculum.models import BadgeDefinition

    badge = BadgeDefinition.objects.create(
        name_ja="木場潟の生きものと水",
        name_en="",
        description="木場潟の生きもの",
        criteria_narrative="講座を修了しました。",
        rule_type=MANUAL_ONLY,
    )
    with translation.override("en"):
        assert badge.name == "木場潟の生きものと水"
