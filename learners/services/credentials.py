"""Keys and secrets for external xAPI tools (HTTP Basic)."""

import datetime
import hashlib
import secrets

from django.utils import timezone

from learners.models import (
    XAPICredential,
)

# To the minute is enough: no write on every statement a tool sends.
CREDENTIAL_USE_PRECISION = datetime.timedelta(minutes=1)


def create_xapi_credential(user, *, label):
    """A key and secret for an external xAPI tool; return (credential, secret).

    The secret is random (256 bits), so a fast hash is enough to keep it safely.
    """
    secret = secrets.token_urlsafe(32)
    credential = XAPICredential.objects.create(
        user=user,
        label=label,
        key=secrets.token_hex(12),
        secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
    )
    return credential, secret


def authenticate_xapi_credential(key, secret):
    """The learner a key and secret belong to, or None."""
    credential = (
        XAPICredential.objects.select_related("user")
        .filter(key=key, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if credential is None:
        return None
    expected = hashlib.sha256(secret.encode()).hexdigest()
    if not secrets.compare_digest(expected, credential.secret_hash):
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > CREDENTIAL_USE_PRECISION:
        # To the minute is enough: no write on every statement a tool sends.
        XAPICredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential.user
