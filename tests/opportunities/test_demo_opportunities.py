"""The demo's local activities (opportunities.demo): Komatsu organisations and their
opportunities with shifts to come, matching profiles for the adult demo graduates, and a
demo coordinator whose matching run for a Kibagata opportunity finds real people."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from curriculum.models import BadgeDefinition
from learners import demo as learners_demo
from learners.models import ConsentPurpose, ConsentRecord
from learners.services.accounts import record_consents
from learners.services.badges import is_child
from learners.services.reference_data import KOMATSU_DISTRICTS
from opportunities import demo
from opportunities.matching import TOKYO, render_reasons
from opportunities.matching_input import read_labels
from opportunities.models import (
    MatchingProfile,
    Opportunity,
    Organisation,
    Placement,
    Proposal,
    Shift,
)
from opportunities.permissions import opportunities_managed_by
from opportunities.services import run_matching
from opportunities.services.matching_runs import stored_reasons
from opportunities.services.profiles import is_open_to_offers
from tests.factories import make_learner

User = get_user_model()

# The demo courses' badges that the demo opportunities ask for (their Japanese names).
DEMO_BADGE_NAMES = (
    "木場潟の生きものと水",
    "木場潟の水質調査リーダー養成講座",
    "自主防災組織で地域を守る 支え合いの防災",
    "地域防災と多文化共生 だれも取り残さない避難",
    "健康長寿とフレイル予防 いきいきサロンで続ける",
    "フローラルこまつ 花と緑のまちづくり 花育サポーター講座",
    "サイエンスヒルズこまつの科学ガイド入門",
    "やさしい日本語で支える 外国人住民の暮らしとおもてなし",
)


def make_demo_badges():
    for name in DEMO_BADGE_NAMES:
        BadgeDefinition.objects.create(
            name_ja=name, name_en="", description=name, criteria_narrative=name
        )


def make_demo_people(count=40, seed=11):
    rng = learners_demo.new_random(seed)
    password_hash = make_password(learners_demo.DEMO_PASSWORD)
    learners_demo.create_demo_accounts(rng, password_hash=password_hash)
    learners_demo.create_demo_learners(rng, count, password_hash=password_hash)


def table_counts():
    from learners.models import BadgeAward
    from opportunities.models import OpportunityCompetency, OpportunityLanguage, ProfileLanguage

    models = (
        Organisation,
        Opportunity,
        Shift,
        OpportunityCompetency,
        OpportunityLanguage,
        Placement,
        MatchingProfile,
        ProfileLanguage,
        BadgeAward,
        ConsentRecord,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo_people(reference_data):
    make_demo_badges()
    make_demo_people()


@pytest.fixture
def today():
    return timezone.localdate()


def build(today, seed=5):
    ticks = []
    counts = demo.create_demo_opportunities(
        learners_demo.new_random(seed), today=today, on_progress=lambda: ticks.append(1)
    )
    return counts, ticks


def test_demo_offers_komatsu_organisations_and_opportunities_with_shifts_to_come_once(
    demo_people, today
):
    counts, ticks = build(today)
    assert counts["organisations"] == Organisation.objects.count() == len(demo.DEMO_ORGANISATIONS)
    assert 10 <= Organisation.objects.count() <= 14
    assert counts["opportunities"] == Opportunity.objects.count() == 25
    assert len(ticks) == demo.progress_total()

    districts = {code for code, *_rest in KOMATSU_DISTRICTS}
    assert set(Organisation.objects.values_list("district__code", flat=True)) <= districts
    assert len(set(Organisation.objects.values_list("kind", flat=True))) == len(Organisation.Kind)
    assert not Organisation.objects.filter(name_en="").exists()

    statuses = list(Opportunity.objects.values_list("status", flat=True))
    assert statuses.count(Opportunity.Status.OPEN) >= 20
    assert 1 <= statuses.count(Opportunity.Status.DRAFT) <= 2
    assert statuses.count(Opportunity.Status.CLOSED) == 1
    assert not Opportunity.objects.filter(title_en="").exists()
    assert not Opportunity.objects.filter(description_en="").exists()
    assert not Opportunity.objects.filter(sdgs=None).exists()

    earliest = datetime.combine(today + timedelta(days=14), time(0), TOKYO)
    for opportunity in Opportunity.objects.prefetch_related("shifts"):
        shifts = list(opportunity.shifts.all())
        assert 1 <= len(shifts) <= 3, opportunity.title_ja
        for shift in shifts:
            assert shift.starts_at >= earliest
            assert shift.starts_at.date() <= today + timedelta(days=49)
            local = shift.starts_at.astimezone(TOKYO)
            assert 7 <= local.hour <= 19 and shift.ends_at > shift.starts_at
            assert 3 <= shift.capacity <= 15
            assert shift.placements.count() < shift.capacity  # places left to fill

    # Kibagata surveys on Saturday mornings, the Japanese class in the evening.
    survey = Opportunity.objects.get(title_ja="木場潟 定例水質調査の調査員")
    for shift in survey.shifts.all():
        local = shift.starts_at.astimezone(TOKYO)
        assert (local.weekday(), local.hour) == (5, 9)
    assert survey.required_badges.get().name_ja == "木場潟の水質調査リーダー養成講座"
    evening_class = Opportunity.objects.get(title_ja="日本語教室の学習サポーター(夜の部)")
    assert all(s.starts_at.astimezone(TOKYO).hour >= 19 for s in evening_class.shifts.all())
    assert evening_class.language_requirements.get(required=True).language.code == "ja"

    before = table_counts()
    again, _ticks = build(today)
    assert table_counts() == before
    assert {key: value for key, value in again.items() if key != "open_to_offers"} == {
        "organisations": 0,
        "opportunities": 0,
        "shifts": 0,
        "profiles": 0,
        "consents": 0,
        "badges": 0,
        "placements": 0,
    }


def test_new_year_holidays_get_no_shifts(demo_people):
    build(date(2026, 12, 10))  # shifts from 24 December to mid-January
    for shift in Shift.objects.all():
        local = shift.starts_at.astimezone(TOKYO).date()
        assert not ((local.month, local.day) >= (12, 29) or (local.month, local.day) <= (1, 3))


def test_the_demo_coordinator_acts_for_kibagata_and_not_for_every_organisation(demo_people, today):
    build(today)
    coordinator = User.objects.get(username="coordinator")
    theirs = set(coordinator.coordinated_organisations.values_list("name_ja", flat=True))
    assert "木場潟公園協会" in theirs
    assert 2 <= len(theirs) < Organisation.objects.count()

    managed = opportunities_managed_by(coordinator, "view")
    assert managed.filter(organisation__name_ja="木場潟公園協会").count() >= 3
    assert not managed.filter(organisation__name_ja="サイエンスヒルズこまつ").exists()
    assert managed.count() < Opportunity.objects.count()


def test_only_adults_get_matching_profiles_and_some_are_not_open_to_offers(reference_data, today):
    make_demo_badges()
    make_demo_people()
    # A child among the demo learners, whose records wrongly say yes to offers.
    child = make_learner("demo-learner-900", birth_year=today.year - 10, district_code="kiba")
    record_consents(
        child,
        {ConsentPurpose.OPPORTUNITY_MATCHING: True},
        source=ConsentRecord.Source.DEMO,
        acting_user=None,
    )
    teenager = make_learner("demo-learner-901", birth_year=today.year - 15)
    counts, _ticks = build(today)

    assert is_child(child)
    assert not MatchingProfile.objects.filter(user__in=[child, teenager]).exists()
    profiles = list(MatchingProfile.objects.select_related("user__learner_profile"))
    assert counts["profiles"] == len(profiles) >= 25
    for profile in profiles:
        assert not is_child(profile.user)
        assert today.year - profile.user.learner_profile.birth_year >= 18
        assert profile.availability and profile.languages.exists()
    open_to_offers = [profile for profile in profiles if is_open_to_offers(profile.user)]
    assert counts["open_to_offers"] == len(open_to_offers)
    assert len(profiles) * 0.6 <= len(open_to_offers) < len(profiles)
    speakers = {
        code
        for profile in open_to_offers
        for code in profile.languages.values_list("language__code", flat=True)
    }
    assert len(speakers & {"pt", "vi", "zh", "fil", "en"}) >= 3


def test_matching_a_kibagata_opportunity_as_the_demo_coordinator_proposes_graduates_with_reasons(
    demo_people, today
):
    build(today)
    coordinator = User.objects.get(username="coordinator")
    kibagata = Opportunity.objects.filter(
        organisation__name_ja="木場潟公園協会", status=Opportunity.Status.OPEN
    )
    assert kibagata.count() >= 3
    labels = read_labels()
    for opportunity in kibagata:
        run = run_matching(coordinator, [opportunity])
        proposed = list(run.proposals.filter(status=Proposal.Status.PROPOSED))
        assert len(proposed) >= 3, opportunity.title_ja
        required = set(opportunity.required_badges.values_list("pk", flat=True))
        for proposal in proposed:
            assert is_open_to_offers(proposal.learner)
            assert not is_child(proposal.learner)
            assert required <= set(proposal.learner.badge_awards.values_list("badge", flat=True))
            reasons = render_reasons(stored_reasons(proposal), labels, "ja")
            assert reasons
            for badge in opportunity.required_badges.all():
                assert badge.name_ja in reasons
        assert run.exclusions == {}  # kept only when nobody is eligible


def test_without_the_demo_courses_badges_the_opportunities_ask_for_none(reference_data, today):
    make_demo_people(count=12)
    counts, _ticks = build(today)
    assert counts["opportunities"] == 25
    assert counts["badges"] == 0
    assert not Opportunity.objects.exclude(required_badges=None).exists()


def test_no_two_demo_learners_share_a_name(reference_data):
    """A coordinator's list would show two people of one name as one."""
    from learners.models import LearnerProfile

    make_demo_people(count=60, seed=2019)  # load_demo_data's default count and seed
    names = list(
        LearnerProfile.objects.filter(user__username__startswith="demo-learner-").values_list(
            "display_name", flat=True
        )
    )
    assert len(names) == 60
    assert len(set(names)) == len(names)
