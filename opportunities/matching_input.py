"""From records to the matching engine's plain data, in a constant number of queries.

``read_shifts`` reads opportunities with everything they require; ``read_candidates``
reads every graduate with a matching profile, their consent, awards, languages and
placements; ``read_labels`` the names the reasons print. Each relation is one query over
its whole table (or through-table), never one per graduate or per shift, so that a run
over the whole city costs the same dozen queries as a run over one opportunity.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from curriculum.models import BadgeDefinition, Competency, LifeStage
from learners.models import (
    BadgeAward,
    ConsentPurpose,
    ConsentRecord,
    District,
    SpokenLanguage,
)
from opportunities.matching import Candidate, DistrictMap, Label, Labels, ShiftSpec
from opportunities.models import (
    MatchingProfile,
    Opportunity,
    OpportunityCompetency,
    OpportunityLanguage,
    Placement,
    ProfileLanguage,
    Proposal,
    Shift,
)
from opportunities.models.profiles import slot_to_pair

# Proposals in this window count against a graduate's fairness bonus.
FAIRNESS_WINDOW_DAYS = 90


def upcoming_shifts(opportunities, now=None):
    """The shifts of ``opportunities`` that have not started, with confirmed placements
    counted (``taken``)."""
    now = now or timezone.now()
    return (
        Shift.objects.filter(opportunity__in=opportunities, starts_at__gt=now)
        .annotate(
            taken=Count("placements", filter=Q(placements__status=Placement.Status.CONFIRMED))
        )
        .order_by("starts_at", "id")
    )


def read_shifts(opportunity_ids, now=None):
    """ShiftSpecs of the upcoming shifts of the given opportunities, and the shifts
    themselves by id. Six queries whatever the number of opportunities and shifts."""
    opportunities = Opportunity.objects.filter(pk__in=opportunity_ids).select_related("district")
    # One query per relation over its rows for these opportunities.
    by_opportunity = defaultdict(lambda: defaultdict(set))
    relations = {
        "sdgs": (Opportunity.sdgs.through, "sustainabledevelopmentgoal__number"),
        "required_badges": (Opportunity.required_badges.through, "badgedefinition_id"),
        "preferred_badges": (Opportunity.preferred_badges.through, "badgedefinition_id"),
        "life_stages": (Opportunity.life_stages.through, "lifestage__slug"),
    }
    for name, (through, column) in relations.items():
        rows = through.objects.filter(opportunity_id__in=opportunity_ids).values_list(
            "opportunity_id", column
        )
        for opportunity_id, value in rows:
            by_opportunity[opportunity_id][name].add(value)
    competencies = defaultdict(lambda: ({}, {}))
    for row in OpportunityCompetency.objects.filter(opportunity_id__in=opportunity_ids).values_list(
        "opportunity_id", "competency_id", "level", "required"
    ):
        opportunity_id, competency_id, level, required = row
        competencies[opportunity_id][0 if required else 1][competency_id] = level
    languages = defaultdict(lambda: ({}, set()))
    for row in OpportunityLanguage.objects.filter(opportunity_id__in=opportunity_ids).values_list(
        "opportunity_id", "language__code", "level", "required"
    ):
        opportunity_id, code, level, required = row
        if required:
            languages[opportunity_id][0][code] = level
        else:
            languages[opportunity_id][1].add(code)

    opportunity_by_id = {opportunity.pk: opportunity for opportunity in opportunities}
    specs, shifts = [], {}
    for shift in upcoming_shifts(list(opportunity_by_id), now):
        opportunity = opportunity_by_id[shift.opportunity_id]
        sets = by_opportunity[opportunity.pk]
        required_competencies, preferred_competencies = competencies[opportunity.pk]
        required_languages, helpful_languages = languages[opportunity.pk]
        shifts[shift.pk] = shift
        specs.append(
            ShiftSpec(
                id=shift.pk,
                opportunity_id=opportunity.pk,
                start=shift.starts_at,
                end=shift.ends_at,
                capacity=max(shift.capacity - shift.taken, 0),
                district=opportunity.district.code,
                required_badges=frozenset(sets["required_badges"]),
                preferred_badges=frozenset(sets["preferred_badges"]),
                required_competencies=dict(required_competencies),
                preferred_competencies=dict(preferred_competencies),
                required_languages=dict(required_languages),
                helpful_languages=frozenset(helpful_languages),
                life_stages=frozenset(sets["life_stages"]),
                min_age=opportunity.min_age,
                sdgs=frozenset(sets["sdgs"]),
            )
        )
    return specs, shifts


def _latest_matching_consent():
    return Subquery(
        ConsentRecord.objects.filter(
            user=OuterRef("user_id"), purpose=ConsentPurpose.OPPORTUNITY_MATCHING
        )
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )


def read_candidates(now=None, user_ids=None):
    """A Candidate for every graduate with a matching profile (or only ``user_ids``).

    Consent is each graduate's latest OPPORTUNITY_MATCHING decision; a child is anyone
    ``learners.services.badges.is_child`` calls one (under the self sign-up age, or with
    no email address of their own). Nine queries whatever the number of graduates.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    stages = list(LifeStage.objects.all())
    profiles = MatchingProfile.objects.annotate(consent=_latest_matching_consent()).values_list(
        "pk",
        "user_id",
        "user__email",
        "user__learner_profile__birth_year",
        "user__learner_profile__district__code",
        "availability",
        "travel_limit_km",
        "consent",
    )
    if user_ids is not None:
        profiles = profiles.filter(user_id__in=user_ids)
    profiles = list(profiles)
    profile_ids = [row[0] for row in profiles]
    scoped = user_ids is not None

    def through_rows(through, column):
        rows = through.objects.values_list("matchingprofile_id", column)
        return rows.filter(matchingprofile_id__in=profile_ids) if scoped else rows

    districts, interests = defaultdict(set), defaultdict(set)
    for profile_id, code in through_rows(MatchingProfile.districts.through, "district__code"):
        districts[profile_id].add(code)
    for profile_id, number in through_rows(
        MatchingProfile.interests.through, "sustainabledevelopmentgoal__number"
    ):
        interests[profile_id].add(number)
    languages = defaultdict(dict)
    language_rows = ProfileLanguage.objects.values_list("profile_id", "language__code", "level")
    if scoped:
        language_rows = language_rows.filter(profile_id__in=profile_ids)
    for profile_id, code, level in language_rows:
        languages[profile_id][code] = level

    badges, competency_levels = defaultdict(set), defaultdict(dict)
    awards = BadgeAward.objects.filter(
        revoked_at__isnull=True, user__matching_profile__isnull=False
    ).values_list("user_id", "badge_id", "badge__competency_id", "badge__competency_level")
    if scoped:
        awards = awards.filter(user_id__in=user_ids)
    for user_id, badge_id, competency_id, level in awards:
        badges[user_id].add(badge_id)
        if competency_id is not None:
            held = competency_levels[user_id]
            held[competency_id] = max(held.get(competency_id, 0), level or 1)
    # A badge's aligned competencies (a course badge's) count as their first level, 知る:
    # the course taught them, though no level was certified.
    aligned = defaultdict(set)
    for badge_id, competency_id in BadgeDefinition.competencies.through.objects.values_list(
        "badgedefinition_id", "competency_id"
    ):
        aligned[badge_id].add(competency_id)
    if aligned:
        for user_id, held_badges in badges.items():
            held = competency_levels[user_id]
            for badge_id in held_badges:
                for competency_id in aligned.get(badge_id, ()):
                    held.setdefault(competency_id, 1)

    busy = defaultdict(list)
    placements = Placement.objects.filter(
        status=Placement.Status.CONFIRMED,
        shift__ends_at__gt=now,
        learner__matching_profile__isnull=False,
    ).values_list("learner_id", "shift__starts_at", "shift__ends_at")
    if scoped:
        placements = placements.filter(learner_id__in=user_ids)
    for user_id, starts_at, ends_at in placements:
        busy[user_id].append((starts_at, ends_at))

    recent = Proposal.objects.filter(
        created_at__gte=now - timezone.timedelta(days=FAIRNESS_WINDOW_DAYS),
        status__in=[Proposal.Status.PROPOSED, Proposal.Status.ADDED],
        learner__matching_profile__isnull=False,
    )
    if scoped:
        recent = recent.filter(learner_id__in=user_ids)
    recent_counts = dict(
        recent.values_list("learner_id")
        .annotate(count=Count("id"))
        .values_list("learner_id", "count")
    )

    child_age = settings.MANABI_MINIMUM_SELF_SIGNUP_AGE
    candidates = []
    for row in profiles:
        profile_id, user_id, email, birth_year, home, availability, travel_limit, consent = row
        age = today.year - birth_year if birth_year else None
        stage = LifeStage.for_age(age, stages) if age is not None else None
        candidates.append(
            Candidate(
                id=user_id,
                consent=bool(consent),
                is_child=not email or (age is not None and age < child_age),
                age=age,
                life_stage=stage.slug if stage else None,
                district=home,
                districts=frozenset(districts[profile_id]),
                travel_limit_km=travel_limit,
                badges=frozenset(badges[user_id]),
                competency_levels=competency_levels[user_id],
                languages=languages[profile_id],
                availability=frozenset(slot_to_pair(code) for code in availability),
                interests=frozenset(interests[profile_id]),
                recent_proposals=recent_counts.get(user_id, 0),
                busy=tuple(busy[user_id]),
            )
        )
    return candidates


