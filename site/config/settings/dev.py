"""Local development: `make run`. Never used in production."""

from .base import *  # noqa: F403

DEBUG = True
# A fixed key that is useless outside a developer's machine; production reads its own.
SECRET_KEY = "django-insecure-manabi-development-only-key"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Mail goes through the outbox like everywhere; the worker prints it in the terminal.
MANABI_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
