"""Awarding, revoking and sharing badges."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.models import (
    BadgeAward,
)

# Badges ------------------------------------------------------------------------


class BadgeNotAwardable(Exception):
    """The badge is inactive, or the learner already holds it revoked."""


def is_child(user):
    """Children (under the self sign-up age, or without an email address of their own)
    have their badges published only once a guardian shares them."""
    profile = getattr(user, "learner_profile", None)
    if profile is not None and profile.birth_year:
        if profile.age_this_year < settings.MANABI_MINIMUM_SELF_SIGNUP_AGE:
            return True
    return not user.email


def award_badge(user, badge, *, awarded_by=None, narrative="", evidence_url="", issued_on=None):
    """Award ``badge`` to ``user`` once; return (award, created).

    Idempotent, also under concurrent calls (a unique constraint decides). A new award is
    announced in-app (until the learner has seen it) and by email, after the commit.
    """
    if not badge.active:
        raise BadgeNotAwardable(_("This badge is no longer awarded."))
    existing = BadgeAward.objects.filter(user=user, badge=badge).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                user=user,
                badge=badge,
                awarded_by=awarded_by,
                narrative=narrative,
                evidence_url=evidence_url,
                recipient_email="" if is_child(user) else user.email,
                recipient_salt=secrets.token_hex(16),
                issued_on=issued_on or timezone.now(),
            )
    except IntegrityError:  # awarded by a concurrent call
        return BadgeAward.objects.get(user=user, badge=badge), False
    tell_learner_about_badge(award)  # into the outbox, in the caller's transaction
    return award, True


def tell_learner_about_badge(award):
    """Email the learner (when they have an address) about a new badge.

    The mail goes to the outbox and the worker delivers it, so a failing mail server never
    fails the award or the request behind it. ``notified_at`` is when the learner was told.
    """
    from learners.notifications import send_badge_email

    if award.user.email:
        send_badge_email(award)
    BadgeAward.objects.filter(pk=award.pk).update(notified_at=timezone.now())


def revoke_badge(award, *, reason):
    """Revoke an award with a reason shown to verifiers; idempotent."""
    if not reason or not reason.strip():
        raise ValueError(_("Give a reason for revoking the badge."))
    if award.revoked_at is None:
        award.revoked_at = timezone.now()
        award.revocation_reason = reason.strip()[:255]
        award.save(update_fields=["revoked_at", "revocation_reason"])
    return award


def set_badge_public(award, public):
    """The learner shows or hides one badge on a public page. Children's never go public."""
    if public and is_child(award.user):
        raise BadgeNotAwardable(_("Children's badges cannot be made public."))
    award.public = public
    award.save(update_fields=["public"])
    return award


def share_child_badge(award, *, identity_email, shared_by):
    """A guardian publishes a child's badge under an email address the guardian chooses."""
    if not identity_email:
        raise ValueError(_("Choose the email address the badge is issued to."))
    award.recipient_email = identity_email
    award.guardian_shared = True
    award.save(update_fields=["recipient_email", "guardian_shared"])
    return award


def award_badges_for_completion(user, course_key, *, completed_at=None):
    """Award every active badge whose rule ``complete_course`` just made true, dated
    when the course was completed."""
    from learners.badge_rules import badges_earned_after_completion

    return [
        award_badge(user, badge, issued_on=completed_at)[0]
        for badge in badges_earned_after_completion(user, course_key)
    ]