def read_district_map():
    """Distances between the districts that have a centre (one query)."""
    centres = {
        code: (float(latitude), float(longitude))
        for code, latitude, longitude in District.objects.filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("code", "latitude", "longitude")
    }
    return DistrictMap.from_coordinates(centres)


def read_labels(badge_ids=None, competency_ids=None):
    """Names for the reasons: badges, competencies, districts and languages (four
    queries; only the badges and competencies asked for, when given)."""
    badges = BadgeDefinition.objects.all()
    if badge_ids is not None:
        badges = badges.filter(pk__in=badge_ids)
    competencies = Competency.objects.all()
    if competency_ids is not None:
        competencies = competencies.filter(pk__in=competency_ids)
    # A name without its English version is shown in Japanese rather than as a blank.
    return Labels(
        badges={
            pk: Label(ja, en or ja) for pk, ja, en in badges.values_list("pk", "name_ja", "name_en")
        },
        competencies={
            pk: Label(ja, en or ja)
            for pk, ja, en in competencies.values_list("pk", "name_ja", "name_en")
        },
        districts={
            code: Label(ja, en)
            for code, ja, en in District.objects.values_list("code", "name_ja", "name_en")
        },
        languages={
            code: Label(ja, en)
            for code, ja, en in SpokenLanguage.objects.values_list("code", "name_ja", "name_en")
        },
    )
