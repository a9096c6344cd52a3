"""Settings shared by every environment. dev, test and production extend them."""

import os
from pathlib import Path

import dj_database_url

from config.languages import LANGUAGES, register_filipino

CONFIG_DIR = Path(__file__).resolve().parent.parent
SITE_DIR = CONFIG_DIR.parent
BASE_DIR = SITE_DIR.parent

register_filipino()

INSTALLED_APPS = [
    # Manabi's own apps. Imports point one way: curriculum <- courses <- learners
    # <- opportunities; the shell (home, search) may read from all. outbox is
    # infrastructure under them all: it imports no domain app.
    "home",
    "search",
    "outbox",
    "curriculum",
    "courses",
    "learners",
    "opportunities",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Background tasks (django-tasks) and their database backend.
    "django_tasks",
    "django_tasks_db",
    # Accounts
    "allauth",
    "allauth.account",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [CONFIG_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Every form renders through our accessible field template (labels, help text
# and errors tied to their input).
FORM_RENDERER = "config.forms.ManabiFormRenderer"

WSGI_APPLICATION = "config.wsgi.application"

# A SQLite file beside the code unless DATABASE_URL names another database
# (PostgreSQL in CI and production).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# dumpdata/loaddata's JSON (home.serialization): log entries of deleted pages dumped
# with --natural-foreign as the ids they keep, moments to the microsecond. See
# docs/backup-restore.md.
SERIALIZATION_MODULES = {"json": "home.serialization"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "learners.password_validation.MaximumLengthValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Internationalisation: Japanese first; the language is part of every human
# page's URL (/, /en/, /pt-br/ ...), machine endpoints have none.
LANGUAGE_CODE = "ja"
LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "manabi_language"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ja", "日本語"), ("en", "English")]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [CONFIG_DIR / "static"]
# npm packages (h5p-standalone) are installed at set-up, never committed; their
# built files are served as static files under their package name.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
if (NODE_MODULES_DIR / "h5p-standalone" / "dist").is_dir():
    STATICFILES_DIRS.append(("h5p-standalone", NODE_MODULES_DIR / "h5p-standalone" / "dist"))
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The origin every absolute identifier the platform mints is built on (xAPI
# activity ids, Open Badges URLs). Never derived from a request's Host header.
MANABI_BASE_URL = os.environ.get("MANABI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Wagtail
WAGTAIL_SITE_NAME = "Manabi こまつSDGsまなびプラットフォーム"
WAGTAILADMIN_BASE_URL = MANABI_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Lesson videos (MP4/WebM) and their captions (WebVTT) are documents too.
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "mp4",
    "webm",
    "vtt",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024  # lesson videos
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No third-party requests from the admin (privacy, and the CSP allows none).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# Accounts (django-allauth). Adults sign in with their email address; a child
# account created later by a guardian or teacher has no email and signs in with
# its username, so both login methods are on.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_FORMS = {
    "signup": "learners.forms.LearnerSignupForm",
    "login": "learners.forms.LearnerLoginForm",
}
# Sign-up and password reset answer the same for every address, so nobody can
# learn who is registered. The "check your mail" page says plainly what each
# case receives (a confirmation link, or a mail that the address already has
# an account). Login failures stay rate-limited.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Manabi] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if MANABI_BASE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "learners:dashboard"
# Django's page everywhere, except that /xapi/statements explains a refusal as xAPI JSON.
CSRF_FAILURE_VIEW = "learners.xapi_views.csrf_failure"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Manabi <no-reply@manabi.komatsu.example>"
)

# Background work runs in the worker (`manage.py db_worker`, started by `make run` and
# run as its own process in production), queued in the database: it works on SQLite
# and PostgreSQL alike. Wagtail queues its reference-index and search updates here too.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Every email (allauth, Wagtail's workflow, badges) is stored in the outbox and sent by
# the worker with MANABI_DELIVERY_EMAIL_BACKEND, so no request waits for a mail server.
EMAIL_BACKEND = "outbox.backends.OutboxEmailBackend"
MANABI_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Pauses (seconds) before each new attempt after a failed delivery: 1 min, 5 min, 30
# min, 2 h. After the last one a message is marked failed (five attempts in all).
MANABI_OUTBOX_RETRY_DELAYS = [60, 300, 1800, 7200]

# Content security policy: everything comes from our own origin (no CDNs).
# Inline styles are allowed (Wagtail's admin and H5P content set them); inline
# scripts only in the admin (config.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # The one inline script h5p-standalone 3.8.2 writes into each player's
        # iframe, allowed by its hash alone (a browser test fails if it changes).
        "script-src": ["'self'", "'sha256-8CniZYrnO46q7MvZ3m08Wom1HH/ZhyXmm29kBKTV1rk='"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # Lesson videos may be YouTube (privacy-enhanced mode) or Vimeo players.
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    },
}

# Younger children get their account from a guardian or teacher (PRODUCT.md).
MANABI_MINIMUM_SELF_SIGNUP_AGE = 13

# How long a printed check-in poster's QR code stays valid.
MANABI_CHECK_IN_POSTER_VALID_DAYS = 365

# H5P packages (courses.h5p): caps checked from the ZIP directory before
# anything is inflated, and again on the bytes actually inflated. The largest
# real package we know unpacks to about 10 MB in 1,700 files.
MANABI_H5P_MAX_MEMBERS = 2_000
MANABI_H5P_MAX_MEMBER_BYTES = 50 * 1024 * 1024
MANABI_H5P_MAX_TOTAL_BYTES = 200 * 1024 * 1024
MANABI_H5P_MAX_COMPRESSION_RATIO = 100
# Production behind S3-compatible storage may send the player straight to the
# storage's URLs (a redirect) instead of streaming files through Django.
MANABI_H5P_REDIRECT_TO_STORAGE_URLS = (
    os.environ.get("MANABI_H5P_REDIRECT_TO_STORAGE_URLS", "") == "1"
)

# Open Badges 2.0: the issuer profile's defaults (editable in the admin's
# Settings → Badge issuer; empty fields there fall back to these).
MANABI_BADGE_ISSUER = {
    "name": "こまつSDGsまなびプラットフォーム（小松市 × 金沢大学）",
    "url": MANABI_BASE_URL + "/",
    "email": os.environ.get("MANABI_BADGE_ISSUER_EMAIL", "manabi@city.komatsu.example"),
    "description": (
        "小松市の自治体SDGsモデル事業として、小松市と金沢大学が運営する生涯学習プラットフォーム。"
        "Komatsu City and Kanazawa University's SDGs lifelong-learning platform."
    ),
}
