"""The learner's own profile at /me/profile/."""

import pytest
from django.utils import timezone

from learners.models import ConsentPurpose, ConsentRecord, District, LearnerProfile
from tests.factories import UserFactory, make_learner

pytestmark = pytest.mark.django_db


def profile_data(profile, **overrides):
    data = {
        "display_name": profile.display_name,
        "birth_year": str(profile.birth_year),
        "district": str(profile.district_id or ""),
        "languages": [str(pk) for pk in profile.languages.values_list("pk", flat=True)],
        "interests": [],
    }
    data.update(overrides)
    return data


def test_profile_requires_login(client, reference_data):
    response = client.get("/me/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/profile/")


def test_learner_edits_profile_and_changes_a_consent(client, reference_data):
    user = make_learner("sakura", display_name="小松 さくら")
    client.force_login(user)
    profile = user.learner_profile
    nata = District.objects.get(code="nata")

    response = client.post(
        "/me/profile/",
        profile_data(
            profile,
            display_name="小松 咲良",
            district=str(nata.pk),
            interests=["6", "14"],
            consent_opportunity_matching="on",
        ),
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.display_name == "小松 咲良"
    assert profile.district == nata
    assert sorted(profile.interests.values_list("number", flat=True)) == [6, 14]

    matching = ConsentRecord.objects.filter(
        user=user, purpose=ConsentPurpose.OPPORTUNITY_MATCHING
    ).get()
    assert matching.granted and matching.source == ConsentRecord.Source.PROFILE

    page = client.get("/me/profile/").content.decode()
    assert "プロフィールを保存しました。" in page
    assert 'name="consent_opportunity_matching" id="id_consent_opportunity_matching" checked' in (
        page.replace('type="checkbox" ', "")
    )

    # Saving again without changes records nothing new.
    client.post(
        "/me/profile/",
        profile_data(
            profile,
            display_name="小松 咲良",
            district=str(nata.pk),
            interests=["6", "14"],
            consent_opportunity_matching="on",
        ),
    )
    # terms at sign-up; matching granted and news declined on the first save
    assert ConsentRecord.objects.filter(user=user).count() == 3

    # Withdrawing is a new record; the history stays.
    client.post("/me/profile/", profile_data(profile, display_name="小松 咲良"))
    history = list(
        ConsentRecord.objects.filter(user=user, purpose=ConsentPurpose.OPPORTUNITY_MATCHING)
        .order_by("recorded_at", "id")
        .values_list("granted", flat=True)
    )
    assert history == [True, False]


def test_birth_year_in_the_future_is_refused(client, reference_data):
    user = make_learner("mirai", birth_year=1990)
    client.force_login(user)
    next_year = timezone.localdate().year + 1
    response = client.post(
        "/me/profile/", profile_data(user.learner_profile, birth_year=str(next_year))
    )
    assert response.status_code == 200
    assert "今年（" in response.content.decode()
    assert LearnerProfile.objects.get(user=user).birth_year == 1990


def test_birth_year_error_in_english(client, reference_data):
    user = make_learner("future", birth_year=1990)
    client.force_login(user)
    next_year = timezone.localdate().year + 1
    response = client.post(
        "/en/me/profile/", profile_data(user.learner_profile, birth_year=str(next_year))
    )
    assert "The birth year cannot be later than this year" in response.content.decode()


def test_account_without_profile_completes_it(client, reference_data):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/me/")["Location"] == "/me/profile/"
    response = client.post(
        "/me/profile/",
        {"display_name": "粟津 温", "birth_year": "1950", "consent_terms_and_privacy": "on"},
    )
    assert response.status_code == 302
    profile = LearnerProfile.objects.get(user=user)
    assert profile.life_stage.slug == "senior"
    terms = ConsentRecord.objects.get(user=user, purpose=ConsentPurpose.TERMS_AND_PRIVACY)
    assert terms.granted and terms.source == ConsentRecord.Source.PROFILE


def test_dashboard_greets_the_learner_by_name(
    client, reference_data, django_assert_max_num_queries
):
    user = make_learner("greet", display_name="那谷 結衣", birth_year=2010)
    client.force_login(user)
    with django_assert_max_num_queries(20):
        html = client.get("/me/").content.decode()
    assert "ようこそ、那谷 結衣さん" in html
    assert "高校生" in html or "中学生" in html
