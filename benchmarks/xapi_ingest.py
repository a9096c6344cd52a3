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
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.dont_write_bytecode = True  # leave no __pycache__ in benchmarks/
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path.pop(0)  # benchmarks/settings.py must not be importable as "settings"
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

SETTINGS_MODULE = "benchmarks.settings"
DEFAULT_DATABASE_NAME = "manabi_benchmark"
DEFAULT_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DEFAULT_DATABASE_NAME}"
SERVER_WORKERS = 2
CLIENT_CONCURRENCY = 4
BATCH_SIZE = 100
TARGETS = {"batch": 0.15, "single": 0.5}

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
H5P_LOCAL_CONTENT_ID = "http://h5p.org/x-api/h5p-local-content-id"
QUIZ = {
    "title": "木場潟クイズ",
    "language": "ja",
    "questions": [
        {
            "type": "single",
            "text": "木場潟は、小松市のどのあたりにある湖？",
            "answers": [
                {"text": "東のほう", "correct": False},
                {"text": "南のほう", "correct": True},
                {"text": "北のほう", "correct": False},
            ],
        },
        {
            "type": "multiple",
            "text": "食べものをむだにしないためにできることは？",
            "answers": [
                {"text": "食材を使いきる", "correct": True},
                {"text": "まとめて買いきる", "correct": True},
                {"text": "たくさん残す", "correct": False},
            ],
        },
        {"type": "truefalse", "text": "木場潟は小松市にある。", "correct": True},
    ],
}
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

_started = time.perf_counter()


def say(message):
    print(f"[{time.perf_counter() - _started:6.1f}s] {message}", flush=True)


# Database ---------------------------------------------------------------------------


def benchmark_database_url():
    """BENCHMARK_DATABASE_URL as given; else DATABASE_URL's server with our own database."""
    explicit = os.environ.get("BENCHMARK_DATABASE_URL", "").strip()
    if explicit:
        return explicit
    shared = os.environ.get("DATABASE_URL", "").strip()
    if shared.startswith(("postgres://", "postgresql://", "pgsql://")):
        # Never drop the database DATABASE_URL names: only borrow its server and user.
        return urlunsplit(urlsplit(shared)._replace(path=f"/{DEFAULT_DATABASE_NAME}"))
    return DEFAULT_DATABASE_URL


def conninfo(url, dbname=None):
    config = dj_database_url.parse(url)
    parts = {
        "host": config.get("HOST"),
        "port": config.get("PORT"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
        "dbname": dbname or config["NAME"],
    }
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items() if v})


def recreate_database(url):
    name = dj_database_url.parse(url)["NAME"]
    with psycopg.connect(conninfo(url, "postgres"), autocommit=True) as connection:
        identifier = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    return name


