"""The learner's matching profile at /me/matching-profile/ and their consent to offers.

Texts are asserted on the English pages (/en/...): the Japanese page shows the same
messages once the catalogue has them.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curriculum.models import SustainableDevelopmentGoal
from learners.models import ConsentPurpose, ConsentRecord, District, SpokenLanguage
from learners.permissions import NotPermitted
from opportunities.models import LanguageLevel, MatchingProfile
from opportunities.services.profiles import (
    is_open_to_offers,
    matching_profile_initial,
    update_matching_profile,
)
from tests.factories import make_learner

pytestmark = pytest.mark.django_db

PAGE = "/me/matching-profile/"
PAGE_EN = "/en/me/matching-profile/"


def matching_records(user):
    return list(
        ConsentRecord.objects.filter(user=user, purpose=ConsentPurpose.OPPORTUNITY_MATCHING)
        .order_by("recorded_at", "id")
        .values_list("granted", "source")
    )


def form_data(**overrides):
    data = {
        "availability": ["sat-morning", "sun-afternoon"],
        "districts": [str(District.objects.get(code="kiba").pk)],
        "travel_limit_km": "",
        "interests": [str(SustainableDevelopmentGoal.objects.get(number=6).pk)],
        "language_ja": str(LanguageLevel.FLUENT),
        "language_pt": str(LanguageLevel.BASIC),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_child():
    return make_learner(birth_year=timezone.localdate().year - 10)


def checkbox_checked(html, name, value):
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"[^>]*>', html)
    assert tag, f"no {name}={value} checkbox"
    return " checked" in tag.group(0)


def consent_checked(html):
    tag = re.search(r'<input[^>]*name="open_to_offers"[^>]*>', html)
    assert tag, "no consent checkbox"
    return " checked" in tag.group(0)


def selected_level(html, field_name):
    select = re.search(rf'<select name="{field_name}".*?</select>', html, re.S)
    assert select, f"no select {field_name}"
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


def test_the_page_requires_login(client, reference_data):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/matching-profile/")


def test_consent_is_off_by_default(client, reference_data):
    user = make_learner("default-off")
    client.force_login(user)

    html = client.get(PAGE_EN).content.decode()

    assert "Coordinators may propose local activities to me" in html
    assert not consent_checked(html)
    assert is_open_to_offers(user) is False
    assert matching_records(user) == []


def test_saving_with_consent_records_it_once(client, reference_data):
    user = make_learner("opts-in")
    client.force_login(user)

    response = client.post(PAGE_EN, form_data(open_to_offers="on"))

    assert response.status_code == 302 and response["Location"] == "/en/me/"
    assert matching_records(user) == [(True, ConsentRecord.Source.PROFILE)]
    profile = MatchingProfile.objects.get(user=user)
    assert profile.availability == ["sat-morning", "sun-afternoon"]
    assert [d.code for d in profile.districts.all()] == ["kiba"]
    assert list(profile.interests.values_list("number", flat=True)) == [6]
    assert sorted(profile.languages.values_list("language__code", "level")) == [
        ("ja", LanguageLevel.FLUENT),
        ("pt", LanguageLevel.BASIC),
    ]
    dashboard = client.get("/en/me/").content.decode()
    assert "Coordinators may propose local activities to you." in dashboard  # the message

    # The same form again: the profile is saved, no new consent row.
    client.post(PAGE_EN, form_data(open_to_offers="on"))
    assert matching_records(user) == [(True, ConsentRecord.Source.PROFILE)]
    assert consent_checked(client.get(PAGE).content.decode())


def test_saving_without_ever_consenting_records_nothing(client, reference_data):
    user = make_learner("never")
    client.force_login(user)

    response = client.post(PAGE, form_data())

    assert response.status_code == 302
    assert MatchingProfile.objects.filter(user=user).exists()
    assert matching_records(user) == []


def test_withdrawing_records_a_withdrawn_row(client, reference_data):
    user = make_learner("withdraws")
    client.force_login(user)
    client.post(PAGE, form_data(open_to_offers="on"))

    response = client.post(PAGE_EN, form_data())

    assert response.status_code == 302
    assert [granted for granted, _source in matching_records(user)] == [True, False]
    assert is_open_to_offers(user) is False
    assert "Coordinators will not propose activities to you." in (
        client.get("/en/me/").content.decode()
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"language_xx": "2"},
            "The language “xx” is not on our list: reload the page and choose again.",
        ),
        (
            {"districts": ["999999"]},
            "One of the districts you chose is not on our list: reload the page and choose again.",
        ),
        (
            {"availability": ["sat-morning", "caturday-morning"]},
            "“caturday-morning” is not a day and part of the day we know: choose from the grid.",
        ),
        ({"language_ja": "7"}, "Choose a level for Japanese (日本語) from the list."),
    ],
    ids=["language", "district", "slot", "level"],
)
def test_unknown_choices_are_refused_and_nothing_changes(
    client, reference_data, overrides, message
):
    user = make_learner("refused")
    client.force_login(user)

    response = client.post(PAGE_EN, form_data(open_to_offers="on", **overrides))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Please correct the errors below." in html
    assert not MatchingProfile.objects.filter(user=user).exists()
    assert matching_records(user) == []
    # What the learner ticked is still ticked, to correct and send again.
    assert checkbox_checked(html, "availability", "sat-morning")


def test_an_invalid_post_leaves_a_saved_profile_as_it_was(client, reference_data):
    user = make_learner("keeps")
    client.force_login(user)
    client.post(PAGE, form_data(open_to_offers="on"))

    client.post(PAGE, form_data(availability=["mon-evening"], districts=["999999"]))

    profile = MatchingProfile.objects.get(user=user)
    assert profile.availability == ["sat-morning", "sun-afternoon"]
    assert matching_records(user) == [(True, ConsentRecord.Source.PROFILE)]


def test_the_service_refuses_unknown_things_and_writes_nothing(reference_data):
    user = make_learner("service")
    ja = SpokenLanguage.objects.get(code="ja")
    valid = {
        "open_to_offers": True,
        "availability": ["sat-morning"],
        "districts": [District.objects.get(code="kiba")],
        "travel_limit_km": None,
        "interests": [],
        "languages": [(ja, LanguageLevel.FLUENT)],
        "acting_user": user,
    }
    gone_language = SpokenLanguage(pk=999999, code="xx")
    for field, value in [
        ("languages", [(gone_language, LanguageLevel.BASIC)]),
        ("districts", [999999]),
        ("availability", ["sat-night"]),
        ("languages", [(ja, 9)]),
        ("travel_limit_km", 500),
    ]:
        with pytest.raises(ValidationError) as refusal:
            update_matching_profile(user, **{**valid, field: value})
        assert list(refusal.value.message_dict) == [field]
    assert not MatchingProfile.objects.filter(user=user).exists()
    assert matching_records(user) == []

    with pytest.raises(NotPermitted):
        update_matching_profile(user, **{**valid, "acting_user": make_learner("someone")})
    assert matching_records(user) == []


def test_a_travel_limit_needs_a_home_district(client, reference_data):
    user = make_learner("nowhere", district_code="none")
    client.force_login(user)

    html = client.post(PAGE_EN, form_data(districts=[], travel_limit_km="5")).content.decode()

    assert "A travel limit is measured from your home district" in html
    assert not MatchingProfile.objects.filter(user=user).exists()


def test_the_form_is_prefilled_from_the_learner_profile(client, reference_data):
    user = make_learner("prefill", district_code="ataka")
    learner = user.learner_profile
    learner.languages.set(SpokenLanguage.objects.filter(code__in=["ja", "vi"]))
    learner.interests.set(SustainableDevelopmentGoal.objects.filter(number__in=[11, 14]))
    client.force_login(user)

    html = client.get(PAGE_EN).content.decode()

    assert "We filled in your district, languages and SDGs from your profile." in html
    ataka = District.objects.get(code="ataka")
    assert checkbox_checked(html, "districts", str(ataka.pk))
    assert not checkbox_checked(html, "districts", str(District.objects.get(code="kiba").pk))
    for number in (11, 14):
        goal = SustainableDevelopmentGoal.objects.get(number=number)
        assert checkbox_checked(html, "interests", str(goal.pk))
    assert selected_level(html, "language_ja") == str(LanguageLevel.CONVERSATIONAL)
    assert selected_level(html, "language_vi") == str(LanguageLevel.CONVERSATIONAL)
    assert selected_level(html, "language_en") == ""
    assert not checkbox_checked(html, "availability", "sat-morning")

    # Once saved, the page shows the saved profile, not the learner profile.
    client.post(PAGE, form_data())
    html = client.get(PAGE_EN).content.decode()
    assert "We filled in" not in html
    assert checkbox_checked(html, "districts", str(District.objects.get(code="kiba").pk))
    assert not checkbox_checked(html, "districts", str(ataka.pk))
    assert selected_level(html, "language_ja") == str(LanguageLevel.FLUENT)
    assert checkbox_checked(html, "availability", "sat-morning")


def test_initial_values_come_from_the_learner_profile(reference_data):
    user = make_learner("initial", district_code="nata")
    user.learner_profile.languages.set(SpokenLanguage.objects.filter(code="en"))

    initial = matching_profile_initial(user)

    assert initial["open_to_offers"] is False
    assert [district.code for district in initial["districts"]] == ["nata"]
    assert [(language.code, level) for language, level in initial["languages"]] == [
        ("en", LanguageLevel.CONVERSATIONAL)
    ]
    assert initial["availability"] == [] and initial["travel_limit_km"] is None


def test_a_child_sees_why_and_cannot_opt_in(client, reference_data):
    child = make_child()
    client.force_login(child)

    html = client.get(PAGE_EN).content.decode()
    assert "Offers of local activities are not open to children yet." in html
    assert "a guardian will be able to agree for their child" in html
    assert 'name="open_to_offers"' not in html

    response = client.post(PAGE_EN, form_data(open_to_offers="on"))
    assert response.status_code == 403
    assert not MatchingProfile.objects.filter(user=child).exists()
    assert matching_records(child) == []


def test_the_service_refuses_a_child_opting_in(reference_data):
    child = make_child()
    arguments = {
        "availability": ["sat-morning"],
        "districts": [],
        "travel_limit_km": None,
        "interests": [],
        "languages": [],
        "acting_user": child,
    }

    with pytest.raises(ValidationError) as refusal:
        update_matching_profile(child, open_to_offers=True, **arguments)

    assert list(refusal.value.message_dict) == ["open_to_offers"]
    assert not MatchingProfile.objects.filter(user=child).exists()
    assert matching_records(child) == []


def test_the_dashboard_links_to_the_page_and_says_the_state(client, reference_data):
    user = make_learner("dashboard")
    client.force_login(user)

    html = client.get("/en/me/").content.decode()
    assert 'href="/en/me/matching-profile/"' in html
    assert "You are not open to offers" in html

    client.post(PAGE, form_data(open_to_offers="on"))
    html = client.get("/en/me/").content.decode()
    assert "You are open to offers" in html
    assert "You are not open to offers" not in html


def test_the_dashboard_tells_a_child_offers_are_not_for_children(client, reference_data):
    client.force_login(make_child())

    html = client.get("/en/me/").content.decode()

    assert "Offers of local activities are not open to children yet." in html


def test_the_dashboard_card_costs_the_same_queries_with_more_records(
    client, reference_data, django_assert_num_queries
):
    user = make_learner("queries")
    client.force_login(user)
    client.post(PAGE, form_data(open_to_offers="on"))
    client.get("/me/")  # shows and drops the "saved" message
    with CaptureQueriesContext(connection) as with_one_record:
        client.get("/me/")
    queries_with_one_record = len(with_one_record.captured_queries)  # before it is reset
    for _round in range(10):
        client.post(PAGE, form_data())
        client.post(PAGE, form_data(open_to_offers="on"))
    client.get("/me/")
    assert len(matching_records(user)) == 21

    with django_assert_num_queries(queries_with_one_record):
        html = client.get("/en/me/").content.decode()
    assert "You are open to offers" in html


def test_the_page_in_english_and_japanese(client, reference_data):
    user = make_learner("bilingual")
    client.force_login(user)

    english = client.get(PAGE_EN)
    japanese = client.get(PAGE)

    assert english.status_code == japanese.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert "My matching profile" in english.content.decode()
    assert "Saturday" in english.content.decode()
    assert '<html lang="ja">' in japanese.content.decode()
    assert "土曜" in japanese.content.decode() and "午前" in japanese.content.decode()


def test_the_availability_grid_is_a_table_with_headers_and_named_checkboxes(client, reference_data):
    client.force_login(make_learner("grid"))

    html = client.get(PAGE_EN).content.decode()

    table = re.search(r'<table class="availability-grid">.*?</table>', html, re.S).group(0)
    assert table.count('<th scope="col">') == 3
    assert table.count('<th scope="row">') == 7
    assert table.count('type="checkbox"') == 21
    assert '<span class="visually-hidden">Saturday morning</span>' in table
