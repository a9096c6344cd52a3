"""Accounts, consents, learner profiles, roles and guardians.

Every write takes ``acting_user``: the person doing it (the learner themself, a guardian,
staff), or None for the platform (the demo loader, commands). It is kept with what it
wrote and in the audit log (``learners.audit``).
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from wagtail.log_actions import LogContext

from learners import audit, roles
from learners.models import (
    ConsentPurpose,
    ConsentRecord,
    Guardianship,
    LearnerProfile,
)
from learners.permissions import NotPermitted

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


def record_consents(user, decisions, *, source, acting_user):
    """Record each decision that differs from the user's current one, as given by
    ``acting_user``. Returns the new rows."""
    current = current_consents(user)
    records = [
        ConsentRecord(
            user=user,
            purpose=purpose,
            granted=granted,
            policy_version=CONSENT_POLICY_VERSION,
            source=source,
            given_by=acting_user,
        )
        for purpose, granted in decisions.items()
        if current.get(purpose) != granted
    ]
    return ConsentRecord.objects.bulk_create(records)


def _refuse_unless_self_or_platform(user, acting_user):
    if acting_user is not None and acting_user != user:
        raise NotPermitted(_("Only the learner themself may do this."))


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
    acting_user,
):
    """Give a new account its learner profile, its consents and the Learner role.

    ``acting_user`` is the account itself (signing up), or None for the platform.
    Guarantees: the profile, the consent records, the group membership and their audit
    entries are written together or not at all, and no profile exists without a
    recorded agreement to the terms and privacy policy.
    """
    _refuse_unless_self_or_platform(user, acting_user)
    for purpose in REQUIRED_CONSENTS:
        if not consents.get(purpose):
            raise ValueError(f"Consent {purpose!r} is required to register")
    profile = LearnerProfile.objects.create(
        user=user, display_name=display_name, birth_year=birth_year, district=district
    )
    profile.languages.set(languages)
    profile.interests.set(interests)
    record_consents(user, consents, source=source, acting_user=acting_user)
    audit.record(profile, audit.REGISTER_LEARNER, acting_user=acting_user)
    add_to_role(user, roles.LEARNER, acting_user=acting_user)
    return profile


@transaction.atomic
def update_learner_profile(
    profile, *, display_name, birth_year, district, languages, interests, consents, acting_user
):
    """Save the learner's edits and record any consent they changed (``acting_user`` is
    the learner themself)."""
    _refuse_unless_self_or_platform(profile.user, acting_user)
    profile.display_name = display_name
    profile.birth_year = birth_year
    profile.district = district
    profile.save()
    profile.languages.set(languages)
    profile.interests.set(interests)
    changed = record_consents(
        profile.user, consents, source=ConsentRecord.Source.PROFILE, acting_user=acting_user
    )
    audit.record(
        profile,
        audit.UPDATE_PROFILE,
        acting_user=acting_user,
        data={"consents_changed": sorted(record.purpose for record in changed)},
    )
    return profile


@transaction.atomic
def add_to_role(user, role_name, *, acting_user):
    """Put ``user`` in the role's group; the change is logged with ``acting_user``
    (by ``learners.audit.record_role_changes``, which logs every group change)."""
    if role_name not in roles.ROLES_BY_NAME:
        raise ValueError(f"Unknown role {role_name!r}")
    group, _created = Group.objects.get_or_create(name=role_name)
    with LogContext(user=acting_user):
        user.groups.add(group)


# Guardians ----------------------------------------------------------------------------


def is_guardian_of(guardian, child):
    return Guardianship.objects.filter(guardian=guardian, child=child).exists()


@transaction.atomic
def link_guardian(child, guardian, *, acting_user):
    """Record that ``guardian`` is a guardian of ``child``; return (guardianship, created).

    Idempotent. The guardian gets the Guardian role. Refused (ValueError) for one account
    twice, or a guardian who is a child themself (``badges.is_child``).
    """
    from learners.services.badges import is_child

    if guardian == child:
        raise ValueError(_("Nobody can be their own guardian."))
    if is_child(guardian):
        raise ValueError(_("A child cannot be a guardian."))
    existing = Guardianship.objects.filter(guardian=guardian, child=child).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            guardianship = Guardianship.objects.create(
                guardian=guardian, child=child, recorded_by=acting_user
            )
    except IntegrityError:  # linked by a concurrent call
        return Guardianship.objects.get(guardian=guardian, child=child), False
    audit.record(guardianship, audit.LINK_GUARDIAN, acting_user=acting_user)
    add_to_role(guardian, roles.GUARDIAN, acting_user=acting_user)
    return guardianship, True


@transaction.atomic
def unlink_guardian(child, guardian, *, acting_user):
    """End a guardianship; return whether there was one. Consents that guardian gave
    stop counting (``children_shared_by_guardians`` reads only current guardians')."""
    guardianship = Guardianship.objects.filter(guardian=guardian, child=child).first()
    if guardianship is None:
        return False
    audit.record(guardianship, audit.UNLINK_GUARDIAN, acting_user=acting_user, deleted=True)
    guardianship.delete()
    return True


def _latest_guardian_decision():
    """The granted flag of the latest decision on sharing the child's records given by
    someone who is still the child's guardian (for a queryset of child accounts)."""
    return Subquery(
        ConsentRecord.objects.filter(
            user=OuterRef("pk"),
            purpose=ConsentPurpose.CHILD_RECORDS_SHARED,
            given_by__guardianships_as_guardian__child=OuterRef("pk"),
        )
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )


def children_shared_by_guardians():
    """Accounts whose current guardian agreed (latest decision) that staff holding the
    permission may read their learning records."""
    return (
        get_user_model()
        .objects.annotate(guardian_decision=_latest_guardian_decision())
        .filter(guardian_decision=True)
    )


def guardian_consent_given(child):
    return children_shared_by_guardians().filter(pk=child.pk).exists()


@transaction.atomic
def record_guardian_consent(child, *, granted, acting_user):
    """A guardian decides whether staff may read the child's learning records.

    Refused (NotPermitted) unless ``acting_user`` is a guardian of the child. A decision
    equal to the one in force records nothing. Returns the new record or None.
    """
    guardianship = Guardianship.objects.filter(guardian=acting_user, child=child).first()
    if acting_user is None or guardianship is None:
        raise NotPermitted(_("Only a guardian of the child may decide this."))
    if guardian_consent_given(child) == granted:
        return None
    record = ConsentRecord.objects.create(
        user=child,
        purpose=ConsentPurpose.CHILD_RECORDS_SHARED,
        granted=granted,
        policy_version=CONSENT_POLICY_VERSION,
        source=ConsentRecord.Source.GUARDIAN,
        given_by=acting_user,
    )
    audit.record(
        guardianship, audit.GUARDIAN_CONSENT, acting_user=acting_user, data={"granted": granted}
    )
    return record
