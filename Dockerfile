# syntax=docker/dockerfile:1
#
# Manabi production image.
#
#   docker build -t manabi .
#
# Runtime configuration comes from the environment, see
# site/config/settings/production.py: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
# DATABASE_URL (PostgreSQL) and MANABI_BASE_URL (https://) are required, and the
# settings refuse to load without them; REDIS_URL, EMAIL_*, AWS_* are optional.
#
# Release step, once per deploy and before the new web containers start (the web
# process never migrates): migrations and the database cache table, plus the demo
# data when MANABI_LOAD_DEMO=1 (staff demo accounts then get one-time random
# passwords, printed once by that run).
#   docker run --rm --env-file prod.env manabi /app/bin/release
#
# Web:
#   docker run --env-file prod.env -p 8000:8000 manabi
#
# Worker, always beside the web (same image and environment; one or more): delivers
# the outbox's mail with retries and runs Wagtail's background tasks. Without it mail
# stays queued and the reference and search indexes go stale. The image's health check
# asks the web server, so the worker runs without it:
#   docker run --no-healthcheck --env-file prod.env manabi /app/bin/worker

# --- Front-end packages: only h5p-standalone's built files reach the image.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
# h5p-standalone's preinstall hook demands yarn; it ships built files, no script needs to run.
RUN npm ci --ignore-scripts --no-audit --no-fund

# --- Python dependencies, in a venv copied whole into the runtime stage.
FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /build
# The project installs no code of its own (packages = []), only its dependencies:
# pyproject.toml alone keeps this layer cached across code changes.
COPY pyproject.toml ./
RUN pip install ".[production]"

# --- Runtime
FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app:/app/site \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000

# Japanese glyphs for the badge pictures drawn with Pillow (curriculum/badge_art.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Fixed uid/gid so volume ownership and Kubernetes runAsNonRoot checks are predictable.
RUN groupadd --system --gid 10001 manabi \
    && useradd --system --uid 10001 --gid manabi --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin manabi

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# Settings add this directory to STATICFILES_DIRS only when it exists.
COPY --from=assets /build/node_modules/h5p-standalone/dist /app/node_modules/h5p-standalone/dist
# Code stays owned by root: the app user can read it but not change it.
COPY . /app

# .mo files are not committed; Babel compiles them without GNU gettext.
RUN pybabel compile --domain=django --directory=locale --statistics

# Production settings refuse to load without these; throwaway values for this step
# only (collectstatic connects to no database), so nothing real persists in the image.
RUN DJANGO_SECRET_KEY=build-only-not-secret DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build-only@localhost/none MANABI_BASE_URL=https://build.invalid \
    python manage.py collectstatic --noinput

# Uploads normally go to S3 (AWS_STORAGE_BUCKET_NAME); this is for the local-disk case.
RUN mkdir -p /app/media && chown manabi:manabi /app/media

# Numeric, so runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8000

# /healthz is exempt from the HTTPS redirect but still needs an allowed Host: use
# the first DJANGO_ALLOWED_HOSTS entry (".example.com" -> "example.com", "*" -> localhost).
# 503 (database or cache down) marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c 'import os, urllib.request as u; h = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")[0].strip().lstrip("."); h = h if h not in ("", "*") else "localhost"; u.urlopen(u.Request("http://127.0.0.1:%s/healthz" % os.environ.get("PORT", "8000"), headers={"Host": h}), timeout=4)'

# Never migrates: see the release step above. exec so gunicorn gets SIGTERM directly.
# The TLS-terminating proxy in front sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:${PORT} --workers ${GUNICORN_WORKERS:-3} --access-logfile - --forwarded-allow-ips='*'"]
