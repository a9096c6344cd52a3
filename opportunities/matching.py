"""The matching engine: which graduate to propose for which shift, and why.

Pure functions over plain data: no ORM, no settings, no clock. ``run_matching`` (in
``opportunities.services``) reads awards, profiles and shifts, turns them into the frozen
dataclasses below, calls :func:`match`, and stores what comes back.

1. Hard constraints decide whether a (graduate, shift) pair is *eligible*: consent to
   offers; never a child (guardians come later, and the rule lives here, not only in a
   form); the shift's life stages and minimum age; its required badges and competency
   levels; its required languages; availability overlapping the shift; within reach of its
   district; not already placed at an overlapping time; a place left on the shift.
2. A soft score ranks eligible pairs: interest in the shift's SDGs, preferred badges and
   competencies held, closeness of districts, helpful languages spoken, and fairness (a
   bonus that falls with the number of recent proposals, so that the same few people are
   not asked every time).
3. The assignment maximises the total score with at most one proposal per graduate per run
   and no shift over its remaining capacity.

Each graduate's and each shift's features are read once into NumPy arrays (sets as bit
sets); the eligibility matrix (graduates x shifts) takes a few array operations per
constraint, the scores are worked out for the eligible pairs only, and only the chosen
pairs' reasons are assembled one by one.

The solver is OR-Tools' min-cost flow (``SimpleMinCostFlow``), not SciPy's
``linear_sum_assignment``: the flow network has an arc only for each *eligible* pair, so
ineligible pairs cannot be assigned at all (rather than being priced out), capacities are
arc capacities rather than copies of each shift's column, and memory grows with eligible
pairs instead of graduates x places (3,000 x 3,000 dense floats for the benchmark city,
where the flow solves the same problem several times faster; see benchmarks/matching.py).
SciPy stays the cross-check in the tests and the benchmark.

Every proposed pair carries its reasons as codes with parameters (:class:`Reason`);
:func:`render_reasons` turns them into the coordinator's language when they are shown,
so one run serves coordinators who read different languages.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cached_property, lru_cache
from itertools import chain, repeat
from operator import methodcaller
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from ortools.graph.python import min_cost_flow

TOKYO = ZoneInfo("Asia/Tokyo")

# Parts of the day a person says they are free in, with the local hour each one starts.
MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"
PARTS_OF_DAY = (MORNING, AFTERNOON, EVENING)
PART_STARTS = {MORNING: 0, AFTERNOON: 12, EVENING: 17}
SLOT_COUNT = 7 * len(PARTS_OF_DAY)  # (weekday 0 = Monday, part of the day)

# Language levels a person states; a shift may require a minimum one.
BASIC, CONVERSATIONAL, FLUENT = 1, 2, 3

# Children are never matched in this release. ``is_child`` is the caller's verdict
# (learners.services.badges.is_child); a known age below this is refused as well, so that
# a profile read wrongly cannot make a child matchable. run_matching passes
# settings.MANABI_MINIMUM_SELF_SIGNUP_AGE.
DEFAULT_CHILD_AGE_LIMIT = 13

# The soft score of an eligible pair, in points (at most 9).
BASE_POINTS = 1.0  # every eligible pair: proposing someone beats proposing nobody
INTEREST_POINTS = 2.0  # x the share of the shift's SDGs the graduate is interested in
PREFERRED_POINTS = 2.0  # x the share of the preferred badges and competency levels held
DISTANCE_POINTS = 1.5  # x (1 - km / DISTANCE_HORIZON_KM), none past the horizon
DISTANCE_HORIZON_KM = 20.0
LANGUAGE_POINTS = 1.0  # x the share of the helpful languages spoken
# Fairness: FAIRNESS_POINTS / (1 + recent proposals): 1.5 for someone not asked lately,
# 0.75 after one proposal, 0.5 after two, ... strictly decreasing and always positive.
FAIRNESS_POINTS = 1.5
# Scores go to the solver as whole units of 1/10,000 point, so that the optimum is exact
# (the flow solver works in integers) and any solver reaches the same total.
SCORE_UNITS_PER_POINT = 10_000

# Hard constraints, in the order a coordinator reads them.
CONSENT = "consent"
CHILD = "child"
LIFE_STAGE = "life_stage"
BADGES = "badges"
COMPETENCIES = "competencies"
LANGUAGES = "languages"
AVAILABILITY = "availability"
REACH = "reach"
ALREADY_PLACED = "already_placed"
SHIFT_FULL = "shift_full"
PROPOSED_ELSEWHERE = "proposed_elsewhere"  # only for a pair added by hand to a run
HARD_CONSTRAINTS = (
    CONSENT,
    CHILD,
    LIFE_STAGE,
    BADGES,
    COMPETENCIES,
    LANGUAGES,
    AVAILABILITY,
    REACH,
    ALREADY_PLACED,
    SHIFT_FULL,
)


# Plain data in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A graduate as the engine sees them (run_matching builds one from their records).

    ``badges`` are the BadgeDefinition ids of their unrevoked awards; ``competency_levels``
    the highest level held of each Competency id (read from those awards);
    ``languages`` SpokenLanguage codes with a level (BASIC, CONVERSATIONAL, FLUENT);
    ``availability`` (weekday 0-6, part of the day) pairs; ``life_stage`` a LifeStage
    slug; ``district`` and ``districts`` District codes. Reach: a shift is within reach if
    its district is one of ``districts`` or within ``travel_limit_km`` of ``district``;
    with neither given, everywhere is. ``busy`` are the (start, end) of the placements
    they already have. ``recent_proposals`` counts proposals over the fairness window.
    """

    id: int
    consent: bool
    is_child: bool = False
    age: int | None = None
    life_stage: str | None = None
    district: str | None = None
    districts: frozenset = frozenset()
    travel_limit_km: float | None = None
    badges: frozenset = frozenset()
    competency_levels: Mapping = field(default_factory=dict)
    languages: Mapping = field(default_factory=dict)
    availability: frozenset = frozenset()
    interests: frozenset = frozenset()  # SDG numbers
    recent_proposals: int = 0
    busy: tuple = ()


