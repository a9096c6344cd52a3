"""Settings for the benchmark server: production settings on a throwaway database.

DEBUG is off and the middleware is production's; what differs is only what a
local run needs (plain HTTP on localhost, a temporary media folder, static files
without a collectstatic manifest) and the URLs, which add one no-op view.
``benchmarks/xapi_ingest.py`` sets the environment variables read here.
"""

import os
import tempfile

import dj_database_url

# Production settings refuse to load without these; throwaway values for a local run.
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get(
        "MANABI_BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/manabi_benchmark"
    ),
)
# Ids minted during a benchmark are thrown away with its database.
os.environ.setdefault("MANABI_BASE_URL", "https://benchmark.invalid")

from config.settings.production import *  # noqa: E402, F403
from config.settings.production import STORAGES  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/manabi_benchmark"

DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "benchmarks.urls"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("MANABI_BENCHMARK_DATABASE_URL", DEFAULT_DATABASE_URL),
        # As in production (config.settings.production): connections are kept.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# Plain HTTP on localhost: no redirect to HTTPS, no HSTS.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_PROXY_SSL_HEADER = None

STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# H5P packages imported for the benchmark go to a temporary folder, never to media/.
MEDIA_ROOT = os.environ.get("MANABI_BENCHMARK_MEDIA_ROOT") or tempfile.gettempdir()

# Mail is stored in the outbox as in production (a completed course may announce a badge);
# none leaves a benchmark, since no worker runs and delivery would go nowhere.
MANABI_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
