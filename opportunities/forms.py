"""Forms of opportunities for learners: the matching profile at /me/matching-profile/."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from curriculum.models import SustainableDevelopmentGoal
from learners.forms import SustainableDevelopmentGoalChoiceField
from learners.models import District, SpokenLanguage
from opportunities.matching import PART_NAMES, PARTS_OF_DAY, WEEKDAY_NAMES
from opportunities.models import LanguageLevel
from opportunities.models.profiles import SLOT_CODES, WEEKDAY_CODES
from opportunities.services.profiles import TRAVEL_LIMIT_RANGE_KM, update_matching_profile

LANGUAGE_FIELD_PREFIX = "language_"


class MatchingProfileForm(forms.Form):
    """The learner's matching profile and their consent to offers.

    Each spoken language has a select of its own (``language_<code>``: not spoken, or a
    level); a posted language that is not on the list any more is refused, not ignored.
    """

    open_to_offers = forms.BooleanField(
        label=_("Coordinators may propose local activities to me"),
        help_text=_("You can withdraw this at any time on this page."),
        widget=forms.CheckboxInput(
            attrs={"aria-describedby": "what-coordinators-see id_open_to_offers_helptext"}
        ),
        required=False,
    )
    availability = forms.MultipleChoiceField(
        label=_("When I am usually free"),
        choices=[(code, code) for code in SLOT_CODES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a day and part of the day we know: choose from the grid."
            )
        },
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts I can go to"),
        queryset=District.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "district-choices"}),
        error_messages={
            "invalid_choice": _(
                "One of the districts you chose is not on our list: reload the page and "
                "choose again."
            ),
            "invalid_pk_value": _(
                "One of the districts you chose is not on our list: reload the page and "
                "choose again."
            ),
        },
    )
    travel_limit_km = forms.IntegerField(
        label=_("Or: how far I can travel (km)"),
        required=False,
        min_value=TRAVEL_LIMIT_RANGE_KM[0],
        max_value=TRAVEL_LIMIT_RANGE_KM[1],
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    interests = SustainableDevelopmentGoalChoiceField(
        label=_("SDGs I care about"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "sdg-choices"}),
        error_messages={
            "invalid_choice": _(
                "One of the SDGs you chose is not on our list: reload the page and choose again."
            ),
            "invalid_pk_value": _(
                "One of the SDGs you chose is not on our list: reload the page and choose again."
            ),
        },
    )

    def __init__(self, *args, user, home_district=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if home_district is not None:
            self.fields["travel_limit_km"].help_text = _(
                "Measured from your home district, %(district)s. Activities in the districts "
                "you ticked are always within reach. Tick no district and leave this empty "
                "to be proposed activities anywhere in Komatsu."
            ) % {"district": home_district}
        else:
            self.fields["travel_limit_km"].help_text = _(
                "A distance is measured from your home district, which your profile does not "
                "have yet: add it on your profile to use this. Tick no district and leave "
                "this empty to be proposed activities anywhere in Komatsu."
            )
        self.spoken_languages = list(SpokenLanguage.objects.all())
        level_choices = [("", _("I do not speak it")), *LanguageLevel.choices]
        initial_levels = {
            language.pk: level for language, level in self.initial.get("languages", ())
        }
        for language in self.spoken_languages:
            self.fields[LANGUAGE_FIELD_PREFIX + language.code] = forms.TypedChoiceField(
                label=str(language),
                choices=level_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=initial_levels.get(language.pk, ""),
                error_messages={
                    "invalid_choice": _("Choose a level for %(language)s from the list.")
                    % {"language": language}
                },
            )

    def language_fields(self):
        return [self[LANGUAGE_FIELD_PREFIX + language.code] for language in self.spoken_languages]

    def availability_grid(self):
        """Rows of the availability table: (day name, [(code, part name, checked)])."""
        chosen = set(self["availability"].value() or ())
        return [
            (
                day_name(),
                [
                    (f"{day}-{part}", PART_NAMES[part](), f"{day}-{part}" in chosen)
                    for part in PARTS_OF_DAY
                ],
            )
            for day, day_name in zip(WEEKDAY_CODES, WEEKDAY_NAMES, strict=True)
        ]

    def part_names(self):
        return [PART_NAMES[part]() for part in PARTS_OF_DAY]

    def clean(self):
        cleaned_data = super().clean()
        known = {LANGUAGE_FIELD_PREFIX + language.code for language in self.spoken_languages}
        unknown = sorted(
            name[len(LANGUAGE_FIELD_PREFIX) :]
            for name, value in self.data.items()
            if name.startswith(LANGUAGE_FIELD_PREFIX) and name not in known and value
        )
        if unknown:
            self.add_error(
                None,
                ValidationError(
                    _(
                        "The language “%(code)s” is not on our list: reload the page and "
                        "choose again."
                    ),
                    code="unknown_language",
                    params={"code": unknown[0]},
                ),
            )
        return cleaned_data

    def languages(self):
        return [
            (language, self.cleaned_data[LANGUAGE_FIELD_PREFIX + language.code])
            for language in self.spoken_languages
            if self.cleaned_data.get(LANGUAGE_FIELD_PREFIX + language.code)
        ]

    def save(self):
        """Save through ``update_matching_profile``; False (with the form's errors set)
        if the service refuses."""
        try:
            update_matching_profile(
                self.user,
                open_to_offers=self.cleaned_data["open_to_offers"],
                availability=self.cleaned_data["availability"],
                districts=self.cleaned_data["districts"],
                travel_limit_km=self.cleaned_data["travel_limit_km"],
                interests=self.cleaned_data["interests"],
                languages=self.languages(),
                acting_user=self.user,
            )
        except ValidationError as refusal:
            for field, messages in refusal.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return False
        return True
