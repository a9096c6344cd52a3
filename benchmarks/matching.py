#!/usr/bin/env python
"""How fast the matching engine proposes graduates for shifts, against the bare solvers.

    .venv/bin/python benchmarks/matching.py

Builds a synthetic, seeded city (3,000 graduates, 300 shifts of 10 places, constraint
densities like Komatsu's; see benchmarks/README.md) as the engine's plain data, then times
in alternating rounds:

- engine: ``opportunities.matching.match`` end to end from plain data (eligibility,
  scores, the solve and the chosen pairs' reasons);
- bare solvers on the same precomputed score matrix: OR-Tools' min-cost flow and SciPy's
  ``linear_sum_assignment`` (each shift's column repeated once per place), checked to
  reach the same optimum.

``ratio`` = engine ÷ the faster bare solver. Target: ratio <= 3 and the engine under 1 s.
"""

import argparse
import gc
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in benchmarks/
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path.pop(0)  # benchmarks/settings.py must not be importable as "settings"
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

import os  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    benchmark_database_url,
    drop_database,
    median_and_spread,
    recreate_database,
    say,
)

SETTINGS_MODULE = "benchmarks.settings"
GRADUATES = 3_000
SHIFTS = 300
PLACES_PER_SHIFT = 10
TARGET_RATIO = 3.0
TARGET_ENGINE_SECONDS = 1.0
MIN_ROUNDS = 3
TARGET_RUN_SECONDS = 5.0
# Synthetic positions (km east, km north of the city hall) for the real district codes:
# the city spans about 15 km; nothing here claims to be a surveyed map.
CITY_SPAN_KM = 15.0


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="measured rounds (default 7)")
    parser.add_argument("--seed", type=int, default=12, help="seed of the synthetic city")
    parser.add_argument(
        "--database-rounds",
        type=int,
        default=5,
        help="rounds of run_matching on PostgreSQL (default 5; 0 skips that part)",
    )
    arguments = parser.parse_args()
    if arguments.rounds < MIN_ROUNDS:
        parser.error(f"--rounds must be at least {MIN_ROUNDS}")
    return arguments


# The synthetic city ---------------------------------------------------------------------