def drop_database(url):
    name = dj_database_url.parse(url)["NAME"]
    with psycopg.connect(conninfo(url, "postgres"), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# Fixtures -----------------------------------------------------------------------------


@dataclass
class Fixture:
    block_iri: str
    question_iris: list
    lesson_iri: str
    authorizations: list  # one "Basic …" header per client worker (one learner each)


def create_fixture(learner_count):
    """Learners with xAPI credentials, and a published course whose lesson holds a quiz."""
    from django.core.files.base import ContentFile

    from courses.h5p.services import import_h5p_package
    from courses.h5p_quiz_builder import build_manabi_quiz_content, build_manabi_quiz_package
    from courses.models import CourseIndexPage, CoursePage, LessonOutline, LessonPage
    from courses.outlines import block_activity_iri, lesson_activity_iri
    from curriculum.models import CityTheme, LifeStage, SustainableDevelopmentGoal
    from home.models import HomePage
    from learners.models import ConsentPurpose, District
    from learners.services import accounts, credentials

    package = import_h5p_package(ContentFile(build_manabi_quiz_package(**QUIZ), name="quiz.h5p"))
    question_ids = [
        question["subContentId"] for question in build_manabi_quiz_content(**QUIZ)["questions"]
    ]

    home = HomePage.objects.get(locale__language_code="ja")
    catalogue = CourseIndexPage.objects.child_of(home).first()
    if catalogue is None:
        catalogue = home.add_child(instance=CourseIndexPage(title="講座をさがす", slug="courses"))
        catalogue.save_revision().publish()
    course = CoursePage(
        title="木場潟の生きものと水",
        slug="benchmark-course",
        summary="木場潟の水と生きものを調べて、きれいな水を守る方法を考えます。",
        description="<p>木場潟は小松市の大切な水辺です。</p>",
        estimated_minutes=40,
        live=False,
    )
    catalogue.add_child(instance=course)
    course.life_stages.set(LifeStage.objects.filter(slug="elementary"))
    course.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=(6, 14)))
    course.themes.set(CityTheme.objects.filter(code="renaissance"))
    course.save_revision().publish()
    lesson = course.add_child(
        instance=LessonPage(
            title="木場潟クイズ",
            slug="lesson-1",
            body=[
                ("text", "<p>木場潟について読みましょう。</p>"),
                ("h5p", {"package": package, "pass_mark": 60, "fallback_text": ""}),
            ],
            live=False,
        )
    )
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    block = next(block for block in lesson.body if block.block_type == "h5p")
    outline = LessonOutline.objects.get(lesson_key=lesson.translation_key)
    if not outline.activities.filter(block_id=block.id, scored=True).exists():
        raise RuntimeError("the lesson outline has no scored H5P activity")
    block_iri = block_activity_iri(block.id)

    authorizations = []
    district = District.objects.filter(code="kiba").first()
    for number in range(1, learner_count + 1):
        user = accounts.create_account_with_verified_email(
            username=f"benchmark{number}", email=f"benchmark{number}@example.jp"
        )
        accounts.register_learner(
            user,
            display_name=f"ベンチマーク {number}",
            birth_year=1990,
            district=district,
            consents={ConsentPurpose.TERMS_AND_PRIVACY: True},
        )
        credential, secret = credentials.create_xapi_credential(user, label="benchmark")
        token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
        authorizations.append(f"Basic {token}")
    return Fixture(
        block_iri=block_iri,
        question_iris=[f"{block_iri}?subContentId={sub_id}" for sub_id in question_ids],
        lesson_iri=lesson_activity_iri(lesson.translation_key),
        authorizations=authorizations,
    )


# Statements ---------------------------------------------------------------------------