@dataclass(frozen=True)
class ShiftSpec:
    """A shift with places still open. ``start`` and ``end`` are aware datetimes.

    ``required_competencies`` and ``preferred_competencies`` map Competency ids to the
    minimum level; ``required_languages`` SpokenLanguage codes to the minimum level;
    ``life_stages`` the LifeStage slugs allowed (empty: any, children never); ``sdgs``
    the SDG numbers of its opportunity.
    """

    id: int
    opportunity_id: int
    start: datetime
    end: datetime
    capacity: int
    district: str | None = None
    required_badges: frozenset = frozenset()
    preferred_badges: frozenset = frozenset()
    required_competencies: Mapping = field(default_factory=dict)
    preferred_competencies: Mapping = field(default_factory=dict)
    required_languages: Mapping = field(default_factory=dict)
    helpful_languages: frozenset = frozenset()
    life_stages: frozenset = frozenset()
    min_age: int | None = None
    sdgs: frozenset = frozenset()


@dataclass(frozen=True, eq=False)
class DistrictMap:
    """Road distances in km between districts: ``km[i, j]`` from ``codes[i]`` to ``codes[j]``."""

    codes: tuple
    km: np.ndarray

    @classmethod
    def from_coordinates(cls, coordinates):
        """Great-circle distances between {code: (latitude, longitude)} points."""
        codes = tuple(coordinates)
        latitude, longitude = np.radians(np.array([coordinates[code] for code in codes])).T
        half_chord = (
            np.sin((latitude[:, None] - latitude[None, :]) / 2) ** 2
            + np.cos(latitude[:, None])
            * np.cos(latitude[None, :])
            * np.sin((longitude[:, None] - longitude[None, :]) / 2) ** 2
        )
        return cls(codes, 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(half_chord, 0, 1))))

    def between(self, first, second):
        index = {code: number for number, code in enumerate(self.codes)}
        if first not in index or second not in index:
            return math.inf
        return float(self.km[index[first], index[second]])


@dataclass(frozen=True)
class Label:
    """A name in Japanese and in English; readers of other languages get the English one
    (as curriculum's ``in_active_language`` does)."""

    ja: str
    en: str

    def in_language(self, language):
        return self.ja if (language or "ja").split("-")[0] == "ja" else self.en


@dataclass(frozen=True)
class Labels:
    """Names the reasons need: badges and competencies by id, districts and languages by code."""

    badges: Mapping = field(default_factory=dict)
    competencies: Mapping = field(default_factory=dict)
    districts: Mapping = field(default_factory=dict)
    languages: Mapping = field(default_factory=dict)


# What comes out --------------------------------------------------------------------------


class Reason(NamedTuple):
    """One reason a graduate suits a shift, as a code and its parameters.

    ``badge`` (badge id), ``competency`` (competency id, level held), ``language`` (code),
    ``available`` ((weekday, part)), ``district`` (code, km), ``interests`` (SDG numbers),
    ``not_asked_recently``.
    """

    code: str
    subject: object = None
    value: object = None


class Violation(NamedTuple):
    """A hard constraint a pair breaks; ``subject`` names what is missing, where it can."""

    constraint: str
    subject: object = None
    value: object = None


class Proposal(NamedTuple):
    """A graduate proposed for a shift, with the score and the reasons."""

    candidate_id: int
    shift_id: int
    score: float
    reasons: tuple


@dataclass(frozen=True)
class PairEvaluation:
    """A (graduate, shift) pair judged on its own: what it breaks, how it scores, why."""

    candidate_id: int
    shift_id: int
    violations: tuple
    score: float
    reasons: tuple

    @property
    def eligible(self):
        return not self.violations

    @property
    def broken_constraints(self):
        return tuple(dict.fromkeys(violation.constraint for violation in self.violations))


@dataclass(frozen=True)
class Exclusion:
    """``graduates`` of the run fail ``constraint`` for every shift with places left."""

    constraint: str
    graduates: int


# Building the matrices --------------------------------------------------------------------


def _slots_of(shift, zone):
    """The (weekday, part) slots a shift overlaps, in order, in local time."""
    slots = []
    cursor = shift.start.astimezone(zone)
    end = shift.end.astimezone(zone)
    while cursor < end:
        hour = cursor.hour
        part = EVENING if hour >= 17 else AFTERNOON if hour >= 12 else MORNING
        following = {MORNING: AFTERNOON, AFTERNOON: EVENING}.get(part)
        if following is None:
            boundary = datetime.combine(cursor.date() + timedelta(days=1), time(0), zone)
        else:
            boundary = datetime.combine(cursor.date(), time(PART_STARTS[following]), zone)
        slot = (cursor.weekday(), part)
        if slot not in slots:
            slots.append(slot)
        cursor = boundary
    return slots


SLOT_INDEX = {
    (weekday, part): weekday * len(PARTS_OF_DAY) + number
    for weekday in range(7)
    for number, part in enumerate(PARTS_OF_DAY)
}


def _vocabulary(items):
    return {item: number for number, item in enumerate(dict.fromkeys(items))}


def _flatten(collections):
    """(row of each item, the items) of a list of collections, without a loop in Python."""
    lengths = np.fromiter(map(len, collections), np.int64, len(collections))
    rows = np.repeat(np.arange(len(collections)), lengths)
    return rows, list(chain.from_iterable(collections))


def _columns(items, vocabulary):
    """Each item's column in ``vocabulary``, -1 for items outside it."""
    return np.fromiter(map(vocabulary.get, items, repeat(-1)), np.int64, len(items))


def _membership(items_per_row, vocabulary):
    """A rows x vocabulary boolean matrix: row r holds the items of items_per_row[r]."""
    rows, items = _flatten(items_per_row)
    columns = _columns(items, vocabulary)
    known = columns >= 0
    matrix = np.zeros((len(items_per_row), len(vocabulary)), dtype=bool)
    matrix[rows[known], columns[known]] = True
    return matrix


