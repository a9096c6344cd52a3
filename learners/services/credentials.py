"""Keys and secrets for external xAPI tools (HTTP Basic)."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learners import audit
from learners.models import (
    XAPICredential,
)
from learners.permissions import NotPermitted

# To the minute is enough: no write on every statement a tool sends.
CREDENTIAL_USE_PRECISION = datetime.timedelta(minutes=1)


def _refuse_unless_own(user_id, acting_user):
    """Only the learner manages their keys (None: the platform, e.g. the benchmark)."""
    if acting_user is not None and acting_user.pk != user_id:
        raise NotPermitted(_("Only the learner manages their xAPI apps."))


@transaction.atomic
def create_xapi_credential(user, *, label, acting_user):
    """A key and secret for an external xAPI tool; return (credential, secret).

    The secret is random (256 bits), so a fast hash is enough to keep it safely; it is
    returned here once and never stored, so nobody can show it again.
    """
    _refuse_unless_own(user.pk, acting_user)
    label = (label or "").strip()
    if not label:
        raise ValueError("An xAPI credential needs a label")
    secret = secrets.token_urlsafe(32)
    credential = XAPICredential.objects.create(
        user=user,
        label=label,
        key=secrets.token_hex(12),
        secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
    )
    audit.record(credential, audit.CREATE_XAPI_CREDENTIAL, acting_user=acting_user)
    return credential, secret


@transaction.atomic
def revoke_xapi_credential(credential, *, acting_user):
    """Revoke a key: from now on it authenticates nothing. Idempotent (the first
    revocation's time stands); only the learner, or the platform (None), may."""
    _refuse_unless_own(credential.user_id, acting_user)
    revoked = XAPICredential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    credential.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit.record(credential, audit.REVOKE_XAPI_CREDENTIAL, acting_user=acting_user)
    return credential


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
