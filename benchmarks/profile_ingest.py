#!/usr/bin/env python
"""Where a request to /xapi/statements spends its time, in process, against PostgreSQL.

    .venv/bin/python benchmarks/profile_ingest.py [--requests 300] [--profile completed]

Builds the same database and fixture as ``xapi_ingest.py`` (its own database
``manabi_profile``, dropped at the end unless ``--keep-database``), then sends the
benchmark's statements through Django's test client with the benchmark's production
settings, one kind at a time: the authenticated no-op, each of the five statements of a
pass through the quiz lesson on its own (three answered sub-questions counted as one
kind, the quiz's completed statement, the lesson's experienced statement), and a batch of
100. For each kind it prints the median and spread of the time a request takes, the mean
CPU time this process spent on it (Python's share, steadier than the clock on a busy
machine) and the queries it runs, by kind of SQL. ``--profile KIND`` also prints a
pyinstrument profile of that kind (``pip install pyinstrument`` first).

No HTTP server and no other client share the machine with it, so its times are lower than
under gunicorn; what it shows is where a request's own work goes.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path.pop(0)  # benchmarks/settings.py must not be importable as "settings"
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from benchmarks.harness import (  # noqa: E402
    benchmark_database_url,
    drop_database,
    median_and_spread,
    recreate_database,
    say,
)
from benchmarks.xapi_fixture import StatementMaker, create_fixture  # noqa: E402

KINDS = ("no-op", "answered", "completed", "experienced", "batch")
BATCH_SIZE = 100


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per kind")
    parser.add_argument("--profile", choices=KINDS, help="print a pyinstrument profile")
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args()


def sql_kind(sql):
    words = sql.split()
    kind = words[0].upper() if words else "?"
    if kind == "INSERT":
        table = words[2].strip('"')
        return "INSERT " + table + (" ON CONFLICT" if "ON CONFLICT" in sql else "")
    if kind == "SELECT" and " FROM " in sql:
        table = sql.split(" FROM ", 1)[1].split()[0].strip('"')
        return f"SELECT {table}" + (" FOR UPDATE" if "FOR UPDATE" in sql else "")
    if kind == "UPDATE":
        return "UPDATE " + words[1].strip('"')
    return kind


class Sender:
    """Requests of one kind for the fixture's first learner, numbered on from a counter."""

    def __init__(self, fixture):
        from django.test import Client

        self.client = Client(SERVER_NAME="127.0.0.1")
        self.maker = StatementMaker(fixture)
        self.authorization = fixture.authorizations[0]
        self.number = 0

    def body(self, kind):
        if kind == "batch":
            body = self.maker.body(self.number, BATCH_SIZE)
            self.number += BATCH_SIZE
            return body
        offset = {"answered": 0, "completed": 3, "experienced": 4, "no-op": 0}[kind]
        # Keep the counter on a cycle boundary, then pick the statement of that kind.
        self.number += StatementMaker.CYCLE
        return self.maker.body(self.number + offset, 1)

    def send(self, kind, body):
        path = "/benchmark/noop" if kind == "no-op" else "/xapi/statements"
        response = self.client.post(
            path,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=self.authorization,
            HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        )
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{kind}: {response.status_code} {response.content[:300]!r}")


def measure(sender, kind, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(20):  # warm-up
        sender.send(kind, sender.body(kind))
    times, cpu_times = [], []
    for _ in range(count):
        body = sender.body(kind)
        started, cpu_started = time.perf_counter(), time.process_time()
        sender.send(kind, body)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        sender.send(kind, sender.body(kind))
    queries = Counter(sql_kind(query["sql"]) for query in captured.captured_queries)
    return times, sum(cpu_times) / count, queries


def main():
    arguments = parse_arguments()
    url = benchmark_database_url("manabi_profile")
    work_folder = Path(tempfile.mkdtemp(prefix="manabi-profile-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        MANABI_BENCHMARK_DATABASE_URL=url,
        MANABI_BENCHMARK_MEDIA_ROOT=str(work_folder / "media"),
    )
    created = False
    try:
        say(f"database: recreating {recreate_database(url)}")
        created = True
        import django
        from django.core.management import call_command

        django.setup()
        say("database: migrating")
        call_command("createcachetable", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        fixture = create_fixture(1)
        sender = Sender(fixture)
        sender.send("completed", sender.body("completed"))  # the lesson passes, ...
        sender.send("experienced", sender.body("experienced"))  # ... and completes
        print(f"\n{'kind':12} {'median ms':>10} {'spread':>14} {'CPU ms':>7}  queries")
        for kind in KINDS:
            times, cpu, queries = measure(sender, kind, arguments.requests)
            median, lowest, highest = median_and_spread(times)
            per_query = ", ".join(f"{name} ×{n}" for name, n in sorted(queries.items()))
            print(
                f"{kind:12} {median:10.2f} {lowest:6.2f}–{highest:<7.2f} {cpu:7.2f}"
                f"  {sum(queries.values())}: {per_query}"
            )
        if arguments.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            bodies = [sender.body(arguments.profile) for _ in range(arguments.requests)]
            with profiler:
                for body in bodies:
                    sender.send(arguments.profile, body)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    finally:
        if created and not arguments.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(url)
            say("database: dropped")
        shutil.rmtree(work_folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