def build_city(seed, with_badge_competencies=False):
    """(candidates, shifts, districts, labels) of a seeded city, from the project's own
    vocabularies: Komatsu's district codes, spoken languages, life stages, SDGs and the
    competency framework; badges are synthetic ids, each certifying a competency level
    ({badge id: (competency number, level)}, returned as well when asked)."""
    from curriculum.services import COMPETENCY_FRAMEWORK, LIFE_STAGES
    from learners.services.reference_data import KOMATSU_DISTRICTS, SPOKEN_LANGUAGES
    from opportunities.matching import (
        BASIC,
        CONVERSATIONAL,
        FLUENT,
        PARTS_OF_DAY,
        TOKYO,
        Candidate,
        DistrictMap,
        Label,
        Labels,
        ShiftSpec,
    )

    rng = random.Random(seed)
    codes = [code for code, *_names in KOMATSU_DISTRICTS]
    positions = {
        code: (rng.uniform(0, CITY_SPAN_KM), rng.uniform(0, CITY_SPAN_KM)) for code in codes
    }
    points = np.array([positions[code] for code in codes])
    km = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)) * 1.3  # roads
    districts = DistrictMap(tuple(codes), km)
    nearby = {code: [codes[j] for j in np.argsort(km[i])[1:5]] for i, code in enumerate(codes)}

    competencies = [
        (number, code, name_ja, name_en)
        for number, (code, name_ja, name_en, *_text) in enumerate(
            (item for _area, _ja, _en, items in COMPETENCY_FRAMEWORK for item in items), 1
        )
    ]
    # Twenty badges: each certifies one competency at level 1, 2 or 3.
    badges = {
        number: (rng.choice(competencies)[0], rng.choice([1, 1, 2, 2, 3]))
        for number in range(1, 21)
    }
    stages = [(slug, low, high) for slug, _ja, _en, low, high, _colour in LIFE_STAGES]

    def life_stage(age):
        return max((s for s in stages if s[1] <= age), key=lambda s: s[1])[0]

    weekend = [(day, part) for day in (5, 6) for part in PARTS_OF_DAY]
    weekdays = [(day, part) for day in range(5) for part in PARTS_OF_DAY]
    start = datetime(2026, 12, 7, tzinfo=TOKYO)  # a Monday: four weeks of shifts from here

    shift_times = []
    for _ in range(SHIFTS):
        day = rng.choice([5, 6] * 3 + list(range(5)))  # 60 % at weekends
        week = rng.randrange(4)
        hour = rng.choice([9, 9, 10, 13, 14, 18])
        begins = start + timedelta(days=7 * week + day, hours=hour)
        shift_times.append((begins, begins + timedelta(hours=rng.choice([2, 2, 3, 4]))))

    candidates = []
    for number in range(1, GRADUATES + 1):
        age = rng.choices(
            [rng.randint(13, 17), rng.randint(18, 29), rng.randint(30, 64), rng.randint(65, 88)],
            weights=[5, 12, 63, 20],
        )[0]
        held = frozenset(rng.sample(sorted(badges), rng.choice([1, 1, 2, 2, 3, 4])))
        levels = {}
        for badge in held:
            competency, level = badges[badge]
            levels[competency] = max(levels.get(competency, 0), level)
        languages = {"ja": FLUENT} if rng.random() < 0.92 else {"ja": BASIC}
        for code, share in (("en", 0.10), ("pt", 0.05), ("vi", 0.03), ("zh", 0.02), ("fil", 0.01)):
            if rng.random() < share:
                languages[code] = rng.choice([BASIC, CONVERSATIONAL, FLUENT])
        free = set(rng.sample(weekend, rng.randint(1, 4))) | set(
            rng.sample(weekdays, rng.randint(0, 5))
        )
        home = rng.choice(codes)
        reach = rng.random()
        busy = ()
        if rng.random() < 0.15:
            busy = tuple(rng.sample(shift_times, rng.choice([1, 1, 2])))
        candidates.append(
            Candidate(
                id=number,
                consent=rng.random() < 0.85,
                is_child=rng.random() < 0.03,
                age=age,
                life_stage=life_stage(age),
                district=home,
                districts=frozenset([home, *rng.sample(nearby[home], 2)])
                if reach < 0.2
                else frozenset(),
                travel_limit_km=rng.choice([3.0, 5.0, 8.0, 12.0]) if 0.2 <= reach < 0.7 else None,
                badges=held,
                competency_levels=levels,
                languages=languages,
                availability=frozenset(free),
                interests=frozenset(rng.sample(range(1, 18), rng.randint(2, 5))),
                recent_proposals=min(int(rng.expovariate(1.0)), 6),
                busy=busy,
            )
        )

    shifts = []
    for number, (begins, ends) in enumerate(shift_times, 1):
        required_badges = (
            frozenset(rng.sample(sorted(badges), 1)) if rng.random() < 0.35 else frozenset()
        )
        required_competencies = {}
        if rng.random() < 0.15:
            required_competencies[rng.choice(competencies)[0]] = 2
        required_languages = {}
        if rng.random() < 0.08:
            required_languages[rng.choice(["pt", "vi", "en"])] = CONVERSATIONAL
        shifts.append(
            ShiftSpec(
                id=number,
                opportunity_id=(number + 1) // 2,
                start=begins,
                end=ends,
                capacity=PLACES_PER_SHIFT,
                district=rng.choice(codes),
                required_badges=required_badges,
                preferred_badges=frozenset(rng.sample(sorted(badges), rng.randint(0, 2))),
                required_competencies=required_competencies,
                preferred_competencies={rng.choice(competencies)[0]: 1}
                if rng.random() < 0.4
                else {},
                required_languages=required_languages,
                helpful_languages=frozenset(
                    rng.sample(["en", "pt", "vi", "zh"], rng.randint(0, 2))
                ),
                life_stages=frozenset({"adult", "senior"}) if rng.random() < 0.1 else frozenset(),
                min_age=18 if rng.random() < 0.2 else None,
                sdgs=frozenset(rng.sample(range(1, 18), rng.randint(1, 3))),
            )
        )

    labels = Labels(
        badges={number: Label(f"バッジ{number}", f"Badge {number}") for number in badges},
        competencies={number: Label(ja, en) for number, _code, ja, en in competencies},
        districts={code: Label(ja, en) for code, ja, _kana, en, *_centre in KOMATSU_DISTRICTS},
        languages={code: Label(ja, en) for code, _own, ja, en in SPOKEN_LANGUAGES},
    )
    city = candidates, shifts, districts, labels
    return (city, badges) if with_badge_competencies else city


