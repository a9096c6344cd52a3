"""A learner's matching profile and their consent to be proposed to coordinators.

Whether a learner is open to offers is their ``ConsentPurpose.OPPORTUNITY_MATCHING``
consent (kept with their other consents in learners); it is off until they grant it.
Children are never open to offers in this release (``learners.services.badges.is_child``):
the page says so, ``update_matching_profile`` refuses, and the engine refuses again.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from curriculum.models import SustainableDevelopmentGoal
from learners.models import (
    ConsentPurpose,
    ConsentRecord,
    District,
    LearnerProfile,
    SpokenLanguage,
)
from learners.permissions import NotPermitted
from learners.services.accounts import record_consents
from learners.services.badges import is_child
from opportunities.models import LanguageLevel, MatchingProfile, ProfileLanguage
from opportunities.models.profiles import SLOT_CODES

TRAVEL_LIMIT_RANGE_KM = (1, 100)
# The level a language named on the learner profile (which records no level) starts at
# on the matching form; the learner sees it before anything is saved.
PREFILLED_LANGUAGE_LEVEL = LanguageLevel.CONVERSATIONAL


def is_open_to_offers(user):
    """The learner's latest decision on being proposed to coordinators (False if none)."""
    latest = (
        ConsentRecord.objects.filter(user=user, purpose=ConsentPurpose.OPPORTUNITY_MATCHING)
        .order_by("-recorded_at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(latest)


def matching_profile_initial(user):
    """What the matching form starts from, in ``update_matching_profile``'s terms.

    The saved matching profile if there is one; otherwise what the learner profile says
    (home district, languages at ``PREFILLED_LANGUAGE_LEVEL``, SDG interests), with no
    availability and no travel limit.
    """
    initial = {"open_to_offers": is_open_to_offers(user), "travel_limit_km": None}
    profile = (
        MatchingProfile.objects.filter(user=user)
        .prefetch_related("districts", "interests", "languages__language")
        .first()
    )
    if profile is not None:
        initial.update(
            availability=list(profile.availability),
            districts=list(profile.districts.all()),
            travel_limit_km=profile.travel_limit_km,
            interests=list(profile.interests.all()),
            languages=[(row.language, row.level) for row in profile.languages.all()],
        )
        return initial
    learner = (
        LearnerProfile.objects.select_related("district")
        .prefetch_related("languages", "interests")
        .filter(user=user)
        .first()
    )
    initial.update(
        availability=[],
        districts=[learner.district] if learner and learner.district else [],
        interests=list(learner.interests.all()) if learner else [],
        languages=(
            [(language, PREFILLED_LANGUAGE_LEVEL) for language in learner.languages.all()]
            if learner
            else []
        ),
    )
    return initial


def _pk(value):
    return getattr(value, "pk", value)


def _unknown(model, values):
    """The given instances or primary keys that are not rows of ``model``."""
    wanted = {_pk(value) for value in values}
    if None in wanted:
        return True
    found = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return bool(wanted - found)


def _validated(
    user, *, open_to_offers, availability, districts, travel_limit_km, interests, languages
):
    """Raise ValidationError (by field) for anything the profile cannot hold."""
    errors = {}
    if open_to_offers and is_child(user):
        errors["open_to_offers"] = _(
            "Children cannot receive offers of local activities yet. When guardians can "
            "agree for their children, this will be possible."
        )
    unknown_slots = [code for code in availability if code not in SLOT_CODES]
    if unknown_slots:
        errors["availability"] = _(
            "“%(slot)s” is not a day and part of the day we know: choose from the grid."
        ) % {"slot": unknown_slots[0]}
    if _unknown(District, districts):
        errors["districts"] = _(
            "One of the districts you chose is not on our list: reload the page and choose again."
        )
    if travel_limit_km is not None:
        low, high = TRAVEL_LIMIT_RANGE_KM
        if not low <= travel_limit_km <= high:
            errors["travel_limit_km"] = _(
                "Enter a distance from %(low)s to %(high)s km, or leave it empty."
            ) % {"low": low, "high": high}
        elif not _home_district_id(user):
            errors["travel_limit_km"] = _(
                "A travel limit is measured from your home district, and your profile "
                "has none yet: add it on your profile, or choose districts instead."
            )
    if _unknown(SustainableDevelopmentGoal, interests):
        errors["interests"] = _(
            "One of the SDGs you chose is not on our list: reload the page and choose again."
        )
    languages = list(languages)
    levels = {level for _language, level in languages}
    if not levels <= set(LanguageLevel.values):
        errors["languages"] = _("Choose a level for each language from the list.")
    elif _unknown(SpokenLanguage, [language for language, _level in languages]):
        errors["languages"] = _(
            "One of the languages you chose is not on our list: reload the page and choose again."
        )
    elif len({_pk(language) for language, _level in languages}) != len(languages):
        errors["languages"] = _("Give each language only one level.")
    if errors:
        raise ValidationError(errors)


def _home_district_id(user):
    profile = getattr(user, "learner_profile", None)
    return profile.district_id if profile is not None else None


@transaction.atomic
def update_matching_profile(
    user,
    *,
    open_to_offers,
    availability,
    districts,
    travel_limit_km,
    interests,
    languages,
    acting_user,
):
    """Save the learner's matching profile and their decision on being open to offers.

    ``availability`` are slot codes ("sat-morning"); ``districts`` and ``interests``
    District and SustainableDevelopmentGoal instances (or their primary keys);
    ``languages`` (SpokenLanguage, LanguageLevel) pairs. ``acting_user`` is the learner
    themself, or None for the platform.

    Guarantees: anything unknown or out of range raises ValidationError (messages by
    field, in the active language) and nothing is written; a child cannot be made open
    to offers; a consent record is written only when the decision changes (never having
    decided counts as "no"), with source PROFILE. Returns the MatchingProfile.
    """
    if acting_user is not None and acting_user != user:
        raise NotPermitted(_("Only the learner themself may do this."))
    availability = list(availability)
    districts, interests, languages = list(districts), list(interests), list(languages)
    _validated(
        user,
        open_to_offers=open_to_offers,
        availability=availability,
        districts=districts,
        travel_limit_km=travel_limit_km,
        interests=interests,
        languages=languages,
    )
    # One save of one person's profile at a time: a double submit cannot record the same
    # consent change twice (a no-op on SQLite, which writes one transaction at a time).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    chosen = set(availability)
    profile, _created = MatchingProfile.objects.update_or_create(
        user=user,
        defaults={
            "availability": [code for code in SLOT_CODES if code in chosen],
            "travel_limit_km": travel_limit_km,
        },
    )
    profile.districts.set([_pk(district) for district in districts])
    profile.interests.set([_pk(goal) for goal in interests])
    profile.languages.all().delete()
    ProfileLanguage.objects.bulk_create(
        ProfileLanguage(profile=profile, language_id=_pk(language), level=level)
        for language, level in languages
    )
    if is_open_to_offers(user) != bool(open_to_offers):
        record_consents(
            user,
            {ConsentPurpose.OPPORTUNITY_MATCHING: bool(open_to_offers)},
            source=ConsentRecord.Source.PROFILE,
            acting_user=acting_user,
        )
    return profile
