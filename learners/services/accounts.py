"""Accounts, consents and learner profiles."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from learners import roles
from learners.models import (
    ConsentPurpose,
    ConsentRecord,
    LearnerProfile,
)

# The version of the terms and privacy policy a consent refers to. Bump it when
# the texts change; earlier records keep the version they were given under.
CONSENT_POLICY_VERSION = "2026-11"
REQUIRED_CONSENTS = (ConsentPurpose.TERMS_AND_PRIVACY,)


@transaction.atomic
def create_account_with_verified_email(*, username, email, password=None, password_hash=None):
    """An account whose email address is already confirmed (made by staff or the demo).

    Give ``password`` in clear, or ``password_hash`` (from ``make_password``)
    to create many accounts without hashing the same password each time.
    """
    user = get_user_model()(username=username, email=email)
    if password_hash is not None:
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def current_consents(user):
    """The latest decision for every purpose the user has decided on: {purpose: bool}."""
    decisions = {}
    for record in ConsentRecord.objects.filter(user=user).order_by("recorded_at", "id"):
        decisions[record.purpose] = record.granted
    return decisions


def record_consents(user, decisions, *, source):
    """Record each decision that differs from the user's current one. Returns the new rows."""
    current = current_consents(user)
    records = [
        ConsentRecord(
            user=user,
            purpose=purpose,
            granted=granted,
            policy_version=CONSENT_POLICY_VERSION,
            source=source,
        )
        for purpose, granted in decisions.items()
        if current.get(purpose) != granted
    ]
    return ConsentRecord.objects.bulk_create(records)


@transaction.atomic
def register_learner(
    user,
    *,
    display_name,
    birth_year,
    district=None,
    languages=(),
    interests=(),
    consents,
    source=ConsentRecord.Source.SIGNUP,
):
    """Give a new account its learner profile, its consents and the Learner role.

    Guarantees: the profile, the consent records and the group membership are
    written together or not at all, and no profile exists without a recorded
    agreement to the terms and privacy policy.
    """
    for purpose in REQUIRED_CONSENTS:
        if not consents.get(purpose):
            raise ValueError(f"Consent {purpose!r} is required to register")
    profile = LearnerProfile.objects.create(
        user=user, display_name=display_name, birth_year=birth_year, district=district
    )
    profile.languages.set(languages)
    profile.interests.set(interests)
    record_consents(user, consents, source=source)
    add_to_role(user, roles.LEARNER)
    return profile


@transaction.atomic
def update_learner_profile(
    profile, *, display_name, birth_year, district, languages, interests, consents
):
    """Save the learner's edits and record any consent they changed."""
    profile.display_name = display_name
    profile.birth_year = birth_year
    profile.district = district
    profile.save()
    profile.languages.set(languages)
    profile.interests.set(interests)
    record_consents(profile.user, consents, source=ConsentRecord.Source.PROFILE)
    return profile


def add_to_role(user, role_name):
    if role_name not in roles.ROLES_BY_NAME:
        raise ValueError(f"Unknown role {role_name!r}")
    group, _ = Group.objects.get_or_create(name=role_name)
    user.groups.add(group)