def measure_on_database(url, city, badge_competencies, seed, rounds):
    """run_matching over the city stored in a database of its own, dropped afterwards."""
    from django.core.management import call_command
    from django.db import connections

    from benchmarks.matching_on_database import measure_run_matching

    say(f"database: recreating {recreate_database(url)}")
    try:
        say("database: migrating")
        call_command("createcachetable", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        return measure_run_matching(city, badge_competencies, seed, rounds)
    finally:
        connections.close_all()
        drop_database(url)


# The bare solvers ------------------------------------------------------------------------


def bare_min_cost_flow(score_units, capacity):
    """Total of the best assignment by OR-Tools' min-cost flow, an arc per scored pair."""
    from ortools.graph.python import min_cost_flow

    rows, columns = np.nonzero(score_units)
    people, places = score_units.shape
    sink = 1 + people + places
    active = np.unique(rows)
    supply = int(min(active.size, capacity.sum()))
    flow = min_cost_flow.SimpleMinCostFlow()
    pairs = flow.add_arcs_with_capacity_and_unit_cost(
        (1 + rows).astype(np.int32),
        (1 + people + columns).astype(np.int32),
        np.ones(rows.size, np.int64),
        -score_units[rows, columns].astype(np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(active.size, np.int32),
        (1 + active).astype(np.int32),
        np.ones(active.size, np.int64),
        np.zeros(active.size, np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        (1 + people + np.arange(places)).astype(np.int32),
        np.full(places, sink, np.int32),
        capacity.astype(np.int64),
        np.zeros(places, np.int64),
    )
    flow.add_arc_with_capacity_and_unit_cost(0, sink, supply, 0)
    flow.set_node_supply(0, supply)
    flow.set_node_supply(sink, -supply)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("min-cost flow did not reach an optimum")
    chosen = flow.flows(pairs) > 0
    return int(score_units[rows[chosen], columns[chosen]].sum())


def bare_linear_sum_assignment(score_units, capacity):
    """Total of the best assignment by SciPy, each shift's column repeated per place."""
    from scipy.optimize import linear_sum_assignment

    expanded = np.repeat(score_units, capacity, axis=1)
    rows, columns = linear_sum_assignment(expanded, maximize=True)
    return int(expanded[rows, columns].sum())


# Measurement ----------------------------------------------------------------------------


def timed(function, *arguments, **keywords):
    # One phase's garbage is collected before the next starts, not charged to it.
    gc.collect()
    started = time.perf_counter()
    value = function(*arguments, **keywords)
    return time.perf_counter() - started, value


def measure_engine(city, rounds):
    """Median and spread of the engine and of each bare solver, over alternating rounds."""
    from opportunities.matching import match, render_reasons

    candidates, shifts, districts, labels = city
    say("engine: warm-up run")
    result = match(candidates, shifts, districts=districts)
    score_units, capacity = result.score_units, result.capacity
    engine_total = round(result.total_score * 10_000)
    say(
        f"city: {len(candidates):,} graduates, {len(shifts)} shifts, "
        f"{result.eligible_pair_count:,} eligible pairs "
        f"({result.eligible_pair_count / (len(candidates) * len(shifts)):.1%}), "
        f"{len(result.proposals):,} proposals"
    )
    totals = {
        "min-cost flow": bare_min_cost_flow(score_units, capacity),
        "linear_sum_assignment": bare_linear_sum_assignment(score_units, capacity),
    }
    phases = {
        "engine": lambda: match(candidates, shifts, districts=districts),
        "min-cost flow": lambda: bare_min_cost_flow(score_units, capacity),
        "linear_sum_assignment": lambda: bare_linear_sum_assignment(score_units, capacity),
        "render ja": lambda: [render_reasons(p.reasons, labels, "ja") for p in result.proposals],
    }
    names = list(phases)
    measured = []
    for number in range(rounds):
        figures = {}
        shift = number % len(names)  # a different phase goes first each round
        for name in names[shift:] + names[:shift]:
            figures[name], _value = timed(phases[name])
        figures["ratio"] = figures["engine"] / min(
            figures["min-cost flow"], figures["linear_sum_assignment"]
        )
        measured.append(figures)
        say(
            f"round {number + 1}: engine {figures['engine'] * 1000:.0f} ms, "
            f"min-cost flow {figures['min-cost flow'] * 1000:.0f} ms, "
            f"linear_sum_assignment {figures['linear_sum_assignment'] * 1000:.0f} ms, "
            f"ratio {figures['ratio']:.2f}"
        )
    summary = {key: median_and_spread(f[key] for f in measured) for key in measured[0]}
    summary["totals"] = {"engine": engine_total, **totals}
    summary["proposals"] = len(result.proposals)
    return summary


def main():
    arguments = parse_arguments()
    database_url = benchmark_database_url("manabi_benchmark_matching")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    os.environ["MANABI_BENCHMARK_DATABASE_URL"] = database_url
    import django

    django.setup()  # for the project's vocabularies and the reasons' translations

    say(f"city: building (seed {arguments.seed})")
    city, badge_competencies = build_city(arguments.seed, with_badge_competencies=True)
    engine = measure_engine(city, arguments.rounds)
    database = None
    if arguments.database_rounds:
        database = measure_on_database(
            database_url, city, badge_competencies, arguments.seed, arguments.database_rounds
        )

    def line(name):
        median, lowest, highest = engine[name]
        return f"{median * 1000:8.1f} ms (rounds {lowest * 1000:.1f}–{highest * 1000:.1f})"

    print()
    print(f"Engine on plain data: medians of {arguments.rounds} rounds, with their spread:")
    print(f"engine:                {line('engine')}  eligibility, scores, solve, reasons")
    print(f"min-cost flow:         {line('min-cost flow')}  OR-Tools, bare, same scores")
    print(f"linear_sum_assignment: {line('linear_sum_assignment')}  SciPy, bare, same scores")
    print(f"render reasons (ja):   {line('render ja')}  all {engine['proposals']:,} proposals")
    totals = engine["totals"]
    same = len(set(totals.values())) == 1
    print(
        f"same optimum: {'yes' if same else 'NO'} "
        f"(total {totals['engine'] / 10_000:,.4f} points: engine, min-cost flow and "
        f"linear_sum_assignment {'agree' if same else str(totals)})"
    )
    ratio, lowest, highest = engine["ratio"]
    met = ratio <= TARGET_RATIO and engine["engine"][0] < TARGET_ENGINE_SECONDS
    print(
        f"target: ratio <= {TARGET_RATIO:g} and engine < {TARGET_ENGINE_SECONDS:g} s "
        f"({'met' if met else 'MISSED'}; worst round ratio {highest:.2f}, "
        f"engine {engine['engine'][2] * 1000:.0f} ms)"
    )

    if database is not None:
        (run_median, run_lowest, run_highest), proposals = database
        print()
        print(
            f"run_matching on PostgreSQL (reads, engine, {proposals:,} proposals and the "
            f"alternatives written): median of {arguments.database_rounds} rounds"
        )
        met_every_round = run_highest < TARGET_RUN_SECONDS
        print(
            f"run_matching:          {run_median * 1000:8.1f} ms (rounds "
            f"{run_lowest * 1000:.1f}–{run_highest * 1000:.1f}); target < "
            f"{TARGET_RUN_SECONDS:g} s ({'met in every round' if met_every_round else 'MISSED'})"
        )

    print(f"ratio: {ratio:.2f} (spread {lowest:.2f}–{highest:.2f})")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
