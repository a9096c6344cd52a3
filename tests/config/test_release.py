"""The release step: a fresh production database, and a demo whose staff never share the public password."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from psycopg import sql

from learners.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, can_use_admin

User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]

STAFF = [account.username for account in DEMO_ACCOUNTS if can_use_admin(account)]
RESIDENTS = [account.username for account in DEMO_ACCOUNTS if not can_use_admin(account)]


def printed_passwords(output):
    return dict(re.findall(r"^\s+.+?\s(\S+)\s+\S+@\S+.*?password: (\S+)$", output, re.M))


def load_release_demo(capsys):
    call_command("load_demo_data", "--learners", "0", "--courses", "0", "--random-staff-passwords")
    return capsys.readouterr().out


@pytest.mark.django_db
def test_release_demo_gives_staff_one_time_random_passwords(capsys):
    output = load_release_demo(capsys)
    passwords = printed_passwords(output)

    assert sorted(passwords) == sorted(STAFF)
    assert {"admin", "faculty", "supervisor", "coordinator", "citystaff"} <= set(STAFF)
    assert len(set(passwords.values())) == len(STAFF)
    for username, password in passwords.items():
        user = User.objects.get(username=username)
        assert password != DEMO_PASSWORD
        assert user.check_password(password)
        assert not user.check_password(DEMO_PASSWORD)
        assert password not in user.password  # stored hashed only
    # Residents' demo accounts keep the documented shared password.
    for username in RESIDENTS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_release_demo_rerun_keeps_staff_passwords_and_shows_none(capsys):
    first = printed_passwords(load_release_demo(capsys))
    second_output = load_release_demo(capsys)

    assert printed_passwords(second_output) == {}
    assert "unchanged (not the public demo password)" in second_output
    admin = User.objects.get(username="admin")
    assert admin.check_password(first["admin"])


@pytest.mark.django_db
def test_release_demo_replaces_a_public_password_left_by_an_earlier_demo(capsys):
    call_command("load_demo_data", "--learners", "0", "--courses", "0")
    capsys.readouterr()
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)

    passwords = printed_passwords(load_release_demo(capsys))

    assert sorted(passwords) == sorted(STAFF)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert not admin.check_password(DEMO_PASSWORD)
    assert admin.check_password(passwords["admin"])


def postgres_server_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.mark.skipif(postgres_server_url() is None, reason="bin/release runs against PostgreSQL")
def test_bin_release_prepares_a_fresh_production_database(tmp_path):
    """The release step, as a deploy runs it: on an empty database, then again."""
    server = urlsplit(postgres_server_url())
    name = f"manabi_release_check_{os.getpid()}"
    admin = psycopg.connect(urlunsplit(server._replace(path="/postgres")), autocommit=True)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    environment = {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "REDIS_URL", "AWS_", "MANABI_"))
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "release-check-" + "r" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": urlunsplit(server._replace(path=f"/{name}")),
        "MANABI_BASE_URL": "https://example.org",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    try:
        for _ in range(2):  # a second deploy of the same release changes nothing and passes
            result = subprocess.run(  # noqa: S603 - our own release script
                ["sh", str(ROOT / "bin" / "release")],  # noqa: S607
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        with psycopg.connect(environment["DATABASE_URL"]) as database:
            tables = {
                row[0]
                for row in database.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            }
        assert {"manabi_cache", "django_migrations", "learners_badgeaward"} <= tables
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()
