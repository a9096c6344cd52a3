"""The matching engine (opportunities.matching) on plain data: hard constraints hold, the
assignment is optimal, and coordinators read why each graduate was (or was not) chosen.

The hard constraints are checked against an independent plain-Python rule book
(``broken_rules``) rather than against the engine's own matrices.
"""

from datetime import datetime, timedelta
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from learners.services.reference_data import KOMATSU_DISTRICTS, SPOKEN_LANGUAGES
from opportunities.matching import (
    AVAILABILITY,
    BADGES,
    CONSENT,
    PROPOSED_ELSEWHERE,
    SHIFT_FULL,
    TOKYO,
    Candidate,
    DistrictMap,
    Label,
    Labels,
    ShiftSpec,
    evaluate_pair,
    match,
    render_reasons,
    render_violations,
)

KIBAGATA_BADGE = 7
WATER_SURVEY = 101  # a competency id
DISTRICTS = DistrictMap(
    ("kiba", "ataka", "rojo", "nata"),
    np.array(
        [
            [0.0, 9.0, 6.0, 8.5],
            [9.0, 0.0, 4.0, 14.0],
            [6.0, 4.0, 0.0, 10.0],
            [8.5, 14.0, 10.0, 0.0],
        ]
    ),
)
LABELS = Labels(
    badges={KIBAGATA_BADGE: Label("木場潟水質調査", "Kibagata water-quality survey")},
    competencies={WATER_SURVEY: Label("水環境調査", "Water-environment survey")},
    districts={code: Label(ja, en) for code, ja, _kana, en, *_centre in KOMATSU_DISTRICTS},
    languages={code: Label(ja, en) for code, _own, ja, en in SPOKEN_LANGUAGES},
)
SATURDAY = datetime(2026, 12, 5, tzinfo=TOKYO)  # a Saturday
CHILD_AGE_LIMIT = 13


# The Japanese of the reasons, while locale/ja does not have them yet (the catalogues are
# the lead's: once they hold these messages, the fixture below adds nothing).
def saturday(hour, hours=3):
    start = SATURDAY + timedelta(hours=hour)
    return start, start + timedelta(hours=hours)


def kibagata_survey(**changes):
    start, end = saturday(9)
    fields = {
        "id": 1,
        "opportunity_id": 1,
        "start": start,
        "end": end,
        "capacity": 2,
        "district": "kiba",
        "required_badges": frozenset({KIBAGATA_BADGE}),
        "helpful_languages": frozenset({"pt"}),
        "sdgs": frozenset({6, 14}),
    }
    return ShiftSpec(**{**fields, **changes})


def surveyor(**changes):
    fields = {
        "id": 1,
        "consent": True,
        "age": 41,
        "life_stage": "adult",
        "district": "kiba",
        "badges": frozenset({KIBAGATA_BADGE}),
        "competency_levels": {WATER_SURVEY: 2},
        "languages": {"ja": 3, "pt": 3},
        "availability": frozenset({(5, "morning")}),
        "recent_proposals": 2,
    }
    return Candidate(**{**fields, **changes})


# The rule book, written apart from the engine ---------------------------------------------


def shift_slots(shift):
    slots, moment = set(), shift.start
    while moment < shift.end:
        local = moment.astimezone(TOKYO)
        part = "morning" if local.hour < 12 else "afternoon" if local.hour < 17 else "evening"
        slots.add((local.weekday(), part))
        moment += timedelta(minutes=30)
    return slots


def broken_rules(candidate, shift):
    """The names of the hard constraints ``candidate`` breaks for ``shift``."""
    broken = set()
    if not candidate.consent:
        broken.add("consent")
    if candidate.is_child or (candidate.age is not None and candidate.age < CHILD_AGE_LIMIT):
        broken.add("child")
    if shift.life_stages and candidate.life_stage not in shift.life_stages:
        broken.add("life_stage")
    if shift.min_age is not None and (candidate.age is None or candidate.age < shift.min_age):
        broken.add("life_stage")
    if not shift.required_badges <= candidate.badges:
        broken.add("badges")
    for competency, level in shift.required_competencies.items():
        if candidate.competency_levels.get(competency, 0) < level:
            broken.add("competencies")
    for code, level in shift.required_languages.items():
        if candidate.languages.get(code, 0) < level:
            broken.add("languages")
    if not shift_slots(shift) & candidate.availability:
        broken.add("availability")
    anywhere = not candidate.districts and candidate.travel_limit_km is None
    km = DISTRICTS.between(candidate.district, shift.district)
    within = candidate.travel_limit_km is not None and km <= candidate.travel_limit_km
    if not (anywhere or shift.district is None or shift.district in candidate.districts or within):
        broken.add("reach")
    if any(start < shift.end and shift.start < end for start, end in candidate.busy):
        broken.add("already_placed")
    if shift.capacity <= 0:
        broken.add("shift_full")
    return broken


