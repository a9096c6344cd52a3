"""Factories for tests. Learners are made through learners.services, as real ones are."""

import itertools

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from learners import services
from learners.models import ConsentPurpose, District

TEST_PASSWORD = "komatsu-Kibagata-2026"
_learner_numbers = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    """An account without a learner profile (as `createsuperuser` makes)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"user{number}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.jp")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def make_learner(
    username=None,
    *,
    display_name="小松 花子",
    birth_year=1990,
    district_code="rojo",
    role=None,
    consents=None,
):
    """A user with a verified email, a learner profile and (optionally) another role."""
    username = username or f"learner{next(_learner_numbers)}"
    user = services.create_account_with_verified_email(
        username=username, email=f"{username}@example.jp", password=TEST_PASSWORD
    )
    services.register_learner(
        user,
        display_name=display_name,
        birth_year=birth_year,
        district=District.objects.filter(code=district_code).first(),
        consents=consents or {ConsentPurpose.TERMS_AND_PRIVACY: True},
    )
    if role:
        services.add_to_role(user, role)
    return user
