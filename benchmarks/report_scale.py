#!/usr/bin/env python
"""How the course report and its CSV export scale with a course's learners, on PostgreSQL.

    .venv/bin/python benchmarks/report_scale.py

Creates (drops and recreates) its own database, migrates it, creates a published course
whose lesson holds an H5P quiz, then grows the course to 1k, 10k and 50k enrolled learners
(bulk_create and COPY), each with a profile, lesson progress, a quiz result, some with a
course completion, and a few xAPI statements each. At each size it requests, in process
through Django's test client with production settings (DEBUG off), the report page and
the CSV export (the whole streamed body), and prints the median of a few rounds and the
peak memory the export allocated (tracemalloc, in a separate round).

See benchmarks/README.md for the options.
"""

import argparse
import io
import json
import os
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in benchmarks/
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

DEFAULT_DATABASE_NAME = "manabi_report_benchmark"
SETTINGS_MODULE = "benchmarks.settings"
SIZES = (1_000, 10_000, 50_000)
BATCH = 5_000


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="learner counts")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per size")
    parser.add_argument(
        "--statements", type=int, default=5, help="xAPI statements stored per learner"
    )
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args()


def grow(fixture, start, stop, statements_per_learner):
    """Learners ``start`` … ``stop - 1``, enrolled with progress, results and statements."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from learners.models import (
        ActivityResult,
        CourseCompletion,
        Enrolment,
        LearnerProfile,
        LessonProgress,
    )

    User = get_user_model()
    now = timezone.now()
    for first in range(start, stop, BATCH):
        last = min(first + BATCH, stop)
        users = User.objects.bulk_create(
            User(username=f"scale{number}", email=f"scale{number}@example.jp", password="!")
            for number in range(first, last)
        )
        LearnerProfile.objects.bulk_create(
            LearnerProfile(user=user, display_name=f"学習者 {user.username}", birth_year=1990)
            for user in users
        )
        Enrolment.objects.bulk_create(
            Enrolment(
                user=user,
                course_key=fixture["course_key"],
                source=Enrolment.Source.EXPLICIT,
                enrolled_at=now - timezone.timedelta(seconds=stop - number),
            )
            for number, user in enumerate(users, start=first)
        )
        LessonProgress.objects.bulk_create(
            LessonProgress(
                user=user,
                lesson_key=fixture["lesson_key"],
                course_key=fixture["course_key"],
                reached_end_at=now,
                completed_at=now if number % 5 < 3 else None,  # 60% completed the lesson
            )
            for number, user in enumerate(users, start=first)
        )
        ActivityResult.objects.bulk_create(
            ActivityResult(
                user=user,
                block_id=fixture["block_id"],
                lesson_key=fixture["lesson_key"],
                best_scaled_score=(number % 11) / 10,
                success=(number % 11) >= 6,
                completed=True,
                attempts=1 + number % 3,
                first_at=now,
                last_at=now,
            )
            for number, user in enumerate(users, start=first)
            if number % 5 != 4  # 80% answered the quiz
        )
        CourseCompletion.objects.bulk_create(
            CourseCompletion(user=user, course_key=fixture["course_key"], completed_at=now)
            for number, user in enumerate(users, start=first)
            if number % 2 == 0
        )
        if statements_per_learner:
            copy_statements(connection, fixture, users, statements_per_learner, now)
        say(f"  learners {last:>6,} of {stop:,}")


def copy_statements(connection, fixture, users, per_learner, now):
    """Statements like the ones a pass through the lesson stores, with COPY."""
    stamp = now.isoformat()
    buffer = io.StringIO()
    for user in users:
        for _number in range(per_learner):
            statement_id = str(uuid.uuid4())
            body = {
                "id": statement_id,
                "actor": {"account": {"homePage": "https://benchmark.invalid", "name": "x"}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"id": fixture["block_iri"]},
                "result": {"score": {"scaled": 0.8}, "success": True, "completion": True},
                "timestamp": stamp,
                "stored": stamp,
            }
            row = [
                statement_id,
                str(user.pk),
                "http://adlnet.gov/expapi/verbs/completed",
                fixture["block_iri"],
                str(fixture["block_id"]),
                str(fixture["lesson_key"]),
                "t",
                "0.8",
                "t",
                "t",
                stamp,
                stamp,
                json.dumps(body, ensure_ascii=False).replace("\\", "\\\\"),
            ]
            buffer.write("\t".join(row) + "\n")
    columns = (
        "id, user_id, verb_id, object_id, block_id, lesson_key, is_root, score_scaled, "
        "success, completion, timestamp, stored, statement"
    )
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
            f"COPY learners_learningstatement ({columns}) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())


def create_course():
    from benchmarks.xapi_fixture import create_fixture
    from courses.models import LessonActivity, LessonOutline
    from learners.models import LearningStatement  # noqa: F401 (the table COPY fills)

    fixture = create_fixture(0)
    outline = LessonOutline.objects.get()
    activity = LessonActivity.objects.get(outline=outline, scored=True)
    return {
        "course_key": outline.course_key,
        "lesson_key": outline.lesson_key,
        "block_id": activity.block_id,
        "block_iri": fixture.block_iri,
    }


def measure(client, report_url, export_url, rounds):
    def page():
        started = time.perf_counter()
        response = client.get(report_url)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    def export():
        started = time.perf_counter()
        response = client.get(export_url)
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.streaming_content)
        return time.perf_counter() - started, size

    page()  # warm up
    export()
    pages = [page() for _round in range(rounds)]
    exports = [export() for _round in range(rounds)]
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    export()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return {
        "page": median_and_spread(pages),
        "export": median_and_spread(seconds for seconds, _size in exports),
        "bytes": exports[0][1],
        "peak": peak,
    }


def main():
    arguments = parse_arguments()
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    url = benchmark_database_url(DEFAULT_DATABASE_NAME)
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        MANABI_BENCHMARK_DATABASE_URL=url,
        DATABASE_URL=url,
    )
    database_created = False
    results = []
    try:
        say(f"database: recreating {recreate_database(url)}")
        database_created = True

        import django
        from django.core.management import call_command

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        say("database: migrating (Wagtail's migrations take a while)")
        call_command("createcachetable", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        say("fixture: one published course whose lesson holds an H5P quiz")
        fixture = create_course()
        from courses.models import CoursePage

        course = CoursePage.objects.get(
            translation_key=fixture["course_key"], locale__language_code="ja"
        )
        admin = get_user_model().objects.create_superuser("report-admin", "admin@example.jp", "x")
        client = Client(HTTP_HOST="localhost")
        client.force_login(admin)
        report_url = reverse("learners_course_report", args=[course.pk])
        export_url = reverse("learners_course_report_csv", args=[course.pk])

        built = 0
        for size in sizes:
            say(f"learners: growing the course to {size:,}")
            grow(fixture, built, size, arguments.statements)
            built = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            say(f"measuring at {size:,} learners, {arguments.rounds} rounds")
            figures = measure(client, report_url, export_url, arguments.rounds)
            results.append((size, figures))
            say(
                f"  page {figures['page'][0] * 1000:.0f} ms, export {figures['export'][0]:.2f} s, "
                f"peak {figures['peak'] / 2**20:.1f} MiB"
            )
    finally:
        if database_created and not arguments.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(url)
            say("database: dropped")

    print()
    print(
        f"{'learners':>9} {'page ms (min-max)':>20} {'export s (min-max)':>20} "
        f"{'CSV MiB':>8} {'export peak MiB':>16}"
    )
    for size, figures in results:
        page, export = figures["page"], figures["export"]
        print(
            f"{size:>9,} {page[0] * 1000:>8.0f} ({page[1] * 1000:.0f}-{page[2] * 1000:.0f})"
            f"{'':>4} {export[0]:>8.2f} ({export[1]:.2f}-{export[2]:.2f}){'':>3}"
            f" {figures['bytes'] / 2**20:>8.1f} {figures['peak'] / 2**20:>16.1f}"
        )


if __name__ == "__main__":
    main()
