"""Production settings: what they refuse, and what `check --deploy` says of them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import get_language_info

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_URL", "AWS_", "DATABASE_URL", "MANABI_"))
    }
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# A complete production environment; each test removes or spoils one part of it.
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "k3y" * 20,
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "postgres://manabi@127.0.0.1:5432/manabi",
    "MANABI_BASE_URL": "https://example.org",
}


def production_environment(**changes):
    environment = {**PRODUCTION_ENVIRONMENT, **changes}
    return {name: value for name, value in environment.items() if value is not None}


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is not set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS is not set"),
        ("DATABASE_URL", "DATABASE_URL is not set"),
        ("MANABI_BASE_URL", "MANABI_BASE_URL is not set"),
    ],
)
def test_production_refuses_each_missing_variable_by_name(missing, message):
    result = run_manage("check", env_overrides=production_environment(**{missing: None}))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Production settings refuse to start" in result.stderr


def test_production_names_every_missing_variable_at_once():
    result = run_manage(
        "check", env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.production"}
    )
    assert result.returncode != 0
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "MANABI_BASE_URL"):
        assert f"{name} is not set" in result.stderr


def test_production_refuses_a_sqlite_database():
    result = run_manage(
        "check", env_overrides=production_environment(DATABASE_URL="sqlite:////tmp/manabi.db")
    )
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_production_refuses_a_base_url_without_https():
    result = run_manage(
        "check", env_overrides=production_environment(MANABI_BASE_URL="http://127.0.0.1:8000")
    )
    assert result.returncode != 0
    assert "MANABI_BASE_URL must start with https://" in result.stderr


def production_setting(expression, **changes):
    """Evaluate ``expression`` on django.conf.settings under production settings."""
    code = f"import django;django.setup();from django.conf import settings;print({expression})"
    result = subprocess.run(  # noqa: S603 - our own interpreter with fixed code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **{
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL", "MANABI_"))
            },
            "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
            **production_environment(**changes),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_mints_ids_from_the_configured_origin():
    printed = production_setting(
        "settings.MANABI_BASE_URL, settings.WAGTAILADMIN_BASE_URL,"
        " settings.MANABI_BADGE_ISSUER['url'], settings.CSRF_TRUSTED_ORIGINS",
        MANABI_BASE_URL="https://manabi.city.komatsu.example/",
    )
    assert printed == (
        "https://manabi.city.komatsu.example https://manabi.city.komatsu.example"
        " https://manabi.city.komatsu.example/ ['https://manabi.city.komatsu.example']"
    )


def test_production_mail_goes_through_the_outbox_and_the_worker_delivers_over_smtp():
    printed = production_setting(
        "settings.EMAIL_BACKEND, settings.MANABI_DELIVERY_EMAIL_BACKEND,"
        " settings.TASKS['default']['BACKEND']"
    )
    assert printed.split() == [
        "outbox.backends.OutboxEmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        "django_tasks_db.DatabaseBackend",
    ]


def test_production_without_redis_shares_a_database_cache():
    printed = production_setting(
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'],"
        " settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['CONN_MAX_AGE']"
    )
    assert printed.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "manabi_cache",
        "django.db.backends.postgresql",
        "60",
    ]


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "k3y" * 20,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": "postgres://manabi@127.0.0.1:5432/manabi",
            "MANABI_BASE_URL": "https://example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_uses_redis_for_cache_and_sessions_when_configured():
    code = (
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE,"
        " settings.STORAGES['staticfiles']['BACKEND'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": "postgres://manabi@127.0.0.1:5432/manabi",
            "MANABI_BASE_URL": "https://example.org",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_languages_and_time_zone():
    assert settings.LANGUAGE_CODE == "ja"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en", "pt-br", "vi", "zh-hans", "fil"]
    assert settings.TIME_ZONE == "Asia/Tokyo" and settings.USE_TZ
    assert settings.WAGTAIL_I18N_ENABLED
    assert get_language_info("fil")["name_local"] == "Filipino"


@pytest.mark.django_db
def test_content_security_policy_is_sent(client):
    def directives(path):
        policy = client.get(path).headers["Content-Security-Policy"]
        return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())

    public = directives("/healthz")
    assert public["default-src"] == "'self'"
    assert public["object-src"] == "'none'"
    # No inline scripts on the public site but the H5P player's bootstrap, by hash.
    assert public["script-src"].split() == [
        "'self'",
        "'sha256-8CniZYrnO46q7MvZ3m08Wom1HH/ZhyXmm29kBKTV1rk='",
    ]
    assert directives("/cms/login/")["script-src"] == "'self' 'unsafe-inline'"