# Small random cities ------------------------------------------------------------------------

CODES = st.sampled_from(DISTRICTS.codes)
STAGES = ("junior-high", "high-school", "young-adult", "adult", "senior")
SLOTS = [(weekday, part) for weekday in (5, 6) for part in ("morning", "afternoon", "evening")]
STARTS = [SATURDAY + timedelta(hours=hours) for hours in (9, 13, 18, 24 + 9, 24 + 15)]
LEVELS = st.dictionaries(st.sampled_from([WATER_SURVEY, 102]), st.integers(1, 3), max_size=2)
LANGUAGE_LEVELS = st.dictionaries(st.sampled_from(["ja", "pt", "vi"]), st.integers(1, 3))


def maybe(strategy, usual):
    """``usual`` two times in three, else a value of ``strategy``: dense enough eligibility."""
    return st.one_of(st.just(usual), st.just(usual), strategy)


@st.composite
def candidates(draw, number):
    busy_start = draw(st.sampled_from(STARTS))
    return Candidate(
        id=number,
        consent=draw(st.sampled_from([True] * 5 + [False])),
        is_child=draw(st.sampled_from([False] * 7 + [True])),
        age=draw(st.one_of(st.none(), st.integers(8, 90), st.integers(18, 90))),
        life_stage=draw(st.sampled_from(STAGES)),
        district=draw(st.one_of(st.none(), CODES)),
        districts=draw(maybe(st.frozensets(CODES, min_size=1, max_size=2), frozenset())),
        travel_limit_km=draw(maybe(st.floats(1, 15), None)),
        badges=draw(st.frozensets(st.integers(1, 3), max_size=3)),
        competency_levels=draw(LEVELS),
        languages=draw(LANGUAGE_LEVELS),
        availability=draw(st.frozensets(st.sampled_from(SLOTS), min_size=3)),
        interests=draw(st.frozensets(st.sampled_from([6, 11, 14, 15]), max_size=3)),
        recent_proposals=draw(st.integers(0, 5)),
        busy=draw(st.sampled_from([(), ((busy_start, busy_start + timedelta(hours=2)),)])),
    )


@st.composite
def shifts(draw, number):
    start = draw(st.sampled_from(STARTS))
    return ShiftSpec(
        id=100 + number,
        opportunity_id=number % 2,
        start=start,
        end=start + timedelta(hours=draw(st.integers(1, 5))),
        capacity=draw(st.integers(0, 3)),
        district=draw(st.one_of(st.none(), CODES)),
        required_badges=draw(maybe(st.frozensets(st.integers(1, 3), max_size=1), frozenset())),
        preferred_badges=draw(st.frozensets(st.integers(1, 3), max_size=2)),
        required_competencies=draw(
            maybe(st.dictionaries(st.just(WATER_SURVEY), st.integers(1, 3)), {})
        ),
        preferred_competencies=draw(LEVELS),
        required_languages=draw(
            maybe(st.dictionaries(st.sampled_from(["ja", "pt"]), st.integers(1, 3), max_size=1), {})
        ),
        helpful_languages=draw(st.frozensets(st.sampled_from(["pt", "vi"]))),
        life_stages=draw(maybe(st.frozensets(st.sampled_from(STAGES), min_size=2), frozenset())),
        min_age=draw(maybe(st.integers(12, 20), None)),
        sdgs=draw(st.frozensets(st.sampled_from([6, 11, 14, 15]), max_size=2)),
    )


@st.composite
def cities(draw, most_candidates, most_shifts):
    people = draw(st.integers(0, most_candidates))
    places = draw(st.integers(0, most_shifts))
    return (
        [draw(candidates(number)) for number in range(people)],
        [draw(shifts(number)) for number in range(places)],
    )


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(cities(most_candidates=12, most_shifts=5))
def test_no_proposal_breaks_a_hard_constraint_a_capacity_or_one_per_graduate(city):
    people, places = city
    result = match(people, places, districts=DISTRICTS)
    by_id = {person.id: person for person in people}
    shift_by_id = {shift.id: shift for shift in places}

    for proposal in result.proposals:
        person, shift = by_id[proposal.candidate_id], shift_by_id[proposal.shift_id]
        assert broken_rules(person, shift) == set()
        assert person.consent and not person.is_child
    proposed = [proposal.candidate_id for proposal in result.proposals]
    assert len(proposed) == len(set(proposed))
    for shift in places:
        assert sum(p.shift_id == shift.id for p in result.proposals) <= max(shift.capacity, 0)
    # The engine's own verdict on every pair agrees with the rule book.
    expected = np.array(
        [[not broken_rules(person, shift) for shift in places] for person in people], dtype=bool
    ).reshape(len(people), len(places))
    assert (result.eligible == expected).all()