class StatementMaker:
    """Statements as our lesson page sends them for one pass through the quiz lesson.

    A cycle of five: three answered sub-questions (object ``…?subContentId=…`` with a
    ``parent`` context: stored, never scored on their own), the quiz's completed
    statement with its score (updates the activity result), and the lesson's
    experienced statement (the learner reached its end). Every statement gets a new id.
    """

    CYCLE = 5

    def __init__(self, fixture):
        self.fixture = fixture
        self.actor = {
            "objectType": "Agent",
            "account": {"homePage": "https://tool.example.jp", "name": "learner"},
        }
        self.category = [
            {"id": "http://h5p.org/libraries/H5P.ManabiQuiz-1.0", "objectType": "Activity"}
        ]

    def statement(self, number, timestamp):
        kind = number % self.CYCLE
        fixture = self.fixture
        if kind < 3:
            correct = (number // self.CYCLE + kind) % 3 != 0
            return {
                "id": str(uuid.uuid4()),
                "actor": self.actor,
                "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
                "object": {
                    "objectType": "Activity",
                    "id": fixture.question_iris[kind],
                    "definition": {
                        "name": {"ja": QUIZ["title"]},
                        "description": {"ja": QUIZ["questions"][kind]["text"]},
                        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                        "interactionType": "true-false" if kind == 2 else "choice",
                        "correctResponsesPattern": [["1"], ["0[,]1"], ["true"]][kind],
                    },
                },
                "result": {
                    "score": {"min": 0, "max": 1, "raw": int(correct), "scaled": int(correct)},
                    "success": correct,
                    "completion": True,
                    "response": [["1", "0"], ["0[,]1", "0[,]2"], ["true", "false"]][kind][
                        0 if correct else 1
                    ],
                    "duration": "PT4.25S",
                },
                "context": {
                    "contextActivities": {
                        "parent": [{"id": fixture.block_iri, "objectType": "Activity"}],
                        "category": self.category,
                    },
                    "extensions": {H5P_LOCAL_CONTENT_ID: 1},
                },
                "timestamp": timestamp,
            }
        if kind == 3:
            raw = 1 + number // self.CYCLE % 3
            return {
                "id": str(uuid.uuid4()),
                "actor": self.actor,
                "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
                "object": {
                    "objectType": "Activity",
                    "id": fixture.block_iri,
                    "definition": {"name": {"ja": QUIZ["title"]}},
                },
                "result": {
                    "score": {"min": 0, "max": 3, "raw": raw, "scaled": round(raw / 3, 4)},
                    "success": raw >= 2,
                    "completion": True,
                    "duration": "PT1M12S",
                },
                "context": {
                    "contextActivities": {"category": self.category},
                    "extensions": {H5P_LOCAL_CONTENT_ID: 1},
                },
                "timestamp": timestamp,
            }
        return {
            "id": str(uuid.uuid4()),
            "actor": self.actor,
            "verb": {"id": EXPERIENCED, "display": {"en-US": "experienced"}},
            "object": {"objectType": "Activity", "id": fixture.lesson_iri},
            "timestamp": timestamp,
        }

    def body(self, first_number, count):
        timestamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        statements = [self.statement(first_number + n, timestamp) for n in range(count)]
        return json.dumps(statements if count > 1 else statements[0]).encode()


# Server -------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, environment, log_path):
    log = open(log_path, "wb")  # closed by stop_server
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(SERVER_WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--pythonpath",
            f"{ROOT},{ROOT / 'site'}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--graceful-timeout",
            "5",
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log = log
    return process


def wait_until_ready(process, port, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{Path(log_path).read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"Host": "localhost"})
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz:\n{Path(log_path).read_text()[-3000:]}")


def stop_server(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.close()


# Client -------------------------------------------------------------------------------


@dataclass
class PhaseResult:
    requests: int
    statements: int
    seconds: float
    latencies: list

    @property
    def requests_per_second(self):
        return self.requests / self.seconds

    @property
    def statements_per_second(self):
        return self.statements / self.seconds

    @property
    def median_ms(self):
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


class RequestFailed(RuntimeError):
    pass


def run_phase(port, path, authorizations, make_body, per_request, seconds):
    """POST from one thread per authorization for ``seconds``; count successful requests.

    Each thread keeps its HTTP connection open between requests where the server allows it
    (gunicorn's sync workers close it after each response; http.client then reconnects).
    """
    workers = len(authorizations)
    outcomes = [None] * workers
    failures = []
    barrier = threading.Barrier(workers + 1)
    timing = {}

    def work(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {
            "Host": "localhost",
            "Authorization": authorizations[index],
            "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3",
            "Connection": "keep-alive",
        }
        requests, latencies, number = 0, [], index * 10_000_000
        barrier.wait()
        try:
            while time.perf_counter() < timing["deadline"] and not failures:
                body = make_body(number, per_request)
                number += per_request
                sent = time.perf_counter()
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                latencies.append(time.perf_counter() - sent)
                if response.status not in (200, 204):
                    failures.append(f"{path}: HTTP {response.status} {payload[:500]!r}")
                    break
                requests += 1
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{path}: {error!r}")
        finally:
            connection.close()
            outcomes[index] = (requests, latencies, time.perf_counter())

    threads = [threading.Thread(target=work, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    timing["start"] = time.perf_counter()
    timing["deadline"] = timing["start"] + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    if failures:
        raise RequestFailed(failures[0])
    requests = sum(outcome[0] for outcome in outcomes)
    return PhaseResult(
        requests=requests,
        statements=requests * per_request,
        seconds=max(outcome[2] for outcome in outcomes) - timing["start"],
        latencies=[latency for outcome in outcomes for latency in outcome[1]],
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
    return parser.parse_args()


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
    return {key: statistics.median(figures[key] for figures in rounds) for key in rounds[0]}


def main():
    arguments = parse_arguments()
    url = benchmark_database_url()
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
        call_command("migrate", interactive=False, verbosity=0)
        say(f"fixture: {CLIENT_CONCURRENCY} learners, one course with an H5P quiz")
        fixture = create_fixture(CLIENT_CONCURRENCY)
        connections.close_all()

        port = free_port()
        log_path = work_folder / "gunicorn.log"
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        conn_max_age = os.environ.get("DATABASE_CONN_MAX_AGE", "0")
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
    print(f"Medians of {arguments.rounds} rounds of {arguments.seconds:g}s:")
    print(f"batch:  {figures['batch']:10.0f} statements/s ({BATCH_SIZE} a request)")
    print(f"COPY:   {figures['copy']:10.0f} rows/s")
    print(f"single: {figures['single']:10.1f} requests/s")
    print(f"no-op:  {figures['no-op']:10.1f} requests/s")
    for name in TARGETS:
        value = figures[f"ratio {name}"]
        verdict = "met" if value >= TARGETS[name] else "MISSED"
        print(f"target {name}: >= {TARGETS[name]} ({verdict})")
    for name in TARGETS:
        print(f"ratio {name}: {figures[f'ratio {name}']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
