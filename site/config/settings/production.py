"""Production: everything secret or site-specific comes from the environment.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma-separated), DATABASE_URL.
Optional: REDIS_URL (cache and sessions), MANABI_BASE_URL, EMAIL_* (SMTP),
AWS_STORAGE_BUCKET_NAME and friends (S3-compatible media storage).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, DATABASES, MANABI_BASE_URL, STORAGES


def required_environment(name, explanation):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {explanation} Production settings refuse to start without it."
        )
    return value


DEBUG = False
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
CSRF_TRUSTED_ORIGINS = [MANABI_BASE_URL] if MANABI_BASE_URL.startswith("https://") else []

# Keep database connections between requests (a new one costs more than most requests),
# checked before reuse. DATABASE_CONN_MAX_AGE=0 turns this off (e.g. behind PgBouncer).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Behind a TLS-terminating proxy (the load balancer in front of gunicorn).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "manabi",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# allauth's mails (verification, password reset) go out over SMTP.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
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