def brute_force_best_total(people, places, units):
    """The highest total score units over every assignment the rule book allows."""
    best = 0

    def extend(index, left, total):
        nonlocal best
        if index == len(people):
            best = max(best, total)
            return
        extend(index + 1, left, total)  # nobody is obliged to get a proposal
        for column, shift in enumerate(places):
            if left[column] > 0 and not broken_rules(people[index], shift):
                left[column] -= 1
                extend(index + 1, left, total + int(units[index, column]))
                left[column] += 1

    extend(0, [max(shift.capacity, 0) for shift in places], 0)
    return best


@PROPERTY_SETTINGS
@given(cities(most_candidates=6, most_shifts=3))
def test_the_total_score_is_the_optimum_found_by_brute_force(city):
    people, places = city
    result = match(people, places, districts=DISTRICTS)
    units = result.score_units
    # Candidates are numbered by their row, shifts from 100 by their column.
    chosen = sum(int(units[p.candidate_id, p.shift_id - 100]) for p in result.proposals)
    assert chosen == brute_force_best_total(people, places, units)
    assert result.total_score == pytest.approx(chosen / 10_000)
    for row, person in enumerate(people):
        for column, shift in enumerate(places):
            evaluation = evaluate_pair(person, shift, districts=DISTRICTS)
            assert evaluation.eligible == (not broken_rules(person, shift))
            if evaluation.eligible:
                assert round(evaluation.score * 10_000) == units[row, column]


@PROPERTY_SETTINGS
@given(cities(most_candidates=30, most_shifts=6))
def test_scipy_reaches_the_same_optimum_as_the_engine(city):
    people, places = city
    result = match(people, places, districts=DISTRICTS)
    engine_total = round(result.total_score * 10_000)
    capacities = np.maximum(result.capacity, 0)
    if not capacities.sum() or not people:
        assert result.proposals == ()
        return
    expanded = np.repeat(result.score_units, capacities, axis=1)
    rows, columns = linear_sum_assignment(expanded, maximize=True)
    assert int(expanded[rows, columns].sum()) == engine_total


# Reasons, explanations, alternatives and hand-added pairs -------------------------------------


def test_a_proposal_gives_its_reasons_in_the_coordinators_language():
    result = match([surveyor()], [kibagata_survey(sdgs=frozenset())], districts=DISTRICTS)

    (proposal,) = result.proposals
    assert render_reasons(proposal.reasons, LABELS, "ja") == (
        "木場潟水質調査バッジあり・ポルトガル語可・土曜午前に参加可能・木場地区在住"
    )
    assert render_reasons(proposal.reasons, LABELS, "en") == (
        "holds the Kibagata water-quality survey badge, speaks Portuguese, "
        "available Saturday morning, lives in Kiba"
    )


def test_reasons_name_distance_shared_sdgs_and_a_graduate_not_asked_lately():
    person = surveyor(district="ataka", interests=frozenset({14, 15}), recent_proposals=0)
    result = match([person], [kibagata_survey()], districts=DISTRICTS)

    (proposal,) = result.proposals
    assert render_reasons(proposal.reasons, LABELS, "en").endswith(
        "lives in Ataka, 9.0 km away, interested in SDG 14, not asked recently"
    )


def test_fewer_recent_proposals_win_between_otherwise_equal_graduates():
    asked_often = surveyor(id=1, recent_proposals=4)
    asked_once = surveyor(id=2, recent_proposals=1)
    result = match([asked_often, asked_once], [kibagata_survey(capacity=1)], districts=DISTRICTS)

    assert [proposal.candidate_id for proposal in result.proposals] == [2]
    scores = [
        evaluate_pair(surveyor(recent_proposals=count), kibagata_survey(), districts=DISTRICTS)
        for count in range(6)
    ]
    assert all(a.score > b.score for a, b in zip(scores, scores[1:], strict=False))


def test_a_child_is_never_proposed_even_with_consent_and_every_badge():
    flagged = surveyor(id=1, is_child=True, age=30)
    young = surveyor(id=2, age=11, life_stage="elementary")
    result = match([flagged, young], [kibagata_survey()], districts=DISTRICTS)

    assert result.proposals == ()
    assert (
        "child" in evaluate_pair(young, kibagata_survey(), districts=DISTRICTS).broken_constraints
    )


