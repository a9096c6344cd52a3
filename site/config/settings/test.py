"""Settings for the test suite (pytest). DATABASE_URL selects PostgreSQL in CI."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "manabi-test-suite-key-not-secret-at-all-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# A public https origin, as production requires: ids minted in tests look like real ones.
MANABI_BASE_URL = "https://manabi.example.jp"
WAGTAILADMIN_BASE_URL = MANABI_BASE_URL
MANABI_BADGE_ISSUER = {**MANABI_BADGE_ISSUER, "url": MANABI_BASE_URL + "/"}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail goes through the outbox as in production and is delivered to django.core.mail.outbox.
# Django's test set-up forces EMAIL_BACKEND to locmem; tests/conftest.py points it back
# at the outbox for every test.
EMAIL_BACKEND = "outbox.backends.OutboxEmailBackend"
MANABI_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks (mail delivery, Wagtail's reference index) run at once, inside the request, so
# tests see their effects without a worker. tests/outbox runs the real worker on the
# database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
ACCOUNT_RATE_LIMITS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
