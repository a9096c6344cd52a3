"""Awarding, revoking and sharing badges."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from learners import audit
from learners.models import (
    BadgeAward,
)
from learners.models.badges import now_to_the_second, to_the_second
from learners.permissions import NotPermitted

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


def child_accounts():
    """The accounts ``is_child`` is true for, as a queryset: the same rule, in SQL."""
    youngest_self_signup_birth_year = (
        timezone.localdate().year - settings.MANABI_MINIMUM_SELF_SIGNUP_AGE
    )
    return get_user_model().objects.filter(
        Q(email="") | Q(learner_profile__birth_year__gt=youngest_self_signup_birth_year)
    )


def check_awardable(user, badge):
    """Raise BadgeNotAwardable, saying why, if ``badge`` cannot be awarded to ``user``:
    it is no longer awarded, or the learner holds it revoked (a revocation stands)."""
    _refuse_unawardable(badge, BadgeAward.objects.filter(user=user, badge=badge).first())


def _refuse_unawardable(badge, existing_award):
    if not badge.active:
        raise BadgeNotAwardable(_("This badge is no longer awarded."))
    if existing_award is not None and existing_award.revoked:
        raise BadgeNotAwardable(
            _("This learner's award of this badge was revoked: it cannot be awarded again.")
        )


def award_badge(
    user,
    badge,
    *,
    acting_user=None,
    awarded_by=None,
    narrative="",
    evidence_url="",
    issued_on=None,
):
    """Award ``badge`` to ``user`` once; return (award, created).

    ``acting_user`` is the staff member awarding by hand, None when a rule awards it
    (``awarded_by`` is its older name). Idempotent, also under concurrent calls (a unique
    constraint decides). A new award is recorded in the audit log and announced in-app
    (until the learner has seen it) and by email.

    The award is dated ``issued_on`` (now by default) to the whole second, so restoring a
    backup (which keeps milliseconds only) never changes the issuedOn of a baked badge.
    """
    if awarded_by is not None and acting_user is not None and awarded_by != acting_user:
        raise ValueError("award_badge: give acting_user or awarded_by, not two different people")
    acting_user = acting_user or awarded_by
    existing = BadgeAward.objects.filter(user=user, badge=badge).first()
    _refuse_unawardable(badge, existing)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                user=user,
                badge=badge,
                awarded_by=acting_user,
                narrative=narrative,
                evidence_url=evidence_url,
                recipient_email="" if is_child(user) else user.email,
                recipient_salt=secrets.token_hex(16),
                issued_on=to_the_second(issued_on) if issued_on else now_to_the_second(),
            )
            audit.record(award, audit.AWARD_BADGE, acting_user=acting_user)
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


@transaction.atomic
def revoke_badge(award, *, reason, acting_user):
    """Revoke an award with a reason shown to verifiers; idempotent (a second revocation
    changes nothing and is not logged again)."""
    if not reason or not reason.strip():
        raise ValueError(_("Give a reason for revoking the badge."))
    if award.revoked_at is None:
        award.revoked_at = timezone.now()
        award.revoked_by = acting_user
        award.revocation_reason = reason.strip()[:255]
        award.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit.record(
            award,
            audit.REVOKE_BADGE,
            acting_user=acting_user,
            data={"reason": award.revocation_reason},
        )
    return award


@transaction.atomic
def set_badge_public(award, public, *, acting_user):
    """The learner shows or hides one badge on a public page. Children's never go public,
    and nobody but the learner decides."""
    if acting_user != award.user:
        raise NotPermitted(_("Only the learner decides whether their badge is public."))
    if public and is_child(award.user):
        raise BadgeNotAwardable(_("Children's badges cannot be made public."))
    if award.public != public:
        award.public = public
        award.save(update_fields=["public"])
        audit.record(
            award, audit.SHOW_BADGE if public else audit.HIDE_BADGE, acting_user=acting_user
        )
    return award


@transaction.atomic
def share_child_badge(award, *, identity_email, acting_user):
    """A guardian publishes their child's badge under an email address they choose.

    Refused (NotPermitted) unless ``acting_user`` is a guardian of the badge's learner
    and that learner is a child; refused (ValueError) for a missing or malformed address.
    """
    from learners.services.accounts import is_guardian_of

    if acting_user is None or not is_guardian_of(acting_user, award.user):
        raise NotPermitted(_("Only a guardian of the child may share the child's badge."))
    if not is_child(award.user):
        raise NotPermitted(_("Only a child's badge is shared by a guardian."))
    if award.revoked:
        raise BadgeNotAwardable(_("A revoked badge cannot be shared."))
    identity_email = (identity_email or "").strip()
    if not identity_email:
        raise ValueError(_("Choose the email address the badge is issued to."))
    try:
        validate_email(identity_email)
    except ValidationError as error:
        raise ValueError(_("Enter a valid email address for the badge.")) from error
    award.recipient_email = identity_email
    award.guardian_shared = True
    award.shared_by = acting_user
    award.save(update_fields=["recipient_email", "guardian_shared", "shared_by"])
    audit.record(award, audit.SHARE_CHILD_BADGE, acting_user=acting_user)
    return award


def award_badges_for_completion(user, course_key, *, completed_at=None):
    """Award every active badge whose rule ``complete_course`` just made true, dated
    when the course was completed (to the second, as every award)."""
    from learners.badge_rules import badges_earned_after_completion

    return [
        award_badge(user, badge, issued_on=completed_at)[0]
        for badge in badges_earned_after_completion(user, course_key)
    ]