def test_a_run_with_nobody_eligible_says_which_constraint_excluded_most():
    people = [
        surveyor(id=1, consent=False),
        surveyor(id=2, consent=False),
        surveyor(id=3, consent=False),
        surveyor(id=4, badges=frozenset()),
    ]
    result = match(people, [kibagata_survey()], districts=DISTRICTS)

    assert result.proposals == ()
    assert result.exclusions[0].constraint == CONSENT
    assert result.explain_nobody_eligible("en") == (
        "Nobody is eligible: 3 of 4 graduates have not consented to offers."
    )
    badge_less = match(
        [surveyor(id=1, badges=frozenset()), surveyor(id=2, badges=frozenset())],
        [kibagata_survey()],
        districts=DISTRICTS,
    )
    assert badge_less.explain_nobody_eligible("en") == (
        "Nobody is eligible: 2 of 2 graduates lack the badges the shifts require."
    )
    assert (
        match([surveyor()], [kibagata_survey()], districts=DISTRICTS).explain_nobody_eligible("en")
        is None
    )


def test_a_run_without_places_or_graduates_says_so():
    assert match(
        [surveyor()], [kibagata_survey(capacity=0)], districts=DISTRICTS
    ).explain_nobody_eligible("en") == ("Nobody is eligible: no shift has places left.")
    assert match([], [kibagata_survey()], districts=DISTRICTS).explain_nobody_eligible("en") == (
        "Nobody is eligible: no graduate has a matching profile."
    )


def test_a_hand_added_pair_shows_the_constraints_it_breaks():
    chosen = surveyor(id=1)
    afternoon_only = surveyor(id=2, badges=frozenset(), availability=frozenset({(5, "afternoon")}))
    survey = kibagata_survey(capacity=1)
    result = match([chosen, afternoon_only], [survey], districts=DISTRICTS)

    evaluation = result.evaluate_added_pair(afternoon_only, survey)
    assert evaluation.broken_constraints == (BADGES, AVAILABILITY, SHIFT_FULL)
    assert render_violations(evaluation.violations, LABELS, "en") == [
        "lacks the Kibagata water-quality survey badge",
        "is not available at the shift's time",
        "the shift has no places left",
    ]
    assert render_reasons(evaluation.reasons, LABELS, "en").startswith("speaks Portuguese")

    other_start, other_end = saturday(9)
    another = kibagata_survey(id=2, start=other_start, end=other_end)
    elsewhere = result.evaluate_added_pair(chosen, another)
    assert elsewhere.broken_constraints == (PROPOSED_ELSEWHERE,)


def test_alternatives_are_the_strongest_eligible_graduates_left_without_a_proposal():
    best = surveyor(id=1, recent_proposals=0)
    next_best = surveyor(id=2, recent_proposals=1)
    third = surveyor(id=3, recent_proposals=3)
    far_away = surveyor(id=4, district="nata", recent_proposals=3)
    not_eligible = surveyor(id=5, consent=False)
    beach_start, beach_end = saturday(9)
    clean_up = kibagata_survey(id=2, capacity=1, start=beach_start, end=beach_end)
    survey = kibagata_survey(capacity=1)
    result = match(
        [best, next_best, third, far_away, not_eligible], [survey, clean_up], districts=DISTRICTS
    )

    # The two shifts are alike: either way round, the two strongest are proposed.
    assert sorted(p.candidate_id for p in result.proposals) == [1, 2]
    assert [p.shift_id for p in result.proposals] == [1, 2]
    alternatives = result.alternatives(limit=2)
    assert [p.candidate_id for p in alternatives[1]] == [3, 4]
    assert [p.candidate_id for p in alternatives[2]] == [3, 4]
    assert alternatives[1][0].score > alternatives[1][1].score
    assert alternatives[1][0].reasons


@pytest.mark.parametrize(
    ("hour", "hours", "slot"),
    [(9, 3, (5, "morning")), (12, 2, (5, "afternoon")), (18, 2, (5, "evening"))],
)
def test_availability_meets_the_part_of_the_day_the_shift_falls_in(hour, hours, slot):
    start, end = saturday(hour, hours)
    shift = kibagata_survey(start=start, end=end)
    for weekday, part in product(range(7), ("morning", "afternoon", "evening")):
        person = surveyor(availability=frozenset({(weekday, part)}))
        broken = evaluate_pair(person, shift, districts=DISTRICTS).broken_constraints
        assert (AVAILABILITY in broken) == ((weekday, part) != slot)
