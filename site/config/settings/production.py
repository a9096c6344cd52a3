"""Production: everything secret or site-specific comes from the environment.

Required (production refuses to start without them, naming each one missing):
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma-separated), DATABASE_URL (PostgreSQL)
and MANABI_BASE_URL (https://, the origin minted into permanent ids).
Optional: REDIS_URL (shared cache and sessions; without it the cache lives in the
database, so every process shares it), EMAIL_* (SMTP), AWS_STORAGE_BUCKET_NAME and
friends (S3-compatible media storage).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, MANABI_BADGE_ISSUER, STORAGES

# Every problem with the environment is collected, then reported at once: a
# deploy that lacks three variables should not take three attempts to find out.
environment_problems = []


def required_environment(name, explanation):
    value = os.environ.get(name, "").strip()
    if not value:
        environment_problems.append(f"{name} is not set. {explanation}")
    return value


SECRET_KEY = required_environment(
    "DJANGO_SECRET_KEY",
    "Set it to a long random value kept outside the repository "
    "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
)
ALLOWED_HOSTS = [
    host.strip()
    for host in required_environment(
        "DJANGO_ALLOWED_HOSTS", "List the host names the site answers to, comma-separated."
    ).split(",")
    if host.strip()
]

# Never the SQLite file of the base settings: inside a container it would be lost
# with the container, and each replica would have its own.
DATABASE_URL = required_environment(
    "DATABASE_URL",
    "Name the PostgreSQL database, e.g. postgres://manabi:PASSWORD@db.internal:5432/manabi.",
)
if DATABASE_URL and not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    environment_problems.append(
        "DATABASE_URL must name a PostgreSQL database (postgres://…); "
        f"got a {DATABASE_URL.split(':', 1)[0]!r} URL."
    )

# Minted into permanent identifiers (xAPI activity ids, badge assertions, baked
# PNGs, QR codes on printed posters): a wrong value cannot be taken back later.
MANABI_BASE_URL = required_environment(
    "MANABI_BASE_URL",
    "Set it to the public https:// origin of the site, e.g. https://manabi.city.komatsu.lg.jp.",
).rstrip("/")
if MANABI_BASE_URL and not MANABI_BASE_URL.startswith("https://"):
    environment_problems.append(
        f"MANABI_BASE_URL must start with https:// (got {MANABI_BASE_URL!r}): it is minted "
        "into badge assertions and activity ids that verifiers fetch."
    )

if environment_problems:
    raise ImproperlyConfigured(
        "Production settings refuse to start:\n- " + "\n- ".join(environment_problems)
    )

# What base.py derived from the same variable, set again from the checked value.
WAGTAILADMIN_BASE_URL = MANABI_BASE_URL
MANABI_BADGE_ISSUER = {**MANABI_BADGE_ISSUER, "url": MANABI_BASE_URL + "/"}
CSRF_TRUSTED_ORIGINS = [MANABI_BASE_URL]

# Keep database connections between requests (a new one costs more than most requests),
# checked before reuse. DATABASE_CONN_MAX_AGE=0 turns this off (e.g. behind PgBouncer).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEBUG = False

# Behind a TLS-terminating proxy (the load balancer in front of gunicorn).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Per-address limits (login failures, badge verification) count the client's address
# from X-Forwarded-For, behind this many proxies; 0 would make every visitor share the
# proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("MANABI_TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# SAMEORIGIN, not DENY: Wagtail's live preview and the H5P player frame pages
# of this same site. Other sites still cannot frame us (also CSP frame-ancestors).
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One cache shared by every process and replica (login throttling, badge pictures):
# Redis when given, else a table in the database (bin/release creates it). Never
# the per-process memory cache of the base settings.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "manabi",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "manabi_cache",
            "KEY_PREFIX": "manabi",
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Every mail (allauth's, Wagtail's workflow mails, badge news) is stored in the outbox
# by the request that sends it (base.py's EMAIL_BACKEND); the task worker delivers it
# over SMTP with retries. EMAIL_BACKEND in the environment names that delivery backend.
MANABI_DELIVERY_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"
EMAIL_TIMEOUT = 10
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", os.environ.get("DEFAULT_FROM_EMAIL", ""))

# Media (uploads, H5P content) on S3-compatible storage when a bucket is named.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": os.environ.get("AWS_QUERYSTRING_AUTH", "true").lower() == "true",
        },
    }
    media_origin = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or os.environ.get("AWS_S3_ENDPOINT_URL")
    if media_origin:
        if not media_origin.startswith("http"):
            media_origin = f"https://{media_origin}"
        for directive in ("img-src", "media-src", "connect-src", "font-src"):
            CONTENT_SECURITY_POLICY["DIRECTIVES"][directive].append(media_origin)
