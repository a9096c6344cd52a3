"""What every Manabi benchmark needs: its own PostgreSQL database, a gunicorn server on a
free loopback port, concurrent HTTP clients, and figures reported as median and spread.

A benchmark script imports this after putting the repository on the import path (see
xapi_ingest.py). Nothing here knows what is measured.
"""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
from psycopg import sql

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SERVER_WORKERS = 2

_started = time.perf_counter()


def say(message):
    print(f"[{time.perf_counter() - _started:6.1f}s] {message}", flush=True)


def median_and_spread(values):
    """(median, lowest, highest) of one figure's rounds: the spread shows how noisy they were."""
    values = list(values)
    return statistics.median(values), min(values), max(values)


# Database ---------------------------------------------------------------------------


def benchmark_database_url(default_name):
    """BENCHMARK_DATABASE_URL as given; else DATABASE_URL's server with our own database."""
    explicit = os.environ.get("BENCHMARK_DATABASE_URL", "").strip()
    if explicit:
        return explicit
    shared = os.environ.get("DATABASE_URL", "").strip()
    if shared.startswith(("postgres://", "postgresql://", "pgsql://")):
        # Never drop the database DATABASE_URL names: only borrow its server and user.
        return urlunsplit(urlsplit(shared)._replace(path=f"/{default_name}"))
    return f"postgres://postgres@127.0.0.1:5432/{default_name}"


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


# Server -------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, environment, log_path, workers=SERVER_WORKERS):
    log = open(log_path, "wb")  # closed by stop_server
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(workers),
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
