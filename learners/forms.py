"""Forms for a learner's account and profile."""

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import LoginForm, SignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curriculum.models import SustainableDevelopmentGoal
from learners.models import (
    EARLIEST_BIRTH_YEAR,
    ConsentPurpose,
    ConsentRecord,
    District,
    SpokenLanguage,
)
from learners.services import accounts

# Django's own message ("Null characters are not allowed.") is translated in its
# Japanese catalogue as "enter some characters", which tells a resident nothing.
# A NUL usually arrives by pasting; say what it is and what to do.
NULL_CHARACTER_VALIDATOR = ProhibitNullCharactersValidator(
    message=_(
        "This field contains an invisible control character (NUL). Please remove it, "
        "for example by typing the text again instead of pasting it."
    )
)


class ClearNullCharacterMessageMixin:
    """Every text field of the form refuses a NUL character with our message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Each form instance holds its own copy of the field and its validator list.
            field.validators = [
                NULL_CHARACTER_VALIDATOR
                if isinstance(validator, ProhibitNullCharactersValidator)
                else validator
                for validator in field.validators
            ]


class SustainableDevelopmentGoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.name}"


class LearnerProfileFieldsMixin(ClearNullCharacterMessageMixin, forms.Form):
    """The profile fields shared by the sign-up form and the profile page."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("The name shown on the site and on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        help_text=_("For example 1985. Used to suggest courses for your life stage."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("Not in Komatsu / prefer not to say"),
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages you speak"),
        queryset=SpokenLanguage.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interests = SustainableDevelopmentGoalChoiceField(
        label=_("SDGs you are interested in"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "sdg-choices"}),
    )
    consent_opportunity_matching = forms.BooleanField(
        label=_("Coordinators may suggest local activities to me, based on my profile and badges."),
        required=False,
    )
    consent_news_email = forms.BooleanField(
        label=_("Send me news about courses and events by email."),
        required=False,
    )

    optional_consents = {
        "consent_opportunity_matching": ConsentPurpose.OPPORTUNITY_MATCHING,
        "consent_news_email": ConsentPurpose.NEWS_EMAIL,
    }

    def clean_birth_year(self):
        birth_year = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if birth_year > this_year:
            raise forms.ValidationError(
                _("The birth year cannot be later than this year (%(year)s)."),
                code="future_birth_year",
                params={"year": this_year},
            )
        if birth_year < EARLIEST_BIRTH_YEAR:
            raise forms.ValidationError(
                _("Enter a birth year from %(year)s on."),
                code="implausible_birth_year",
                params={"year": EARLIEST_BIRTH_YEAR},
            )
        minimum_age = settings.MANABI_MINIMUM_SELF_SIGNUP_AGE
        if this_year - birth_year < minimum_age:
            raise forms.ValidationError(
                _(
                    "Children under %(age)s get their account from a guardian or teacher. "
                    "Please ask them to set it up for you."
                ),
                code="too_young_for_own_account",
                params={"age": minimum_age},
            )
        return birth_year

    def consent_decisions(self):
        return {
            purpose: self.cleaned_data.get(field_name, False)
            for field_name, purpose in self.optional_consents.items()
        }

    def profile_values(self):
        return {
            "display_name": self.cleaned_data["display_name"],
            "birth_year": self.cleaned_data["birth_year"],
            "district": self.cleaned_data["district"],
            "languages": self.cleaned_data["languages"],
            "interests": self.cleaned_data["interests"],
        }


class TermsConsentMixin(forms.Form):
    consent_terms_and_privacy = forms.BooleanField(
        label=_("I have read and agree to the terms of use and the privacy policy."),
        required=True,
        error_messages={
            "required": _("Please agree to the terms of use and the privacy policy to continue.")
        },
    )

    def consent_decisions(self):
        decisions = super().consent_decisions()
        decisions[ConsentPurpose.TERMS_AND_PRIVACY] = self.cleaned_data["consent_terms_and_privacy"]
        return decisions


class LearnerSignupForm(TermsConsentMixin, LearnerProfileFieldsMixin, SignupForm):
    """allauth's sign-up form plus the learner profile and explicit consents."""

    field_order = [
        "email",
        "username",
        "password1",
        "password2",
        "display_name",
        "birth_year",
        "district",
        "languages",
        "interests",
        "consent_terms_and_privacy",
        "consent_opportunity_matching",
        "consent_news_email",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "username" in self.fields:
            self.fields["username"].required = False
            self.fields["username"].help_text = _(
                "Optional. You can sign in with your email address or with this name."
            )

    def save(self, request):
        # The account, its email address, the profile and the consents are
        # written together or not at all.
        with transaction.atomic():
            return super().save(request)

    def signup(self, _request, user):  # allauth's hook
        accounts.register_learner(
            user, consents=self.consent_decisions(), acting_user=user, **self.profile_values()
        )


class LearnerLoginForm(ClearNullCharacterMessageMixin, LoginForm):
    """allauth's login, letting accounts that have no email address at all in.

    Every adult verifies their email before the first login. A child's account,
    made by a guardian or teacher, has no email address by design, so there is
    nothing to verify: it signs in with its username.
    """

    def clean(self):
        cleaned_data = super().clean()
        login = getattr(self, "_login", None)
        if login is not None and not has_any_email_address(login.user):
            login.email_verification = allauth_settings.EmailVerificationMethod.NONE
        return cleaned_data


def has_any_email_address(user):
    return bool(user.email) or EmailAddress.objects.filter(user=user).exists()


class CompleteLearnerProfileForm(TermsConsentMixin, LearnerProfileFieldsMixin):
    """For an account made without a profile (staff created by hand, for example)."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def save(self):
        return accounts.register_learner(
            self.user,
            consents=self.consent_decisions(),
            source=ConsentRecord.Source.PROFILE,
            acting_user=self.user,
            **self.profile_values(),
        )


class LearnerProfileForm(LearnerProfileFieldsMixin):
    """The learner edits their own profile at /me/profile/."""

    def __init__(self, *args, profile, **kwargs):
        self.profile = profile
        consents = accounts.current_consents(profile.user)
        initial = {
            "display_name": profile.display_name,
            "birth_year": profile.birth_year,
            "district": profile.district,
            "languages": list(profile.languages.all()),
            "interests": list(profile.interests.all()),
            **{
                field_name: consents.get(purpose, False)
                for field_name, purpose in self.optional_consents.items()
            },
        }
        super().__init__(*args, initial=initial, **kwargs)

    def save(self):
        return accounts.update_learner_profile(
            self.profile,
            consents=self.consent_decisions(),
            acting_user=self.profile.user,
            **self.profile_values(),
        )