def _levels_reached(level_maps, vocabulary):
    """Rows x (key, level) features: row r holds ``key`` at ``level`` or above."""
    keys = _vocabulary(key for key, _level in vocabulary)
    rows, held_keys = _flatten(level_maps)  # a mapping iterates over its keys
    held_levels = np.fromiter(
        chain.from_iterable(map(methodcaller("values"), level_maps)), np.int64, len(held_keys)
    )
    columns = _columns(held_keys, keys)
    known = columns >= 0
    held = np.zeros((len(level_maps), len(keys)), dtype=np.int64)
    held[rows[known], columns[known]] = held_levels[known]
    feature_keys = np.fromiter((keys[k] for k, _level in vocabulary), np.int64, len(vocabulary))
    levels = np.fromiter((level for _key, level in vocabulary), np.int64, len(vocabulary))
    return held[:, feature_keys] >= levels[None, :]


def _bits(membership):
    """Each row of a boolean matrix as a bit set, rows x words: with n-bit words, feature f
    is bit f % n of word f // n. Words are as narrow as the vocabulary allows (8, 16, 32 or
    64 bits): a pass matrix is worked out word by word over every pair."""
    packed = np.packbits(membership, axis=1, bitorder="little")
    width = next((size for size in (1, 2, 4) if packed.shape[1] <= size), 8)
    words = np.zeros((membership.shape[0], -(-max(packed.shape[1], 1) // width) * width), np.uint8)
    words[:, : packed.shape[1]] = packed
    return words.view(f"<u{width}")


def _shared_counts(held, wanted, rows, columns):
    """Per pair (rows[i], columns[i]), how many features of ``wanted[columns[i]]`` the
    candidate ``held``: the bits both sets have."""
    # Word by word, with one-dimensional takes (about twice as fast as a 2-D gather).
    counts = np.bitwise_count(held[:, 0].take(rows) & wanted[:, 0].take(columns))  # <= 64
    if held.shape[1] > 1:
        counts = counts.astype(np.int64)
        for word in range(1, held.shape[1]):
            counts += np.bitwise_count(held[:, word].take(rows) & wanted[:, word].take(columns))
    return counts


def _weights(wanted, points):
    """Per shift, the points each wanted feature is worth: ``points`` shared among them."""
    wanted_counts = np.bitwise_count(wanted).sum(axis=1, dtype=np.int64)
    return (points / np.maximum(wanted_counts, 1)).astype(np.float32)


def _distinct(wanted):
    """The distinct rows of ``wanted`` and, per row, which of them it is."""
    distinct, which = np.unique(wanted, axis=0, return_inverse=True)
    return distinct, which.reshape(-1)


# The two below work a pass out once per distinct set the shifts ask for (many shifts ask
# for the same slots or the same badge), as rows of distinct sets x candidates, then
# gather one row per shift: whole-row gathers are far cheaper than a pass per shift.


def _keep_all_held(met, held, required):
    """met &= whether the candidate holds every feature the shift requires (worked out
    only for the shifts that require something: most require nothing of a kind)."""
    asking = np.flatnonzero(required.any(axis=1))
    if not asking.size:
        return
    distinct, which = _distinct(required[asking])
    lacking = ~held
    holds = (distinct[:, None, 0] & lacking[None, :, 0]) == 0
    for word in range(1, held.shape[1]):
        holds &= (distinct[:, None, word] & lacking[None, :, word]) == 0
    if 2 * asking.size < required.shape[0]:  # under half the shifts: their columns alone
        met[:, asking] &= holds.take(which, axis=0).T
        return
    # Many: every shift reads a row, the others a row of True.
    rows = np.full(required.shape[0], distinct.shape[0])
    rows[asking] = which
    holds = np.concatenate([holds, np.ones((1, held.shape[0]), dtype=bool)])
    met &= holds.take(rows, axis=0).T


def _keep_any_shared(met, held, wanted):
    """met &= whether the candidate's set and the shift's share a feature."""
    if not wanted.shape[0]:
        return
    distinct, which = _distinct(wanted)
    shared = (distinct[:, None, 0] & held[None, :, 0]) != 0
    for word in range(1, held.shape[1]):
        shared |= (distinct[:, None, word] & held[None, :, word]) != 0
    met &= shared.take(which, axis=0).T


class _Matrices:
    """The candidates x shifts matrices of one run: which pairs are eligible, and the
    score of every eligible pair.

    Each graduate's and each shift's features are read once into arrays (sets as bit
    sets, in words of 8 to 64 bits); a pair's verdict on a constraint and its score
    are array operations over those. Only the eligible matrix is dense: per-constraint
    pass matrices are worked out when asked (``passes``: exclusions and single pairs),
    and scores, distances included, only for the eligible pairs."""

    def __init__(self, candidates, shifts, districts, zone, child_age_limit):
        count, shift_count = len(candidates), len(shifts)
        self.candidates, self.shifts = candidates, shifts
        self.shift_slots = [_slots_of(shift, zone) for shift in shifts]
        self.wants = [_wants(s, slots) for s, slots in zip(shifts, self.shift_slots, strict=True)]

        self._consent = np.fromiter((c.consent for c in candidates), bool, count)
        self._not_child = ~np.fromiter(
            (c.is_child or (c.age is not None and c.age < child_age_limit) for c in candidates),
            bool,
            count,
        )

        # Life stage and minimum age, each a small table of the shifts' verdicts that a
        # graduate reads one row of (a row gather is far cheaper than a pass per shift).
        # Stages: a graduate has one; row v says which shifts let in stage v (those that
        # name it, and those open to all), the last row, for a stage no shift names (or
        # none), which shifts are open to all: those that name no stage, or name None,
        # the stage everybody is taken to hold.
        stage_vocabulary = _vocabulary(stage for s in shifts for stage in s.life_stages)
        open_to_all = np.fromiter(
            (not s.life_stages or None in s.life_stages for s in shifts), bool, shift_count
        )
        allowed = _membership([s.life_stages for s in shifts], stage_vocabulary).T
        self._stage_table = np.concatenate([allowed | open_to_all, open_to_all[None, :]])
        self._stage = _columns([c.life_stage for c in candidates], stage_vocabulary)
        # Ages: an unknown one is -1, old enough only where no minimum age is set (-1
        # too). With the shifts' distinct minimum ages sorted, a graduate reads the row of
        # how many of them they reach: row b lets in the shifts whose minimum is at most
        # the b-th smallest, row 0 none.
        ages = np.fromiter((-1 if c.age is None else c.age for c in candidates), int, count)
        min_ages = np.fromiter(
            (-1 if s.min_age is None else s.min_age for s in shifts), int, shift_count
        )
        thresholds = np.unique(min_ages)
        self._age_table = np.concatenate(
            [np.zeros((1, shift_count), dtype=bool), min_ages[None, :] <= thresholds[:, None]]
        )
        self._age_row = np.searchsorted(thresholds, ages, side="right")

        # Badges, competency levels and languages: features held against features wanted.
        badge_vocabulary = _vocabulary(
            badge for s in shifts for badge in (*s.required_badges, *s.preferred_badges)
        )
        badges_held = _membership([c.badges for c in candidates], badge_vocabulary)
        held_badges = _bits(badges_held)
        competency_vocabulary = _vocabulary(
            item
            for s in shifts
            for item in (*s.required_competencies.items(), *s.preferred_competencies.items())
        )
        competencies_held = _levels_reached(
            [c.competency_levels for c in candidates], competency_vocabulary
        )
        held_competencies = _bits(competencies_held)
        language_vocabulary = _vocabulary(
            item
            for s in shifts
            for item in (
                *s.required_languages.items(),
                *((code, BASIC) for code in s.helpful_languages),
            )
        )
        held_languages = _bits(
            _levels_reached([c.languages for c in candidates], language_vocabulary)
        )
        features_required = [
            _membership([s.required_badges for s in shifts], badge_vocabulary),
            _membership([s.required_competencies.items() for s in shifts], competency_vocabulary),
            _membership([s.required_languages.items() for s in shifts], language_vocabulary),
        ]
        self._required = [
            (held_badges, _bits(features_required[0])),
            (held_competencies, _bits(features_required[1])),
            (held_languages, _bits(features_required[2])),
        ]

        # Availability: the shift's (weekday, part) slots must meet the person's.
        self._free = _bits(_membership([c.availability for c in candidates], SLOT_INDEX))
        self._needed = _bits(_membership(self.shift_slots, SLOT_INDEX))

        # Reach and distance, by district: no district, or one off the map, is the last
        # row and column, infinitely far.
        district_index = {code: number for number, code in enumerate(districts.codes)}
        self._codes = districts.codes
        self._home = _columns([c.district for c in candidates], district_index)
        self._place = _columns([s.district for s in shifts], district_index)
        self._home[self._home < 0] = len(districts.codes)
        self._place[self._place < 0] = len(districts.codes)
        padded = np.full(
            (len(districts.codes) + 1, len(districts.codes) + 1), np.inf, dtype=np.float32
        )
        padded[:-1, :-1] = districts.km
        self._km = padded
        # Per graduate and district, within reach: a district named (a shift without a
        # district is everyone's: the last column), or within the travel limit (infinite
        # for someone who named neither); a pair looks up its shift's district.
        reach = np.concatenate(
            [
                _membership([c.districts for c in candidates], district_index),
                np.ones((count, 1), dtype=bool),
            ],
            axis=1,
        )
        limits = np.fromiter(
            (
                (math.inf if not c.districts else -1.0)
                if c.travel_limit_km is None
                else c.travel_limit_km
                for c in candidates
            ),
            float,
            count,
        )
        reach |= padded[self._home] <= limits.astype(np.float32)[:, None]
        # Districts x graduates: a pass gathers whole rows (one a shift), not columns.
        self._reach_by_district = np.ascontiguousarray(reach.T)

        # Already placed at an overlapping time: the (graduate, shift) pairs in conflict.
        placed = [
            (row, start.timestamp(), end.timestamp())
            for row, c in enumerate(candidates)
            if c.busy
            for start, end in c.busy
        ]
        self._conflicts = (np.zeros(0, int), np.zeros(0, int))
        if placed and shift_count:
            owners, busy_start, busy_end = map(np.array, zip(*placed, strict=True))
            shift_start = np.array([s.start.timestamp() for s in shifts])
            shift_end = np.array([s.end.timestamp() for s in shifts])
            overlap = (busy_start[:, None] < shift_end[None, :]) & (
                shift_start[None, :] < busy_end[:, None]
            )
            busy, columns = np.nonzero(overlap)
            self._conflicts = (owners[busy], columns)

        self.capacity = np.fromiter((max(s.capacity, 0) for s in shifts), int, shift_count)

        eligible = self._consent[:, None] & (self.capacity > 0)[None, :]
        for constraint in HARD_CONSTRAINTS:
            if constraint not in (CONSENT, SHIFT_FULL):
                self._keep_passing(eligible, constraint)
        self.eligible = eligible

        # The soft score, from the features above.
        sdg_vocabulary = {number: number - 1 for number in range(1, 18)}
        interests = _bits(_membership([c.interests for c in candidates], sdg_vocabulary))
        goals = _bits(_membership([s.sdgs for s in shifts], sdg_vocabulary))
        # Preferred badges and competency levels count together: one bit set of both.
        preferred = _bits(
            np.concatenate(
                [
                    _membership([s.preferred_badges for s in shifts], badge_vocabulary),
                    _membership(
                        [s.preferred_competencies.items() for s in shifts], competency_vocabulary
                    ),
                ],
                axis=1,
            )
        )
        held_preferred = _bits(np.concatenate([badges_held, competencies_held], axis=1))
        helpful = _bits(
            _membership(
                [[(code, BASIC) for code in s.helpful_languages] for s in shifts],
                language_vocabulary,
            )
        )
        recent = np.fromiter((max(c.recent_proposals, 0) for c in candidates), float, count)
        self._shares = [
            (interests, goals, _weights(goals, INTEREST_POINTS)),
            (held_preferred, preferred, _weights(preferred, PREFERRED_POINTS)),
            (held_languages, helpful, _weights(helpful, LANGUAGE_POINTS)),
        ]
        self._row_points = (BASE_POINTS + FAIRNESS_POINTS / (1.0 + recent)).astype(np.float32)

        flat = np.flatnonzero(eligible)
        self.rows = flat // shift_count if shift_count else flat
        self.columns = flat - self.rows * shift_count
        self.pair_units = self.pair_score_units(self.rows, self.columns)
        self.score_units = np.zeros((count, shift_count), dtype=np.int32)
        self.score_units.reshape(-1)[flat] = self.pair_units

    def _keep_passing(self, met, constraint):
        """met &= the pairs that meet ``constraint``, in place."""
        if constraint == CONSENT:
            met &= self._consent[:, None]
        elif constraint == CHILD:
            met &= self._not_child[:, None]
        elif constraint == LIFE_STAGE:
            met &= self._stage_table.take(self._stage, axis=0)
            met &= self._age_table.take(self._age_row, axis=0)
        elif constraint == BADGES:
            _keep_all_held(met, *self._required[0])
        elif constraint == COMPETENCIES:
            _keep_all_held(met, *self._required[1])
        elif constraint == LANGUAGES:
            _keep_all_held(met, *self._required[2])
        elif constraint == AVAILABILITY:
            _keep_any_shared(met, self._free, self._needed)
        elif constraint == REACH:
            met &= self._reach_by_district.take(self._place, axis=0).T
        elif constraint == ALREADY_PLACED:
            met[self._conflicts] = False
        elif constraint == SHIFT_FULL:
            met &= (self.capacity > 0)[None, :]

    @cached_property
    def passes(self):
        """Per constraint, which pairs meet it, candidates x shifts (for the exclusions and
        single-pair evaluations: a run works out only whether all are met)."""
        found = {}
        for constraint in HARD_CONSTRAINTS:
            found[constraint] = np.ones(self.eligible.shape, dtype=bool)
            self._keep_passing(found[constraint], constraint)
        return found

    def district_pairs(self, rows, columns):
        """Each pair's (home district, shift district) as one flat index into the km table
        (flat takes are faster than a 2-D gather)."""
        return self._home.take(rows) * self._km.shape[1] + self._place.take(columns)

    def km(self, rows, columns):
        """The distance of each pair (rows[i], columns[i]) in km, inf where unknown."""
        return self._km.take(self.district_pairs(rows, columns))

    def district_reason(self, district_pair):
        """The district reason of the pairs with this (home, shift district), if any."""
        home = district_pair // self._km.shape[1]
        code = self._codes[home] if home < len(self._codes) else None
        return _district_reason(code, float(self._km.take(district_pair)))

    def pair_score_units(self, rows, columns):
        """The score of each pair (rows[i], columns[i]) in whole units (see
        SCORE_UNITS_PER_POINT), eligible or not. Counts of features are exact, the rest is
        float32 element by element in one order: a pair scores the same alone as in a
        whole run."""
        rows, columns = np.asarray(rows), np.asarray(columns)
        score = np.zeros(len(rows), dtype=np.float32)
        for held, wanted, weight in self._shares:
            counts = _shared_counts(held, wanted, rows, columns).astype(np.float32)
            score += counts * weight.take(columns)
        closeness = self.km(rows, columns) * np.float32(-DISTANCE_POINTS / DISTANCE_HORIZON_KM)
        closeness += np.float32(DISTANCE_POINTS)
        score += np.clip(closeness, 0, DISTANCE_POINTS, out=closeness)
        score += self._row_points.take(rows)
        score *= np.float32(SCORE_UNITS_PER_POINT)
        return np.rint(score, out=score).astype(np.int32)


# Solving ---------------------------------------------------------------------------------


def solve_assignment(rows, columns, units, capacity, candidate_count):
    """Which of the pairs (rows[i], columns[i]), scoring units[i], make a maximum-total
    assignment: their indices into rows.

    A min-cost flow: source -> each candidate (capacity 1: one proposal a run) -> each
    shift it is eligible for (cost -score) -> sink (capacity: the places left); a zero-cost
    arc from source to sink carries the flow of whoever is better left unproposed. Only
    the pairs given are arcs: any other pair cannot be assigned at all.
    """
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64)
    shift_count = capacity.size
    source, sink = 0, 1 + candidate_count + shift_count
    active = np.flatnonzero(np.bincount(rows, minlength=candidate_count))  # sorted, unique
    open_shifts = np.nonzero(capacity > 0)[0]
    supply = int(min(active.size, capacity.sum()))
    # One call for every arc: the pairs first (their flows say who goes where), then
    # source -> candidates, shifts -> sink, and the bypass source -> sink.
    # Nodes as int32 and capacities and costs as int64, the types the solver takes.
    tails = np.concatenate(
        [1 + rows, np.full(active.size, source), 1 + candidate_count + open_shifts, [source]],
        dtype=np.int32,
    )
    heads = np.concatenate(
        [1 + candidate_count + columns, 1 + active, np.full(open_shifts.size, sink), [sink]],
        dtype=np.int32,
    )
    capacities = np.concatenate(
        [np.ones(rows.size + active.size, dtype=np.int64), capacity[open_shifts], [supply]],
        dtype=np.int64,
    )
    costs = np.zeros(tails.size, dtype=np.int64)
    np.negative(units, out=costs[: rows.size])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return np.nonzero(flow.flows(arcs[: rows.size]) > 0)[0]


# Reasons ---------------------------------------------------------------------------------


class _Wants(NamedTuple):
    """What of a shift the reasons name, worked out once a shift, not once a pair; the
    reasons that do not depend on the graduate are made here, once."""

    badges: tuple  # (badge, its reason): required first, then preferred
    competencies: tuple  # (competency, lowest level asked)
    languages: tuple  # (code, level, its reason): required, then helpful
    slots: tuple  # (slot, its reason), in time order
    sdgs: frozenset


NOT_ASKED_RECENTLY = Reason("not_asked_recently")

# Reason(...) and Proposal(...) run the Python-level __new__ that NamedTuple generates; a
# run builds them by the thousand, so they are made as the tuples they are, directly:
# _make(Reason, (code, subject, value)) is the same value as Reason(code, subject, value).
_make = tuple.__new__


def _wants(shift, slots):
    competencies = ()
    if shift.required_competencies or shift.preferred_competencies:
        lowest = dict(sorted(shift.preferred_competencies.items()))
        for competency, level in sorted(shift.required_competencies.items()):
            lowest[competency] = min(level, lowest.get(competency, level))
        order = [*sorted(shift.required_competencies), *sorted(shift.preferred_competencies)]
        competencies = tuple([(key, lowest[key]) for key in dict.fromkeys(order)])
    languages = dict(sorted(shift.required_languages.items()))
    for code in sorted(shift.helpful_languages):
        languages.setdefault(code, BASIC)
    badges = dict.fromkeys((*sorted(shift.required_badges), *sorted(shift.preferred_badges)))
    return _Wants(
        badges=tuple([(badge, _make(Reason, ("badge", badge, None))) for badge in badges]),
        competencies=competencies,
        languages=tuple(
            [
                (code, level, _make(Reason, ("language", code, None)))
                for code, level in languages.items()
            ]
        ),
        slots=tuple([(slot, _make(Reason, ("available", slot, None))) for slot in slots]),
        sdgs=frozenset(shift.sdgs),  # so that what it shares with a graduate's is hashable
    )


@lru_cache(maxsize=1024)
def _interests_reason(shared):
    """The reason naming the SDGs a graduate and a shift share: the same few small sets
    recur over the pairs of a run, and their sorted tuples need not be made again."""
    return Reason("interests", tuple(sorted(shared)))


def _district_reason(district, km):
    """Where the graduate lives, and how far the shift is, when both are known."""
    if district is None or km == math.inf:
        return None
    return _make(Reason, ("district", district, round(km, 1)))


def _reasons(candidate, wants, district_reason):
    """Why a graduate suits a shift; ``district_reason`` from :func:`_district_reason`
    (worked out once for all the pairs between two districts)."""
    reasons = []
    if wants.badges:
        held = candidate.badges
        for badge, reason in wants.badges:
            if badge in held:
                reasons.append(reason)
    if wants.competencies:
        levels = candidate.competency_levels
        for competency, level in wants.competencies:
            reached = levels.get(competency, 0)
            if reached >= level:
                reasons.append(_make(Reason, ("competency", competency, reached)))
    if wants.languages:
        spoken = candidate.languages
        for code, level, reason in wants.languages:
            if spoken.get(code, 0) >= level:
                reasons.append(reason)
    free = candidate.availability
    for slot, reason in wants.slots:
        if slot in free:
            reasons.append(reason)
            break
    if district_reason is not None:
        reasons.append(district_reason)
    shared = wants.sdgs & candidate.interests
    if shared:
        reasons.append(_interests_reason(shared))
    if candidate.recent_proposals <= 0:
        reasons.append(NOT_ASKED_RECENTLY)
    return tuple(reasons)


WEEKDAY_NAMES = (
    lambda: pgettext("weekday of a shift", "Monday"),
    lambda: pgettext("weekday of a shift", "Tuesday"),
    lambda: pgettext("weekday of a shift", "Wednesday"),
    lambda: pgettext("weekday of a shift", "Thursday"),
    lambda: pgettext("weekday of a shift", "Friday"),
    lambda: pgettext("weekday of a shift", "Saturday"),
    lambda: pgettext("weekday of a shift", "Sunday"),
)
PART_NAMES = {
    MORNING: lambda: pgettext("part of the day", "morning"),
    AFTERNOON: lambda: pgettext("part of the day", "afternoon"),
    EVENING: lambda: pgettext("part of the day", "evening"),
}


def _name(labels, key, language):
    label = labels.get(key)
    return label.in_language(language) if label is not None else str(key)


def _render_reason(reason, labels, language):
    if reason.code == "badge":
        return gettext("holds the %(badge)s badge") % {
            "badge": _name(labels.badges, reason.subject, language)
        }
    if reason.code == "competency":
        return gettext("%(competency)s level %(level)s") % {
            "competency": _name(labels.competencies, reason.subject, language),
            "level": reason.value,
        }
    if reason.code == "language":
        return gettext("speaks %(language)s") % {
            "language": _name(labels.languages, reason.subject, language)
        }
    if reason.code == "available":
        weekday, part = reason.subject
        return gettext("available %(weekday)s %(part)s") % {
            "weekday": WEEKDAY_NAMES[weekday](),
            "part": PART_NAMES[part](),
        }
    if reason.code == "district":
        district = _name(labels.districts, reason.subject, language)
        if not reason.value:
            return gettext("lives in %(district)s") % {"district": district}
        return gettext("lives in %(district)s, %(km)s km away") % {
            "district": district,
            "km": f"{reason.value:.1f}",
        }
    if reason.code == "interests":
        return gettext("interested in SDG %(goals)s") % {
            "goals": pgettext("between SDG numbers", ", ").join(map(str, reason.subject))
        }
    if reason.code == "not_asked_recently":
        return gettext("not asked recently")
    raise ValueError(f"unknown reason {reason.code!r}")


def render_reasons(reasons, labels, language):
    """The reasons as one line in ``language``: 「…バッジあり・ポルトガル語可・…」."""
    with translation.override(language):
        separator = pgettext("between the reasons of a proposal", ", ")
        return separator.join(_render_reason(reason, labels, language) for reason in reasons)


def _render_violation(violation, labels, language):
    constraint, subject = violation.constraint, violation.subject
    if constraint == CONSENT:
        return gettext("has not consented to offers")
    if constraint == CHILD:
        return gettext("is a child: children are not matched")
    if constraint == LIFE_STAGE:
        if violation.value is not None:
            return gettext("is younger than %(age)s") % {"age": violation.value}
        return gettext("is outside the shift's life stages")
    if constraint == BADGES:
        return gettext("lacks the %(badge)s badge") % {
            "badge": _name(labels.badges, subject, language)
        }
    if constraint == COMPETENCIES:
        return gettext("lacks %(competency)s level %(level)s") % {
            "competency": _name(labels.competencies, subject, language),
            "level": violation.value,
        }
    if constraint == LANGUAGES:
        return gettext("does not speak %(language)s well enough") % {
            "language": _name(labels.languages, subject, language)
        }
    if constraint == AVAILABILITY:
        return gettext("is not available at the shift's time")
    if constraint == REACH:
        return gettext("does not travel to %(district)s") % {
            "district": _name(labels.districts, subject, language)
        }
    if constraint == ALREADY_PLACED:
        return gettext("is already placed at an overlapping time")
    if constraint == SHIFT_FULL:
        return gettext("the shift has no places left")
    if constraint == PROPOSED_ELSEWHERE:
        return gettext("already has a proposal in this run")
    raise ValueError(f"unknown constraint {constraint!r}")


def render_violations(violations, labels, language):
    """Each broken constraint as a phrase in ``language``."""
    with translation.override(language):
        return [_render_violation(violation, labels, language) for violation in violations]


def _exclusion_text(constraint, count, total):
    numbers = {"count": f"{count:,}", "total": f"{total:,}"}
    texts = {
        CONSENT: lambda: ngettext(
            "%(count)s of %(total)s graduates has not consented to offers",
            "%(count)s of %(total)s graduates have not consented to offers",
            count,
        ),
        CHILD: lambda: ngettext(
            "%(count)s of %(total)s graduates is a child",
            "%(count)s of %(total)s graduates are children",
            count,
        ),
        LIFE_STAGE: lambda: ngettext(
            "%(count)s of %(total)s graduates is outside the shifts' life stages or ages",
            "%(count)s of %(total)s graduates are outside the shifts' life stages or ages",
            count,
        ),
        BADGES: lambda: ngettext(
            "%(count)s of %(total)s graduates lacks the badges the shifts require",
            "%(count)s of %(total)s graduates lack the badges the shifts require",
            count,
        ),
        COMPETENCIES: lambda: ngettext(
            "%(count)s of %(total)s graduates lacks the competency levels the shifts require",
            "%(count)s of %(total)s graduates lack the competency levels the shifts require",
            count,
        ),
        LANGUAGES: lambda: ngettext(
            "%(count)s of %(total)s graduates lacks the languages the shifts require",
            "%(count)s of %(total)s graduates lack the languages the shifts require",
            count,
        ),
        AVAILABILITY: lambda: ngettext(
            "%(count)s of %(total)s graduates is not available at the shifts' times",
            "%(count)s of %(total)s graduates are not available at the shifts' times",
            count,
        ),
        REACH: lambda: ngettext(
            "%(count)s of %(total)s graduates does not travel to the shifts' districts",
            "%(count)s of %(total)s graduates do not travel to the shifts' districts",
            count,
        ),
        ALREADY_PLACED: lambda: ngettext(
            "%(count)s of %(total)s graduates is already placed at the shifts' times",
            "%(count)s of %(total)s graduates are already placed at the shifts' times",
            count,
        ),
    }
    return texts[constraint]() % numbers


# The run ---------------------------------------------------------------------------------


class MatchResult:
    """The proposals of one run, why nobody else was chosen, and what a coordinator asks
    while reviewing it: the strongest alternatives per shift, and a hand-added pair."""

    def __init__(self, matrices, proposals, districts, zone, child_age_limit):
        self._matrices = matrices
        self._districts, self._zone, self._child_age_limit = districts, zone, child_age_limit
        self.proposals = proposals
        # Candidates x shifts, in the order given to match(): whether each pair is
        # eligible, its score in whole units (0 where not), and each shift's places left.
        self.eligible = matrices.eligible
        self.score_units = matrices.score_units
        self.capacity = matrices.capacity
        self.candidate_count = len(matrices.candidates)
        self.shift_count = len(matrices.shifts)
        self.eligible_pair_count = int(matrices.rows.size)  # the pairs are the eligible ones
        self.total_score = sum(proposal.score for proposal in proposals)

    @cached_property
    def exclusions(self):
        """Per constraint, how many graduates it alone rules out of every shift with places
        left, most first (worked out when asked: a run that proposes does not need it)."""
        matrices = self._matrices
        open_shifts = matrices.capacity > 0
        counts = []
        for constraint in HARD_CONSTRAINTS:
            if constraint == SHIFT_FULL:
                continue
            passes = np.broadcast_to(matrices.passes[constraint], matrices.eligible.shape)
            ruled_out = ~passes[:, open_shifts].any(axis=1)
            counts.append(Exclusion(constraint, int(ruled_out.sum())))
        return tuple(sorted(counts, key=lambda item: -item.graduates))

    def explain_nobody_eligible(self, language):
        """Why the run proposes nobody, in ``language``; None when someone is eligible."""
        if self.eligible_pair_count:
            return None
        return explain_nobody_eligible(
            self.exclusions,
            candidate_count=self.candidate_count,
            has_open_shift=bool(self._matrices.capacity.any()),
            language=language,
        )

    def alternatives(self, limit=3):
        """{shift id: up to ``limit`` eligible graduates left without a proposal in this
        run, strongest first}, as Proposals (not stored: for the coordinator's review)."""
        matrices = self._matrices
        proposed = {proposal.candidate_id for proposal in self.proposals}
        free = np.fromiter(
            (c.id not in proposed for c in matrices.candidates), bool, self.candidate_count
        )
        masked = np.where(matrices.eligible & free[:, None], matrices.score_units, -1)
        found = {}
        for column, shift in enumerate(matrices.shifts):
            scores = masked[:, column]
            best = np.argsort(-scores, kind="stable")[:limit]
            found[shift.id] = tuple(
                _proposal(matrices, row, column) for row in best if scores[row] >= 0
            )
        return found

    def evaluate_added_pair(self, candidate, shift):
        """A pair a coordinator adds by hand to this run: see :func:`evaluate_added_pair`."""
        return evaluate_added_pair(
            candidate,
            shift,
            self.proposals,
            districts=self._districts,
            zone=self._zone,
            child_age_limit=self._child_age_limit,
        )


def _proposal(matrices, row, column):
    return Proposal(
        candidate_id=matrices.candidates[row].id,
        shift_id=matrices.shifts[column].id,
        score=int(matrices.score_units[row, column]) / SCORE_UNITS_PER_POINT,
        reasons=_reasons(
            matrices.candidates[row],
            matrices.wants[column],
            _district_reason(matrices.candidates[row].district, float(matrices.km(row, column))),
        ),
    )


def match(candidates, shifts, *, districts, zone=TOKYO, child_age_limit=DEFAULT_CHILD_AGE_LIMIT):
    """Propose graduates for shifts: every proposal meets every hard constraint, no shift
    gets more proposals than its places left, nobody gets two, and the total score is the
    highest possible. Proposals come in the order of ``shifts``, then of ``candidates``."""
    candidates, shifts = tuple(candidates), tuple(shifts)
    matrices = _Matrices(candidates, shifts, districts, zone, child_age_limit)
    rows, columns = matrices.rows, matrices.columns
    units = matrices.pair_units
    chosen = solve_assignment(rows, columns, units, matrices.capacity, len(candidates))
    # The chosen pairs in the order of the candidates (the pairs' own order): reading the
    # candidates' records in turn is kinder to the memory caches than jumping between
    # them shift by shift (about a third faster for the benchmark city); the proposals
    # are then put in the order of shifts, then of candidates.
    rows, columns, units = rows[chosen], columns[chosen], units[chosen]
    # The district reason once per (home, shift district) met: many pairs share one.
    district_pairs, which = np.unique(matrices.district_pairs(rows, columns), return_inverse=True)
    district_reasons = list(map(matrices.district_reason, district_pairs.tolist()))
    # Plain Python values in one go: indexing arrays pair by pair is slow.
    people, places, wants = matrices.candidates, matrices.shifts, matrices.wants
    made = [
        _make(
            Proposal,
            (
                people[row].id,
                places[column].id,
                score / SCORE_UNITS_PER_POINT,
                _reasons(people[row], wants[column], district_reasons[district]),
            ),
        )
        for row, column, score, district in zip(
            rows.tolist(), columns.tolist(), units.tolist(), which.tolist(), strict=True
        )
    ]
    proposals = tuple(map(made.__getitem__, np.lexsort((rows, columns)).tolist()))
    return MatchResult(matrices, proposals, districts, zone, child_age_limit)


def _violations(constraint, candidate, shift, districts, child_age_limit):
    """What exactly a pair misses of one constraint it fails."""
    if constraint == LIFE_STAGE:
        found = []
        if shift.life_stages and candidate.life_stage not in shift.life_stages:
            found.append(Violation(LIFE_STAGE))
        if shift.min_age is not None and (candidate.age is None or candidate.age < shift.min_age):
            found.append(Violation(LIFE_STAGE, value=shift.min_age))
        return found
    if constraint == BADGES:
        return [Violation(BADGES, b) for b in sorted(shift.required_badges - candidate.badges)]
    if constraint == COMPETENCIES:
        return [
            Violation(COMPETENCIES, competency, level)
            for competency, level in sorted(shift.required_competencies.items())
            if candidate.competency_levels.get(competency, 0) < level
        ]
    if constraint == LANGUAGES:
        return [
            Violation(LANGUAGES, code, level)
            for code, level in sorted(shift.required_languages.items())
            if candidate.languages.get(code, 0) < level
        ]
    if constraint == REACH:
        return [
            Violation(REACH, shift.district, districts.between(candidate.district, shift.district))
        ]
    return [Violation(constraint)]


def evaluate_pair(
    candidate, shift, *, districts, zone=TOKYO, child_age_limit=DEFAULT_CHILD_AGE_LIMIT
):
    """One pair on its own, judged by the same matrices a run uses: the hard constraints
    it breaks (with what is missing), the score it would have and its reasons."""
    matrices = _Matrices((candidate,), (shift,), districts, zone, child_age_limit)
    violations = []
    for constraint in HARD_CONSTRAINTS:
        if not matrices.passes[constraint].all():
            violations.extend(_violations(constraint, candidate, shift, districts, child_age_limit))
    return PairEvaluation(
        candidate_id=candidate.id,
        shift_id=shift.id,
        violations=tuple(violations),
        score=int(matrices.pair_score_units(np.zeros(1, int), np.zeros(1, int))[0])
        / SCORE_UNITS_PER_POINT,
        reasons=_reasons(
            candidate,
            matrices.wants[0],
            _district_reason(candidate.district, float(matrices.km(0, 0))),
        ),
    )


def evaluate_added_pair(
    candidate,
    shift,
    proposals,
    *,
    districts,
    zone=TOKYO,
    child_age_limit=DEFAULT_CHILD_AGE_LIMIT,
):
    """A pair a coordinator adds by hand to a run whose ``proposals`` (pairs with
    ``candidate_id`` and ``shift_id``) are given: as :func:`evaluate_pair`, and also
    whether the graduate already has a proposal in the run elsewhere and whether the
    shift's places are all taken by the run's proposals."""
    evaluation = evaluate_pair(
        candidate, shift, districts=districts, zone=zone, child_age_limit=child_age_limit
    )
    extra = []
    if any(p.candidate_id == candidate.id and p.shift_id != shift.id for p in proposals):
        extra.append(Violation(PROPOSED_ELSEWHERE))
    taken = sum(p.shift_id == shift.id and p.candidate_id != candidate.id for p in proposals)
    full = Violation(SHIFT_FULL)
    if taken >= shift.capacity and full not in evaluation.violations:
        extra.append(full)
    return PairEvaluation(
        candidate_id=evaluation.candidate_id,
        shift_id=evaluation.shift_id,
        violations=evaluation.violations + tuple(extra),
        score=evaluation.score,
        reasons=evaluation.reasons,
    )


def explain_nobody_eligible(exclusions, *, candidate_count, has_open_shift, language):
    """Why a run with no eligible pair proposes nobody, in ``language``, from its
    ``exclusions`` (Exclusions, most first: ``MatchResult.exclusions``, or as stored)."""
    with translation.override(language):
        if not candidate_count:
            return gettext("Nobody is eligible: no graduate has a matching profile.")
        if not has_open_shift:
            return gettext("Nobody is eligible: no shift has places left.")
        worst = max(exclusions, key=lambda item: item.graduates, default=None)
        if worst is None or worst.graduates == 0:
            return gettext(
                "Nobody is eligible: every graduate meets some of each shift's "
                "requirements, but none meets all of any one shift's."
            )
        return gettext("Nobody is eligible: %(main_reason)s.") % {
            "main_reason": _exclusion_text(worst.constraint, worst.graduates, candidate_count)
        }
