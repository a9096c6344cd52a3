"""Records for the matching tests: organisations, opportunities with shifts, and graduates
with matching profiles, made as the admin and the profile page make them."""

import itertools
from datetime import timedelta

from django.utils import timezone

from curriculum.badge_rules import MANUAL_ONLY
from curriculum.models import BadgeDefinition, SustainableDevelopmentGoal
from learners import roles
from learners.models import ConsentPurpose, ConsentRecord, District, SpokenLanguage
from learners.services.badges import award_badge
from opportunities.models import (
    MatchingProfile,
    Opportunity,
    OpportunityLanguage,
    Organisation,
    ProfileLanguage,
    Shift,
)
from tests.factories import make_learner

_numbers = itertools.count(1)
EVERY_SLOT = [
    f"{day}-{part}"
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for part in ("morning", "afternoon", "evening")
]


def make_badge(name_ja="木場潟水質調査", name_en="Kibagata water survey"):
    return BadgeDefinition.objects.create(
        name_ja=name_ja,
        name_en=name_en,
        description="木場潟の水質を調べる方法を学びました。",
        criteria_narrative="水質調査の講座を修了しました。",
        rule_type=MANUAL_ONLY,
    )


def make_organisation(name_ja="木場潟を守る会", *, coordinators=(), district="kiba"):
    organisation = Organisation.objects.create(
        name_ja=name_ja,
        name_en="",
        kind=Organisation.Kind.NPO,
        district=District.objects.get(code=district),
    )
    organisation.coordinators.set(coordinators)
    return organisation


def make_coordinator(username=None, *, organisations=()):
    user = make_learner(
        username or f"coordinator{next(_numbers)}", display_name="木場 直樹", role=roles.COORDINATOR
    )
    for organisation in organisations:
        organisation.coordinators.add(user)
    return user


def next_saturday_morning(weeks=1):
    today = timezone.localdate()
    days_ahead = (5 - today.weekday()) % 7 or 7
    saturday = today + timedelta(days=days_ahead + 7 * (weeks - 1))
    start = timezone.make_aware(
        timezone.datetime(saturday.year, saturday.month, saturday.day, 9, 0)
    )
    return start, start + timedelta(hours=3)


def make_opportunity(
    organisation,
    *,
    title_ja="木場潟の水質調査",
    shifts=1,
    capacity=3,
    required_badges=(),
    sdgs=(6, 14, 15),
    status=Opportunity.Status.OPEN,
    required_language=None,
):
    opportunity = Opportunity.objects.create(
        organisation=organisation,
        title_ja=title_ja,
        title_en="Kibagata water survey",
        description_ja="木場潟の水をくみ、透明度と水温を記録します。",
        district=organisation.district,
        status=status,
    )
    opportunity.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
    opportunity.required_badges.set(required_badges)
    opportunity.save()
    if required_language:
        OpportunityLanguage.objects.create(
            opportunity=opportunity,
            language=SpokenLanguage.objects.get(code=required_language),
            level=2,
            required=True,
        )
    for week in range(1, shifts + 1):
        start, end = next_saturday_morning(week)
        Shift.objects.create(
            opportunity=opportunity,
            starts_at=start,
            ends_at=end,
            place="木場潟公園",
            capacity=capacity,
        )
    return opportunity


def make_graduate(
    name="小松 花子",
    *,
    consent=True,
    birth_year=1990,
    district="kiba",
    badges=(),
    languages=(("ja", 3),),
    availability=("sat-morning",),
    interests=(6,),
):
    user = make_learner(
        f"graduate{next(_numbers)}",
        display_name=name,
        birth_year=birth_year,
        district_code=district,
    )
    profile = MatchingProfile.objects.create(user=user, availability=list(availability))
    profile.interests.set(SustainableDevelopmentGoal.objects.filter(number__in=interests))
    for code, level in languages:
        ProfileLanguage.objects.create(
            profile=profile, language=SpokenLanguage.objects.get(code=code), level=level
        )
    ConsentRecord.objects.create(
        user=user,
        purpose=ConsentPurpose.OPPORTUNITY_MATCHING,
        granted=consent,
        policy_version="test",
        source=ConsentRecord.Source.PROFILE,
        given_by=user,
    )
    for badge in badges:
        award_badge(user, badge)
    return user
