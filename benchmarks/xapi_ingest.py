#!/usr/bin/env python
"""How fast /xapi/statements takes statements, against PostgreSQL under gunicorn.

    .venv/bin/python benchmarks/xapi_ingest.py

Creates (drops and recreates) its own database, migrates it, creates learners with
xAPI credentials and a published course whose lesson holds an H5P quiz, starts
gunicorn with 2 workers on a free localhost port and sends statements from 4
concurrent clients (HTTP Basic, as an external xAPI tool does). After a warm-up,
each phase is measured for a few seconds:

- batch: 100 statements a request through the real endpoint (validation, storage
  and the progress update included), compared with a psycopg COPY of the same
  rows into the same table: ``ratio batch``;
- single: one statement a request, compared with an authenticated no-op POST view
  on the same server (benchmarks/urls.py): ``ratio single``.

See benchmarks/README.md for the options and what the figures mean.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in benchmarks/
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path.pop(0)  # benchmarks/settings.py must not be importable as "settings"
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    SERVER_WORKERS,
    RequestFailed,
    benchmark_database_url,
    conninfo,
    drop_database,
    free_port,
    median_and_spread,
    recreate_database,
    run_phase,
    say,
    start_server,
    stop_server,
    wait_until_ready,
)
from benchmarks.xapi_fixture import StatementMaker, create_fixture  # noqa: E402

SETTINGS_MODULE = "benchmarks.settings"
DEFAULT_DATABASE_NAME = "manabi_benchmark"
CLIENT_CONCURRENCY = 4
BATCH_SIZE = 100
TARGETS = {"batch": 0.15, "single": 0.5}
MIN_ROUNDS = 5

# What the endpoint stores, column by column (learners.models.LearningStatement).
COPY_COLUMNS = (
    "id",
    "user_id",
    "verb_id",
    "object_id",
    "block_id",
    "lesson_key",
    "is_root",
    "score_scaled",
    "success",
    "completion",
    "timestamp",
    "stored",
    "statement",
)


# COPY baseline ------------------------------------------------------------------------


def copy_rows(connection, rows):
    """COPY ``rows`` into learners_learningstatement in one transaction; return seconds."""
    columns = sql.SQL(", ").join(sql.Identifier(name) for name in COPY_COLUMNS)
    statement = sql.SQL("COPY learners_learningstatement ({}) FROM STDIN").format(columns)
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    connection.commit()
    return time.perf_counter() - started


def fresh_copies(samples, count):
    """``count`` rows like the stored ``samples`` (same columns and JSON), each with a new id."""
    rows = []
    for number in range(count):
        row = list(samples[number % len(samples)])
        statement_id = uuid.uuid4()
        row[0] = statement_id
        row[-1] = Jsonb({**row[-1], "id": str(statement_id)})
        rows.append(row)
    return rows


def stored_samples(connection, limit=1000):
    """Rows the endpoint stored, exactly as stored: the model for the COPY baseline."""
    columns = sql.SQL(", ").join(sql.Identifier(name) for name in COPY_COLUMNS)
    query = sql.SQL("SELECT {} FROM learners_learningstatement ORDER BY stored DESC LIMIT {}")
    samples = connection.execute(query.format(columns, sql.Literal(limit))).fetchall()
    connection.commit()
    if not samples:
        raise RuntimeError("the endpoint stored no statements to copy")
    return samples


def copy_rate(connection, samples, row_count):
    """Rows/s of one psycopg COPY of ``row_count`` rows like ``samples``."""
    return row_count / copy_rows(connection, fresh_copies(samples, row_count))


# Main ---------------------------------------------------------------------------------


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per phase")
    parser.add_argument(
        "--rounds", type=int, default=5, help="measured rounds (figures are their medians)"
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the benchmark database in place"
    )
    arguments = parser.parse_args()
    if arguments.rounds < MIN_ROUNDS:
        parser.error(f"--rounds: at least {MIN_ROUNDS}, so that the spread means something")
    return arguments


def report_phase(name, result):
    say(
        f"{name}: {result.requests} requests in {result.seconds:.1f}s = "
        f"{result.requests_per_second:.1f} requests/s, "
        f"{result.statements_per_second:.0f} statements/s, "
        f"median latency {result.median_ms:.1f} ms"
    )


PHASES = {
    "batch": ("/xapi/statements", BATCH_SIZE),
    "single": ("/xapi/statements", 1),
    "no-op": ("/benchmark/noop", 1),
}


def measure(url, port, fixture, arguments):
    """Warm up every phase, then measure rounds of batch, COPY, single and no-op."""
    maker = StatementMaker(fixture)

    def phase(name, seconds):
        path, per_request = PHASES[name]
        return run_phase(port, path, fixture.authorizations, maker.body, per_request, seconds)

    for name in PHASES:
        say(f"warm-up {name}: {arguments.warmup:g}s, {CLIENT_CONCURRENCY} clients")
        phase(name, arguments.warmup)
    rounds = []
    with psycopg.connect(conninfo(url)) as connection:
        samples = stored_samples(connection)
        say("warm-up COPY: 5000 rows")
        copy_rate(connection, samples, 5000)
        for number in range(1, arguments.rounds + 1):
            figures = {}
            for name in PHASES:
                say(f"round {number}/{arguments.rounds} {name}: measuring {arguments.seconds:g}s")
                result = phase(name, arguments.seconds)
                report_phase(f"round {number}/{arguments.rounds} {name}", result)
                figures[name] = result
                if name == "batch":
                    rows = max(result.statements, 1000)
                    figures["copy"] = copy_rate(connection, samples, rows)
                    say(
                        f"round {number}/{arguments.rounds} COPY: {rows} rows, "
                        f"{figures['copy']:.0f} rows/s"
                    )
            rounds.append(
                {
                    "batch": figures["batch"].statements_per_second,
                    "copy": figures["copy"],
                    "single": figures["single"].requests_per_second,
                    "no-op": figures["no-op"].requests_per_second,
                }
            )
            rounds[-1]["ratio batch"] = rounds[-1]["batch"] / rounds[-1]["copy"]
            rounds[-1]["ratio single"] = rounds[-1]["single"] / rounds[-1]["no-op"]
            say(
                f"round {number}/{arguments.rounds}: "
                f"ratio batch {rounds[-1]['ratio batch']:.3f}, "
                f"ratio single {rounds[-1]['ratio single']:.3f}"
            )
    return {key: median_and_spread(figures[key] for figures in rounds) for key in rounds[0]}


def main():
    arguments = parse_arguments()
    url = benchmark_database_url(DEFAULT_DATABASE_NAME)
    work_folder = Path(tempfile.mkdtemp(prefix="manabi-benchmark-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        MANABI_BENCHMARK_DATABASE_URL=url,
        MANABI_BENCHMARK_MEDIA_ROOT=str(work_folder / "media"),
    )
    server = None
    database_created = False
    try:
        say(f"database: recreating {recreate_database(url)}")
        database_created = True

        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        say("database: migrating (Wagtail's migrations take a while)")
        call_command("createcachetable", verbosity=0)  # as bin/release does, first
        call_command("migrate", interactive=False, verbosity=0)
        say(f"fixture: {CLIENT_CONCURRENCY} learners, one course with an H5P quiz")
        fixture = create_fixture(CLIENT_CONCURRENCY)
        connections.close_all()

        port = free_port()
        log_path = work_folder / "gunicorn.log"
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        conn_max_age = os.environ.get("DATABASE_CONN_MAX_AGE", "60")  # benchmarks.settings
        say(
            f"server: gunicorn, {SERVER_WORKERS} workers, http://127.0.0.1:{port}, "
            f"DATABASE_CONN_MAX_AGE={conn_max_age}"
        )
        server = start_server(port, environment, log_path)
        wait_until_ready(server, port, log_path)
        try:
            figures = measure(url, port, fixture, arguments)
        except RequestFailed:
            print(f"gunicorn's log:\n{log_path.read_text()[-3000:]}", file=sys.stderr)
            raise
    finally:
        if server is not None:
            stop_server(server)
            say("server: stopped")
        if database_created and not arguments.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(url)
            say("database: dropped")
        shutil.rmtree(work_folder, ignore_errors=True)

    print()

    def line(name, unit, digits):
        median, lowest, highest = figures[name]
        return f"{median:10.{digits}f} {unit} (rounds {lowest:.{digits}f}–{highest:.{digits}f})"

    print(f"Medians of {arguments.rounds} rounds of {arguments.seconds:g}s, with their spread:")
    print(f"batch:  {line('batch', 'statements/s', 0)}, {BATCH_SIZE} a request")
    print(f"COPY:   {line('copy', 'rows/s', 0)}")
    print(f"single: {line('single', 'requests/s', 1)}")
    print(f"no-op:  {line('no-op', 'requests/s', 1)}")
    for name in TARGETS:
        median, lowest, _highest = figures[f"ratio {name}"]
        verdict = "met" if median >= TARGETS[name] else "MISSED"
        worst = "every round" if lowest >= TARGETS[name] else f"worst round {lowest:.2f}"
        print(f"target {name}: >= {TARGETS[name]} ({verdict}; {worst})")
    for name in TARGETS:
        median, lowest, highest = figures[f"ratio {name}"]
        print(f"ratio {name}: {median:.2f} (spread {lowest:.2f}–{highest:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
