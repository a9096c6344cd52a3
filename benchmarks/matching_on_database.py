"""The PostgreSQL part of benchmarks/matching.py: the same synthetic city stored as
records (graduates with profiles, consents, badge awards, placements and earlier
proposals; organisations' opportunities with their shifts and requirements), then
``opportunities.services.run_matching`` timed end to end: the reads, the engine and
the proposal writes. Target: under 5 s.

The database is its own (``manabi_benchmark_matching`` on DATABASE_URL's server, or
BENCHMARK_DATABASE_URL), dropped and created again each time.
"""

import math
import time
from datetime import timedelta

from benchmarks.harness import median_and_spread, say


def shift_offset(shifts, now):
    """Whole weeks to move the city's shift times by, so that the first starts at least
    two days from now (the synthetic city is dated, and run_matching only matches shifts
    yet to start); whole weeks keep each shift on its weekday."""
    late = now + timedelta(days=2) - min(shift.start for shift in shifts)
    weeks = max(0, math.ceil(late / timedelta(weeks=1)))
    return timedelta(weeks=weeks)


def store_city(city, badge_competencies, seed):
    """Write the city as records; returns (coordinator, opportunities).
    ``badge_competencies``: {badge id: (competency number, level)} as the city made them."""
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from curriculum.badge_rules import MANUAL_ONLY
    from curriculum.models import BadgeDefinition, Competency, SustainableDevelopmentGoal
    from curriculum.services import COMPETENCY_FRAMEWORK, ensure_curriculum_reference_data
    from learners import roles
    from learners.models import (
        BadgeAward,
        ConsentPurpose,
        ConsentRecord,
        District,
        LearnerProfile,
        SpokenLanguage,
    )
    from learners.services.reference_data import ensure_learner_reference_data
    from opportunities.models import (
        MatchingProfile,
        MatchingRun,
        Opportunity,
        OpportunityCompetency,
        OpportunityLanguage,
        Organisation,
        Placement,
        ProfileLanguage,
        Proposal,
        Shift,
    )
    from opportunities.models.profiles import WEEKDAY_CODES

    candidates, shifts, _districts, _labels = city
    rng = random.Random(f"{seed}-records")
    now = timezone.now()
    offset = shift_offset(shifts, now)
    ensure_curriculum_reference_data()
    ensure_learner_reference_data()
    districts = {district.code: district for district in District.objects.all()}
    languages = {language.code: language for language in SpokenLanguage.objects.all()}
    sdgs = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
    # The city numbers competencies by their place in the framework; map them to rows.
    by_code = {competency.code: competency for competency in Competency.objects.all()}
    framework_codes = [code for *_area, items in COMPETENCY_FRAMEWORK for code, *_text in items]
    competency_of = {number: by_code[code] for number, code in enumerate(framework_codes, 1)}

    badges = {}
    for badge_id, (competency, level) in sorted(badge_competencies.items()):
        badges[badge_id] = BadgeDefinition.objects.create(
            name_ja=f"バッジ{badge_id}",
            name_en=f"Badge {badge_id}",
            description="ベンチマーク用",
            criteria_narrative="ベンチマーク用",
            rule_type=MANUAL_ONLY,
            competency=competency_of[competency],
            competency_level=level,
        )

    User = get_user_model()
    say(f"database: {len(candidates):,} graduates")
    users = User.objects.bulk_create(
        [
            User(
                username=f"graduate{item.id:05d}",
                email="" if item.is_child else f"graduate{item.id:05d}@example.jp",
                password="!",
            )
            for item in candidates
        ],
        batch_size=1000,
    )
    user_of = {item.id: user for item, user in zip(candidates, users, strict=True)}
    this_year = timezone.localdate().year
    LearnerProfile.objects.bulk_create(
        [
            LearnerProfile(
                user=user_of[item.id],
                display_name=f"卒業生 {item.id}",
                birth_year=this_year - item.age,
                district=districts[item.district],
            )
            for item in candidates
        ],
        batch_size=1000,
    )
    profiles = MatchingProfile.objects.bulk_create(
        [
            MatchingProfile(
                user=user_of[item.id],
                availability=[
                    f"{WEEKDAY_CODES[day]}-{part}" for day, part in sorted(item.availability)
                ],
                travel_limit_km=int(item.travel_limit_km) if item.travel_limit_km else None,
            )
            for item in candidates
        ],
        batch_size=1000,
    )
    profile_of = {item.id: profile for item, profile in zip(candidates, profiles, strict=True)}
    MatchingProfile.districts.through.objects.bulk_create(
        [
            MatchingProfile.districts.through(
                matchingprofile=profile_of[item.id], district=districts[code]
            )
            for item in candidates
            for code in item.districts
        ],
        batch_size=2000,
    )
    MatchingProfile.interests.through.objects.bulk_create(
        [
            MatchingProfile.interests.through(
                matchingprofile=profile_of[item.id], sustainabledevelopmentgoal=sdgs[number]
            )
            for item in candidates
            for number in item.interests
        ],
        batch_size=2000,
    )
    ProfileLanguage.objects.bulk_create(
        [
            ProfileLanguage(profile=profile_of[item.id], language=languages[code], level=level)
            for item in candidates
            for code, level in item.languages.items()
        ],
        batch_size=2000,
    )
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                user=user_of[item.id],
                purpose=ConsentPurpose.OPPORTUNITY_MATCHING,
                granted=item.consent,
                policy_version="benchmark",
                source=ConsentRecord.Source.DEMO,
            )
            for item in candidates
        ],
        batch_size=2000,
    )
    BadgeAward.objects.bulk_create(
        [
            BadgeAward(user=user_of[item.id], badge=badges[badge_id], recipient_salt="benchmark")
            for item in candidates
            for badge_id in item.badges
        ],
        batch_size=2000,
    )

    say(f"database: {len(shifts)} shifts")
    organisation = Organisation.objects.create(
        name_ja="小松市 市民協働課",
        kind=Organisation.Kind.CITY_DEPARTMENT,
        district=districts["rojo"],
    )
    coordinator = User.objects.create(username="benchmark-coordinator", email="c@example.jp")
    coordinator.groups.add(Group.objects.get(name=roles.COORDINATOR))
    organisation.coordinators.add(coordinator)
    by_opportunity = {}
    for shift in shifts:
        by_opportunity.setdefault(shift.opportunity_id, []).append(shift)
    opportunities = []
    for opportunity_id, its_shifts in sorted(by_opportunity.items()):
        first = its_shifts[0]
        opportunity = Opportunity.objects.create(
            organisation=organisation,
            title_ja=f"活動 {opportunity_id}",
            description_ja="ベンチマーク用の活動",
            district=districts[first.district],
            min_age=first.min_age,
            status=Opportunity.Status.OPEN,
        )
        opportunity.sdgs.set([sdgs[number] for number in first.sdgs])
        opportunity.required_badges.set([badges[b] for b in first.required_badges])
        opportunity.preferred_badges.set([badges[b] for b in first.preferred_badges])
        OpportunityCompetency.objects.bulk_create(
            [
                OpportunityCompetency(
                    opportunity=opportunity, competency=competency_of[c], level=level, required=True
                )
                for c, level in first.required_competencies.items()
            ]
            + [
                OpportunityCompetency(
                    opportunity=opportunity,
                    competency=competency_of[c],
                    level=level,
                    required=False,
                )
                for c, level in first.preferred_competencies.items()
                if c not in first.required_competencies
            ]
        )
        OpportunityLanguage.objects.bulk_create(
            [
                OpportunityLanguage(
                    opportunity=opportunity, language=languages[code], level=level, required=True
                )
                for code, level in first.required_languages.items()
            ]
            + [
                OpportunityLanguage(
                    opportunity=opportunity, language=languages[code], level=1, required=False
                )
                for code in first.helpful_languages
                if code not in first.required_languages
            ]
        )
        Shift.objects.bulk_create(
            [
                Shift(
                    opportunity=opportunity,
                    starts_at=shift.start + offset,
                    ends_at=shift.end + offset,
                    place="会場",
                    capacity=shift.capacity,
                )
                for shift in its_shifts
            ]
        )
        opportunities.append(opportunity)

    # Placements people already hold (another organisation's shifts, at the city's busy
    # times) and earlier proposals (for the fairness bonus), in a closed opportunity.
    elsewhere = Opportunity.objects.create(
        organisation=Organisation.objects.create(
            name_ja="他の団体", kind=Organisation.Kind.NPO, district=districts["kiba"]
        ),
        title_ja="他の活動",
        description_ja="ベンチマーク用",
        district=districts["kiba"],
        status=Opportunity.Status.CLOSED,
    )
    busy_times = sorted({times for item in candidates for times in item.busy})
    other_shifts = {
        times: Shift(
            opportunity=elsewhere,
            starts_at=times[0] + offset,
            ends_at=times[1] + offset,
            place="別会場",
            capacity=100,
        )
        for times in busy_times
    }
    Shift.objects.bulk_create(other_shifts.values())
    Placement.objects.bulk_create(
        [
            Placement(shift=other_shifts[times], learner=user_of[item.id])
            for item in candidates
            for times in set(item.busy)
        ],
        batch_size=2000,
    )
    history = list(other_shifts.values())
    earlier = MatchingRun.objects.create(status=MatchingRun.Status.DONE, progress=100)
    Proposal.objects.bulk_create(
        [
            Proposal(run=earlier, shift=history[number], learner=user_of[item.id], score=1)
            for item in candidates
            for number in rng.sample(range(len(history)), min(item.recent_proposals, len(history)))
        ],
        batch_size=2000,
    )
    return coordinator, opportunities


def measure_run_matching(city, badge_competencies, seed, rounds):
    """Median and spread of run_matching over the stored city, each round on the same
    records (the previous round's run is deleted, untimed)."""
    from django.db import connection

    from opportunities.models import MatchingRun, Proposal
    from opportunities.services import run_matching

    coordinator, opportunities = store_city(city, badge_competencies, seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times, proposals = [], None
    say("run_matching: warm-up run")
    run = run_matching(coordinator, opportunities)
    proposals = run.proposals.filter(status=Proposal.Status.PROPOSED).count()
    MatchingRun.objects.filter(pk=run.pk).delete()
    for number in range(rounds):
        started = time.perf_counter()
        run = run_matching(coordinator, opportunities)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        say(f"round {number + 1}: run_matching {elapsed * 1000:.0f} ms")
        MatchingRun.objects.filter(pk=run.pk).delete()
    return median_and_spread(times), proposals
